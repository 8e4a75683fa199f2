"""PDF letters: the text layer page by page, and link annotations."""

from __future__ import annotations

import io
import logging
import re

from .records import ExtractedText, FoundLink, Reader, UnreadableInput
from .textscan import comparable, extract_text_links


def sniff(data: bytes, suffix: str) -> bool:
    if b"%PDF-" in data[:1024]:
        return True
    if suffix == "pdf" and data.strip():
        raise UnreadableInput("not a PDF (no %PDF- header)")
    return False


def read(data: bytes, name: str | None) -> ExtractedText:
    # pypdf logs its repairs of damaged files as warnings; the caller gets an exception or links,
    # never stray log lines on stderr.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return _read_pdf(data, name)
    finally:
        logger.setLevel(level)


def _read_pdf(data: bytes, name: str | None) -> ExtractedText:
    try:
        from pypdf import PdfReader  # lazy

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableInput("the PDF is encrypted", name=name)
        pages = list(reader.pages)
    except UnreadableInput:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise UnreadableInput(f"damaged PDF ({type(error).__name__})", name=name) from None
    texts: list[str] = []
    page_starts: list[int] = []
    annotations: list[FoundLink] = []
    problems: list[str] = []
    offset = 0
    for number, page in enumerate(pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception as error:  # one bad page (broken font, content stream, a decompression
            page_text = ""          # bomb pypdf stops at) must not lose the others, nor go unsaid
            problems.append(f"page {number}: its text could not be read ({type(error).__name__}); "
                            f"links in it are not listed")
        page_starts.append(offset)
        texts.append(page_text)
        offset += len(page_text) + 2
        try:
            _link_annotations(page, number, annotations)
        except Exception:  # a damaged annotation loses the page's later ones, not the letter
            continue
    text = "\n\n".join(texts)
    links = extract_text_links(text, page_starts=page_starts)
    # An annotation over text that already shows the same link adds nothing.
    shown = {(link.page, comparable(re.sub(r"\s+", "", link.text))) for link in links}
    extra = [a for a in annotations if (a.page, comparable(a.text)) not in shown]
    merged = sorted(links + extra, key=lambda link: (link.page or 0, link.start if link.start is not None else 1 << 62))
    return ExtractedText("pdf", text, tuple(merged), tuple(problems))


def _link_annotations(page, number: int, found: list[FoundLink]) -> None:
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else []
    for annot in annots or []:
        annot = annot.get_object()
        if annot.get("/Subtype") != "/Link":
            continue
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        uri = action.get("/URI") if action is not None else None
        if uri:
            uri = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
            found.append(FoundLink(uri, None, None, None, number, "annotation"))


READER = Reader("pdf", sniff=sniff, read=read, binary=True)
