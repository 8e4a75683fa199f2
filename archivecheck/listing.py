"""Is a captured page a server's directory listing, and is that directory what the link names?

Apache's mod_autoindex, nginx's autoindex, lighttpd's mod_dirlisting ("Index of /reports/") and
Python's http.server ("Directory listing for /reports/") answer an address that names a directory
with no index page by listing it. Where a document used to be (its file removed, or a site's
pages taken down and the folder left), the archive keeps the listing of the folder above, or of the
document's own folder — not the document.

A listing is the document only when the link names that very directory: its path, once decoded
and without the final slash, is the path the listing names, and it asks no query (a `?feed=rss2`
names what a program makes, not a folder). Anything else — a link to `/reports/annual-2019.html`
answered by "Index of /reports/", a link to `/` with a query — is a listing in place of the document.
A listing that lists nothing (only its parent, its sort links) is a server with nothing to serve
wherever the link points (civetweb's "Index of /" of an empty document root, batch s5).
The decision is said in docs/errorpages.md ("Directory listings").
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# The titles the servers above give a listing, the listed path captured. Sources: Apache httpd
# modules/generators/mod_autoindex.c ("Index of "), nginx src/http/modules/ngx_http_autoindex_module.c
# ("Index of "), lighttpd src/mod_dirlisting.c ("Index of "), CPython Lib/http/server.py
# list_directory ("Directory listing for "); pages recorded on loopback in fixtures/errorpages
# (fixtures/errorpages/tools/serve_hosting_defaults.py).
_LISTING_TITLE = re.compile(r"^\s*(?:index of|directory listing for)\s+(/\S*)\s*$", re.IGNORECASE)


def listed_directory(title: str | None) -> str | None:
    """The path a directory listing names in its title ("/reports/"), or None when it is not one."""
    m = _LISTING_TITLE.match(title or "")
    return m.group(1) if m else None


# A listing's links that are not entries: its sort links (Apache "?C=N;O=D", civetweb "?nd"), the
# parent directory ("..", "../", Apache's "Parent Directory" to "/").
_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']?([^\"'\s>]*)[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_NOT_ENTRY_TEXT = re.compile(r"^\s*(?:parent\s+directory|\.\.(?:\s*/)?)\s*$", re.IGNORECASE)


def listed_entries(html: bytes) -> int:
    """How many files or folders a listing lists (its sort and parent links not counted)."""
    text = html[:400_000].decode("utf-8", "replace")
    count = 0
    for href, label in _ANCHOR.findall(text):
        label = re.sub(r"<[^>]+>", "", label)
        if not href or href[0] in "?#" or href.rstrip("/") in ("..", "") or _NOT_ENTRY_TEXT.match(label):
            continue
        count += 1
    return count


def names_directory(original: str, listed: str) -> bool:
    """Does the link `original` name the directory `listed` (a listing's path)?"""
    parts = urlsplit(original)
    if parts.query:
        return False
    return _plain(parts.path) == _plain(listed)


def _plain(path: str) -> str:
    return unquote(path or "/").rstrip("/")
