"""Is the original still on the web? A polite liveness check that never downloads a document whole.

We ask with HEAD first. Many publication servers refuse HEAD (405/501), answer it with 403, or answer
it without saying what they would send; then we ask for the first KiB only (`Range: bytes=0-1023`),
whose `Content-Range` still tells us the full size. A server that ignores Range gets its body cut off
after 1 KiB. The whole document is read only to compare it with the archive's copy (`document_sha1`),
and only when its size is known and small.

Live-host overrides send requests for an original host somewhere else, keeping the URL's path:
`www.gov.uk=http://127.0.0.1:8001/www.gov.uk/` makes `https://www.gov.uk/a.pdf` a request for
`http://127.0.0.1:8001/www.gov.uk/a.pdf`. Tests point the live check at a local site this way, and a
team can check a staging mirror. Set with `--live-override HOST=URL` (repeatable) or the environment
variable `ARCHIVECHECK_LIVE_OVERRIDE="HOST=URL,HOST=URL"`. URLs in reports stay in their public form.
(An HTTP proxy would not do: for https originals a proxy only sees an opaque CONNECT tunnel.)
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .archives import normalise_base, same_document
from .errors import ConfigError, NetworkError
from .http import LIVE, ArchiveSession
from .judge import kind_of_media_type, kind_problem, media_type, site_entrance

ENV_OVERRIDE = "ARCHIVECHECK_LIVE_OVERRIDE"
RANGE_BYTES = 1024
MAX_HOPS = 5
# HEAD answers that mean "ask differently", not "the document is gone".
_HEAD_REFUSED = {400, 403, 405, 406, 501}
_CONTENT_RANGE = re.compile(r"bytes\s+\d+-\d+/(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class LiveHosts:
    """Where to send requests for each original host (empty: to the host itself)."""

    overrides: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, items: tuple[str, ...] = (), environ: dict | None = None) -> "LiveHosts":
        """From `HOST=URL` items and the environment variable; raises ConfigError for a bad item."""
        environ = os.environ if environ is None else environ
        raw = [i for i in environ.get(ENV_OVERRIDE, "").split(",") if i.strip()] + list(items)
        pairs: dict[str, str] = {}
        for item in raw:
            host, sep, url = item.partition("=")
            if not sep or not host.strip() or not url.strip():
                raise ConfigError(f"--live-override expects HOST=URL, got {item.strip()!r}")
            pairs[host.strip().lower()] = normalise_base(url, what="--live-override")
        return cls(tuple(pairs.items()))

    def request_url(self, url: str) -> str:
        parts = urlsplit(url)
        for host, base in self.overrides:
            if parts.netloc.lower() == host:
                rest = url.split(parts.netloc, 1)[1].lstrip("/")
                return base + rest
        return url


@dataclass(frozen=True)
class LiveStatus:
    """What the original's own server says now. `status` None: it could not be reached."""

    status: int | None
    content_type: str | None = None
    length: int | None = None
    method: str = "HEAD"  # or "GET bytes=0-1023"
    redirected_to: str | None = None  # public URL, when it redirects to another document
    error: str | None = None
    # Why the answer is not the document although it is a 200 (judge.py's rule, as for captures).
    problem: str | None = None
    entrance: str | None = None  # "home page" / "search page" when the redirect lands there

    @property
    def live(self) -> bool:
        """Served as the document it names: 200 (or 206 to a range), and not something else in
        its place (an HTML page where the URL names a file: a soft 404)."""
        return self.status in (200, 206) and not self.soft_404

    @property
    def soft_404(self) -> bool:
        return bool(self.status in (200, 206) and self.problem)

    def describe(self) -> str:
        if self.status is None:
            return f"the live site could not be reached ({self.error})"
        if self.redirected_to:
            where = f"the site's {self.entrance}, " if self.entrance else ""
            return f"the live URL redirects (HTTP {self.status}) to {where}{self.redirected_to}"
        if self.soft_404:
            return "the live URL answers with an HTML page instead of the document"
        if self.live:
            return "the document is still live"
        return f"the live URL answers HTTP {self.status}"


