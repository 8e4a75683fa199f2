"""Is this the document the URL names? Content judgement, shared by verify, resolve and live.

Nothing here touches the network: it reads bytes, media types and URLs. The rules, in one place:
- the kind of file the URL names (its suffix) against the kind of bytes we got (sniffed, since
  servers and archives mislabel): an HTML page where a PDF should be is a soft 404;
- an HTML page that is an error page of a known family (errorpages.toml: GOV.UK's patterns, CDN
  and WAF pages, an archive's own pages, a sign-in form, the generic phrases) — judged by where
  the words sit (title, main heading, the opening of the main content, not a quotation or a page
  explaining errors), how much content the page carries, and the page's markup;
- a redirect to the site's home or search page, which is how many sites retire a document.
Where the reading is unsure (a page about errors, a CDN script on a full page, a near-empty page)
the judgement says so in `doubt`, so an `ok` never hides it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import errorpredicates, errorwords, pagemodel, pageshape
from .listing import listed_directory, listed_entries, names_directory
from .pagefamilies import PageView, document_rule, find_family, is_about_errors, load as load_families, said_only, scheduled
from .pagesubject import empty_listing, menu_path, read_subject
from .starterpage import declared_address, elsewhere, starter_words
from .statusbody import STATUS_BODY_CHARS, is_empty, status_body
from .wordcount import count_words

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

# How far into the visible text an error page says so; and past how many words a page is a real
# document even if it says it somewhere. Chosen with fixtures/errorpages in view: the error pages
# there whose text gives them away do so within its first 500 characters, and none has more than
# 400 words of content. tests/test_errorpages.py measures the result.
OPENING_CHARS = 600
LEAD_CHARS = OPENING_CHARS // 3
LONG_PAGE_WORDS = 700
# Below this many words of content a page that names no family may still be an interstitial (a
# bare challenge, a redirect stub): `ok`, but said with doubt.
NEAR_EMPTY_WORDS = 15
# Below this many words of main content, with no family named, a page may still be an error or
# holding page in a form no rule knows (most real error pages in fixtures/errorpages carry fewer):
# `ok`, said with doubt rather than plainly.
SHORT_PAGE_WORDS = 80
# Words of an error message in a title or heading no family claimed: said as doubt, not a verdict.
_ERRORISH = re.compile(r"\b(errors?|fehler|erreur|not found|nicht gefunden|40[134]|410|50[0234]|denied|forbidden|"
                       r"unavailable|suspended|disabled|maintenance|oops|sorry|problem|no longer)\b", re.IGNORECASE)
# A line of at least this many words is a sentence, where a page's own text starts (menus are shorter).
SENTENCE_WORDS = 6
# Quotations, code and definitions are a page citing words, not saying them.
_CITED = ("blockquote", "q", "pre", "code", "dfn", "samp", "kbd")
# Words a page must say outside its quotations for them to count as quoted, not as its own text
# (the European Commission's web filter set its whole block message in a <blockquote>).
CITED_NEEDS_WORDS = 5
# Quoted text is a page quoting an error message (an article about 404s), not saying it.
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{1,80}[\"\u201d]")

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
    family: str | None = None  # the error-page family (errorpages.toml) when it is one
    doubt: str | None = None  # why a page taken as the document might not be, when unsure

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
    family = doubt = None
    if problem is None and sniffed in ("xml", "text"):
        stored = storage_error(data if data is not None else head)
        if stored is not None:
            problem, family = f"the capture is a storage service's error document (\u201c{stored}\u201d)", STORAGE_ERROR
    if problem is None and sniffed == "text":
        stated = status_body(data)
        if stated is not None:
            problem, family = f"the capture is a server's bare error answer (\u201c{stated}\u201d), not a document", STATUS_BODY
        elif expected_kind(original) is None and data is not None and len(data.strip()) <= STATUS_BODY_CHARS:
            doubt = f"the capture is only {len(data.strip())} bytes of plain text"
    if problem is None and doubt is None and sniffed in ("xml", "text") and expected_kind(original) is None and _is_data(head):
        # A link to a page answered by a JSON or XML data document: an API's answer or a service's
        # error object in a shape no rule knows; a caseworker cites pages and files, not data, so it
        # is taken as the document only with doubt said.
        doubt = "the capture is a JSON or XML data document, not a page, at an address that names no data file"
    if problem is None and is_empty(data):
        # No document is empty: a server that answers with nothing (Caddy's and sirv's 404) or a
        # record cut short leaves a capture that cannot be what the link names.
        problem, family = "the capture is empty (0 bytes of content)", EMPTY_BODY
    listed = listed_directory(title) if problem is None and sniffed == "html" else None
    if listed is not None:
        # A server's listing of a folder (listing.py): the document only when the link names that folder
        # and the folder holds something.
        if listed_entries(data if data is not None else head) == 0:
            problem, family = (f"the capture is a server's listing of an empty directory (\u201c{title}\u201d): "
                               f"nothing is served there"), DIRECTORY_LISTING
        elif names_directory(original, listed):
            doubt = (f"the capture is a server's listing of the directory {listed}, the directory the link names: "
                     f"check that it holds what the link cites")
        else:
            problem, family = (f"the capture is a server's directory listing (\u201c{title}\u201d), not the "
                               f"document the link names"), DIRECTORY_LISTING
        return Judgement(sniffed, content_type, title, problem, family, doubt)
    if problem is None and sniffed == "html":
        reading = read_error_page(data if data is not None else head, original)
        family, doubt = reading.family, reading.doubt
        if reading.said:
            problem = reading.problem or f"the captured page is an error page (\u201c{title or reading.said}\u201d)"
    return Judgement(sniffed, content_type, title, problem, family, doubt)


# Cloud storage answers a missing or forbidden object with a small XML error document, not HTML:
# <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>…</Error>. The
# shape is Amazon S3's REST error response (S3 API Reference, "Error responses"), which Google Cloud
# Storage's XML API and S3-compatible stores (MinIO, Ceph, R2) answer in too, and Azure Blob
# Storage's error body (<Error><Code>BlobNotFound</Code><Message>…). A site served from a bucket that
# is gone answers every URL so (fixtures/errorpages: s3-nosuchbucket, quoted in sintel-dev/sintel#22).
STORAGE_ERROR = "storage-xml-error"
# Families of bodies that are no page at all (statusbody.py).
STATUS_BODY = "status-body"
EMPTY_BODY = "empty-body"
# A server's directory listing where the link names a document, not that directory (listing.py).
DIRECTORY_LISTING = "directory-listing"
_STORAGE_ERROR = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?<Error>\s*<Code>\s*([A-Za-z.]{3,60})\s*</Code>\s*<Message>([^<]{0,300})</Message>")


def _is_data(head: bytes) -> bool:
    """Does the body start as a JSON object or array, or an XML document?"""
    start = head[:64].lstrip(b"\xef\xbb\xbf\r\n\t ")
    return start[:1] in (b"{", b"[") or start.startswith(b"<?xml")


def storage_error(data: bytes) -> str | None:
    """'Code: message' of a storage service's XML error document, or None."""
    m = _STORAGE_ERROR.match(data[:4096].lstrip(b"\xef\xbb\xbf"))
    if m is None:
        return None
    return f"{m.group(1).decode('ascii')}: {' '.join(m.group(2).decode('utf-8', 'replace').split())}"


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


