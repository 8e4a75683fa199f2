"""Links out of letters: .txt, .md, .html, .docx, .pdf, .eml or text from stdin.

Each format is turned into plain text first (``ExtractedText.text``); links are then found in that
text by ``textlinks`` — the same rules whatever the format, so a link broken over lines is handed on
whole, as the text it spanned. Formats that carry link targets besides their text (a Word or HTML
hyperlink, a PDF link annotation) also yield those targets; where a hyperlink's displayed text names
a different link than its target, the record says so (``target_mismatch``): the reader sees one
link, a click opens another.

The format is detected from the bytes (``%PDF-``, a zip holding ``word/document.xml``, RFC 822
headers, HTML tags), the file name only breaking ties.
"""

from __future__ import annotations

import bisect
import email
import email.policy
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import Iterable, Literal

from .errors import InputError
from .textlinks import iter_link_spans

__all__ = [
    "FORMATS",
    "ExtractedText",
    "FoundLink",
    "UnreadableInput",
    "detect_format",
    "eml_attachments",
    "extract_links",
    "extract_text_links",
]

Format = Literal["txt", "md", "html", "docx", "pdf", "eml"]
Source = Literal["text", "hyperlink", "annotation"]
FORMATS: tuple[str, ...] = ("txt", "md", "html", "docx", "pdf", "eml")


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


@dataclass(frozen=True)
class ExtractedText:
    """The readable text of a letter and the links found in it, in document order."""

    format: Format
    text: str
    links: tuple[FoundLink, ...]


# --- format detection -----------------------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]?.*$")
_MAIL_HEADERS = (b"from", b"to", b"subject", b"date", b"mime-version", b"received", b"message-id", b"return-path", b"content-type")
_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div|a\s|table|br|span|meta)\b", re.IGNORECASE)
_MD_HINT = re.compile(r"^(?:#{1,6} |\s*[-*+] |\s*\d+\. |> )|\]\(|\*\*|\\_", re.MULTILINE)


def _suffix(name: str | None) -> str:
    if not name or "." not in name:
        return ""
    return name.rsplit(".", 1)[1].lower()


def _looks_like_mail(data: bytes) -> bool:
    head = data[:8192].replace(b"\r\n", b"\n")
    block = head.split(b"\n\n", 1)[0]
    lines = block.split(b"\n")
    if len(lines) < 2:
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # folded header
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return len(names.intersection(_MAIL_HEADERS)) >= 2


def _check_not_binary(data: bytes, name: str | None) -> None:
    sample = data[:8192]
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return
    if b"\x00" in sample:
        raise UnreadableInput("binary data, not a letter (NUL bytes)", name=name)
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    if control > len(sample) // 20:
        raise UnreadableInput("binary data, not a letter", name=name)


def detect_format(data: bytes, name: str | None = None) -> Format:
    """Say which kind of letter ``data`` is: ``txt``, ``md``, ``html``, ``docx``, ``pdf`` or ``eml``.

    Content decides; the file name's suffix only separates text formats (``.md`` from ``.txt``).
    Raises ``UnreadableInput`` for binary data, a zip that is no Word document, a ``.docx`` that is
    not a zip, a ``.pdf`` without a PDF header, a legacy binary ``.doc``.
    """
    suffix = _suffix(name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise UnreadableInput(f"damaged zip archive ({error})", name=name) from None
        raise UnreadableInput("a zip archive but not a Word document", name=name)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableInput("a legacy binary Word/Office file; save it as .docx or PDF", name=name)
    if suffix == "docx":
        raise UnreadableInput("not a Word document (not a zip archive)", name=name)
    if suffix == "pdf" and data.strip():
        raise UnreadableInput("not a PDF (no %PDF- header)", name=name)
    _check_not_binary(data, name)
    if _looks_like_mail(data):
        return "eml"
    if suffix in ("html", "htm", "xhtml") or _HTML_HINT.search(data[:4096]):
        return "html"
    if suffix in ("md", "markdown"):
        return "md"
    if suffix in ("txt", "text", "eml"):
        return "txt"
    return "md" if _MD_HINT.search(data[:8192].decode("utf-8", "replace")) else "txt"


# --- text ----------------------------------------------------------------------------------------

def _decode(data: bytes, name: str | None) -> str:
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
    for span in iter_link_spans(text):
        page = line = None
        if page_starts:
            index = bisect.bisect_right(page_starts, span.start) - 1
            page = index + 1
            line = text.count("\n", page_starts[index], span.start) + 1
        else:
            line = span.line
        links.append(FoundLink(text[span.start : span.end], span.start, span.end, line, page, "text"))
    return links


# --- hyperlinks (docx, html) --------------------------------------------------------------------------

_LINKISH = re.compile(r"^\s*(?:(?:https?|hxxps?)://|www\.)\S+", re.IGNORECASE)


def _comparable(url: str) -> str:
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.rstrip("/")


def _hyperlinks(text: str, anchors: Iterable[tuple[str, str, int]]) -> list[FoundLink]:
    """Records for (target, displayed text, search-from offset) hyperlinks.

    A hyperlink whose displayed text is its own target adds nothing to the text scan and is left
    out; one that shows another link is flagged; one that shows words ("this link") is kept as is.
    """
    found = []
    for target, shown, search_from in anchors:
        target = target.strip()
        if not target or not re.match(r"^(?:https?|hxxps?|ftp)://|^www\.", target, re.IGNORECASE):
            continue
        shown_flat = re.sub(r"\s+", "", shown)
        start = text.find(shown, search_from) if shown.strip() else -1
        end = start + len(shown) if start >= 0 else None
        line = text.count("\n", 0, start) + 1 if start >= 0 else None
        mismatch = None
        if _LINKISH.match(shown):
            if _comparable(shown_flat) == _comparable(target):
                continue
            mismatch = shown.strip()
        found.append(FoundLink(target, start if start >= 0 else None, end, line, None, "hyperlink", mismatch))
    return found


# --- HTML ------------------------------------------------------------------------------------------

_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "section", "article")