def check_live(session: ArchiveSession, hosts: LiveHosts, url: str) -> LiveStatus:
    """HEAD, then a 1 KiB ranged GET when HEAD is refused or uninformative. Follows redirects that
    stay on the same document (http→https, www.). Never raises for network trouble."""
    current = url
    try:
        for _ in range(MAX_HOPS):
            resp = session.send("HEAD", hosts.request_url(current), endpoint=LIVE)
            status, headers = resp.status_code, resp.headers
            resp.close()
            method = "HEAD"
            informative = "Content-Type" in headers and ("Content-Length" in headers or status != 200)
            if status in _HEAD_REFUSED or (status == 200 and not informative):
                status, headers = _ranged_get(session, hosts.request_url(current))
                method = f"GET bytes=0-{RANGE_BYTES - 1}"
            if 300 <= status < 400 and headers.get("Location"):
                target = urljoin(current, headers["Location"])
                if same_document(current, target) and target != current:
                    current = target
                    continue
                return LiveStatus(status, method=method, redirected_to=target,
                                  entrance=site_entrance(current, target))
            ctype = media_type(headers.get("Content-Type"))
            # Judged from the media type only when it is HTML: servers label files loosely
            # (octet-stream for a PDF) but do not send a PDF as text/html.
            # 206 to our 1 KiB range means the whole document would be 200: report that.
            return LiveStatus(200 if status == 206 else status, ctype, _full_length(status, headers), method,
                              problem=kind_problem(url, kind_of_media_type(ctype)) if ctype == "text/html" else None)
        return LiveStatus(None, method="HEAD", error=f"more than {MAX_HOPS} redirects")
    except NetworkError as exc:
        return LiveStatus(None, error=str(exc))


def _ranged_get(session: ArchiveSession, request_url: str):
    resp = session.send("GET", request_url, endpoint=LIVE, headers={"Range": f"bytes=0-{RANGE_BYTES - 1}"})
    status, headers = resp.status_code, resp.headers
    session.read_body(resp, keep=RANGE_BYTES, limit=RANGE_BYTES)  # at most 1 KiB, then close
    return status, headers


def _full_length(status: int, headers) -> int | None:
    if status == 206:
        m = _CONTENT_RANGE.match(headers.get("Content-Range", ""))
        return int(m.group(1)) if m else None
    value = headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def document_sha1(session: ArchiveSession, hosts: LiveHosts, url: str, live: LiveStatus,
                  max_bytes: int) -> str | None:
    """Base32 SHA-1 of the live document (the CDX digest's form), streamed through the session;
    None unless the document is live and its size is known and at most `max_bytes`."""
    if not live.live or live.length is None or live.length > max_bytes:
        return None
    try:
        resp = session.send("GET", hosts.request_url(url), endpoint=LIVE)
        if resp.status_code != 200:
            resp.close()
            return None
        body = session.read_body(resp, keep=max_bytes, limit=max_bytes + 1)
    except NetworkError:
        return None
    if not body.complete or body.data is None:
        return None
    return base64.b32encode(hashlib.sha1(body.data).digest()).decode("ascii")


def fetch_live_document(session: ArchiveSession, hosts: LiveHosts, url: str, *, limit: int) -> bytes:
    """GET a listing page or sitemap through the session. Raises NetworkError with a reason."""
    current = url
    for _ in range(MAX_HOPS):
        resp = session.send("GET", hosts.request_url(current), endpoint=LIVE)
        if 300 <= resp.status_code < 400 and resp.headers.get("Location"):
            current = urljoin(current, resp.headers["Location"])
            resp.close()
            continue
        if resp.status_code != 200:
            resp.close()
            raise NetworkError(f"HTTP {resp.status_code}", url=url)
        body = session.read_body(resp, keep=limit, limit=limit)
        if not body.complete or body.data is None:
            raise NetworkError(f"larger than {limit:,} bytes", url=url)
        return body.data
    raise NetworkError(f"more than {MAX_HOPS} redirects", url=url)
