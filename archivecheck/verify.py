"""Fetch one capture raw (`id_`) and judge whether it is the document the link names.

Archive quirks this module exists for:
- the Wayback Machine answers a replay URL whose timestamp is not exact with a redirect to the
  nearest capture, sometimes months away; UKGWA (pywb) serves the nearest capture directly. Either
  way the capture actually served is the one in `Memento-Datetime`, and that is what we report.
- a crawler that met a redirect captured the redirect: replaying it sends us to another URL. An
  http→https or `www.` hop is the same document; anything else is "a redirect to something else".
- a server that had withdrawn a PDF often answered 200 with an HTML "page not found": the capture
  is HTTP 200 but is not the document (a soft 404). We sniff the bytes, not the headers.
"""

from __future__ import annotations

import enum
import hashlib
import io
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from .archives import Archive, ArchiveLink, ArchiveRegistry, same_document
from .errors import IncompleteBody, NetworkError
from .http import REPLAY, ArchiveSession
from .models import datetime_to_timestamp, pad_timestamp, parse_http_date

MAX_HOPS = 6

# Path suffix → (label, acceptable sniffed kinds). Unknown suffixes accept anything that is not an
# error page.
_EXPECTED = {
    ".pdf": ("PDF", {"pdf"}),
    ".docx": ("Word document", {"zip"}),
    ".xlsx": ("spreadsheet", {"zip"}),
    ".pptx": ("presentation", {"zip"}),
    ".odt": ("OpenDocument file", {"zip"}),
    ".ods": ("OpenDocument file", {"zip"}),
    ".odp": ("OpenDocument file", {"zip"}),
    ".zip": ("zip file", {"zip"}),
    ".doc": ("Word document", {"ole", "rtf"}),
    ".xls": ("spreadsheet", {"ole", "zip"}),
    ".ppt": ("presentation", {"ole"}),
    ".rtf": ("RTF document", {"rtf"}),
    ".csv": ("CSV file", {"text"}),
    ".txt": ("text file", {"text"}),
    ".json": ("JSON file", {"text"}),
    ".xml": ("XML file", {"text", "xml"}),
}

_SOFT_404 = re.compile(
    r"\b(page|file|document|resource)\s+(was\s+|is\s+)?not\s+found\b"
    r"|^\s*(404|410)\b|\b(error\s+)?404\b.*\bnot\s+found\b|^\s*not\s+found\s*$"
    r"|\b(cannot|could\s+not|can't|can\s+not|couldn't)\s+be\s+found\b"
    r"|\bno\s+longer\s+(available|exists)\b"
    r"|\b(page|document|content|file)\s+(has\s+been|was)\s+(removed|withdrawn|deleted)\b"
    r"|\b(page|document)\s+(does\s+not|doesn't)\s+exist\b"
    r"|\bpage\s+(is\s+)?unavailable\b",
    re.IGNORECASE,
)


class Verdict(str, enum.Enum):
    GOOD = "good"  # retrieved, and it is the document the link names
    BAD = "bad"  # the archive answered, with something that is not the document
    ABSENT = "absent"  # the archive holds no capture at that address
    UNVERIFIABLE = "unverifiable"  # we could not find out


@dataclass(frozen=True)
class Verification:
    """What fetching one capture showed. Timestamps are 14 digits; URLs are originals."""

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

    @property
    def good(self) -> bool:
        return self.verdict is Verdict.GOOD

    @property
    def memento_datetime(self) -> str | None:
        if not self.served_timestamp:
            return None
        ts = pad_timestamp(self.served_timestamp)
        return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


def expected_kind(original: str) -> tuple[str, set[str]] | None:
    """What kind of file the URL names by its suffix, or None when it does not say."""
    path = urlsplit(original).path.lower()
    for suffix, expected in _EXPECTED.items():
        if path.endswith(suffix):
            return expected
    return None


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
            return _verify_once(session, archive, original, timestamp)
        except IncompleteBody as exc:
            if attempt >= policy.retries:
                return Verification(Verdict.UNVERIFIABLE,
                                    _sentence(archive.publicise(f"{exc} after {attempt + 1} attempts")),
                                    archive=archive, original=original, requested_timestamp=timestamp)
            time.sleep(policy.backoff * 2 ** attempt)
    raise AssertionError("unreachable")


def _verify_once(session: ArchiveSession, archive: Archive, original: str,
                 timestamp: str | None) -> Verification:
    """One attempt at verify_capture; raises IncompleteBody for a body cut short, so it can be retried."""
    requested = timestamp
    ts = timestamp or datetime_to_timestamp(datetime.now(timezone.utc))
    own = ArchiveRegistry({archive.name: archive})
    url = archive.replay_url(ts, original, "id_", public=False)
    current_original = original
    base = dict(archive=archive, original=original, requested_timestamp=requested)
    try:
        for _ in range(MAX_HOPS):
            resp = session.get(url, endpoint=REPLAY)
            status = resp.status_code
            served = _served_timestamp(resp.headers.get("Memento-Datetime"), url, own)
            if 300 <= status < 400:
                location = resp.headers.get("Location")
                resp.close()
                if not location:
                    return Verification(Verdict.BAD, f"the archive answered HTTP {status} without a Location",
                                        http_status=status, served_timestamp=served, **base)
                absolute = urljoin(url, location)
                target = own.parse(absolute)
                if target is None and "Memento-Datetime" in resp.headers:
                    # pywb's raw (id_) mode replays a captured redirect with its Location untouched:
                    # the target is an original URL, captured around the same time.
                    target = ArchiveLink(archive, served or ts, "id_", absolute)
                if target is None:
                    shown = archive.to_public(absolute)
                    return Verification(Verdict.BAD, f"the archive redirected outside itself, to {shown}",
                                        http_status=status, served_timestamp=served, **base)
                if not same_document(current_original, target.original_url):
                    return Verification(
                        Verdict.BAD, f"the capture is a redirect to another page, {target.original_url}",
                        http_status=status, served_timestamp=served or target.timestamp,
                        served_original=target.original_url, **base)
                # The archive's own hop to the nearest capture, or a captured http→https/www hop.
                current_original = target.original_url
                url = archive.replay_url(target.timestamp or ts, target.original_url, "id_", public=False)
                continue
            return _judge_response(session, resp, served, current_original, base)
        return Verification(Verdict.BAD, f"more than {MAX_HOPS} redirects", **base)
    except IncompleteBody:
        raise
    except NetworkError as exc:
        return Verification(Verdict.UNVERIFIABLE, _sentence(archive.publicise(str(exc))), **base)


