"""Fetch one capture raw (`id_`) and follow the replay dialogue to a verdict; `judge.py` reads the bytes.

Archive quirks this module exists for:
- the Wayback Machine answers a replay URL whose timestamp is not exact with a redirect to the
  nearest capture, sometimes months away; UKGWA (pywb) serves the nearest capture directly. Either
  way the capture actually served is named by the archive — in `Memento-Datetime`, or in the URL
  of its own redirect — and that is what we report. A page without Memento-Datetime is the archive
  speaking (an exclusion notice, an error page), never a capture, so never `ok`.
- a crawler that met a redirect captured the redirect: replaying it sends us to another URL. An
  http→https or `www.` hop is the same document; anything else is "a redirect to something else".
  The Wayback Machine rewrites a captured Location into its own namespace (absolute, or path-only
  `/web/…`); pywb's raw mode passes it through as the site sent it — possibly relative, path-only
  or scheme-relative — so that one is resolved against the *original* URL, not the archive's.
- a server that had withdrawn a PDF often answered 200 with an HTML "page not found": the capture
  is HTTP 200 but is not the document (a soft 404).
"""

from __future__ import annotations

import enum
import hashlib
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from .answers import Answer, answer_for_error, refusal_reason
from .archives import Archive, ArchiveRegistry, same_document
from .errors import IncompleteBody, NetworkError
from .http import REPLAY, ArchiveSession, captured
from .judge import judge_document, media_type, site_entrance
from .models import datetime_to_timestamp, pad_timestamp, parse_http_date
from .witness import Template, ask_witness

MAX_HOPS = 6
# The first bytes of a document whose hash is kept (`head_sha256`), so watch can re-check a capture
# with a ranged request for just these bytes instead of the whole document (#21, recheck.py).
HEAD_BYTES = 4096


class Verdict(str, enum.Enum):
    GOOD = "good"  # retrieved, and it is the document the link names
    BAD = "bad"  # the archive answered, with something that is not the document
    ABSENT = "absent"  # the archive holds no capture at that address, or refuses it for good
    UNVERIFIABLE = "unverifiable"  # we could not find out (a transient answer)


@dataclass(frozen=True)
class Verification:
    """What fetching one capture showed. Timestamps are 14 digits; URLs are originals.

    `served_timestamp` comes only from the archive's answer (Memento-Datetime, or its redirect to
    a capture); None when it named none. `answer` is the taxonomy's name for what the archive said.
    """

    verdict: Verdict
    reason: str
    archive: Archive
    original: str
    requested_timestamp: str | None
    served_timestamp: str | None = None
    served_original: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    content_length: int | None = None
    sha256: str | None = None
    sha1_base32: str | None = None
    title: str | None = None
    answer: Answer = Answer.CAPTURE
    # For a good capture of an HTML page that the judge was unsure about (a page explaining errors,
    # a CDN script on a full page, a near-empty page): why. The detail says it; the verdict stands.
    doubt: str | None = None
    head_sha256: str | None = None  # sha256 of the first HEAD_BYTES bytes (all of a shorter document)
    # (#17) What the index showed when asked about a doubted page: the same bytes at other addresses
    # of the site (witness.py). Set only on the BAD verdict it led to.
    template: Template | None = None
    # (#17) The capture's Content-Encoding as served (gzip, br…): the archive's index digests the
    # encoded bytes as stored, so `sha1_base32` (of the decoded bytes read) is not its index digest.
    content_encoding: str | None = None

    @property
    def good(self) -> bool:
        return self.verdict is Verdict.GOOD

    @property
    def memento_datetime(self) -> str | None:
        if not self.served_timestamp:
            return None
        ts = pad_timestamp(self.served_timestamp)
        return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


def verify_capture(session: ArchiveSession, archive: Archive, original: str,
                   timestamp: str | None) -> Verification:
    """Fetch the capture of `original` nearest `timestamp` (None: the latest) and judge it.

    Never raises for network trouble: that becomes Verdict.UNVERIFIABLE with the reason.
    """
    # The session retries requests that fail before an answer arrives; a body cut short or stalled
    # after the headers is only seen here, so the whole fetch is retried (with the same backoff).
    policy = session.policy
    for attempt in range(policy.retries + 1):
        try:
            return witnessed(session, Replay(session, archive, original, timestamp).run())
        except IncompleteBody as exc:
            if attempt >= policy.retries:
                return Verification(Verdict.UNVERIFIABLE,
                                    _sentence(archive.publicise(f"{exc} after {attempt + 1} attempts")),
                                    archive=archive, original=original, requested_timestamp=timestamp,
                                    answer=Answer.FAILED)
            time.sleep(policy.backoff * 2 ** attempt)
    raise AssertionError("unreachable")