def _html_text(markup: str | bytes) -> tuple[str, list[tuple[str, str]]]:
    """Visible text of an HTML document (blocks on their own lines) and its (href, shown) pairs."""
    from bs4 import BeautifulSoup  # lazy: keeps --help fast

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "head", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.append("\n")
    anchors = [(a.get("href") or "", a.get_text()) for a in soup.find_all("a")]
    text = soup.get_text()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, anchors


def _anchors_in_order(text: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    result = []
    cursor = 0
    for href, shown in pairs:
        result.append((href, shown, cursor))
        where = text.find(shown, cursor) if shown.strip() else -1
        if where >= 0:
            cursor = where + len(shown)
    return result


def _extract_html(data: bytes, name: str | None) -> ExtractedText:
    text, pairs = _html_text(_decode(data, name))
    links = extract_text_links(text) + _hyperlinks(text, _anchors_in_order(text, pairs))
    return ExtractedText("html", text, _in_order(links))


# --- docx ------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FIELD_URL = re.compile(r'HYPERLINK\s+"([^"]+)"', re.IGNORECASE)


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


_DOCX_EXTRA_PART = re.compile(r"^/word/(footnotes|endnotes|header\d*|footer\d*)\.xml$")


def _docx_paragraphs(root, relationships, paragraphs: list[str], anchors: list, offset: int) -> int:
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


def _extract_docx(data: bytes, name: str | None) -> ExtractedText:
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
        offset = _docx_paragraphs(root, relationships, paragraphs, anchors, offset)
    text = "\n".join(paragraphs)
    links = extract_text_links(text) + _hyperlinks(text, anchors)
    return ExtractedText("docx", text, _in_order(links))


# --- pdf -------------------------------------------------------------------------------------------

def _extract_pdf(data: bytes, name: str | None) -> ExtractedText:
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
    offset = 0
    for number, page in enumerate(pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception:  # one bad page (broken font, content stream) must not lose the others
            page_text = ""
        page_starts.append(offset)
        texts.append(page_text)
        offset += len(page_text) + 2
        try:
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
                    annotations.append(FoundLink(uri, None, None, None, number, "annotation"))
        except Exception:
            continue
    text = "\n\n".join(texts)
    links = extract_text_links(text, page_starts=page_starts)
    # An annotation over text that already shows the same link adds nothing.
    shown = {(link.page, _comparable(re.sub(r"\s+", "", link.text))) for link in links}
    extra = [a for a in annotations if (a.page, _comparable(a.text)) not in shown]
    merged = sorted(links + extra, key=lambda link: (link.page or 0, link.start if link.start is not None else 1 << 62))
    return ExtractedText("pdf", text, tuple(merged))


# --- eml -------------------------------------------------------------------------------------------

def _extract_eml(data: bytes, name: str | None) -> ExtractedText:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as error:
        raise UnreadableInput(f"unreadable e-mail ({type(error).__name__})", name=name) from None
    chunks: list[str] = []
    anchors: list[tuple[str, str, int]] = []
    offset = 0
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        try:
            # get_content undoes the transfer encoding, quoted-printable soft line breaks included.
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = part.get_payload(decode=True) or b""
            content = payload.decode("utf-8", "replace")
        if part.get_content_subtype() == "html":
            content, pairs = _html_text(content)
            anchors.extend((href, shown, offset + start) for href, shown, start in _anchors_in_order(content, pairs))
        chunks.append(content)
        offset += len(content) + 2
    text = "\n\n".join(chunks)
    links = extract_text_links(text) + _hyperlinks(text, anchors)
    return ExtractedText("eml", text, _in_order(links))


# Attachments worth opening: letters are often sent as a PDF or Word file attached to an e-mail.
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".eml")


def eml_attachments(data: bytes) -> list[tuple[str, bytes]]:
    """The (file name, bytes) of an e-mail's attachments that could be letters, in order."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception:  # the body was already read by _extract_eml; a damaged tail has no letters
        return []
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() != "attachment":
            continue
        filename = part.get_filename() or ""
        if not filename.lower().endswith(ATTACHMENT_SUFFIXES):
            continue
        payload = part.get_payload(decode=True)
        if payload:
            found.append((filename, payload))
    return found


# --- entry point -----------------------------------------------------------------------------------

def _in_order(links: list[FoundLink]) -> tuple[FoundLink, ...]:
    return tuple(sorted(links, key=lambda link: link.start if link.start is not None else 1 << 62))


def extract_links(data: bytes, name: str | None = None) -> ExtractedText:
    """Find every link in a letter given as bytes (``name``: file name, if any, as a hint).

    Returns the letter's text and its links in document order. An empty input or a PDF with no text
    layer gives no links. Raises ``UnreadableInput`` (an ``InputError``) for data that is no letter
    or a damaged document.
    """
    if not data.strip():
        return ExtractedText("txt", "", ())
    kind = detect_format(data, name)
    if kind == "pdf":
        return _extract_pdf(data, name)
    if kind == "docx":
        return _extract_docx(data, name)
    if kind == "eml":
        return _extract_eml(data, name)
    if kind == "html":
        return _extract_html(data, name)
    text = _decode(data, name)
    return ExtractedText(kind, text, tuple(extract_text_links(text)))
