"""Cheap re-verification for `watch` (#21): is tonight's capture still the one fully checked before?

A capture is a record in a WARC file: the archive does not rewrite it. What changes under a
link that was good is the archive's answer: the capture withdrawn (404, an exclusion notice), the
link now sent to another capture (another Memento-Datetime), a playback fault, an error page served
instead. So a capture fetched in full and hashed before is re-checked with ONE ranged request
for its first `HEAD_BYTES` bytes, and the answer is compared with what was stored:

    HTTP 206 for a capture (Memento-Datetime present), the same Memento-Datetime, the same media
    type, the same total length (Content-Range: bytes 0-4095/TOTAL), no capture of another address
    (pywb's Content-Location), and the same SHA-256 of the first bytes, which are judged again
    (an error-page phrase or a wrong kind of file in them is a difference too).

Anything else is a difference, and the caller then fetches the capture in full and hashes it (the
full fetch decides the verdict; the cheap check never says `broken`). A network failure is
`unverifiable` as it would be in full.

Why a ranged GET and not HEAD: HEAD answers status, Memento-Datetime, type and length (the
Wayback Machine's HEAD on a replay, quoted in fixtures/recorded/issue-quote--oduwsdl-ipwb-185.json)
but no bytes, and the bytes are what tells an error page from the document when both have the same
length and type. The archives' real behaviour with Range: pywb (UKGWA) answers 206 with
Content-Range for a single range (seen on the local pywb: `bytes 0-99/510`); the Wayback Machine
implemented single-range requests in its raw (`id_`) renderer for HTML5 video (internetarchive/
wayback#78: "underlining capture must be either 200 with Content-Length or 206 with single range").
An archive that ignores Range answers 200 with the whole body: that answer is simply judged in
full (it cost the whole document, and gave its hash).

What it cannot see: a document replaced by one of the same length, the same media type, the
same first 4,096 bytes and the same Memento-Datetime (a swap past the first 4 KB that keeps the
length to the byte, served under the old capture's date). Archives do not do this to a WARC
record; a broken or tampered store could. The full fetch every `--full-every` (default 7 days)
bounds how long such a swap goes unseen.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .archives import Archive
from .errors import IncompleteBody
from .http import ArchiveSession, captured
from .judge import judge_document, media_type
from .verify import HEAD_BYTES, Replay, Verdict, Verification, served_timestamp

_CONTENT_RANGE = re.compile(r"\s*bytes\s+(\d+)-(\d+)/(\d+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Known:
    """What the last full fetch of a link's capture showed (kept in the watch history)."""

    served_timestamp: str  # 14 digits, from the archive's Memento-Datetime
    content_type: str
    content_length: int
    sha256: str
    head_sha256: str
    full_checked_at: str  # ISO 8601 UTC: when the whole document was last fetched and hashed
    title: str | None = None

    @property
    def head_length(self) -> int:
        return min(HEAD_BYTES, self.content_length)


def known_from(record: dict | None) -> Known | None:
    """The stored facts of an ok result that a ranged re-check can be compared with, or None
    (not ok, never fully hashed, or stored before #21 kept the first bytes' hash)."""
    if not record or record.get("status") != "ok":
        return None
    md, length = record.get("memento_datetime"), record.get("content_length")
    values = (md, record.get("content_type"), length, record.get("sha256"), record.get("head_sha256"),
              record.get("full_checked_at"))
    if not all(values) or not isinstance(length, int) or length <= 0:
        return None
    stamp = md.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")
    if len(stamp) != 14 or not stamp.isdigit():
        return None
    return Known(stamp, record["content_type"], length, record["sha256"], record["head_sha256"],
                 record["full_checked_at"], record.get("title"))


@dataclass(frozen=True)
class Recheck:
    """A re-check's outcome: `verification` (None: something differs, fetch in full) and whether
    the archive ignored the range and sent the whole document (`full`: it was judged in full)."""

    verification: Verification | None
    full: bool = False


def recheck_capture(session: ArchiveSession, archive: Archive, original: str, timestamp: str | None,
                    known: Known) -> Recheck:
    """Ask for the first bytes of the capture the link names (following the archive's own
    redirects as a full check does) and compare the answer with `known`."""
    replay = _RangedReplay(session, archive, original, timestamp, known)
    try:
        v = replay.run()
    except IncompleteBody:
        return Recheck(None)  # cut short: the full fetch retries it with the usual backoff
    if v is None or v.verdict in (Verdict.BAD, Verdict.ABSENT):
        return Recheck(None)
    return Recheck(v, full=replay.whole_body)


class _RangedReplay(Replay):
    def __init__(self, session, archive, original, timestamp, known: Known):
        super().__init__(session, archive, original, timestamp)
        self.known = known
        self.whole_body = False
        # identity: a range of gzip bytes would not be the bytes whose hash was kept
        self.headers = {"Range": f"bytes=0-{known.head_length - 1}", "Accept-Encoding": "identity"}

    def judge(self, resp) -> Verification | None:
        known = self.known
        if captured(resp) and resp.status_code == 200:
            self.whole_body = True  # the archive ignored Range: judge the whole answer as usual
            return super().judge(resp)
        if not captured(resp) or resp.status_code != 206:
            resp.close()
            return None
        served = served_timestamp(resp)
        ctype = media_type(resp.headers.get("Content-Type"))
        span = _CONTENT_RANGE.match(resp.headers.get("Content-Range") or "")
        if (served != known.served_timestamp or span is None or self._fuzzy_match(resp)
                or (int(span[1]), int(span[2]), int(span[3])) != (0, known.head_length - 1, known.content_length)):
            resp.close()
            return None
        body = self.session.read_body(resp, keep=known.head_length + 1, limit=known.head_length + 1)
        if not body.complete or body.data is None or len(body.data) != known.head_length:
            return None
        if hashlib.sha256(body.data).hexdigest() != known.head_sha256:
            return None
        # A document no longer than the first bytes is read whole here: judge it as the full check
        # does (a bare error body or an empty one is only known from the whole body, statusbody.py).
        whole = body.data if known.head_length == known.content_length else None
        judged = judge_document(self.current, body.data, whole, ctype)
        if judged.problem or judged.content_type != known.content_type:
            return None
        return Verification(
            Verdict.GOOD,
            f"the capture is unchanged since it was fetched in full on {known.full_checked_at[:10]}"
            f" (same Memento-Datetime, type, length and first {known.head_length:,} bytes)",
            http_status=200, served_timestamp=served, served_original=self.current,
            content_type=known.content_type, content_length=known.content_length, sha256=known.sha256,
            title=known.title, head_sha256=known.head_sha256, **self.base)
