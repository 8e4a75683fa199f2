"""Helpers every reader shares: decoding text, finding links in it, placing hyperlink targets."""

from __future__ import annotations

import bisect
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterable, Iterator

from ..grammar import ArchiveGrammar
from ..textlinks import hyphens_past_the_measure, in_markup_target, iter_link_spans
from .records import FoundLink, UnreadableInput

# The archives whose links the text scan recognises: a run-level setting (the registry compiled
# into a grammar), not a property of any format, so readers keep their (data, name) signature and
# ``extract_links`` sets it around one read. A context variable keeps concurrent reads apart.
_GRAMMAR: ContextVar[ArchiveGrammar | None] = ContextVar("archivecheck_grammar", default=None)


@contextmanager
def grammar_scope(grammar: ArchiveGrammar | None) -> Iterator[None]:
    """Find links of ``grammar``'s archives (None: the built-in ones) in reads within this block."""
    token = _GRAMMAR.set(grammar)
    try:
        yield
    finally:
        _GRAMMAR.reset(token)


def decode_text(data: bytes, name: str | None) -> str:
    """Bytes of a text letter as str: UTF-16 by its BOM, UTF-8 (BOM or not), else cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableInput("not valid UTF-16 text", name=name) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Letters saved on Windows: cp1252 maps every byte we are likely to meet; latin-1 the rest.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def extract_text_links(text: str, *, page_starts: list[int] | None = None) -> list[FoundLink]:
    """Links found in plain ``text``. With ``page_starts`` (offsets where pages begin), each link
    gets its page number and a line number counted from the start of its page."""
    links = []
    lines = LineCounter(text)
    for span in iter_link_spans(text, _GRAMMAR.get()):
        page = None
        line = span.line
        if page_starts:
            index = bisect.bisect_right(page_starts, span.start) - 1
            page = index + 1
            line = span.line - lines.line_at(page_starts[index]) + 1
        own = tuple(at - span.start for at in hyphens_past_the_measure(text, span.start, span.end))
        links.append(FoundLink(text[span.start : span.end], span.start, span.end, line, page, "text",
                               markup_target=in_markup_target(text, span.start), own_hyphens=own))
    return links


class LineCounter:
    """1-based line numbers of offsets in ``text``, counted on from the last offset asked about:
    callers ask in document order, so a letter's worth of questions costs one pass over it (a
    count from the start for each would be quadratic in a letter with many links)."""

    def __init__(self, text: str):
        self.text = text
        self.offset = 0
        self.line = 1

    def line_at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def rewrite(raw: str, spans: Iterable[tuple[int, int]], replacement: str) -> tuple[str, Callable[[int], int]]:
    """``raw`` with each of ``spans`` (sorted, not overlapping) replaced by ``replacement``, and a
    function mapping an offset in ``raw`` to the same place in the result (an offset inside a
    span goes to the same distance into its replacement, at most to its end)."""
    starts: list[int] = []
    ends: list[int] = []
    shift_before: list[int] = []  # how far the text before each span has moved
    pieces: list[str] = []
    shift = last = 0
    for start, end in spans:
        pieces += [raw[last:start], replacement]
        starts.append(start)
        ends.append(end)
        shift_before.append(shift)
        shift += len(replacement) - (end - start)
        last = end
    pieces.append(raw[last:])

    def where(offset: int) -> int:
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return offset
        if offset >= ends[index]:
            return offset + shift_before[index] + len(replacement) - (ends[index] - starts[index])
        return starts[index] + shift_before[index] + min(offset - starts[index], len(replacement))

    return "".join(pieces), where


_BLANKS = " \t\r\n"
_BLANK_RUN = re.compile(r"[ \t\r\n]*")


def spans_around(raw: str, mark: str) -> list[tuple[int, int]]:
    """Where each ``mark`` stands in ``raw`` with the spaces and line breaks on either side of it.
    Found by hand, not by one regular expression: ``[ \\n]*X`` retries from every blank of a long
    run, quadratic in a page of nested blocks (each of which ends with a line break)."""
    spans: list[tuple[int, int]] = []
    last = 0
    position = raw.find(mark)
    while position >= 0:
        start = last + len(raw[last:position].rstrip(_BLANKS))
        end = _BLANK_RUN.match(raw, position + len(mark)).end()
        spans.append((start, end))
        last = end
        position = raw.find(mark, end)
    return spans


_LINKISH = re.compile(r"^\s*(?:(?:https?|hxxps?)://|www\.)\S+", re.IGNORECASE)
_TARGET = re.compile(r"^(?:https?|hxxps?|ftp)://|^www\.", re.IGNORECASE)


def comparable(url: str) -> str:
    """A link reduced to what a reader compares: no scheme, no ``www.``, no trailing slash."""
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.rstrip("/")


def hyperlinks(text: str, anchors: Iterable[tuple[str, str, int | None, int | None]]) -> list[FoundLink]:
    """Records for (target, displayed text, start, end) hyperlinks, start/end being where the
    displayed text lies in ``text`` (None when it has no place there).

    A hyperlink whose displayed text is its own target adds nothing to the text scan and is left
    out; one that shows another link is flagged; one that shows words ("this link") is kept as is.
    """
    found = []
    lines = LineCounter(text)
    for target, shown, start, end in anchors:
        # An href inside a script or JSON string keeps its escaped quotes: href=\\"https://…\\".
        target = target.strip().strip("\\\"'")
        if not target or not _TARGET.match(target):
            continue
        if not shown.strip() or start is None:
            start = end = None
        mismatch = None
        if _LINKISH.match(shown):
            if comparable(re.sub(r"\s+", "", shown)) == comparable(target):
                continue
            mismatch = shown.strip()
        line = lines.line_at(start) if start is not None else None
        found.append(FoundLink(target, start, end, line, None, "hyperlink", mismatch))
    return found


def in_order(links: list[FoundLink]) -> tuple[FoundLink, ...]:
    """Links sorted by where they start; targets with no place in the text go last."""
    return tuple(sorted(links, key=lambda link: link.start if link.start is not None else 1 << 62))
