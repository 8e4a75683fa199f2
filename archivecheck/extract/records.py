"""What extraction hands on: the letter's text and the links found in it, and the one error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from ..errors import InputError

Source = Literal["text", "hyperlink", "annotation"]


class UnreadableInput(InputError):
    """The input is not a letter we can read: binary data, a damaged .docx/.pdf, an encrypted PDF."""

    def __init__(self, message: str, *, name: str | None = None):
        super().__init__(f"{name}: {message}" if name else message)
        self.name = name


@dataclass(frozen=True)
class FoundLink:
    """A link as found in a letter.

    ``text``: exactly what the letter holds (for a link spread over lines, the text it spanned); for
    a hyperlink or annotation, its target. ``start``/``end``: offsets of the link (of a hyperlink's
    displayed text) in ``ExtractedText.text``, or None when a target has no place in the text.
    ``line``: 1-based line in the extracted text (in a PDF, the line within its page).
    ``page``: 1-based PDF page, else None. ``source``: ``text``, ``hyperlink`` (Word/HTML) or
    ``annotation`` (PDF). ``target_mismatch``: for a hyperlink whose displayed text is a different
    link than its target, that displayed text; else None.
    """

    text: str
    start: int | None
    end: int | None
    line: int | None
    page: int | None
    source: Source
    target_mismatch: str | None = None
    markup_target: bool = False  # the text is a markup link's target ("](…)", href): see textlinks.in_markup_target
    # Offsets in ``text`` of line-end hyphens that end a line far past the text's measure (no
    # typesetter's: see textlinks.hyphens_past_the_measure); repair_link(own_hyphens=) reads them so.
    own_hyphens: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExtractedText:
    """The readable text of a letter and the links found in it, in document order."""

    format: str
    text: str
    links: tuple[FoundLink, ...]
    # What could not be read although the letter could (a damaged footnotes part), one sentence each.
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reader:
    """One letter format: how to recognise it and how to read it.

    ``sniff(data, suffix)`` says whether ``data`` is this format (``suffix``: the file name's
    lower-case suffix, or ""); it may raise ``UnreadableInput`` for data that claims the format but
    is damaged. ``read(data, name)`` returns the ``ExtractedText``. ``binary`` readers are asked
    before the text readers, and before binary data is refused as "not a letter". ``max_bytes``:
    the largest letter of this format read (formats whose parsers cost more memory per byte of
    input get less, so that every format stays under ``limits.MEMORY_CEILING_MB``); None: the
    general ``limits.MAX_LETTER_BYTES``.
    """

    format: str
    sniff: Callable[[bytes, str], bool]
    read: Callable[[bytes, str | None], ExtractedText]
    binary: bool = False
    max_bytes: int | None = None