def _judge_response(session, resp, served, served_original, base) -> Verification:
    status = resp.status_code
    has_memento = "Memento-Datetime" in resp.headers
    ctype = _media_type(resp.headers.get("Content-Type"))
    common = dict(http_status=status, served_timestamp=served, served_original=served_original, **base)
    if status != 200:
        resp.close()
        if not has_memento and status in (404, 410):
            return Verification(Verdict.ABSENT, "the archive holds no capture of this address", **common)
        if has_memento:
            return Verification(Verdict.BAD, f"the archived page is an HTTP {status} error, not the document",
                                content_type=ctype, **common)
        return Verification(Verdict.BAD, f"the archive refused the capture (HTTP {status})", **common)

    body = session.read_body(resp)
    sniffed = sniff(body.head)
    title = None
    if sniffed == "html":
        title = html_title(body.data if body.data is not None else body.head)
    elif sniffed == "pdf" and body.data is not None:
        title = pdf_title(body.data)
    # Past the size cap we only know the document's size if the archive said so.
    length = body.length if body.complete else _int_or_none(resp.headers.get("Content-Length"))
    facts = dict(content_type=ctype or _SNIFFED_TYPES.get(sniffed), content_length=length,
                 sha256=body.sha256, title=title, **common)
    if body.data is not None and body.complete:
        facts["sha1_base32"] = _sha1_base32(body.data)

    expected = expected_kind(served_original)
    if expected is not None:
        label, kinds = expected
        if sniffed not in kinds:
            if sniffed == "html":
                shown = f" ({title})" if title else ""
                return Verification(Verdict.BAD, f"an HTML page{shown} was captured instead of the {label}", **facts)
            return Verification(Verdict.BAD, f"the capture is not a {label} (it looks like {sniffed or 'unknown data'})",
                                **facts)
    if sniffed == "html" and looks_like_error_page(title, body.head):
        return Verification(Verdict.BAD, f"the captured page is an error page (\u201c{title or 'not found'}\u201d)", **facts)
    if not has_memento and not served:
        return Verification(Verdict.BAD, "the archive answered without identifying a capture (no Memento-Datetime)",
                            **facts)
    reason = "retrieved the capture"
    if not body.complete:
        reason += f"; stopped reading at the {body.length:,}-byte cap, so no checksum"
    return Verification(Verdict.GOOD, reason, **facts)


_SNIFFED_TYPES = {"pdf": "application/pdf", "html": "text/html", "zip": "application/zip"}


def sniff(head: bytes) -> str | None:
    """Name the kind of bytes: pdf, html, zip, ole, rtf, xml, text, or None."""
    start = head[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if start.startswith(b"PK\x03\x04"):
        return "zip"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if start.startswith(b"{\\rtf"):
        return "rtf"
    lowered = start[:2048].lower()
    if re.search(rb"<!doctype\s+html|<html|<head|<title|<body", lowered):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if start and b"\x00" not in start[:1024]:
        return "text"
    return None


def html_title(data: bytes) -> str | None:
    from bs4 import BeautifulSoup  # imported here: only HTML captures need it

    soup = BeautifulSoup(data[:2_000_000], "html.parser")
    if soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
        return title or None
    return None


def looks_like_error_page(title: str | None, head: bytes) -> bool:
    """An HTML page whose title or first heading says it is a "not found" page."""
    if title and _SOFT_404.search(title):
        return True
    m = re.search(rb"<h1[^>]*>(.*?)</h1>", head, re.IGNORECASE | re.DOTALL)
    if m:
        heading = re.sub(r"<[^>]+>", " ", m.group(1).decode("utf-8", "replace"))
        return bool(_SOFT_404.search(" ".join(heading.split())))
    return False


def pdf_title(data: bytes) -> str | None:
    """The PDF's document-information title, if it has one and pypdf can read it."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(io.BytesIO(data)).metadata
        title = meta.title if meta else None
    except Exception:  # a damaged PDF is still the PDF; its title is just unknown
        return None
    return " ".join(str(title).split()) or None if title else None


def _media_type(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def _served_timestamp(memento_datetime: str | None, url: str, own: ArchiveRegistry) -> str | None:
    when = parse_http_date(memento_datetime)
    if when is not None:
        return datetime_to_timestamp(when)
    link = own.parse(url)
    if link and link.timestamp and len(link.timestamp) == 14:
        return link.timestamp
    return None


def _sha1_base32(data: bytes) -> str:
    import base64

    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _sentence(text: str) -> str:
    return text[:1].lower() + text[1:] if text else "network failure"
