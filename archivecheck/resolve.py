"""Original URL → the best verified capture across archives.

The first archive in `--prefer` order holding a good capture wins (UKGWA is the official record for
UK public bodies). Within an archive we first ask for the capture nearest `--at` (or now) in raw
mode: one replay request both finds the nearest capture and fetches it, which is usually the whole
job. Only when that capture is not good enough do we read the archive's index and try the good
candidates it lists, nearest first, skipping any whose digest we have already seen fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from .archives import MEMENTO, Archive
from .cdx import query_captures
from .config import Settings
from .errors import NetworkError
from .http import ArchiveSession
from .memento import timemap_captures
from .models import CdxRecord, Status, datetime_to_timestamp, timestamp_to_datetime
from .verify import Verdict, Verification, expected_kind, verify_capture

# How many index candidates we fetch per archive before giving up on it. Each is a replay request.
MAX_CANDIDATES = 3

_MIME_FOR_KIND = {"pdf": ("application/pdf",), "zip": ("application/", "zip"), "ole": ("application/",)}


@dataclass(frozen=True)
class Resolution:
    """The outcome for one original URL: the winning verification (if any) and what each archive said."""

    status: Status
    chosen: Verification | None
    attempts: tuple[Verification, ...]
    detail: str


def resolve_original(session: ArchiveSession, settings: Settings, original: str, *,
                     at: datetime | None = None, archives: tuple[str, ...] | None = None) -> Resolution:
    """Find and verify the best capture of `original`. Never raises for network trouble."""
    at = at or settings.at
    attempts: list[Verification] = []
    per_archive: list[str] = []
    unverifiable = False
    for name in archives or settings.prefer:
        archive = settings.registry.get(name)
        outcome = _best_in_archive(session, archive, original, at)
        attempts.extend(outcome)
        last = outcome[-1] if outcome else None
        if last is not None and last.good:
            # Say what the archives ahead of it in --prefer order held (or could not tell us), so a
            # caseworker knows why this archive's capture was chosen.
            return Resolution(Status.OK, last, tuple(attempts), "; ".join(per_archive))
        if any(v.verdict is Verdict.UNVERIFIABLE for v in outcome):
            unverifiable = True
            per_archive.append(f"{archive.name} could not be checked ({_first(outcome, Verdict.UNVERIFIABLE).reason})")
        elif any(v.verdict is Verdict.BAD for v in outcome):
            per_archive.append(f"{archive.name} holds no good capture ({_first(outcome, Verdict.BAD).reason})")
        else:
            per_archive.append(f"{archive.name} holds no capture")
    status = Status.UNVERIFIABLE if unverifiable else Status.NOT_ARCHIVED
    return Resolution(status, None, tuple(attempts), "; ".join(per_archive))


def _best_in_archive(session: ArchiveSession, archive: Archive, original: str,
                     at: datetime | None) -> list[Verification]:
    if archive.dialect == MEMENTO:
        return _from_index(session, archive, original, at, first=None)
    target = datetime_to_timestamp(at) if at else None
    first = verify_capture(session, archive, original, target)
    if first.verdict in (Verdict.GOOD, Verdict.UNVERIFIABLE, Verdict.ABSENT):
        return [first]
    return [first] + _from_index(session, archive, original, at, first=first)


def _from_index(session: ArchiveSession, archive: Archive, original: str, at: datetime | None,
                first: Verification | None) -> list[Verification]:
    try:
        records = read_captures(session, archive, original)
    except NetworkError as exc:
        return [Verification(Verdict.UNVERIFIABLE, f"its index could not be read: {archive.publicise(str(exc))}", archive, original, None)]
    tried = {first.served_timestamp} if first else set()
    bad = {first.sha1_base32} if first and first.sha1_base32 else set()
    return verify_candidates(session, archive, original, rank_candidates(records, original, at),
                             tried_timestamps=tried, bad_digests=bad)


def read_captures(session: ArchiveSession, archive: Archive, original: str) -> list[CdxRecord]:
    """Every capture an archive lists for `original`: its CDX index, or its TimeMap for a
    Memento-only archive. Raises NetworkError when the index cannot be read."""
    if archive.dialect == MEMENTO:
        return timemap_captures(session, archive, original)
    return list(query_captures(session, archive, original, limit=10_000))


def verify_candidates(session: ArchiveSession, archive: Archive, original: str, candidates: list[CdxRecord], *,
                      tried_timestamps: set | None = None, bad_digests: set | None = None) -> list[Verification]:
    """Verify ranked candidates until one is good or one cannot be checked, at most MAX_CANDIDATES,
    skipping any whose bytes (index digest) are already known bad. Returns every verification made."""
    tried = set(tried_timestamps or ())
    bad = set(bad_digests or ())
    out: list[Verification] = []
    for record in candidates:
        if len(out) >= MAX_CANDIDATES:
            break
        if record.timestamp in tried or (record.sha1 and record.sha1 in bad):
            continue
        tried.add(record.timestamp)
        result = verify_capture(session, archive, original, record.timestamp)
        out.append(result)
        if result.good or result.verdict is Verdict.UNVERIFIABLE:
            break
        if result.sha1_base32:
            bad.add(result.sha1_base32)
        if record.sha1:
            bad.add(record.sha1)
    return out


def rank_candidates(records: list[CdxRecord], original: str, at: datetime | None) -> list[CdxRecord]:
    """Index records worth fetching, best first: HTTP 200 (or unknown) of the expected type,
    nearest `at`, else newest."""
    expected = expected_kind(original)
    good = []
    for r in records:
        if r.status is not None and r.status != 200:
            continue
        if expected is not None and r.mime and not _mime_fits(r.mime, expected[1]):
            continue
        if r.mime in ("warc/revisit",) or not r.timestamp.isdigit():
            continue
        good.append(r)
    if at is None:
        return sorted(good, key=lambda r: r.timestamp, reverse=True)
    at = at.astimezone(timezone.utc)
    return sorted(good, key=lambda r: abs((timestamp_to_datetime(r.timestamp) - at).total_seconds()))


def _mime_fits(mime: str, kinds: set[str]) -> bool:
    mime = mime.lower()
    if mime.startswith("text/html"):
        return False
    for kind in kinds:
        if kind in _MIME_FOR_KIND:
            return any(part in mime for part in _MIME_FOR_KIND[kind])
    return True


def _first(outcome: list[Verification], verdict: Verdict) -> Verification:
    return next(v for v in outcome if v.verdict is verdict)
