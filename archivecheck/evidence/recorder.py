"""Keep one check's HTTP exchanges as WARC records, as they happen, never a whole body in memory.

`ArchiveSession.send` hands every answer it gets to `Recorder.track` (when the session was made
with `session.recording(recorder)`); the recorder writes the request at once and the response as
its body is read. The body is teed off the socket *below* urllib3's decoding (the http.client
response urllib3 reads from), so the record holds the bytes exactly as the archive sent them,
Content-Encoding and all, while verify.py keeps streaming and hashing the decoded body as before.
Each body goes to its own spool file (small ones in memory, large ones on disk) until it ends,
then request and response go into the one WARC file under a lock: workers run exchanges
concurrently, and a WARC record needs its length and digests before its payload.

The payload is the body after HTTP/1.1's chunked transfer coding is taken off (http.client takes
it off before anything else sees the bytes); the Transfer-Encoding header stays as sent, and warcio
and pywb read such a record as a plain body, as they do for most recorders' WARCs.

A body archivecheck stopped reading (a redirect's, a challenge page's, one past the size cap) is
recorded as far as it was read and marked `WARC-Truncated: length`: the record never claims bytes
that were not received.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..identity import recordable_headers

WARC_NAME = "data.warc"
RECORD_END = b"\r\n\r\n"  # what warcio writes after every record
SPOOL_IN_MEMORY = 1 << 20  # bodies up to 1 MiB stay in memory until written; larger ones go to disk


@dataclass(frozen=True)
class IndexEntry:
    """Where one response record sits in the WARC: a CDXJ line's fields (CDXJ spec, WACZ 1.1.1)."""

    url: str
    timestamp: str  # 14 digits, from WARC-Date
    status: int
    mime: str | None
    digest: str  # the record's WARC-Payload-Digest
    offset: int
    length: int


@dataclass(frozen=True)
class Exchange:
    """What one recorded response was: enough to name it in the evidence record and pages list."""

    url: str
    date: str  # WARC-Date, ISO 8601 UTC
    status: int
    content_type: str | None
    sha256: str  # of the payload bytes as received
    length: int
    truncated: bool