# The flow and phrasing elements of the HTML Living Standard a hand-made page may start with when it
# has no <html>, <head> or <body> (ones XML formats share, such as <link> and <title>, are not here).
_HTML_START = re.compile(rb"<(?:h[1-6]|p|div|span|ul|ol|dl|table|pre|section|article|main|header|nav|center|font|"
                         rb"b|i|u|em|strong|small|big|a|br|hr|img|form|blockquote|address|figure|iframe|noscript|script|style)[\s>/]")


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
    if lowered.startswith(b"<?xml") and not re.search(rb"<!doctype\s+html|<html", lowered):
        return "xml"  # an RSS or Atom feed has a <title> too; XHTML declares <html>
    if re.search(rb"<!doctype\s+html|<html|<head|<title|<body", lowered):
        return "html"
    if _HTML_START.match(lowered):
        return "html"  # a page written without <html>/<body> (older hand-made and generated pages)
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
    """An HTML page that says it is an error page (any family in errorpages.toml)."""
    return error_page_phrase(html) is not None


# The family name a page gets when pagesubject.py, not a template of errorpages.toml, recognised it.
REQUEST_SUBJECT = "request-subject"


@dataclass(frozen=True)
class ErrorPageReading:
    """What an HTML page was read as: `said` and `family` when it is an error page, else None;
    `doubt` when it was taken as the document but might not be."""

    said: str | None
    family: str | None
    doubt: str | None
    problem: str | None = None  # the verdict's clause when it is not "is an error page (“title”)"


