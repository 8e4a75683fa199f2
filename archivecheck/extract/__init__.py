"""Links out of letters: .txt, .md, .html, .docx, .pdf, .eml or text from stdin.

Each format is turned into plain text first (``ExtractedText.text``); links are then found in that
text by ``textlinks`` — the same rules whatever the format, so a link broken over lines is handed on
whole, as the text it spanned. Formats that carry link targets besides their text (a Word or HTML
hyperlink, a PDF link annotation) also yield those targets; where a hyperlink's displayed text names
a different link than its target, the record says so (``target_mismatch``): the reader sees one
link, a click opens another.

One module per format, each exporting a ``READER`` (how to recognise it, how to read it); the
registry below lists them in the order they are asked. A new format (``.odt``) is one module and
one line in ``READERS``. The format is detected from the bytes (``%PDF-``, a zip holding
``word/document.xml``, RFC 822 headers, HTML tags), the file name only breaking ties.
"""

from __future__ import annotations

from . import docx, eml, html, md, pdf, txt
from .eml import eml_attachments
from .limits import MEMORY_CEILING_MB, check_letter_size
from .records import ExtractedText, FoundLink, Reader, UnreadableInput
from .textscan import extract_text_links, grammar_scope

__all__ = [
    "FORMATS",
    "MEMORY_CEILING_MB",
    "READERS",
    "ExtractedText",
    "FoundLink",
    "Reader",
    "UnreadableInput",
    "detect_format",
    "eml_attachments",
    "extract_links",
    "extract_text_links",
]

# Asked in this order: containers recognised by their magic bytes first, then the text formats,
# plain text last (it claims whatever is left).
READERS: tuple[Reader, ...] = (pdf.READER, docx.READER, eml.READER, html.READER, md.READER, txt.READER)
FORMATS: tuple[str, ...] = tuple(reader.format for reader in READERS)

_LEGACY_OFFICE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _suffix(name: str | None) -> str:
    if not name or "." not in name:
        return ""
    return name.rsplit(".", 1)[1].lower()


def _check_not_binary(data: bytes, name: str | None) -> None:
    sample = data[:8192]
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return
    if b"\x00" in sample:
        raise UnreadableInput("binary data, not a letter (NUL bytes)", name=name)
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    if control > len(sample) // 20:
        raise UnreadableInput("binary data, not a letter", name=name)


def _detect_reader(data: bytes, name: str | None) -> Reader:
    suffix = _suffix(name)
    try:
        for reader in READERS:
            if reader.binary and reader.sniff(data, suffix):
                return reader
    except UnreadableInput as error:
        # A sniffer knows what is wrong with the data, not what the file is called.
        raise UnreadableInput(str(error), name=name) from None
    if data[:8] == _LEGACY_OFFICE:
        raise UnreadableInput("a legacy binary Word/Office file; save it as .docx or PDF", name=name)
    _check_not_binary(data, name)
    return next(reader for reader in READERS if not reader.binary and reader.sniff(data, suffix))


def detect_format(data: bytes, name: str | None = None) -> str:
    """Say which kind of letter ``data`` is: ``txt``, ``md``, ``html``, ``docx``, ``pdf`` or ``eml``.

    Content decides; the file name's suffix only separates text formats (``.md`` from ``.txt``).
    Raises ``UnreadableInput`` for binary data, a zip that is no Word document, a ``.docx`` that is
    not a zip, a ``.pdf`` without a PDF header, a legacy binary ``.doc``.
    """
    return _detect_reader(data, name).format


def extract_links(data: bytes, name: str | None = None, *, grammar=None) -> ExtractedText:
    """Find every link in a letter given as bytes (``name``: file name, if any, as a hint).

    Returns the letter's text and its links in document order. An empty input or a PDF with no text
    layer gives no links. Raises ``UnreadableInput`` (an ``InputError``) for data that is no letter,
    a damaged document, or one that would cost more than the caps in ``limits`` allow (reading any
    one letter stays under MEMORY_CEILING_MB). ``grammar``: the archives to recognise
    (``compile_grammar(registry)``); the built-in ones when None.
    """
    check_letter_size(data, name)
    if not data.strip():
        return ExtractedText("txt", "", ())
    reader = _detect_reader(data, name)
    if reader.max_bytes:
        check_letter_size(data, name, reader.max_bytes, f"a letter in {reader.format}")
    with grammar_scope(grammar):
        return reader.read(data, name)
