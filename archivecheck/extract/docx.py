"""Word letters (.docx): body paragraphs (tables included), then footnotes, endnotes, headers and
footers, with every hyperlink's target and HYPERLINK field."""

from __future__ import annotations

import io
import re
import zipfile

from .records import ExtractedText, Reader, UnreadableInput
from .textscan import extract_text_links, hyperlinks, in_order

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FIELD_URL = re.compile(r'HYPERLINK\s+"([^"]+)"', re.IGNORECASE)
_DOCX_EXTRA_PART = re.compile(r"^/word/(footnotes|endnotes|header\d*|footer\d*)\.xml$")


def sniff(data: bytes, suffix: str) -> bool:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return True
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise UnreadableInput(f"damaged zip archive ({error})") from None
        raise UnreadableInput("a zip archive but not a Word document")
    if suffix == "docx":
        raise UnreadableInput("not a Word document (not a zip archive)")
    return False


def _run_text(element) -> str:
    pieces = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}softHyphen"):
        tag = node.tag
        if tag == f"{_W}t":
            pieces.append(node.text or "")
        elif tag == f"{_W}tab":
            pieces.append("\t")
        elif tag == f"{_W}noBreakHyphen":
            pieces.append("\u2011")
        elif tag == f"{_W}softHyphen":
            pieces.append("\u00ad")
        else:
            pieces.append("\n")
    return "".join(pieces)


def _paragraphs(root, relationships, paragraphs: list[str], anchors: list, offset: int) -> int:
    """Append the text of every paragraph under `root`, and its hyperlinks; returns the new offset."""
    for paragraph in root.iter(f"{_W}p"):
        text = _run_text(paragraph)
        for link in paragraph.iter(f"{_W}hyperlink"):
            rid = link.get(_R_ID)
            target = ""
            if rid and rid in relationships and relationships[rid].is_external:
                target = relationships[rid].target_ref
            anchors.append((target, _run_text(link), offset))
        for instruction in paragraph.iter(f"{_W}instrText"):
            field = _FIELD_URL.search(instruction.text or "")
            if field:
                anchors.append((field.group(1), "", offset))
        paragraphs.append(text)
        offset += len(text) + 1
    return offset


def read(data: bytes, name: str | None) -> ExtractedText:
    try:
        import docx  # python-docx; lazy for a fast --help

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors … on damage
        raise UnreadableInput(f"damaged Word document ({type(error).__name__})", name=name) from None
    paragraphs: list[str] = []
    anchors: list[tuple[str, str, int]] = []
    # The body first (table cells included), then footnotes, endnotes, headers and footers: FOI
    # responses often cite their links in footnotes.
    sources = [(document.element.body, document.part.rels)]
    for part in document.part.package.iter_parts():
        if _DOCX_EXTRA_PART.match(str(part.partname)):
            try:
                from lxml import etree  # python-docx's own XML library

                sources.append((etree.fromstring(part.blob), part.rels))
            except Exception:  # a damaged footnote part should not hide the body's links
                continue
    offset = 0
    for root, relationships in sources:
        offset = _paragraphs(root, relationships, paragraphs, anchors, offset)
    text = "\n".join(paragraphs)
    links = extract_text_links(text) + hyperlinks(text, anchors)
    return ExtractedText("docx", text, in_order(links))


READER = Reader("docx", sniff=sniff, read=read, binary=True)