def error_page_phrase(html: bytes) -> str | None:
    """The words by which an HTML page says it is an error page, or None."""
    return read_error_page(html).said


def read_error_page(html: bytes, original: str | None = None) -> ErrorPageReading:
    """Read a page the way errorpages.toml's families look at it, and find its family. With the link's
    address (`original`), a new site's starter page that declares itself another address is one too."""
    view = read_page(html)
    found = find_family(view)
    if found is not None:
        return ErrorPageReading(found.said, found.family.id, None)
    # No template claimed it: read it by what error pages are (pagesubject.py, requestsubject.toml).
    subject = read_subject(view)
    if subject.is_error:
        return ErrorPageReading(subject.said, REQUEST_SUBJECT, None)
    # Nor the words: where and how the page says its message, in any language (pageshape.py).
    shaped = pageshape.read(view, scheduled())
    if shaped is not None:
        return ErrorPageReading(shaped.said, shaped.rule, None, problem=shaped.problem)
    # A new site's demo post on a page that names itself another address than the link's (starterpage.py).
    starter = starter_words(view) if original else None
    if starter is not None:
        declared = declared_address(view.markup)
        if declared is not None and elsewhere(original, declared):
            return ErrorPageReading(starter, STARTER_PAGE, None,
                                    problem=f"the captured page is a new site's starter page (\u201c{starter[:80]}\u201d) "
                                            f"that names itself {declared}, not the document the link names")
    # Nor the lexicon: the learned score (pagemodel.py, thresholds chosen on grouped
    # cross-validation over sites it never saw) is the second opinion. High: broken, saying which
    # words made it read so; middle: ok, said with doubt; low: the rules' doubt alone.
    learned = pagemodel.score(view)
    # A page carrying a body of prose is a document whatever its headline says (the families and the
    # lexicon yield to it too); no labelled error page carries one, so the score's high band there is
    # said as doubt, not a verdict (bench/bench_retitled_articles.py counts what this spares).
    # Nor does a listing that says it holds nothing yet ("No archived list yet."): the page the link
    # named, empty; a short page of few words is what the score was trained to call broken (#17p).
    empty = empty_listing(view) if learned.band == pagemodel.BROKEN else None
    # Nor a page that leads its reader through an application's menus ("Choose Edit - Next Error"): that
    # application's help page, its command named after an error (#17p2, LibreOffice's help).
    menus = menu_path(view) if learned.band == pagemodel.BROKEN and empty is None else None
    if learned.band == pagemodel.BROKEN and not view.carries_document and empty is None and menus is None:
        return ErrorPageReading(next((h for h in view.headings if h), view.title) or learned.explanation,
                                LEARNED_FAMILY, None,
                                problem=f"the captured page reads as an error page: {learned.explanation}")
    firm = _firm_doubt(view)
    doubt = firm or _shape_doubt(view)
    if subject.said is not None and firm is None:
        # The lexicon's sub-threshold reading names the words; a doubt from the page's shape alone
        # (little content, an error word in a heading) says less, so the lexicon's sentence replaces it.
        doubt = (f"its {subject.place} says \u201c{subject.said[:80]}\u201d, like an error page, though the page "
                 f"as a whole did not read as one")
    if learned.band == pagemodel.BROKEN:  # only here when the page carries a document, lists nothing yet or shows menus
        but = (f"it says it lists nothing yet (\u201c{empty[:80]}\u201d)" if empty is not None
               else f"it leads its reader through an application's menus (\u201c{menus[:80]}\u201d): a help page"
               if menus is not None and not view.carries_document
               else f"it carries a document ({view.prose[0]} paragraphs, {view.prose[1]} words of prose)")
        said = f"it reads like an error page ({learned.explanation}; learned score {learned.probability:.2f}) but {but}"
        doubt = f"{doubt}; and {said}" if doubt else said
    elif learned.band == pagemodel.UNSURE:
        said = (f"it reads in part like an error page ({learned.explanation}; learned score "
                f"{learned.probability:.2f}), though no error-page family matched")
        doubt = f"{doubt}; and {said}" if doubt else said
    return ErrorPageReading(None, None, doubt)


