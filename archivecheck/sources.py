"""Where audit's list of original URLs comes from: a text/CSV list, a sitemap, or a listing page.

Document links on a listing page (`urls_from_page`), the rule:
  1. `<a href>` only, and not inside `<nav>`, `<header>` or `<footer>` (site navigation);
  2. resolved against the page's `<base href>`, else the page URL (`--base` for a saved file);
     only http(s) results are kept, which drops `mailto:`, `javascript:`, `tel:`, `data:`, `ftp:`;
  3. the fragment is removed, and a link back to the page itself is dropped;
  4. with `--match REGEX`, kept when REGEX is found in the absolute URL (so HTML publications can be
     audited); without it, kept when the path ends in a document suffix (.pdf, .docx, .csv, …);
  5. duplicates dropped, first occurrence's order kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
import xml.etree.ElementTree as ET
from urllib.parse import urldefrag, urljoin, urlsplit

from .errors import InputError, NetworkError
from .extract.html import page_anchors
from .http import ArchiveSession
from .inputs import read_input_bytes
from .live import LiveHosts, fetch_live_document

DOCUMENT_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
    ".odp", ".zip", ".xml", ".json", ".epub",
)
MAX_INPUT_BYTES = 50_000_000  # a sitemap may hold 50,000 URLs; its uncompressed limit is 50 MB
MAX_SITEMAPS = 100  # sitemap files followed from one index, at most
log = logging.getLogger(__name__)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def urls_from_list(text: str) -> list[str]:
    """One URL a line, or CSV with a URL in some column (the first http(s) cell of each row is
    taken; header rows have none). Blank lines and `#` comments are skipped."""
    out = []
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for row in csv.reader(lines):
        cell = next((c.strip() for c in row if _URL.match(c.strip())), None)
        if cell is None and len(row) == 1:
            cell = row[0].strip()  # not obviously a URL: let the caller's validation say so
        if cell:
            out.append(cell)
    return _unique(out)


def read_source(session: ArchiveSession, hosts: LiveHosts, location: str) -> tuple[bytes, str | None]:
    """The bytes of a URL (fetched like a live page) or a local file, and the URL if it was one.
    Only for a location the user typed: a local path is read (at most MAX_INPUT_BYTES of it, so a
    named device cannot exhaust memory). Raises InputError when it cannot be read."""
    if is_web_url(location):
        return fetch_source(session, hosts, location), location
    data, _ = read_input_bytes(location, limit=MAX_INPUT_BYTES)
    return data, None


def fetch_source(session: ArchiveSession, hosts: LiveHosts, url: str) -> bytes:
    """The bytes of a web document (at most MAX_INPUT_BYTES). Raises InputError."""
    try:
        return fetch_live_document(session, hosts, url, limit=MAX_INPUT_BYTES)
    except NetworkError as exc:
        raise InputError(f"cannot fetch {url}: {exc}") from None


def is_web_url(text: str) -> bool:
    return bool(re.match(r"^https?://", text, re.IGNORECASE))


def urls_from_sitemap(session: ArchiveSession, hosts: LiveHosts, location: str) -> list[str]:
    """Every `<loc>` of a sitemap (gzip or not), following a sitemap index to its sitemaps.

    Only `location` (typed by the user) may be a local file. A `<loc>` is a web address or nothing:
    one naming a local file (`/etc/passwd`, `file:///dev/zero`) or any other scheme is skipped
    with a warning, never opened. Raises InputError for something that is not a sitemap."""
    out: list[str] = []
    pending, seen = [location], set()
    skipped = 0
    while pending:
        where = pending.pop(0)
        if where in seen:
            continue
        seen.add(where)
        if len(seen) > MAX_SITEMAPS:
            raise InputError(f"{location}: more than {MAX_SITEMAPS} sitemaps in the index")
        data = read_source(session, hosts, where)[0] if where == location else fetch_source(session, hosts, where)
        root = _parse_sitemap(data, where)
        kind = _local(root.tag)
        locs = [(el.text or "").strip() for el in root.iter() if _local(el.tag) == "loc"]
        web = [loc for loc in locs if is_web_url(loc)]
        skipped += sum(1 for loc in locs if loc and not is_web_url(loc))
        if kind == "sitemapindex":
            pending += web
        elif kind == "urlset":
            out += web
        else:
            raise InputError(f"{where}: not a sitemap (root element <{kind}>)")
    if skipped:
        log.warning("%s: %d <loc> entr%s not a web address (http or https) skipped", location, skipped,
                    "y" if skipped == 1 else "ies")
    return _unique(out)


def _parse_sitemap(data: bytes, where: str) -> ET.Element:
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_INPUT_BYTES + 1)
        except (OSError, EOFError):
            raise InputError(f"{where}: damaged gzip file") from None
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"{where}: expands beyond {MAX_INPUT_BYTES // 1_000_000} MB; not a sitemap")
    # Entity declarations are refused wherever they stand (a sitemap never has one): no
    # entity-expansion bombs, however much padding comes before the DOCTYPE.
    if b"<!ENTITY" in data:
        raise InputError(f"{where}: sitemaps may not declare entities")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{where}: not valid sitemap XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def urls_from_page(html: bytes, page_url: str | None, *, match: str | None = None) -> list[str]:
    """The document links of a listing page, by the rule in this module's docstring.
    Raises InputError for a bad --match or relative links with no base to resolve them against."""
    try:
        pattern = re.compile(match) if match else None
    except re.error as exc:
        raise InputError(f"--match: not a regular expression ({exc})") from None
    # One linear pass over the page: a fetched page is the network's to shape, deep nesting included.
    base_href, anchors = page_anchors(html)
    base = page_url
    if base_href is not None:
        base = urljoin(page_url or "", base_href) or base
    page = urldefrag(page_url)[0] if page_url else None
    out = []
    for href, in_navigation in anchors:
        if in_navigation:
            continue
        href = href.strip()
        if not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE) and not base:
            raise InputError("the page has relative links: give its address with --base URL")
        url = urldefrag(urljoin(base or "", href))[0]
        if urlsplit(url).scheme.lower() not in ("http", "https") or url == page:
            continue
        if pattern is not None:
            if not pattern.search(url):
                continue
        elif not urlsplit(url).path.lower().endswith(DOCUMENT_SUFFIXES):
            continue
        out.append(url)
    return _unique(out)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
