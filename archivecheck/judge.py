"""Is this the document the URL names? Content judgement, shared by verify, resolve and live.

Nothing here touches the network: it reads bytes, media types and URLs. The rules, in one place:
- the kind of file the URL names (its suffix) against the kind of bytes we got (sniffed, since
  servers and archives mislabel): an HTML page where a PDF should be is a soft 404;
- an HTML page that says it is an error page — in its title, its main heading, or the opening of
  its visible text (site templates often keep the site's own title on a "page not found" page);
- a redirect to the site's home or search page, which is how many sites retire a document.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Path suffix → (label, acceptable sniffed kinds). Unknown suffixes accept anything that is not an
# error page.
EXPECTED = {
    ".pdf": ("PDF", {"pdf"}),
    ".docx": ("Word document", {"zip"}),
    ".xlsx": ("spreadsheet", {"zip"}),
    ".pptx": ("presentation", {"zip"}),
    ".odt": ("OpenDocument file", {"zip"}),
    ".ods": ("OpenDocument file", {"zip"}),
    ".odp": ("OpenDocument file", {"zip"}),
    ".zip": ("zip file", {"zip"}),
    ".doc": ("Word document", {"ole", "rtf"}),
    ".xls": ("spreadsheet", {"ole", "zip"}),
    ".ppt": ("presentation", {"ole"}),
    ".rtf": ("RTF document", {"rtf"}),
    ".csv": ("CSV file", {"text"}),
    ".txt": ("text file", {"text"}),
    ".json": ("JSON file", {"text"}),
    ".xml": ("XML file", {"text", "xml"}),
}

SNIFFED_TYPES = {"pdf": "application/pdf", "html": "text/html", "zip": "application/zip"}

# What a media type says about the bytes, for answers we do not read (a live HEAD, an index row).
_KIND_OF_MEDIA = (("text/html", "html"), ("application/xhtml", "html"), ("application/pdf", "pdf"),
                  ("application/zip", "zip"), ("officedocument", "zip"), ("opendocument", "zip"),
                  ("application/msword", "ole"), ("ms-excel", "ole"), ("ms-powerpoint", "ole"),
                  ("rtf", "rtf"), ("text/", "text"), ("xml", "xml"))

# Said by a page's title or main heading: short, so the phrase is the page's whole subject. A
# phrase that modifies a noun ("page not found pages", "404 errors") is a page *about* errors.
_ABOUT = r"(?!\s+(pages?|messages?|errors?|responses?|codes?)\b)"
_HEADLINE = re.compile(
    r"\b(page|file|document|resource|content)\s+(was\s+|is\s+)?not\s+found\b" + _ABOUT +
    r"|^\W*(error\s*)?(404|410)\b" + _ABOUT + r"|^\s*not\s+found\s*[.!]?\s*$"
    r"|^\W*(error\s*)?(30[1278]|40[0135]|429|50[0234])\s*[-:\u2013]?\s*(moved|found|forbidden|gone|internal|"
    r"service|bad|too|unauthori[sz]ed|access|request|gateway|temporar)"
    r"|^\s*(too\s+many\s+requests|service\s+unavailable|internal\s+server\s+error|bad\s+gateway|"
    r"moved\s+permanently|object\s+moved|access\s+denied|forbidden)\s*[.!]?\s*$"
    r"|\b(cannot|could\s+not|can't|can\s+not|couldn't)\s+be\s+found\b"
    r"|\bno\s+longer\s+(available|exists)\b"
    r"|\b(page|document|content|file)\s+(has\s+been|was)\s+(removed|withdrawn|deleted)\b"
    r"|\b(page|document)\s+(does\s+not|doesn't)\s+exist\b"
    r"|\bpage\s+(is\s+)?(unavailable|missing)\b"
    r"|\bwe\s+seem\s+to\s+be\s+having\s+(a\s+|some\s+)?(problem|technical)"
    r"|\b(sorry|oops)\b.{0,40}\b(can't|cannot|couldn't|could\s+not)\s+find\b",
    re.IGNORECASE,
)

# Said in the opening of the visible text. Narrower than the headline rule: an ordinary page may
# mention that something "was not found", but only an error page talks to the reader about *the
# page they asked for*, or says the site itself has moved or is down.
_BODY = re.compile(
    r"\b(the\s+)?(page|document|file|content|url|address)\s+(that\s+)?you(\s+(were|are|have\s+been)|'re)\s+"
    r"(looking\s+for|trying\s+to\s+(reach|find|access|view)|requesting)\b"
    r"|\b(page|document|file)\s+you\s+(requested|asked\s+for|want(ed)?)\b"
    r"|\b(we|i)\s+(can't|cannot|can\s+not|couldn't|could\s+not|were\s+unable\s+to)\s+find\s+"
    r"(the|that|this|your|any|a)\s+(page|document|file|content)\b"
    r"|\bpage\s+(was\s+|is\s+)?not\s+found\b" + _ABOUT + r"|\berror\s*(code\s*)?:?\s*404\b" + _ABOUT +
    r"|\b404\s+error\b" + _ABOUT +
    r"|\bthis\s+(page|document|file|content)\s+(has\s+been|was|is)\s+"
    r"(removed|deleted|moved|archived|withdrawn|no\s+longer)\b"
    r"|\b(this|the|our)\s+(web\s*)?(site|page)\s+has\s+(now\s+)?(been\s+)?moved\b"
    r"|\bif\s+you\s+(typed|entered|pasted|copied)\s+(the|a|this)\s+(web\s+)?(address|url|link)\b"
    r"|\bcheck\s+(that\s+)?(the|you\s+have\s+the|you've\s+got\s+the)\s+(web\s+)?(address|url)\s+"
    r"(is\s+|was\s+)?(correct|right|spelt|spelled)\b"
    r"|\b(page|link)\s+(may\s+have\s+been|has\s+been|might\s+have\s+been)\s+(moved|removed|deleted|renamed)\b"
    r"|\b(we're|we\s+are)\s+(doing|carrying\s+out|performing)\s+(some\s+)?(essential|planned|scheduled|routine)?"
    r"\s*(work|maintenance)\b|\bdown\s+for\s+(essential\s+|planned\s+|scheduled\s+)?maintenance\b"
    r"|\bsomething\s+(seems\s+to\s+be|is|has\s+gone)\s+(not\s+right|wrong)\s+with\s+(our|the|this)\s+(web\s*)?site\b"
    r"|\b(view|see)\s+an\s+archived\s+version\s+of\s+this\s+(content|page)\b",
    re.IGNORECASE,
)

# An archive's own notices, unambiguous wherever they appear in the text (behind a toolbar).
_ARCHIVE_NOTICE = re.compile(
    r"has\s+not\s+archived\s+that\s+url|has\s+been\s+excluded\s+from\s+the\s+wayback\s+machine"
    r"|got\s+an\s+http\s+\d{3}\s+response\s+at\s+crawl\s+time",
    re.IGNORECASE,
)
# Quoted text is a page quoting an error message (an article about 404s), not saying it.
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{1,80}[\"\u201d]")

# How far into the visible text an error page says so; and past how many words a page is a real
# document even if it says it somewhere. Chosen with fixtures/errorpages in view: the error pages
# there whose text gives them away do so within its first 500 characters, and none has more than
# 400 words of content. tests/test_errorpages.py measures the result.
OPENING_CHARS = 600
LONG_PAGE_WORDS = 700

# Elements whose text is not the page's own content: scripts, site chrome, navigation, forms.
_NOT_CONTENT = ("script", "style", "noscript", "template", "svg", "header", "nav", "footer", "aside", "form",
                "button", "select")
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")


@dataclass(frozen=True)
class Judgement:
    """What the bytes of one answer are. `problem` is None when they are the document the URL names."""

    sniffed: str | None
    content_type: str | None
    title: str | None
    problem: str | None

    @property
    def fits(self) -> bool:
        return self.problem is None


def judge_document(original: str, head: bytes, data: bytes | None, media_type: str | None) -> Judgement:
    """Judge a fetched body: `head` is its first bytes, `data` the whole body when kept (else None),
    `media_type` what the server said. The problem is a clause a caseworker can read."""
    sniffed = sniff(head)
    title = None
    if sniffed == "html":
        title = html_title(data if data is not None else head)
    elif sniffed == "pdf" and data is not None:
        title = pdf_title(data)
    content_type = media_type or SNIFFED_TYPES.get(sniffed)
    problem = kind_problem(original, sniffed, title)
    if problem is None and sniffed == "html":
        said = error_page_phrase(data if data is not None else head)
        if said:
            problem = f"the captured page is an error page (\u201c{title or said}\u201d)"
    return Judgement(sniffed, content_type, title, problem)


def expected_kind(original: str) -> tuple[str, set[str]] | None:
    """What kind of file the URL names by its suffix, or None when it does not say."""
    path = urlsplit(original).path.lower()
    for suffix, expected in EXPECTED.items():
        if path.endswith(suffix):
            return expected
    return None


def kind_problem(original: str, kind: str | None, title: str | None = None) -> str | None:
    """Why a body of `kind` is not the file `original` names, or None when it may be."""
    expected = expected_kind(original)
    if expected is None:
        return None
    label, kinds = expected
    if kind in kinds:
        return None
    if kind == "html":
        shown = f" ({title})" if title else ""
        return f"an HTML page{shown} was captured instead of the {label}"
    return f"the capture is not a {label} (it looks like {kind or 'unknown data'})"


def kind_of_media_type(media_type: str | None) -> str | None:
    """The sniffing vocabulary for a media type (`text/html` → html), or None when it says nothing."""
    if not media_type:
        return None
    media_type = media_type.lower()
    for marker, kind in _KIND_OF_MEDIA:
        if marker in media_type:
            return kind
    return None


def index_row_fits(original: str, mime: str | None) -> bool:
    """Could an index row of this media type be the file `original` names? HTML never is; a PDF
    wants application/pdf, an office file an application/ type; an unknown type may be anything."""
    expected = expected_kind(original)
    if expected is None or not mime:
        return True
    mime = mime.lower()
    if mime.startswith("text/html"):
        return False
    for kind in expected[1]:
        if kind in _INDEX_MIME_FOR_KIND:
            return any(part in mime for part in _INDEX_MIME_FOR_KIND[kind])
    return True


_INDEX_MIME_FOR_KIND = {"pdf": ("application/pdf",), "zip": ("application/", "zip"), "ole": ("application/",)}


def media_type(value: str | None) -> str | None:
    """A Content-Type header's media type, lower-case, without parameters."""
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def sniff(head: bytes) -> str | None:
    """Name the kind of bytes: pdf, html, zip, ole, rtf, xml, text, or None."""
    start = head[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if start.startswith(b"PK\x03\x04"):
        return "zip"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if start.startswith(b"{\\rtf"):
        return "rtf"
    lowered = start[:2048].lower()
    if re.search(rb"<!doctype\s+html|<html|<head|<title|<body", lowered):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if start and b"\x00" not in start[:1024]:
        return "text"
    return None


def html_title(data: bytes) -> str | None:
    """The page's <title>, whitespace collapsed, or None."""
    soup = _soup(data)
    if soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
        return title or None
    return None


def pdf_title(data: bytes) -> str | None:
    """The PDF's document-information title, if it has one and pypdf can read it."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(io.BytesIO(data)).metadata
        title = meta.title if meta else None
    except Exception:  # a damaged PDF is still the PDF; its title is just unknown
        return None
    return " ".join(str(title).split()) or None if title else None


def looks_like_error_page(title: str | None, html: bytes) -> bool:
    """An HTML page that says it is a "not found" page (title, main heading or opening text)."""
    if title and _HEADLINE.search(title):
        return True
    return error_page_phrase(html) is not None


def error_page_phrase(html: bytes) -> str | None:
    """The words by which an HTML page says it is an error page, or None.

    Read in order: the title, the first main heading, then the opening of the visible text with
    the site's chrome (header, navigation, footer, scripts) removed. A long page is a document
    that merely mentions such words, unless its title or heading says so.
    """
    soup = _soup(html)
    title = " ".join(soup.title.string.split()) if soup.title and soup.title.string else ""
    first_h1 = soup.find("h1")  # before the chrome goes: some templates put it in a <header>
    for said in (title, " ".join(first_h1.get_text(" ").split()) if first_h1 is not None else ""):
        m = _HEADLINE.search(said.replace("\u2019", "'"))
        if m:
            return m.group(0).strip()
    for tag in soup.find_all(list(_NOT_CONTENT)):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": list(_CHROME_ROLES)}):
        tag.decompose()
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    heading = main.find(["h1", "h2"])
    if heading is not None:
        m = _HEADLINE.search(" ".join(heading.get_text(" ").split()))
        if m:
            return m.group(0).strip()
    text = _QUOTED.sub(" ", " ".join(main.get_text(" ").split()).replace("\u2019", "'"))
    m = _ARCHIVE_NOTICE.search(text)
    if m:
        return m.group(0).strip()
    if len(text.split()) > LONG_PAGE_WORDS:
        return None
    m = _BODY.search(text[:OPENING_CHARS]) or _HEADLINE.search(text[:OPENING_CHARS // 3])
    return m.group(0).strip() if m else None


def site_entrance(original: str, target: str) -> str | None:
    """'home page' or 'search page' when a redirect from `original` lands on its site's entrance
    (how many sites retire a document), else None. A home page redirecting to itself is not."""
    source, dest = urlsplit(original), urlsplit(target)
    if _host(source.netloc) != _host(dest.netloc) and not _host(dest.netloc).endswith("." + _host(source.netloc)):
        return None
    path = dest.path.rstrip("/").lower()
    if path in ("", "/index.html", "/index.htm", "/index.php", "/default.aspx", "/home", "/en", "/cy") \
            and source.path.rstrip("/") not in ("", dest.path.rstrip("/")):
        return "home page"
    if re.search(r"(^|/)(search|find|site-?search)(/|$|\.)", path) or re.search(r"(^|&)(q|query|keywords?)=", dest.query):
        return "search page"
    return None


def _host(netloc: str) -> str:
    host = netloc.lower().split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def _soup(data: bytes):
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning  # imported here: only HTML answers need it

    with warnings.catch_warnings():
        # A short page ("This page has moved to formula.html") is HTML all the same.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(data[:2_000_000], "html.parser")
