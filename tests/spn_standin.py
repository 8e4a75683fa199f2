"""A local stand-in for the Internet Archive's Save Page Now 2 API, in front of the local archive.

Point archivecheck's wayback archive at ``StandIn.wayback_base`` (``http://127.0.0.1:P/web/``): the
stand-in answers ``/save`` and ``/save/status/…`` itself and proxies everything else (replay, CDX) to
the local archive's front, so the save endpoint sits where a remapped client looks for it
(``{scheme}://{host}/save`` of the wayback base), exactly as on web.archive.org.

Replies imitated (SPN2 API, https://docs.google.com/document/d/1Nsv52MvSjbLb2PCpHlat0gkzw0EvtSgpKHu4mk0MnrA):
  * ``POST /save`` (form ``url=…``, ``Accept: application/json``) →
    200 ``{"url": "<url>", "job_id": "spn2-<hex>"}``; a missing/invalid url →
    200 ``{"status": "error", "status_ext": "error:invalid-url-syntax", "message": "…"}``.
  * over the submission limit (``per_minute`` in a sliding ``window``), or while
    ``force_429`` > 0 → 429 with ``Retry-After`` and an HTML body, as IA's front does.
  * ``GET /save/status/<job_id>`` → ``{"status": "pending", "job_id": …, "resources": []}`` for
    ``pending_polls`` polls, then ``{"status": "success", "job_id": …, "original_url": …,
    "timestamp": "<14 digits>", "duration_sec": …, "resources": […]}`` — or, when the live site
    cannot be fetched, ``{"status": "error", "status_ext": "error:not-found", "message": …}``.
On success the capture really exists: the stand-in fetches the document with ``fetch(url)`` (tests
pass the live site's lookup), writes a WARC into the ``web`` collection and re-indexes it.
"""
from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from tests.livesite import Snapshot, add_snapshots
from tests.servers import LoopbackServer, serve_in_thread

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}


class StandIn(LoopbackServer):
    def __init__(self, front_port: int, archive_root: Path, fetch, *, per_minute: int = 1000,
                 window: float = 60.0, pending_polls: int = 1):
        self.front_port, self.archive_root, self.fetch = front_port, Path(archive_root), fetch
        self.per_minute, self.window, self.pending_polls = per_minute, window, pending_polls
        self.force_429 = 0
        self.jobs: dict[str, dict] = {}
        self.posts: list[tuple[float, int]] = []  # (monotonic time, status answered)
        self.polls = 0
        self._times: deque = deque()
        self._lock = threading.Lock()
        self._last_ts = ""
        stand_in = self

        class Handler(_Handler):
            pass

        Handler.stand_in = stand_in
        self.httpd, self.base = serve_in_thread(Handler)
        self.wayback_base = self.base + "web/"


    # -- SPN2 -------------------------------------------------------------------------------------
    def submit(self, url: str) -> tuple[int, dict | None, float]:
        with self._lock:
            now = time.monotonic()
            while self._times and now - self._times[0] >= self.window:
                self._times.popleft()
            if self.force_429 > 0:
                self.force_429 -= 1
                self.posts.append((now, 429))
                return 429, None, 1
            if len(self._times) >= self.per_minute:
                self.posts.append((now, 429))
                return 429, None, max(1, int(self.window - (now - self._times[0])) + 1)
            self._times.append(now)
            self.posts.append((now, 200))
            if not url.startswith(("http://", "https://")):
                return 200, {"status": "error", "status_ext": "error:invalid-url-syntax",
                             "message": "Invalid URL syntax"}, 0
            job_id = "spn2-" + uuid.uuid4().hex
            self.jobs[job_id] = {"url": url, "polls": 0, "result": None}
            return 200, {"url": url, "job_id": job_id}, 0

    def status(self, job_id: str) -> dict:
        with self._lock:
            self.polls += 1
            job = self.jobs.get(job_id)
            if job is None:
                return {"status": "error", "status_ext": "error:job-not-found", "message": "Job not found"}
            if job["result"] is not None:
                return job["result"]
            job["polls"] += 1
            if job["polls"] <= self.pending_polls:
                return {"status": "pending", "job_id": job_id, "resources": []}
            ts = self._timestamp()
        got = self.fetch(job["url"])
        if got is None or got[0] != 200:
            result = {"status": "error", "status_ext": "error:not-found", "job_id": job_id,
                      "message": "Live page is not available: %s" % job["url"]}
        else:
            status, mime, body = got
            add_snapshots(self.archive_root, "web", [Snapshot(job["url"], ts, body, status, mime)],
                          name="spn-" + job_id)
            result = {"status": "success", "job_id": job_id, "original_url": job["url"], "timestamp": ts,
                      "duration_sec": 0.1, "resources": [job["url"]]}
        with self._lock:
            job["result"] = result
        return result

    def _timestamp(self) -> str:
        """Now, 14 digits, strictly increasing (two captures in one second get distinct stamps)."""
        ts = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        if ts <= self._last_ts:
            last = datetime.strptime(self._last_ts, "%Y%m%d%H%M%S")
            ts = (last + timedelta(seconds=1)).strftime("%Y%m%d%H%M%S")
        self._last_ts = ts
        return ts


class _Handler(BaseHTTPRequestHandler):
    stand_in: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _reply(self, status: int, body: bytes, ctype: str, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8")) if length else {}
        if self.path.split("?")[0] != "/save":
            return self._reply(404, b"not found\n", "text/plain")
        status, doc, retry_after = self.stand_in.submit((form.get("url") or [""])[0])
        if status == 429:
            return self._reply(429, b"<html><body>Too Many Requests</body></html>", "text/html",
                               [("Retry-After", str(retry_after))])
        self._reply(200, json.dumps(doc).encode(), "application/json")

    def do_GET(self):
        if self.path.startswith("/save/status/"):
            doc = self.stand_in.status(self.path[len("/save/status/"):])
            return self._reply(200, json.dumps(doc).encode(), "application/json")
        self._proxy()

    def do_HEAD(self):
        self._proxy()

    def _proxy(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.stand_in.front_port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn.request(self.command, self.path, headers=headers)  # Host kept: Locations point here
            resp = conn.getresponse()
            body = resp.read()
            self.send_response(resp.status, resp.reason)
            for name, value in resp.getheaders():
                if name.lower() not in HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        finally:
            conn.close()
