"""The local archive: pywb (in a child process) behind a threaded, fault-injecting front.

Layout of the front (one loopback port):

  /ukgwa/...            proxied to pywb, UKGWA-like: inexact timestamps serve the nearest capture (200)
  /web/...              proxied to pywb, Wayback-like: inexact timestamps 302 to the exact capture URL
  /cdx/search/cdx       Internet Archive CDX dialect, computed from pywb's index of the ``web`` collection
  /ukgwa/cdx, /web/cdx  pywb's native NDJSON CDX, passed through

Faults (``Front.inject``) match a substring of the request path+query, so they can target a replay
URL or a CDX query alike. Rate limits and latency (``Front.configure``) are for benchmarks.
"""
from __future__ import annotations

import http.client
import json
import math
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]

FAULT_KINDS = ("429", "503", "reset", "slow", "truncated", "captcha", "challenge", "status")

IA_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# IA CDX field name -> pywb CDXJ field name
IA_TO_PYWB = {"urlkey": "urlkey", "timestamp": "timestamp", "original": "url", "mimetype": "mime",
              "statuscode": "status", "digest": "digest", "length": "length",
              "offset": "offset", "filename": "filename"}

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}

# What AWS WAF (in front of UKGWA) returns to a client it wants to challenge. The 405 + header is
# the documented signal; the body is a trimmed version of the real interstitial.
CAPTCHA_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Human Verification</title>
<script src="https://example.token.awswaf.com/captcha.js"></script></head>
<body><div id="captcha-container"></div>
<noscript>JavaScript is disabled. In order to continue, we need to verify that you're not a robot.</noscript>
<script>AwsWafIntegration.renderCaptcha(document.getElementById("captcha-container"));</script>
</body></html>
"""


def endpoint_class(path: str) -> str:
    """``index`` for CDX and TimeMap requests, ``replay`` for everything else (as the archives'
    published rate limits distinguish them)."""
    p = path.split("?", 1)[0]
    if p.endswith("/cdx") or p.endswith("/cdx/search/cdx") or "/timemap/" in p:
        return "index"
    return "replay"


@dataclass
class Fault:
    """One injected fault: requests whose path+query contains ``match`` get ``kind``."""

    match: str
    kind: str
    times: int | None  # None = forever
    params: dict = field(default_factory=dict)
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int | None  # None when no status line was sent (reset)
    endpoint: str  # index | replay
    fault: str | None
    at: float
    headers: dict = field(default_factory=dict, repr=False)  # as the client sent them (#20: User-Agent)


class _SlidingWindow:
    def __init__(self, limit: int, window: float):
        self.limit, self.window, self.times = limit, window, deque()

    def admit(self, now: float) -> float | None:
        """Record a request; returns None if admitted, else seconds until a slot frees."""
        while self.times and now - self.times[0] >= self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return self.window - (now - self.times[0])
        self.times.append(now)
        return None


class Front:
    """The front server's shared state: faults, rate limits, latency, request log.

    All methods are thread-safe; tests call them while the server threads run.
    """

    def __init__(self, pywb_host: str, pywb_port: int):
        self.pywb_host, self.pywb_port = pywb_host, pywb_port
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._log: list[LoggedRequest] = []
        self._limits: dict[str, _SlidingWindow] = {}
        self._body_bytes: dict[str, int] = {"index": 0, "replay": 0}
        self._bytes_by_path: dict[str, int] = {}
        self.latency = 0.0
        self.stopping = threading.Event()
        self.httpd: ThreadingHTTPServer | None = None
        self.port: int | None = None

    # -- faults -------------------------------------------------------------------------------
    def inject(self, match: str, kind: str, times: int | None = 1, **params) -> Fault:
        """Make the next ``times`` requests (None: all) whose path+query contains ``match`` fail.

        kinds and params:
          ``429``        status 429; ``retry_after=1`` (seconds; None: no Retry-After header)
          ``503``        status 503; ``retry_after=None``
          ``reset``      close the connection without a response (``rst=True``: TCP RST, else FIN)
          ``slow``       real status+headers, then the body at one byte per ``interval=1.0`` s for
                         at most ``duration=60`` s, then close; ``header_delay=0`` s before headers
          ``truncated``  real headers (full Content-Length), then ``send_bytes`` (default half) of
                         the body, then close
          ``captcha``    405 with ``x-amzn-waf-action: captcha`` and a small HTML challenge page
          ``challenge``  202 with ``x-amzn-waf-action: challenge`` and an empty body
          ``status``     any ``status=``, ``headers={}``, ``body=b""``; ``ranges=True`` answers a
                         single ``Range: bytes=A-B`` with 206 and Content-Range, as pywb does
        Returns the Fault (its ``hits`` counts how often it fired).
        """
        kind = {"429_no_retry_after": "429", "429-no-retry-after": "429"}.get(kind, kind)
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (known: %s)" % (kind, ", ".join(FAULT_KINDS)))
        fault = Fault(match, kind, times, dict(params))
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, path: str) -> Fault | None:
        decoded = unquote(path)
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted and (fault.match in path or fault.match in decoded):
                    fault.hits += 1
                    return fault
        return None

    # -- benchmark knobs ----------------------------------------------------------------------
    def configure(self, *, latency: float | None = None, index_rpm: int | None = None,
                  replay_rpm: int | None = None, window: float = 60.0) -> None:
        """Set added latency (seconds per request) and per-endpoint rate limits (requests per
        ``window`` seconds, answered with 429 + Retry-After beyond that). None leaves latency as
        is; a limit of None removes it. ``configure()`` with no arguments removes all limits."""
        with self._lock:
            if latency is not None:
                self.latency = latency
            self._limits = {}
            if index_rpm:
                self._limits["index"] = _SlidingWindow(index_rpm, window)
            if replay_rpm:
                self._limits["replay"] = _SlidingWindow(replay_rpm, window)

    def _rate_limited(self, endpoint: str) -> float | None:
        with self._lock:
            limiter = self._limits.get(endpoint)
            return limiter.admit(time.monotonic()) if limiter else None

    # -- request log --------------------------------------------------------------------------
    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request seen since the last ``reset_log()``, oldest first (a copy)."""
        with self._lock:
            return list(self._log)

    @property
    def counts(self) -> dict[str, int]:
        """Requests seen by endpoint class: ``{"index": n, "replay": m}``."""
        log = self.requests
        return {cls: sum(1 for r in log if r.endpoint == cls) for cls in ("index", "replay")}

    @property
    def body_bytes(self) -> dict[str, int]:
        """Response body bytes sent by endpoint class since the last ``reset_log()`` (headers not
        counted): what a client cost the archive in transfer."""
        with self._lock:
            return dict(self._body_bytes)

    @property
    def bytes_by_path(self) -> dict[str, int]:
        """Response body bytes sent per request path (query included) since the last ``reset_log()``."""
        with self._lock:
            return dict(self._bytes_by_path)

    def _count_bytes(self, endpoint: str, n: int, path: str = "") -> None:
        with self._lock:
            self._body_bytes[endpoint] = self._body_bytes.get(endpoint, 0) + n
            self._bytes_by_path[path] = self._bytes_by_path.get(path, 0) + n

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._body_bytes = {"index": 0, "replay": 0}
            self._bytes_by_path = {}

    def reset(self) -> None:
        """Clear faults, limits, latency and the log (what the per-test fixture does)."""
        with self._lock:
            self._faults.clear()
            self._log.clear()
            self._body_bytes = {"index": 0, "replay": 0}
            self._bytes_by_path = {}
            self._limits = {}
            self.latency = 0.0

    # -- lifecycle ----------------------------------------------------------------------------
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> int:
        front = self

        class Handler(_FrontHandler):
            pass

        Handler.front = front
        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                         name="archive-front", daemon=True).start()
        return self.port

    def stop(self) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