# The family named when a new site's starter page stands where the link's document was (starterpage.py).
STARTER_PAGE = "starter-page"
# The family named when the learned score, not a rule of errorpages.toml, calls a page an error page.
LEARNED_FAMILY = "learned-model"


def read_page(html: bytes) -> PageView:
    """Where a page says what: its title; its first <h1> and, once the site's chrome is gone, the
    first heading of its main content; the opening of the main content (quotations, code and
    definitions taken out); its size in words; its raw markup; whether it asks for a password."""
    soup = _soup(html)
    title = _flat(soup.title.string) if soup.title and soup.title.string else ""
    bare = pageshape.measure_bare_heading(soup)  # before scripts go: a script may draw the document
    first_h1 = soup.find("h1")  # before the chrome goes: some templates put it in a <header>
    headings = [_flat(first_h1.get_text(" "))] if first_h1 is not None else []
    forms = [form for form in soup.find_all("form") if form.find_parent(["header", "nav", "footer", "aside"]) is None]
    password_form = any(_asks_password(form) for form in forms) or (not soup.find_all("form") and _asks_password(soup))
    # A sign-in form in a dialog outside the page's <main> is the site's account box, shown on demand over
    # the document (ZDF's 'Mein ZDF – Login' and registration dialogs on a news page: trafilatura's eval
    # page zdf.de.corona, #17p); a sign-in wall puts its form in the page itself.
    main_region = soup.find("main") or soup.find(attrs={"role": "main"})
    sign_in = _sign_in_step(soup, [form for form in forms if main_region is None or main_region in form.parents
                                   or form.find_parent(_is_dialog) is None])
    meta = tuple(_flat(tag.get("content") or "") for tag in soup.find_all("meta")
                 if (tag.get("name") or tag.get("property") or "").lower() in _SELF_DESCRIPTIONS and tag.get("content"))
    for tag in soup.find_all(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    page_words = count_words((soup.body or soup).get_text(" "))  # forms and chrome included
    for tag in soup.find_all(list(_NOT_CONTENT)):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": list(_CHROME_ROLES)}):
        tag.decompose()
    for tag in soup.find_all(_is_cookie_banner):
        tag.decompose()
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    shape = pageshape.Shape(bare, pageshape.measure_alert(main), pageshape.measure_way_home(main))
    blocks = _heading_blocks(soup, main)
    prose = _prose_run(main)
    heading = main.find(["h1", "h2"])
    if heading is not None:
        headings.append(_flat(heading.get_text(" ")))
    headings += [_flat(h.get_text(" ")) for h in main.find_all("h1")[:3]]  # a logo may take the first
    cited = main.find_all(list(_CITED))
    outside = count_words(_flat(main.get_text(" "))) - sum(count_words(_flat(t.get_text(" "))) for t in cited
                                                            if t.find_parent(list(_CITED)) is None)
    set_apart = bool(cited) and outside < CITED_NEEDS_WORDS
    if not set_apart:
        # A quotation needs a page around it: a page whose every word sits in a <blockquote> or a
        # <pre> (an old layout's indent; a server's bare answer in <pre>) says those words itself.
        for tag in cited:
            tag.decompose()
    text = _QUOTED.sub(" ", _flat(main.get_text(" ")))
    # Where the content starts: a site without <main> (or a page kept as text) puts its menus,
    # breadcrumbs and links first, in short lines; the page's own text starts at its first sentence.
    lines = [line for line in (_flat(part) for part in main.get_text("\n").split("\n")) if line]
    start = next((i for i, line in enumerate(lines)
                  if len(line.split()) >= SENTENCE_WORDS and not _COOKIE_LINE.search(line)), 0)
    content = _QUOTED.sub(" ", " ".join(lines[start:]))
    words = min(count_words(text), count_words(content))
    opening = lead = ""
    if words <= LONG_PAGE_WORDS:
        opening, lead = text[:OPENING_CHARS], text[:LEAD_CHARS]
        if start:
            opening += " \u2026 " + content[:OPENING_CHARS]
    return PageView(title=title, headings=tuple(headings), opening=opening, lead=lead, anywhere=text,
                    markup=html[:400_000].decode("utf-8", "replace").lower(), password_form=password_form,
                    words=words, page_words=page_words, heading_blocks=blocks, meta=meta[:4], prose=prose, sign_in=sign_in,
                    content_lead=content[:LEAD_CHARS] if start and words <= LONG_PAGE_WORDS else "",
                    set_apart=set_apart, shape=shape,
                    about_errors=is_about_errors(text[:OPENING_CHARS] + " " + content[:OPENING_CHARS], words)
                    or _names_many_statuses(main, text) or any(_ASKS_ABOUT_ERRORS.search(h) for h in (title, *headings)))


_SELF_DESCRIPTIONS = ("description", "og:title", "og:description", "twitter:title")
# How many headings' blocks a page's reading keeps, and how many words a block must say beyond its
# heading to be the heading's own block (a title box of a few words is not; an error message is).
HEADING_BLOCKS = 12
BLOCK_MORE_WORDS = 3


def _heading_blocks(soup, main) -> tuple[tuple[str, int, str], ...]:
    """Each h1 of the page and h2/h3 of its main content, with the smallest block around it that says
    more than the heading: (heading, the block's words, the block's text after the heading)."""
    found = []
    seen = set()
    for h in [*soup.find_all("h1"), *main.find_all(["h2", "h3"])][:HEADING_BLOCKS]:
        if id(h) in seen:
            continue
        seen.add(id(h))
        heading = _flat(h.get_text(" "))
        if not heading:
            continue
        own = len(heading.split())
        block = h
        for parent in h.parents:
            block = parent
            if len(parent.get_text(" ").split()) >= own + BLOCK_MORE_WORDS or parent is main:
                break
        text = _flat(block.get_text(" "))
        after = text.split(heading, 1)[1] if heading in text else text
        found.append((heading, count_words(text), after[:OPENING_CHARS].strip()))
    return tuple(found)


def _prose_run(main) -> tuple[int, int, int]:
    """The page's prose (errorpages.toml [document]): the longest run of prose paragraphs (each of
    enough words, not mostly link text) sharing one parent, as (paragraphs, words), and the words of
    its longest single paragraph (a <p>, or a block's own text between <br>s). An article's body is
    such a run; a list of teasers is not (each sits in its own card)."""
    least = document_rule().paragraph_words
    runs: dict[int, list[int]] = {}
    for p in main.find_all("p"):
        if p.find("p") is not None:
            continue
        words = count_words(p.get_text(" "))
        linked = sum(count_words(a.get_text(" ")) for a in p.find_all("a"))
        if words >= least and 2 * linked < words:
            runs.setdefault(id(p.parent), []).append(words)
    best = max(runs.values(), key=sum, default=[])
    longest = max((_longest_line(block) for block in [main, *main.find_all(_BLOCKS)]), default=0)
    return len(best), sum(best), longest


_BLOCKS = ("p", "div", "li", "td", "th", "dd", "section", "article", "blockquote", "center", "font", "span")


def _longest_line(block) -> int:
    """Words of the longest stretch of a block's own text (not its child blocks'), between <br>s."""
    longest = current = 0
    for child in block.children:
        name = getattr(child, "name", None)
        if name is None:
            current += count_words(str(child))
        elif name == "br" or name in _BLOCKS or child.find(_BLOCKS) is not None:
            longest, current = max(longest, current), 0
        else:
            current += count_words(child.get_text(" "))
    return max(longest, current)


# A title or heading that asks or teaches about an error ("What is a 404 error?", "How to fix a 500
# error", "Why am I seeing 'Access denied'?") heads a page about errors, however short: an error page
# states its error, it does not ask about it (issue #17, third pass).
_ASKS_ABOUT_ERRORS = re.compile(r"^\W*(?:what|how|why|when)\b.{0,60}\b(?:errors?|40\d|50\d|not\s+found|status\s+codes?|access\s+denied)\b"
                                r"|\b(?:errors?|40\d|50\d|not\s+found)\b[^.!]{0,40}\?\s*$", re.IGNORECASE)


# An error page answers with one status; a page that names several in its section headings, or
# three or more in its text, is a reference or troubleshooting page about them (fixtures/errorpages:
# doc-api-troubleshoot-guide's "Error 404" / "Error 401" / "Error 403" sections, a help page
# explaining "404, 403, 500").
_STATUS_CODE = re.compile(r"(?<![\d.,/#-])\b([45]\d\d)\b(?![\d.,/-]\d)")


def _names_many_statuses(main, text: str) -> bool:
    in_headings = {code for h in main.find_all(["h2", "h3", "h4"]) for code in _STATUS_CODE.findall(h.get_text(" "))}
    return len(in_headings) >= 2 or len(set(_STATUS_CODE.findall(text))) >= 3


def _firm_doubt(view: PageView) -> str | None:
    """Why a page read as the document might not be, from what it says or carries (a family's words
    in a page explaining errors, a family's markup, a password field, almost no text), or None."""
    would_be = said_only(view)
    if would_be is not None:
        shown = view.title if would_be.place == "title" else would_be.said
        why = "its text explains errors" if view.about_errors else \
            f"it carries a document ({view.prose[0]} paragraphs, {view.prose[1]} words of prose)"
        return f"its {would_be.place} reads like an error page (\u201c{shown}\u201d) but {why}, so it was taken as the document"
    for family in load_families()[0]:
        if "markup" in family.patterns and family.thin_words is not None and view.words > family.thin_words:
            if any(p.search(view.markup) for p in family.patterns["markup"]):
                return (f"it carries markup of an error-page family (\u201c{family.name}\u201d) but also "
                        f"{view.words} words of content, so it was taken as the document")
    if view.password_form:
        return "it asks for a password, though not as a sign-in page"
    if view.page_words < NEAR_EMPTY_WORDS:
        return f"it has almost no text ({view.page_words} words), so it may be an interstitial rather than the document"
    return None


def _shape_doubt(view: PageView) -> str | None:
    """Why a page read as the document might not be, from its shape alone (an error word in its title
    or heading, little content), or None."""
    lone = errorwords.find(view)  # a family would have claimed a firm reading; here only a lone word
    if lone is not None and not lone.firm:
        return (f"its {lone.place} (\u201c{lone.said[:80]}\u201d) is the headline {lone.phrase.sources[0][0]} prints on its "
                f"{lone.phrase.kind} page (\u201c{lone.phrase.text}\u201d), though one word alone is also an ordinary title")
    predicate = errorpredicates.find(view)  # firm, a family would have claimed it; here a longer page
    if predicate is not None and not predicate.firm:
        what = "was not found" if predicate.predicate.kind == "not-found" else "does not exist"
        return (f"its {predicate.place} (\u201c{predicate.said[:80]}\u201d) says, in the words translation catalogs use "
                f"({predicate.predicate.lang}: \u201c{predicate.predicate.norm}\u201d), that something {what}, though "
                f"the page carries more ({view.words} words) than an error page's few lines")
    errorish = next((text for text in (view.title, *view.headings) if text and _ERRORISH.search(text)), None)
    if errorish is not None:
        return (f"its title or heading (\u201c{errorish[:80]}\u201d) reads like an error message, though the page "
                f"was not recognised as an error page")
    if view.words < SHORT_PAGE_WORDS:
        return f"it carries little content ({view.words} words), so it may be an error or holding page rather than the document"
    if view.set_apart:
        return ("its whole text is preformatted or set apart (<pre>, <code>, <blockquote>), as a server's bare answer, "
                "a log or a traceback is, so it may not be the document")
    return None


# Cookie banners sit before the content on almost every UK public-sector page (the GOV.UK Design
# System's cookie banner is a region labelled "Cookies on <service>"): chrome, not content.
_COOKIE_LINE = re.compile(r"\bcookies?\b|\bskip to (the )?(main )?content\b", re.IGNORECASE)


def _is_cookie_banner(tag) -> bool:
    if tag.name in ("main", "body", "html") or tag.find("h1") is not None:
        return False
    marks = " ".join([tag.get("id") or "", " ".join(tag.get("class") or []), tag.get("aria-label") or ""]).lower()
    return "cookie" in marks and ("banner" in marks or "consent" in marks or (tag.get("aria-label") or "").lower().startswith("cookies on"))


# A sign-in step (issue #17, session 4, #17c): the form a page is made of when it asks the reader who
# they are. Identity providers ask for the name first and the password on a later page (GOV.UK One
# Login's "Enter your email address", Microsoft's, Google's, Okta's, Keycloak's and Auth0's
# username-first pages: one email or username field and a Continue/Next button), or offer only
# buttons "Sign in with …". A form that asks for more (a name and a message, a registration) is
# not one, nor is a search box, nor a sign-in box beside a larger form of the page.
_FORM_SIGNS_IN = re.compile(r"\b(sign|log)\s*-?\s*(in|on)\b|\blogin\b|\banmeld|\bconnexion\b|\bse connecter\b|\biniciar sesi", re.IGNORECASE)
_FORM_GOES_ON = re.compile(r"^\W*(continue|next|proceed|submit|weiter|suivant|continuer|siguiente)\W*$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"user|e-?mail|login|identifier|account|signin|username|benutzer|courriel|correo", re.IGNORECASE)
_SSO = re.compile(r"^\W*(sign|log)\s*-?\s*(in|on)\s+(with|using|via|through)\s+\S|^\W*continue\s+with\s+\S", re.IGNORECASE)
_TEXT_INPUTS = ("", "text", "email", "tel", "number", "url", "password", "date")


def _sign_in_step(soup, forms) -> str:
    """"password" when the page's largest form (outside header, navigation, footer and asides) is a
    sign-in form: its own button or legend says so, or it asks for a password and a username or email
    address and nothing more; "identifier" when it asks only for an email
    address or username, without a password (the first step of a username-first sign-in); "sso"
    when the page offers only "Sign in with …" buttons; else ""."""
    asking = [(form, _fields(form)) for form in forms if not _is_search_form(form)]
    asking = [(form, fields) for form, fields in asking if fields]
    if asking:
        form, fields = max(asking, key=lambda pair: len(pair[1]))
        own = " ".join([*(b.get("value") or "" for b in form.find_all("input", attrs={"type": ["submit", "button", "image"]})),
                        *(b.get_text(" ") for b in form.find_all(["button", "legend"]))])
        kinds = [(field.get("type") or "").lower() for field in fields]
        named = [field for field in fields if field.name == "input" and (kinds[fields.index(field)] == "email" or _IDENTIFIER.search(
            " ".join([field.get("name") or "", field.get("id") or "", field.get("autocomplete") or ""])))]
        if "password" in kinds:
            # Its button says so, or, in any language, it asks for one password and who you are and nothing
            # else: at most one other field, or two that name a user or an email address (a registration
            # or change-password form asks for two passwords or more fields).
            only_sign_in = kinds.count("password") == 1 and (len(fields) <= 2 or (named and len(fields) == 1 + len(named) <= 3))
            return "password" if _asks_password(form) and (_FORM_SIGNS_IN.search(own) or only_sign_in) else ""
        if len(fields) == 1 and named and (_FORM_SIGNS_IN.search(own) or _FORM_GOES_ON.search(own.strip() or "-")):
            return "identifier"
        return ""
    offered = [a for a in soup.find_all(["a", "button"]) if a.find_parent(["header", "nav", "footer", "aside"]) is None
               and _SSO.search(" ".join(a.get_text(" ").split()))]
    return "sso" if offered else ""


_DIALOG_CLASS = re.compile(r"(^|[-_])(modal|dialog|popup|overlay|lightbox)($|[-_])", re.IGNORECASE)


def _is_dialog(tag) -> bool:
    """A dialog box: <dialog>, role dialog/alertdialog, aria-modal, or a class naming a modal or dialog."""
    if tag.name == "dialog" or (tag.get("role") or "").lower() in ("dialog", "alertdialog") \
            or (tag.get("aria-modal") or "").lower() == "true":
        return True
    return any(_DIALOG_CLASS.search(c) for c in tag.get("class") or [])


def _fields(form) -> list:
    """The fields a form asks the reader to fill in (text-like inputs, text areas, selects)."""
    return [field for field in form.find_all(["input", "textarea", "select"])
            if field.name != "input" or (field.get("type") or "").lower() in _TEXT_INPUTS]


def _is_search_form(form) -> bool:
    marks = " ".join([form.get("role") or "", form.get("action") or "", form.get("id") or "", " ".join(form.get("class") or [])]).lower()
    return "search" in marks or form.find("input", attrs={"type": "search"}) is not None \
        or form.find("input", attrs={"name": ["q", "query", "search", "s", "keywords"]}) is not None


def _asks_password(node) -> bool:
    """A password field to sign in with (a new-password field is an account page, not a wall)."""
    return any((field.get("autocomplete") or "").lower() != "new-password"
               for field in node.find_all("input", attrs={"type": "password"}))


def _flat(text: str) -> str:
    return " ".join(text.split()).replace("\u2019", "'")


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