class _HashingFile:
    """The WARC file, hashed (SHA-256) and counted as it is written: the pack's manifest needs both
    and the file is never read back to get them. Open only while a record is written (`resume`,
    `pause`): watch holds a recorder per link in flight, thousands while the index queue is long,
    and must not hold a file handle for each."""

    def __init__(self, path: Path):
        self._path = path
        # Owner-only while it is spooled: it holds what the archives sent, before it is packed.
        self._file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
        self.sha256 = hashlib.sha256()
        self.position = 0

    def resume(self) -> None:
        if self._file is None:
            self._file = open(self._path, "ab")

    def pause(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def write(self, data: bytes) -> int:
        self._file.write(data)
        self.sha256.update(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        self.pause()


class Recorder:
    """One check's exchanges, written to a WARC file in `folder` (which the caller owns)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.warc_path = self.folder / WARC_NAME
        self._out = _HashingFile(self.warc_path)
        self._writer = WARCWriter(self._out, gzip=False, warc_version="1.1")
        self._lock = threading.Lock()
        self._open: list[_Exchange] = []
        self.index: list[IndexEntry] = []
        self.exchanges: list[Exchange] = []
        self.closed = False
        info = self._writer.create_warcinfo_record(WARC_NAME, {
            "software": f"archivecheck {__version__}",
            "format": "WARC File Format 1.1",
            "description": "HTTP exchanges archivecheck made to verify archive links, as received",
        })
        self._writer.write_record(info)
        self._out.pause()

    # -- the session's hook --------------------------------------------------------------------
    def track(self, resp) -> None:
        """Keep this exchange (a requests.Response whose body is not yet read): the response is
        written when its body ends or the response is closed, whichever comes first."""
        exchange = _Exchange(self, resp)
        raw = getattr(resp, "raw", None)
        fp = getattr(raw, "_fp", None)
        with self._lock:
            self._open.append(exchange)
        if fp is None:  # nothing to tee (no socket behind it): keep what we know now
            exchange.finish()
            return
        if getattr(fp, "isclosed", lambda: False)():
            # http.client closes at once a response that has no body (Content-Length: 0, HEAD, 204,
            # 304), and then nothing ever closes it again: it is complete now.
            exchange.end()
            return
        raw._fp = _Tee(fp, exchange)

    # -- the WARC ----------------------------------------------------------------------------------
    def _write(self, exchange: "_Exchange") -> None:
        with self._lock:
            if exchange in self._open:
                self._open.remove(exchange)
            if self.closed:
                return
            request, response = exchange.records(self._writer)
            self._out.resume()
            self._writer.write_record(request)
            offset = self._out.tell()
            self._writer.write_record(response)
            # Like cdxj-indexer, the record's length stops before the blank lines that end it.
            length = self._out.tell() - offset - len(RECORD_END)
            self.index.append(IndexEntry(exchange.url, exchange.timestamp, exchange.status, exchange.mime,
                                         exchange.payload_digest, offset, length))
            self.exchanges.append(Exchange(exchange.url, exchange.iso_date, exchange.status, exchange.mime,
                                           exchange.payload_sha256.hexdigest(), exchange.received,
                                           exchange.truncated))
            self._out.pause()

    def close(self) -> tuple[str, int]:
        """Write what is still open (as far as it was read), close the WARC; returns its SHA-256
        (hex) and size. Idempotent."""
        while True:
            with self._lock:
                pending = list(self._open)
            if not pending or self.closed:
                break
            for exchange in pending:
                exchange.finish()
        with self._lock:
            if not self.closed:
                self.closed = True
                self._out.close()
        return self._out.sha256.hexdigest(), self._out.position

    def discard(self) -> None:
        """Drop everything recorded (an interrupted run keeps no half evidence)."""
        self.close()
        self.warc_path.unlink(missing_ok=True)


class _Exchange:
    """One request and its response, the body spooled as it is read."""

    def __init__(self, recorder: Recorder, resp):
        self.recorder = recorder
        now = datetime.now(timezone.utc)
        self.iso_date = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.timestamp = now.strftime("%Y%m%d%H%M%S")
        prepared = resp.request
        self.url = prepared.url
        self.method = prepared.method
        self.request_body = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
        self.request_headers = _request_headers(prepared)
        self.status = resp.status_code
        self.response_headers = _response_headers(resp)
        self.mime = (self.response_headers.get_header("Content-Type") or "").split(";")[0].strip() or None
        declared = self.response_headers.get_header("Content-Length") or ""
        self.declared = int(declared) if declared.strip().isdigit() else None
        self.is_head = self.method.upper() == "HEAD"
        self.body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=recorder.folder)
        # The block digest covers the HTTP header bytes then the payload: start it with the headers
        # exactly as warcio will write them, so no body is read twice to digest it.
        self.response_headers.compute_headers_buffer()
        self.block_sha256 = hashlib.sha256(self.response_headers.headers_buff)
        self.payload_sha256 = hashlib.sha256()
        self.received = 0
        self.ended = False  # the body's end was seen
        self.done = False
        self._lock = threading.Lock()

    def feed(self, data: bytes) -> None:
        if data and not self.done:
            self.body.write(data)
            self.block_sha256.update(data)
            self.payload_sha256.update(data)
            self.received += len(data)

    def end(self) -> None:
        self.ended = True
        self.finish()

    def finish(self) -> None:
        with self._lock:
            if self.done:
                return
            self.done = True
        self.recorder._write(self)
        self.body.close()

    @property
    def truncated(self) -> bool:
        if self.is_head or self.status in (204, 304):
            return False
        if self.declared is not None:
            return self.received < self.declared
        return not self.ended

    @property
    def payload_digest(self) -> str:
        return "sha256:" + self.payload_sha256.hexdigest()

    def records(self, writer: WARCWriter):
        """The request and response records (response first made, so the request can name it)."""
        extra = {"WARC-Date": self.iso_date, "WARC-Block-Digest": "sha256:" + self.block_sha256.hexdigest(),
                 "WARC-Payload-Digest": self.payload_digest}
        if self.truncated:
            extra["WARC-Truncated"] = "length"
        self.body.seek(0)
        response = writer.create_warc_record(self.url, "response", payload=self.body, length=self.received,
                                             http_headers=self.response_headers, warc_headers_dict=extra)
        request = writer.create_warc_record(
            self.url, "request", payload=io.BytesIO(self.request_body), length=len(self.request_body),
            http_headers=self.request_headers,
            warc_headers_dict={"WARC-Date": self.iso_date,
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        return request, response


class _Tee:
    """Stands in for the http.client response urllib3 reads a body from: every byte read is also
    handed to the exchange; the body's end or a close writes the record."""

    def __init__(self, fp, exchange: _Exchange):
        self._fp = fp
        self._exchange = exchange

    def _seen(self, data: bytes, amt) -> bytes:
        self._exchange.feed(data)
        if not data and amt != 0:
            self._exchange.end()
        return data

    def read(self, amt=None):
        return self._seen(self._fp.read(amt) if amt is not None else self._fp.read(), amt)

    def read1(self, amt=-1):
        return self._seen(self._fp.read1(amt), amt)

    def readinto(self, buffer):
        n = self._fp.readinto(buffer)
        self._exchange.feed(bytes(memoryview(buffer)[:n]))
        if not n and len(buffer):
            self._exchange.end()
        return n

    def close(self):
        try:
            self._fp.close()
        finally:
            self._exchange.finish()

    def __getattr__(self, name):
        if name == "fp":
            # urllib3 reads a chunked body straight from `fp` when it sees one (stream(),
            # iter_content): without it, every read comes through read()/read1() above.
            raise AttributeError(name)
        return getattr(self._fp, name)


def _request_headers(prepared) -> StatusAndHeaders:
    parts = urlsplit(prepared.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    # (#20) recordable_headers: a configured header's value (an allow-list token) is a secret, kept out.
    headers += recordable_headers((k, v) for k, v in prepared.headers.items() if k.lower() != "host")
    return StatusAndHeaders(f"{prepared.method} {target} HTTP/1.1", headers, is_http_request=True)


def _response_headers(resp) -> StatusAndHeaders:
    raw = getattr(resp, "raw", None)
    original = getattr(raw, "_original_response", None)
    # The header lines as the server sent them (repeats and order kept), from http.client's parse.
    items = list(original.msg.items()) if original is not None else list(resp.headers.items())
    version = getattr(raw, "version", 11)
    protocol = {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(version, "HTTP/1.1")
    reason = getattr(raw, "reason", None) or resp.reason or ""
    return StatusAndHeaders(f"{resp.status_code} {reason}".strip(), items, protocol=protocol)
