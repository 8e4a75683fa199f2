"""The archive as a witness (issue #17, item 3): is a doubted page one the site served for many addresses?

A site that answers a missing document with its error page and HTTP 200 (a soft 404), or puts a
login or maintenance page in front of everything, serves the same bytes for every address it does
that for; an archive that crawled several of those addresses lists the same payload digest under
each. A document is served at its own address (a mirror or two at most). So when the judge read a
page as the document but doubted it, one index question settles many such cases: do other addresses
of the same site hold this exact digest?

The question, the narrowest that answers it at a bounded cost in both CDX dialects:
- the capture's directory (its siblings: the dead documents of one folder share the site's error
  page), `matchType=prefix`, `filter=digest:<sha1>` (pywb reads it as "contains", IA as a regex on
  the whole field: the same for a whole base32 digest), `collapse=urlkey` (IA: one row per URL; pywb
  ignores it), `limit=ROWS`. One request; never a whole-host scan without a limit. A page at the root
  of its site has the host for its directory: then the archive scans that host's rows for the digest,
  which on a large host may outlast our timeout, and then the witness says nothing. A capture served
  with a Content-Encoding (gzip…) is indexed by the digest of its encoded bytes as stored, not of the
  page read: its own index row (an exact lookup) is asked first for that digest — two requests.
- asked through the one session and the index budget like any index request, but impatiently
  (`ArchiveSession.impatient`): no retry, no 429 waited out. A witness that cannot be asked, or whose
  answer is short of the threshold, changes nothing: the page stays `ok` with its doubt.

Counting addresses: by host (without `www.`, scheme ignored) and path (case folded, without a
trailing `/`, an `index.html`-like last segment or a `;jsessionid=`), **query string ignored**: the
same document under tracking or session parameters (`?utm_source=…`, `?sid=…`) is one address, so
a crawl that met a page under many of those never makes it a template. The price: a template served
only under one path with different queries (`index.php?title=…`) is never witnessed.
At least MIN_OTHERS other addresses: a document mirrored at two addresses (`/a/x` and `/b/x`, or
with and without `www` on two paths) has one other; two others can still be an alias pair plus a
print view; three is the least that no document we know of is published under, and it is cheap —
a template is usually served for every dead address the crawl met.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .answers import Excluded
from .archives import Archive
from .cdx import query_captures
from .errors import NetworkError
from .http import ArchiveSession

# Other addresses of the site holding the same bytes needed to call the page a template (docstring).
MIN_OTHERS = 3
# Rows asked for. IA collapses them to one per URL; pywb lists every capture, so the capture's own
# URL, crawled again and again, may fill some — then the answer may fall short and says nothing.
ROWS = 25
_INDEX_PAGE = re.compile(r"/(index|default|home)\.(html?|php|aspx?|jsp|shtml)$", re.IGNORECASE)
_BASE32_SHA1 = re.compile(r"[A-Z2-7]{32}")


@dataclass(frozen=True)
class Template:
    """What the index showed: the digest, the prefix asked about, and other addresses holding it."""

    digest: str
    prefix: str
    others: tuple[str, ...]  # one original URL per other address, as the index lists them
    more: bool  # the answer was cut at ROWS: there may be more addresses than `others`

    def sentence(self) -> str:
        """One sentence for the result's detail: what the archive showed, and what follows."""
        count = f"{'at least ' if self.more else ''}{len(self.others)}"
        examples = ", ".join(self.others[:2])
        return (f"the archive holds this exact page for {count} other addresses of the site (e.g. {examples}):"
                f" a site template such as an error page, not the document this link names")


def address_key(url: str) -> tuple[str, str] | None:
    """The address a URL names, for counting distinct addresses (docstring): host without `www.`
    and path, case folded, query and fragment ignored. None for what is not an http(s) URL."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    host = host[4:] if host.startswith("www.") else host
    path = unquote(parts.path).split(";", 1)[0].lower()
    path = _INDEX_PAGE.sub("/", path).rstrip("/")
    return host, path


def sibling_prefix(original: str) -> str | None:
    """The directory of an original URL ("https://host/a/b/" for "https://host/a/b/c.pdf?x"), or None."""
    parts = urlsplit(original)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    directory = parts.path[: parts.path.rfind("/") + 1] or "/"
    return f"{parts.scheme}://{parts.netloc}{directory}"


def ask_witness(session: ArchiveSession, archive: Archive, original: str, digest: str | None, *,
                timestamp: str | None = None) -> Template | None:
    """One index question (docstring): a Template when at least MIN_OTHERS other addresses of the
    site hold `digest`, else None — also when the index cannot be asked or answers short. With
    `digest` None (a content-encoded capture, whose index digest is of the bytes as stored) the
    capture's own index row at `timestamp` is looked up first for it: one more request."""
    prefix = sibling_prefix(original)
    own = address_key(original)
    if prefix is None or own is None:
        return None
    impatient = session.impatient()
    try:
        if digest is None and timestamp:
            digest = next((row.digest for row in query_captures(impatient, archive, original, limit=1,
                                                                 from_ts=timestamp, to_ts=timestamp)
                           if row.timestamp == timestamp), None)
        if not _BASE32_SHA1.fullmatch(digest or ""):
            return None
        rows = list(query_captures(impatient, archive, prefix, match_type="prefix", limit=ROWS,
                                   page_size=ROWS, filters=(f"digest:{digest}",), collapse="urlkey"))
    except (NetworkError, Excluded):
        return None
    others: dict[tuple[str, str], str] = {}
    for row in rows:
        key = address_key(row.original)
        # pywb's "contains" filter and a sloppy server: only the exact digest counts.
        if key is not None and key != own and key[0] == own[0] and row.digest == digest:
            others.setdefault(key, row.original)
    if len(others) < MIN_OTHERS:
        return None
    return Template(digest, prefix, tuple(others.values()), more=len(rows) >= ROWS)
