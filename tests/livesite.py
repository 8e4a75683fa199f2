"""A local "live site" for audit tests: serves original documents as their own servers would now.

Requests arrive as ``/{host}/{path}`` (archivecheck reaches it through live-host overrides such as
``www.gov.uk=http://127.0.0.1:P/www.gov.uk/``, see ``LiveSite.overrides()``). Each registered page
has a status, a body and a media type; ``head=False`` answers HEAD with 405 (as many CMSs do), so the
client must fall back to a ranged GET. GET honours ``Range: bytes=a-b`` with 206 + Content-Range.
Unregistered paths are 404. Every request is logged with the bytes of body actually sent, so tests
can check that nobody downloaded a document they only needed to look at.

Also here: ``add_snapshots``, which appends captures (new WARC + re-index with pywb's own
CollectionsManager) to a running local archive's collection; the SPN stand-in uses it too.
"""
from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from tests.servers import LoopbackServer, serve_in_thread

_INDEX_LOCK = threading.Lock()


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    mime: str = "application/pdf"
    head: bool = True  # False: HEAD answers 405
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    method: str
    url: str  # public form
    range: str | None
    status: int
    body_bytes: int
    at: float


class LiveSite(LoopbackServer):
    """A threaded loopback server holding ``pages`` keyed by public URL. Use as a context manager."""

    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self.httpd, self.base = serve_in_thread(Handler)

    def add(self, url: str, body: bytes = b"", *, status: int = 200, mime: str = "application/pdf",
            head: bool = True, headers: dict | None = None) -> str:
        self.pages[url] = Page(status, body, mime, head, dict(headers or {}))
        return url

    def overrides(self) -> list[str]:
        """``HOST=URL`` values mapping every host with pages here (for --live-override)."""
        hosts = sorted({urlsplit(u).netloc for u in self.pages})
        return ["%s=%s%s/" % (h, self.base, h) for h in hosts]

    def env_value(self) -> str:
        return ",".join(self.overrides())

    def hits(self, url: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if url is None or h.url == url]


class _Handler(BaseHTTPRequestHandler):
    site: LiveSite
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def _serve(self, head: bool):
        import time

        host, _, rest = self.path.lstrip("/").partition("/")
        url = "https://%s/%s" % (host, rest)
        page = self.site.pages.get(url)
        rng = self.headers.get("Range")
        status, body, headers = 404, b"<html><title>Page not found</title></html>", {"Content-Type": "text/html"}
        if page is not None:
            status, body = page.status, page.body
            headers = {"Content-Type": page.mime, **page.headers}
            if head and not page.head:
                status, body, headers = 405, b"", {"Allow": "GET"}
            elif status == 200 and rng and not head:
                m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
                if m:
                    start = int(m.group(1))
                    end = min(int(m.group(2)) if m.group(2) else len(body) - 1, len(body) - 1)
                    headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, len(body))
                    status, body = 206, body[start:end + 1]
        # Log on arrival, before answering: a client that has its answer must find its hit logged
        # (logging afterwards raced the test that reads the log). `sent` is what we are about to send.
        with self.site._lock:
            self.site.log.append(Hit(self.command, url, rng, status, 0 if head else len(body), time.monotonic()))
        self.send_response(status, HTTPStatus(status).phrase)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True


# -- captures appended to a running local archive ------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """One capture to append (duck-types tests.archive.cases.Capture for build.write_warc)."""

    url: str
    timestamp: str
    body: bytes
    status: int = 200
    mime: str = "application/pdf"
    headers: dict = field(default_factory=dict)

    @property
    def http_date(self) -> str:
        when = datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        return when.strftime("%a, %d %b %Y %H:%M:%S GMT")


def add_snapshots(archive_root: Path, collection: str, snapshots: list[Snapshot], name: str) -> None:
    """Write ``snapshots`` to a new WARC and add it to ``collection`` of a running local archive;
    pywb reads its CDXJ index per query, so the captures replay at once."""
    from pywb.manager.manager import CollectionsManager

    from tests.archive.build import write_warc

    with _INDEX_LOCK:
        warcs = Path(archive_root) / "warcs"
        warcs.mkdir(exist_ok=True)
        warc = write_warc(warcs / ("%s.warc.gz" % name), snapshots)
        manager = CollectionsManager(collection, colls_dir=str(Path(archive_root) / "collections"),
                                     must_exist=True)
        manager.add_archives([str(warc)])


def fake_pdf(tag: str) -> bytes:
    """A small body that sniffs as PDF and differs per ``tag`` (so its digest does)."""
    return b"%PDF-1.4\n% " + tag.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sitemap(urls: list[str]) -> bytes:
    locs = "".join("<url><loc>%s</loc></url>" % u for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
            'sitemap/0.9">%s</urlset>\n' % locs).encode()


def sitemap_index(urls: list[str]) -> bytes:
    locs = "".join("<sitemap><loc>%s</loc></sitemap>" % u for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9">%s</sitemapindex>\n' % locs).encode()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)