class _FrontHandler(BaseHTTPRequestHandler):
    front: Front
    protocol_version = "HTTP/1.1"
    server_version = "local-archive-front"

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read front.requests
        pass

    def do_HEAD(self):
        self._handle()

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    # -- dispatch -----------------------------------------------------------------------------
    def _handle(self):
        front = self.front
        self._endpoint = endpoint_class(self.path)
        self._fault = None
        self._logged = False
        try:
            if front.latency:
                time.sleep(front.latency)
            wait = front._rate_limited(self._endpoint)
            if wait is not None:
                self._send_simple(429, b"Too Many Requests\n",
                                  [("Retry-After", str(max(1, math.ceil(wait))))])
                return
            self._fault = fault = front._take_fault(self.path)
            if fault is not None:
                self._apply_fault(fault)
                return
            path = urlsplit(self.path).path
            if path == "/cdx/search/cdx":
                self._serve_ia_cdx()
            else:
                self._proxy()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug in the front: say so loudly rather than hang up silently
            self.close_connection = True
            if not self._logged:
                self._send_simple(500, traceback.format_exc().encode())
            raise
        finally:
            self._log(None)

    def _log(self, status):
        # Logged as soon as the status is known (before the client can see a byte), so that a test
        # which has its response never races the log entry into the next test's log.
        if not self._logged:
            self._logged = True
            self.front._record(LoggedRequest(self.command, self.path, status, self._endpoint,
                                             self._fault.kind if self._fault else None, time.time(),
                                             dict(self.headers.items())))

    # -- plain responses ----------------------------------------------------------------------
    def send_response(self, code, message=None):
        # Not BaseHTTPRequestHandler's: that adds Date, which proxied replies already carry.
        self._log(code)
        self.send_response_only(code, message)

    def _send_simple(self, status, body=b"", headers=(), content_type="text/plain; charset=utf-8"):
        self.send_response(status)
        self.send_header("Date", self.date_time_string())
        if body or content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.front._count_bytes(self._endpoint, len(body), self.path)

    # -- faults -------------------------------------------------------------------------------
    def _apply_fault(self, fault: Fault):
        p = fault.params
        kind = fault.kind
        if kind == "429":
            retry_after = p.get("retry_after", 1)
            headers = [] if retry_after is None else [("Retry-After", str(retry_after))]
            self._send_simple(429, b"Too Many Requests\n", headers)
        elif kind == "503":
            retry_after = p.get("retry_after")
            headers = [] if retry_after is None else [("Retry-After", str(retry_after))]
            self._send_simple(503, b"Service Unavailable\n", headers)
        elif kind == "captcha":
            self._send_simple(405, CAPTCHA_HTML, [("x-amzn-waf-action", "captcha"),
                                                  ("Cache-Control", "no-store")],
                              content_type="text/html; charset=UTF-8")
        elif kind == "challenge":
            self._send_simple(202, b"", [("x-amzn-waf-action", "challenge"),
                                         ("Cache-Control", "no-store")], content_type=None)
        elif kind == "status":
            body = p.get("body", b"")
            body = body.encode() if isinstance(body, str) else body
            status, headers = int(p["status"]), list(p.get("headers", {}).items())
            wanted = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range") or "")
            if p.get("ranges") and status == 200 and wanted and int(wanted[1]) < len(body):
                first, last = int(wanted[1]), min(int(wanted[2]), len(body) - 1)
                headers.append(("Content-Range", f"bytes {first}-{last}/{len(body)}"))
                status, body = 206, body[first:last + 1]
            self._send_simple(status, body, headers,
                              content_type=p.get("content_type", "text/plain; charset=utf-8"))
        elif kind == "reset":
            self._reset(p.get("rst", True))
        elif kind in ("slow", "truncated"):
            self._degraded_proxy(kind, p)

    def _reset(self, rst: bool):
        self._log(None)
        self.close_connection = True
        self.wfile.flush()
        if rst:  # SO_LINGER 0 turns close() into a TCP RST: the client sees ECONNRESET
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            self.connection.shutdown(socket.SHUT_RDWR) if not rst else None
        except OSError:
            pass
        self.connection.close()

    def _degraded_proxy(self, kind: str, p: dict):
        """Fetch the real response, then deliver it slowly or only partly."""
        status, reason, headers, body = self._fetch_upstream_full()
        self.close_connection = True
        if kind == "slow" and p.get("header_delay"):
            if self.front.stopping.wait(p["header_delay"]):
                return
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        if kind == "truncated":
            n = p.get("send_bytes", len(body) // 2)
            self.wfile.write(body[:n])
            self.wfile.flush()
            self._reset(rst=False)
            return
        interval, deadline = p.get("interval", 1.0), time.monotonic() + p.get("duration", 60.0)
        for i in range(len(body)):
            if time.monotonic() >= deadline or self.front.stopping.is_set():
                break
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            if self.front.stopping.wait(interval):
                break
        self._reset(rst=False)

    # -- proxy to pywb ------------------------------------------------------------------------
    def _upstream(self, path: str | None = None, method: str | None = None):
        conn = http.client.HTTPConnection(self.front.pywb_host, self.front.pywb_port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        # pywb builds Link / Location / Content-Location from Host: keep the client's (the front's)
        headers["Host"] = self.headers.get("Host", "127.0.0.1:%d" % self.front.port)
        body = None
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length)
        conn.request(method or self.command, path or self.path, body=body, headers=headers)
        return conn, conn.getresponse()

    def _response_headers(self, resp, path: str):
        status, reason = resp.status, resp.reason
        # pywb's redirect_to_exact answers 307; web.archive.org answers 302 Found.
        if status == 307 and path.startswith("/web/"):
            status, reason = 302, "Found"
        headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
        return status, reason, headers

    def _fetch_upstream_full(self):
        conn, resp = self._upstream(method="GET")
        try:
            status, reason, headers = self._response_headers(resp, urlsplit(self.path).path)
            return status, reason, headers, resp.read()
        finally:
            conn.close()

    def _proxy(self):
        conn, resp = self._upstream()
        try:
            status, reason, headers = self._response_headers(resp, urlsplit(self.path).path)
            self.send_response(status, reason)
            for name, value in headers:
                self.send_header(name, value)
            length = resp.getheader("Content-Length")
            no_body = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
            if length is not None:
                self.send_header("Content-Length", length)
            elif not no_body:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if no_body:
                return
            while True:
                chunk = resp.read1(65536) if length is not None else resp.read(65536)
                if not chunk:
                    break
                if length is not None:
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.front._count_bytes(self._endpoint, len(chunk), self.path)
            if length is None:
                self.wfile.write(b"0\r\n\r\n")
        finally:
            conn.close()

    # -- Internet Archive CDX -----------------------------------------------------------------
    def _serve_ia_cdx(self):
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        try:
            rows, resume_key = ia_cdx_rows(self._pywb_cdx, query)
        except ValueError as exc:
            self._send_simple(400, ("org.archive.util.io.RuntimeIOException: %s\n" % exc).encode())
            return
        one = lambda name, default=None: (query.get(name) or [default])[-1]  # noqa: E731
        fields = [f for f in (one("fl") or ",".join(IA_FIELDS)).split(",") if f]
        as_json = one("output") == "json"
        show_key = one("showResumeKey", "false").lower() == "true"
        table = [[row.get(f, "-") for f in fields] for row in rows]
        if as_json:
            out = [fields] + table if table else []
            if show_key and resume_key:
                out += [[], [resume_key]]
            body = (json.dumps(out) if not out else
                    "[" + ",\n".join(json.dumps(r) for r in out) + "]\n").encode()
            ctype = "application/json"
        else:
            lines = [" ".join(r) for r in table]
            if show_key and resume_key:
                lines += ["", resume_key]
            body = "".join(line + "\n" for line in lines).encode()
            ctype = "text/plain"
        self._send_simple(200, body, content_type=ctype)

    def _pywb_cdx(self, params: dict) -> list[dict]:
        path = "/web/cdx?" + "&".join("%s=%s" % (k, quote(str(v), safe="")) for k, v in params.items())
        conn, resp = self._upstream(path=path, method="GET")
        try:
            data = resp.read().decode("utf-8")
        finally:
            conn.close()
        if resp.status != 200:
            raise ValueError("index query failed (%d)" % resp.status)
        return [json.loads(line) for line in data.splitlines() if line.strip()]


def ia_cdx_rows(fetch, query: dict) -> tuple[list[dict], str | None]:
    """Compute an IA CDX answer: ``(rows keyed by IA field names, resume key or None)``.

    ``fetch(params)`` returns pywb CDXJ records for ``url``/``matchType``/``from``/``to``; filters,
    collapsing, limits and resume keys are applied here with IA's semantics (regex filters on IA
    field names matching the whole value, ``!`` to negate; ``collapse=field[:n]`` drops adjacent
    rows whose first n characters of field repeat; negative ``limit`` = the last rows).
    """
    one = lambda name, default=None: (query.get(name) or [default])[-1]  # noqa: E731
    url = one("url")
    if not url:
        raise ValueError("Missing url parameter")
    match_type = one("matchType", "exact")
    if url.startswith("*."):
        url, match_type = url[2:], "domain"
    elif url.endswith("*"):
        url, match_type = url[:-1], "prefix"
    if match_type not in ("exact", "prefix", "host", "domain"):
        raise ValueError("Unknown matchType %r" % match_type)
    params = {"url": url, "matchType": match_type, "output": "json"}
    for name in ("from", "to"):
        if one(name):
            params[name] = one(name)
    rows = []
    for rec in fetch(params):
        rows.append({ia: str(rec.get(pywb, "-")) for ia, pywb in IA_TO_PYWB.items()})
    rows.sort(key=lambda r: (r["urlkey"], r["timestamp"]))

    for spec in query.get("filter", []):
        negate = spec.startswith("!")
        name, _, pattern = spec.lstrip("!").partition(":")
        if name not in IA_TO_PYWB:
            raise ValueError("Unknown filter field %r" % name)
        regex = re.compile(pattern)
        rows = [r for r in rows if bool(regex.fullmatch(r[name])) != negate]

    for spec in query.get("collapse", []):
        name, _, n = spec.partition(":")
        if name not in IA_TO_PYWB:
            raise ValueError("Unknown collapse field %r" % name)
        width = int(n) if n else None
        kept, last = [], object()
        for r in rows:
            key = r[name][:width]
            if key != last:
                kept.append(r)
            last = key
        rows = kept

    resume = one("resumeKey")
    if resume:
        # The key arrives decoded once ("uk,gov)/x 2021...") or as IA printed it ("uk%2Cgov%29%2Fx+2021...").
        found = re.match(r"^(.*)[ +](\d{1,14})$", unquote(resume))
        if not found:
            raise ValueError("Bad resumeKey %r" % resume)
        after = (found.group(1), found.group(2))
        rows = [r for r in rows if (r["urlkey"], r["timestamp"]) > after]

    limit = one("limit")
    resume_key = None
    if limit:
        limit = int(limit)
        if limit < 0:
            rows = rows[limit:]
        elif len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            # IA's resume keys look like "uk%2Cgov%29%2Fpath+20190315120000"
            resume_key = quote(last["urlkey"], safe="") + "+" + last["timestamp"]
    return rows, resume_key


class LocalArchive:
    """A built and running local archive. Use ``LocalArchive.start()`` (also a context manager).

    Attributes: ``base`` (``http://127.0.0.1:PORT/``), ``ukgwa_base``, ``wayback_base``,
    ``ia_cdx_url``, ``ukgwa_cdx_url``, ``wayback_pywb_cdx_url``, ``front`` (a ``Front``),
    ``root`` (the build directory), ``pywb_port`` (pywb itself, bypassing the front).
    """

    def __init__(self, root: Path, front: Front, process: subprocess.Popen, owns_root: bool):
        self.root, self.front, self._process, self._owns_root = root, front, process, owns_root
        self.pywb_port = front.pywb_port
        self.base = "http://127.0.0.1:%d/" % front.port
        self.ukgwa_base = self.base + "ukgwa/"
        self.wayback_base = self.base + "web/"
        self.ia_cdx_url = self.base + "cdx/search/cdx"  # Internet Archive dialect (web collection)
        self.ukgwa_cdx_url = self.ukgwa_base + "cdx"  # pywb NDJSON
        self.wayback_pywb_cdx_url = self.wayback_base + "cdx"  # pywb NDJSON over the web collection

    @classmethod
    def start(cls, root: str | os.PathLike | None = None, *, port: int = 0,
              startup_timeout: float = 30.0, extra_captures=()) -> "LocalArchive":
        """Build the WARCs and collections into ``root`` (a new temp dir when None; removed on
        stop), start pywb and the front. Raises RuntimeError (with pywb's log) if pywb fails.
        ``extra_captures``: captures beyond fixtures/archive (see ``build_collections``)."""
        from tests.archive.build import build_collections

        owns_root = root is None
        root = Path(tempfile.mkdtemp(prefix="local-archive-") if root is None else root)
        build_collections(root, extra_captures)
        process, pywb_port = _start_pywb(root, startup_timeout)
        front = Front("127.0.0.1", pywb_port)
        try:
            front.serve(port=port)
        except BaseException:
            _stop_process(process)
            raise
        return cls(root, front, process, owns_root)

    def url(self, path: str) -> str:
        """Absolute URL on the front for a path like ``/ukgwa/cdx?url=...``."""
        return self.base + path.lstrip("/")

    def cli_args(self) -> list[str]:
        """``["--archive", "ukgwa=<ukgwa_base>", "--archive", "wayback=<wayback_base>"]``."""
        return ["--archive", "ukgwa=" + self.ukgwa_base, "--archive", "wayback=" + self.wayback_base]

    def env(self) -> dict[str, str]:
        """Environment variables remapping both archives here (see CONTRACT.md, Remapping)."""
        return {"ARCHIVECHECK_ARCHIVE_UKGWA": self.ukgwa_base,
                "ARCHIVECHECK_ARCHIVE_WAYBACK": self.wayback_base}

    def stop(self) -> None:
        self.front.stop()
        _stop_process(self._process)
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _start_pywb(root: Path, timeout: float) -> tuple[subprocess.Popen, int]:
    log = open(root / "pywb.log", "wb")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    process = subprocess.Popen([sys.executable, "-m", "tests.archive.pywb_process", str(root)],
                               cwd=str(REPO_ROOT), env=env, stdout=subprocess.PIPE, stderr=log,
                               stdin=subprocess.DEVNULL)
    log.close()
    ready: list[int] = []

    def read_ready():
        for line in process.stdout:
            if not ready and line.startswith(b"PYWB_READY "):
                ready.append(int(line.split()[1]))
        # Keep reading to the end: pywb's auto-indexer prints "Dir collections/... unchanged" every
        # few seconds, and a pipe nobody reads fills up after some minutes and blocks pywb, which
        # then hangs every request (seen in the benchmark).

    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not ready and reader.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not ready:
        _stop_process(process)
        raise RuntimeError("pywb did not start within %ss:\n%s"
                           % (timeout, (root / "pywb.log").read_text(errors="replace")[-3000:]))
    return process, ready[0]


def _stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    if process.stdout:
        process.stdout.close()