class Replay:
    """One attempt at verify_capture: the hops of one replay dialogue, one `step` per answer.
    Raises IncompleteBody for a body cut short, so the whole dialogue can be retried."""

    headers: dict | None = None  # extra request headers (recheck.py asks for a byte range)

    def __init__(self, session: ArchiveSession, archive: Archive, original: str, timestamp: str | None):
        self.session, self.archive = session, archive
        self.own = ArchiveRegistry({archive.name: archive})
        self.ts = timestamp or datetime_to_timestamp(datetime.now(timezone.utc))
        self.current = original
        self.base = dict(archive=archive, original=original, requested_timestamp=timestamp)

    def run(self) -> Verification:
        url = self.archive.replay_url(self.ts, self.current, "id_", public=False)
        for _ in range(MAX_HOPS):
            hop = self.step(url)
            if not isinstance(hop, str):  # the verdict (a subclass's judge may answer None)
                return hop
            url = hop
        return Verification(Verdict.BAD, f"more than {MAX_HOPS} redirects", **self.base)

    def step(self, url: str) -> str | Verification:
        """Ask one replay URL (request side): the next one to ask, or the verdict."""
        try:
            resp = self.session.get(url, endpoint=REPLAY, headers=self.headers)
            if 300 <= resp.status_code < 400:
                return self.redirect(resp, url)
            return self.judge(resp)
        except IncompleteBody:
            raise
        except NetworkError as exc:
            return Verification(Verdict.UNVERIFIABLE, _sentence(self.archive.publicise(str(exc))),
                                answer=answer_for_error(exc), **self.base)

    # -- redirects ---------------------------------------------------------------------------------
    def redirect(self, resp, url: str) -> str | Verification:
        """The next replay URL to ask, or the verdict when the redirect ends the dialogue."""
        status, location, is_capture = resp.status_code, resp.headers.get("Location"), captured(resp)
        served = served_timestamp(resp)
        resp.close()
        facts = dict(http_status=status, served_timestamp=served, **self.base)
        if not location:
            return Verification(Verdict.BAD, f"the archive answered HTTP {status} without a Location", **facts)
        if is_capture:
            target, when = self._captured_target(url, location), served or self.ts
        else:
            link = self.own.parse(urljoin(url, location))
            if link is None:
                shown = self.archive.to_public(urljoin(url, location))
                # Not a capture it holds (some archives send out-of-scope URLs to the live web).
                return Verification(Verdict.BAD, f"the archive redirected outside itself, to {shown}",
                                    answer=Answer.NO_CAPTURE, **facts)
            # The archive's own hop to the capture it holds: its URL names that capture.
            target, when = link.original_url, link.timestamp or self.ts
            facts["served_timestamp"] = link.timestamp if link.timestamp and len(link.timestamp) == 14 else None
        if not same_document(self.current, target):
            entrance = site_entrance(self.current, target) if is_capture else None
            what = f"the site's {entrance}" if entrance else "another page"
            return Verification(Verdict.BAD, f"the capture is a redirect to {what}, {target}",
                                served_original=target, **facts)
        # The archive's own hop to the nearest capture, or a captured http→https/www hop.
        self.current = target
        return self.archive.replay_url(when, target, "id_", public=False)

    def _captured_target(self, url: str, location: str) -> str:
        """The original URL a captured redirect points to. The Wayback Machine rewrites Location
        into its namespace (absolute, `/web/…` or `//web.archive.org/web/…`): take the original out
        of it. Anything else is as the site sent it, so relative to the original URL."""
        if location.startswith("/") or urlsplit(location).scheme:  # absolute, path-only, scheme-relative
            link = self.own.parse(urljoin(url, location))
            if link is not None:
                return link.original_url
        return urljoin(self.current, location)

    # -- the final answer ----------------------------------------------------------------------------
    def judge(self, resp) -> Verification:
        status, is_capture = resp.status_code, captured(resp)
        served = served_timestamp(resp)
        ctype = media_type(resp.headers.get("Content-Type"))
        common = dict(http_status=status, served_timestamp=served, served_original=self.current, **self.base)
        if not is_capture:
            return self._archive_page(resp, common)
        if status != 200:
            resp.close()
            return Verification(Verdict.BAD, f"the archived page is an HTTP {status} error, not the document",
                                content_type=ctype, **common)
        if served is None:  # it says it is a capture but not of when: we cannot name what was served
            resp.close()
            return Verification(Verdict.BAD, "the archive's Memento-Datetime cannot be read, so the capture"
                                " served is unknown", **common)
        fuzzy = self._fuzzy_match(resp)
        body = self.session.read_body(resp)
        judged = judge_document(self.current, body.head, body.data, ctype)
        # Past the size cap we only know the document's size if the archive said so.
        length = body.length if body.complete else _int_or_none(resp.headers.get("Content-Length"))
        facts = dict(content_type=judged.content_type, content_length=length, sha256=body.sha256,
                     title=judged.title, head_sha256=hashlib.sha256(body.head[:HEAD_BYTES]).hexdigest(), **common)
        if body.data is not None and body.complete:
            facts["sha1_base32"] = sha1_base32(body.data)
        encoding = (resp.headers.get("Content-Encoding") or "").strip().lower()
        if encoding not in ("", "identity"):
            facts["content_encoding"] = encoding
        if fuzzy:
            return Verification(Verdict.BAD, f"the archive served a capture of another address, {fuzzy}", **facts)
        if judged.problem:
            return Verification(Verdict.BAD, judged.problem, **facts)
        reason = "retrieved the capture"
        if not body.complete:
            reason += f"; stopped reading at the {body.length:,}-byte cap, so no checksum"
        return Verification(Verdict.GOOD, reason, doubt=judged.doubt, **facts)

    def _archive_page(self, resp, common: dict) -> Verification:
        """An answer without Memento-Datetime: the archive's own page, never a capture."""
        status = resp.status_code
        text = self.session.read_head(resp).decode("utf-8", "replace")  # an archive's page: small, read whole
        common = {**common, "served_timestamp": None, "served_original": None}
        refusal = refusal_reason(status, resp.headers, text)
        if refusal:
            return Verification(Verdict.ABSENT, refusal, answer=Answer.EXCLUDED, **common)
        if status in (404, 410):
            return Verification(Verdict.ABSENT, "the archive holds no capture of this address",
                                answer=Answer.NO_CAPTURE, **common)
        if status == 200:
            return Verification(Verdict.BAD, "the archive answered without identifying a capture"
                                " (no Memento-Datetime)", answer=Answer.NO_CAPTURE, **common)
        return Verification(Verdict.BAD, f"the archive refused the capture (HTTP {status})",
                            answer=Answer.NO_CAPTURE, **common)

    def _fuzzy_match(self, resp) -> str | None:
        """pywb names a capture of another URL it served instead (a "fuzzy match") in Content-Location."""
        link = self.own.parse(urljoin(resp.url or "", resp.headers.get("Content-Location") or ""))
        if resp.headers.get("Content-Location") and link is not None and not same_document(self.current, link.original_url):
            return link.original_url
        return None


