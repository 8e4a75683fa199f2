"""Original URL → the best verified capture across archives.

The first archive in `--prefer` order holding a good capture wins (UKGWA is the official record for
UK public bodies). Within an archive we first ask for the capture nearest `--at` (or now) in raw
mode: one replay request both finds the nearest capture and fetches it, which is usually the whole
job. Only when that capture is not good enough do we read the archive's index and try the good
candidates it lists, nearest first, skipping any whose digest we have already seen fail.

A `warc/revisit` row is a capture too: the crawler saw the same bytes again and stored a pointer.
When its digest matches a good HTTP 200 row's, replaying it serves that payload at its own date, so
it ranks as that capture would (without it the nearest good capture may be years away).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from .answers import Answer, Excluded, answer_for_error
from .archives import Archive
from .cdx import query_captures
from .config import Settings
from .errors import NetworkError
from .http import ArchiveSession
from .judge import index_row_fits
from .memento import timemap_captures
from .models import CdxRecord, Status, datetime_to_timestamp, timestamp_to_datetime
from .verify import Verdict, Verification, verify_capture

# How many index candidates we fetch per archive before giving up on it. Each is a replay request.
MAX_CANDIDATES = 3
# A suggestion for a broken link is looked for this close to the link's date first: a caseworker
# citing a 2016 capture wants a 2016 one, and the index answer stays small.
SUGGESTION_WINDOW = timedelta(days=2 * 365)


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
        if outcome and outcome[-1].good:
            # Say what the archives ahead of it in --prefer order held (or could not tell us), so a
            # caseworker knows why this archive's capture was chosen.
            return Resolution(Status.OK, outcome[-1], tuple(attempts), "; ".join(per_archive))
        said, transient = describe_outcome(archive, outcome)
        unverifiable = unverifiable or transient
        per_archive.append(said)
    status = Status.UNVERIFIABLE if unverifiable else Status.NOT_ARCHIVED
    return Resolution(status, None, tuple(attempts), "; ".join(per_archive))


def suggest_capture(session: ArchiveSession, settings: Settings, first: Verification,
                    at: datetime | None) -> Resolution:
    """A working capture to cite instead of the broken one `first` fetched: in its archive from the
    index (the replay was just walked; it is not walked again), asked within a window around `at`,
    then in the other archives in --prefer order. Never raises for network trouble."""
    archive = first.archive
    attempts: list[Verification] = []
    if first.answer is not Answer.EXCLUDED:  # an archive that refuses the URL has nothing to offer
        attempts = _from_index(session, archive, first.original, at, first=first, window=at is not None)
        if attempts and attempts[-1].good:
            return Resolution(Status.OK, attempts[-1], tuple(attempts), "")
    others = tuple(n for n in settings.prefer if n != archive.name)
    rest = resolve_original(session, settings, first.original, at=at, archives=others) if others else None
    if rest is not None and rest.chosen is not None:
        return Resolution(Status.OK, rest.chosen, tuple(attempts) + rest.attempts, rest.detail)
    return Resolution(Status.NOT_ARCHIVED, None, tuple(attempts) + (rest.attempts if rest else ()), "")


def describe_outcome(archive: Archive, outcome: list[Verification]) -> tuple[str, bool]:
    """What one archive's verifications came to, as a clause; and whether that is transient."""
    transient = next((v for v in outcome if v.verdict is Verdict.UNVERIFIABLE), None)
    if transient is not None:
        return f"{archive.name} could not be checked ({transient.reason})", True
    excluded = next((v for v in outcome if v.answer is Answer.EXCLUDED), None)
    if excluded is not None:
        return f"{archive.name} refuses it ({excluded.reason})", False
    bad = next((v for v in outcome if v.verdict is Verdict.BAD), None)
    if bad is not None:
        return f"{archive.name} holds no good capture ({bad.reason})", False
    return f"{archive.name} holds no capture", False


def _best_in_archive(session: ArchiveSession, archive: Archive, original: str,
                     at: datetime | None) -> list[Verification]:
    if archive.dialect.timemap_only:
        return _from_index(session, archive, original, at, first=None)
    target = datetime_to_timestamp(at) if at else None
    first = verify_capture(session, archive, original, target)
    if first.verdict in (Verdict.GOOD, Verdict.UNVERIFIABLE, Verdict.ABSENT):
        return [first]
    return [first] + _from_index(session, archive, original, at, first=first)


def _from_index(session: ArchiveSession, archive: Archive, original: str, at: datetime | None,
                first: Verification | None, *, window: bool = False) -> list[Verification]:
    """Verify the index's best candidates, skipping what `first` already showed. With `window`,
    ask for captures near `at` first, and for all of them only when none there will do."""
    tried = {first.served_timestamp} if first and first.served_timestamp else set()
    bad = {first.sha1_base32} if first and first.sha1_base32 else set()
    try:
        ranked = []
        if window and at is not None and not archive.dialect.timemap_only:
            ranked = rank_candidates(read_captures(session, archive, original, around=at), original, at)
            ranked = [r for r in ranked if r.timestamp not in tried and r.sha1 not in bad]
        if not ranked:
            ranked = rank_candidates(read_captures(session, archive, original), original, at)
    except Excluded as exc:
        return [Verification(Verdict.ABSENT, str(exc), archive, original, None, answer=Answer.EXCLUDED)]
    except NetworkError as exc:
        return [Verification(Verdict.UNVERIFIABLE, f"its index could not be read: {archive.publicise(str(exc))}",
                             archive, original, None, answer=answer_for_error(exc))]
    return verify_candidates(session, archive, original, ranked, tried_timestamps=tried, bad_digests=bad)


def read_captures(session: ArchiveSession, archive: Archive, original: str, *,
                  around: datetime | None = None) -> list[CdxRecord]:
    """Every capture an archive lists for `original` (with `around`, those within
    SUGGESTION_WINDOW of it): its CDX index, or its TimeMap for a Memento-only archive.
    Raises Excluded when the archive refuses the URL, NetworkError when the index cannot be read."""
    if archive.dialect.timemap_only:
        return timemap_captures(session, archive, original)
    window = {}
    if around is not None:
        window = dict(from_ts=datetime_to_timestamp(around - SUGGESTION_WINDOW),
                      to_ts=datetime_to_timestamp(around + SUGGESTION_WINDOW))
    return list(query_captures(session, archive, original, limit=10_000, **window))


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
    """Index records worth fetching, best first: HTTP 200 (or unknown) of the expected type, and
    revisits of such a payload; nearest `at`, else newest."""
    good = []
    payloads: dict[str, CdxRecord] = {}
    for r in records:
        if r.status not in (None, 200) or not r.timestamp.isdigit() or r.mime == "warc/revisit":
            continue
        if r.mime and not index_row_fits(original, r.mime):
            continue
        good.append(r)
        if r.status == 200 and r.sha1:
            payloads.setdefault(r.sha1, r)
    for r in records:
        if r.mime == "warc/revisit" and r.sha1 in payloads and r.timestamp.isdigit():
            # Replaying a revisit serves the payload it points to, at the revisit's own date.
            good.append(replace(r, mime=payloads[r.sha1].mime, status=200))
    if at is None:
        return sorted(good, key=lambda r: r.timestamp, reverse=True)
    at = at.astimezone(timezone.utc)
    return sorted(good, key=lambda r: abs((timestamp_to_datetime(r.timestamp) - at).total_seconds()))
