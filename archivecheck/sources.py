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
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from .errors import InputError, NetworkError
from .http import ArchiveSession
from .live import LiveHosts, fetch_live_document

DOCUMENT_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv", ".ppt", ".pptx",
    ".odp", ".zip", ".xml", ".json", ".epub",
)
MAX_INPUT_BYTES = 50_000_000  # a sitemap may hold 50,000 URLs; its uncompressed limit is 50 MB
MAX_SITEMAPS = 100  # sitemap files followed from one index, at most
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
    Raises InputError when it cannot be read."""
    if re.match(r"^https?://", location, re.IGNORECASE):
        try:
            return fetch_live_document(session, hosts, location, limit=MAX_INPUT_BYTES), location
        except NetworkError as exc:
            raise InputError(f"cannot fetch {location}: {exc}") from None
    try:
        return Path(location).read_bytes(), None
    except OSError as exc:
        raise InputError(f"{location}: {exc.strerror or exc}") from None


def urls_from_sitemap(session: ArchiveSession, hosts: LiveHosts, location: str) -> list[str]:
    """Every `<loc>` of a sitemap (gzip or not), following a sitemap index to its sitemaps.
    Raises InputError for something that is not a sitemap."""
    out: list[str] = []
    pending, seen = [location], set()
    while pending:
        where = pending.pop(0)
        if where in seen:
            continue
        seen.add(where)
        if len(seen) > MAX_SITEMAPS:
            raise InputError(f"{location}: more than {MAX_SITEMAPS} sitemaps in the index")
        data, _ = read_source(session, hosts, where)
        root = _parse_sitemap(data, where)
        kind = _local(root.tag)
        locs = [(el.text or "").strip() for el in root.iter() if _local(el.tag) == "loc"]
        if kind == "sitemapindex":
            pending += [loc for loc in locs if loc]
        elif kind == "urlset":
            out += [loc for loc in locs if loc]
        else:
            raise InputError(f"{where}: not a sitemap (root element <{kind}>)")
    return _unique(out)


def _parse_sitemap(data: bytes, where: str) -> ET.Element:
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_INPUT_BYTES + 1)
        except (OSError, EOFError):
            raise InputError(f"{where}: damaged gzip file") from None
    if b"<!DOCTYPE" in data[:1024].upper() and b"<!ENTITY" in data.upper():
        raise InputError(f"{where}: sitemaps may not declare entities")  # no entity-expansion bombs
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{where}: not valid sitemap XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def urls_from_page(html: bytes, page_url: str | None, *, match: str | None = None) -> list[str]:
    """The document links of a listing page, by the rule in this module's docstring.
    Raises InputError for a bad --match or relative links with no base to resolve them against."""
    from bs4 import BeautifulSoup

    try:
        pattern = re.compile(match) if match else None
    except re.error as exc:
        raise InputError(f"--match: not a regular expression ({exc})") from None
    soup = BeautifulSoup(html, "html.parser")
    base = page_url
    base_tag = soup.find("base", href=True)
    if base_tag:
        base = urljoin(page_url or "", base_tag["href"]) or base
    page = urldefrag(page_url)[0] if page_url else None
    out = []
    for a in soup.find_all("a", href=True):
        if a.find_parent(["nav", "header", "footer"]):
            continue
        href = a["href"].strip()
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
