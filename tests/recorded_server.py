"""A loopback server that replays real archive answers recorded in fixtures/recorded/<source>.json.

One server per recorded host (web.archive.org, webarchive.nationalarchives.gov.uk, …), each on its
own loopback port, so an archive remapped to it keeps its URL layout: `/web/…`, `/cdx/search/cdx`,
`/ukgwa/timemap/…`. The only change made to what was recorded is pointing hosts at loopback: a
recorded host named in Location, Link or Content-Location is rewritten to its loopback server.
Bodies are the recorded bytes (`body` as UTF-8, or `body_base64`, gzip left as recorded with its
Content-Encoding); hop-by-hop headers recorded aside are not sent, and Content-Length is the
stored body's length.

Kinds of interaction in the files (fixtures/recorded/README.md):
- an archive's answer (`response.status` recorded): served here;
- a captured response inside a WARC record (`record`): served by a real pywb (see test_recorded.py);
- a transcription quoted in a public issue (`transcribed`, status unknown): only its text exists.
"""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.servers import LoopbackServer, serve_in_thread

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"
# Parameters that decide which CDX page a request is for; any others (output=, limit=, fl=) only
# shape the answer, and a client may word them differently from the recording's client.
_PAGE_KEYS = ("url", "matchType", "from", "to", "resumeKey")


@dataclass(frozen=True)
class Interaction:
    source: str  # the file's stem
    id: str
    cls: str
    method: str
    url: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    expected: str
    raw: dict

    @property
    def served_here(self) -> bool:
        """An archive's recorded answer, whole (not a WARC record, a transcription or a cut body)."""
        return (self.status is not None and "record" not in self.raw and not self.raw.get("transcribed")
                and not self.raw["response"].get("truncated"))

    @property
    def from_warc(self) -> bool:
        return "record" in self.raw

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def load(stem: str) -> list[Interaction]:
    """Every interaction of fixtures/recorded/<stem>.json, in file order."""
    data = json.loads((RECORDED / f"{stem}.json").read_text(encoding="utf-8"))
    out = []
    for raw in data["interactions"]:
        resp = raw["response"]
        if "body_base64" in resp:
            body = base64.b64decode(resp["body_base64"])
        else:
            body = (resp.get("body") or "").encode("utf-8")
        out.append(Interaction(stem, raw["id"], raw["class"], raw["request"]["method"], raw["request"]["url"],
                               resp.get("status"), tuple((k, v) for k, v in resp.get("headers", [])), body,
                               raw.get("expected", ""), raw))
    return out


def sources() -> list[str]:
    return sorted(p.stem for p in RECORDED.glob("*.json"))


class _Host(LoopbackServer):
    """One recorded host on one loopback port."""

    def __init__(self, replay: "RecordedArchive", netloc: str):
        self.netloc = netloc
        owner = replay

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - tests read `served`
                pass

            def do_GET(self):
                owner._answer(self, netloc)

            def do_HEAD(self):
                owner._answer(self, netloc)

        self.httpd, self.base = serve_in_thread(Handler)


class RecordedArchive:
    """Serves the archive answers among `interactions`. Use as a context manager.

    `loopback(url)` maps a recorded URL to this server; `served` lists the interaction ids answered.
    A request that matches no recording gets 599, which a client sees as the archive failing
    (a test that wanders off its recording fails loudly rather than passing by accident).
    """

    def __init__(self, interactions: list[Interaction]):
        self.interactions = [i for i in interactions if i.served_here]
        self._lock = threading.Lock()
        self.served: list[str] = []
        self.unmatched: list[str] = []
        self.hosts = {n: _Host(self, n) for n in dict.fromkeys(urlsplit(i.url).netloc for i in self.interactions)}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for host in self.hosts.values():
            host.close()

    def base(self, netloc: str) -> str:
        """`http://127.0.0.1:PORT/` serving what was recorded from `netloc`."""
        return self.hosts[netloc].base

    def loopback(self, url: str) -> str:
        parts = urlsplit(url)
        return self.base(parts.netloc) + url.split(parts.netloc, 1)[1].lstrip("/")

    def _find(self, netloc: str, method: str, path: str) -> Interaction | None:
        candidates = [i for i in self.interactions if urlsplit(i.url).netloc == netloc]
        for i in candidates:
            if i.method == method and _path_of(i.url) == path:
                return i
        # A CDX page asked with other wording (output=json, another limit): the same page if the
        # parameters that choose the page agree.
        asked_path, _, asked_query = path.partition("?")
        asked = _page_params(asked_query)
        for i in candidates:
            rec_path, _, rec_query = _path_of(i.url).partition("?")
            if i.method == method and rec_path == asked_path and asked_query and _page_params(rec_query) == asked:
                return i
        return None

    def _answer(self, handler: BaseHTTPRequestHandler, netloc: str) -> None:
        found = self._find(netloc, handler.command, handler.path)
        with self._lock:
            (self.served if found else self.unmatched).append(found.id if found else handler.path)
        if found is None:
            body = b"no recorded interaction for this request\n"
            handler.send_response(599)
            handler.send_header("Content-Type", "text/plain")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        handler.send_response_only(found.status)
        for name, value in found.headers:
            if name.lower() in ("content-length", "transfer-encoding", "connection"):
                continue
            if name.lower() in ("location", "link", "content-location"):
                value = self._point_at_loopback(value)
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(found.body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(found.body)

    def _point_at_loopback(self, value: str) -> str:
        for netloc, host in self.hosts.items():
            loop = host.base.rstrip("/")
            for prefix in (f"https://{netloc}", f"http://{netloc}"):
                value = value.replace(prefix, loop)
            value = value.replace(f"//{netloc}", "//" + loop.split("//", 1)[1])
        return value


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return url.split(parts.netloc, 1)[1] or "/"


def _page_params(query: str) -> dict:
    params = parse_qs(query, keep_blank_values=True)
    return {k: params[k] for k in _PAGE_KEYS if k in params}