def witnessed(session: ArchiveSession, v: Verification) -> Verification:
    """A good capture the judge doubted, put to the archive's index as a witness (witness.py): BAD
    when the site's other addresses hold these exact bytes (a template, not the document), else `v`
    unchanged — also when the index cannot be asked. Only doubted captures are asked about (one
    index request each): the index allowance is the archives' scarcest, and a page the judge read
    without doubt is not put in question by a digest."""
    if not (v.good and v.doubt and v.sha1_base32 and session.policy.template_witness):
        return v
    # A content-encoded capture is indexed by the digest of its encoded bytes: the witness reads it
    # from the capture's own index row first (a second request, for those captures only).
    template = ask_witness(session, v.archive, v.served_original or v.original,
                           None if v.content_encoding else v.sha1_base32, timestamp=v.served_timestamp)
    if template is None:
        return v
    return replace(v, verdict=Verdict.BAD, reason=template.sentence(), template=template)


def served_timestamp(resp) -> str | None:
    """The capture an answer names in Memento-Datetime, as 14 digits; None when it names none.
    Never the timestamp we asked for: that is not evidence of what was served."""
    when = parse_http_date(resp.headers.get("Memento-Datetime"))
    return datetime_to_timestamp(when) if when is not None else None


def sha1_base32(data: bytes) -> str:
    """The payload digest in the form CDX indexes give it."""
    import base64

    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _sentence(text: str) -> str:
    return text[:1].lower() + text[1:] if text else "network failure"
