"""Audit a list of original URLs: is each still live, which archives hold a good capture, is the
newest capture still the live document — and, optionally, ask the Wayback Machine to capture the
live ones nobody has archived.

Per URL, in this order (each step is one module's job):
  live.check_live       HEAD / 1 KiB ranged GET on the original's own site
  resolve.read_captures every archive's index (CDX, or TimeMap): good captures ranked by
                        resolve.rank_candidates (HTTP 200, the expected kind of file)
  resolve.verify_candidates  fetch the best (newest, or nearest --at) until one is good
  live.document_sha1    only for a live document with a capture digest to compare, ≤ 20 MB

Verdict (`status`): `ok` when a capture was fetched and verified; `not_archived` when no archive
holds a good one; `unverifiable` when an archive could not be asked. `risk`: `live-unarchived` (live
but no good capture anywhere), `stale-capture` (live, and its SHA-1 differs from the newest good
capture's digest: it changed after it was last archived), or null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .archives import Archive, normalise_original
from .check import PreparedLink, build_result, doubt_sentence
from .config import Settings
from .answers import Excluded
from .errors import InputError, NetworkError, RateLimited
from .http import ArchiveSession
from .live import LiveHosts, LiveStatus, check_live, document_sha1
from .models import CdxRecord, Kind, Result, Status, timestamp_to_iso, utc_now_iso
from .pool import map_bounded
from .records import ArchiveHolding, AuditFinding, LiveFacts, Risk
from .resolve import rank_candidates, read_captures, verify_candidates
from .save import SaveJob, SavePageNow, SaveStatus, ask_tna
from .verify import Verdict, Verification, verify_capture

LIVE_UNARCHIVED = Risk.LIVE_UNARCHIVED
STALE_CAPTURE = Risk.STALE_CAPTURE
MAX_HASH_BYTES = 20_000_000


@dataclass(frozen=True)
class Holding:
    """What one archive's index says about one URL."""

    archive: Archive
    candidates: tuple[CdxRecord, ...]  # good captures, best first
    error: str | None = None

    @property
    def newest(self) -> CdxRecord | None:
        return max(self.candidates, key=lambda r: r.timestamp) if self.candidates else None

    def summary(self) -> ArchiveHolding:
        if self.error:
            return ArchiveHolding(None, error=self.error)
        newest = self.newest
        return ArchiveHolding(
            len(self.candidates),
            newest=timestamp_to_iso(newest.timestamp) if newest else None,
            newest_url=self.archive.replay_url(newest.timestamp, newest.original) if newest else None,
        )


@dataclass
class Auditor:
    """Audits URLs with one session; `live_hosts` maps original hosts elsewhere (tests, mirrors)."""

    settings: Settings
    session: ArchiveSession
    live_hosts: LiveHosts = LiveHosts()
    max_hash_bytes: int = MAX_HASH_BYTES

    def audit_many(self, urls: Iterable[str], *, workers: int = 4,
                   progress: Callable[[AuditFinding], None] | None = None) -> list[AuditFinding]:
        """Findings in input order. Workers overlap waiting; the session's per-host rate limits set
        the pace, so more workers are never less polite."""
        return list(map_bounded(self.audit, urls, workers=workers, on_result=progress))

    def audit(self, text: str) -> AuditFinding:
        """Audit one original URL. Never raises for network trouble."""
        original = require_original(text)
        live = check_live(self.session, self.live_hosts, original)
        holdings = [self._holding(name, original) for name in self.settings.prefer]
        chosen, trouble = self._verify(original, holdings)

        newest = max((h.newest for h in holdings if h.newest), key=lambda r: r.timestamp, default=None)
        capture_digest = newest.sha1 if newest else None
        live_sha1 = None
        if capture_digest and live.live:
            live_sha1 = document_sha1(self.session, self.live_hosts, original, live, self.max_hash_bytes)
        digest_match = None if live_sha1 is None or capture_digest is None else live_sha1 == capture_digest

        if chosen is not None:
            status = Status.OK
        elif trouble:
            status = Status.UNVERIFIABLE
        else:
            status = Status.NOT_ARCHIVED
        risk = None
        if live.live and status is Status.NOT_ARCHIVED:
            risk = LIVE_UNARCHIVED
        elif live.live and digest_match is False:
            risk = STALE_CAPTURE
        detail = _detail(status, chosen, trouble, holdings, live, risk, newest)
        return AuditFinding(
            result=_result(text, original, status, chosen, detail),
            live=LiveFacts(live.live if live.status is not None else None, live.status, live.content_type,
                           live.length, live.method, live.redirected_to),
            archives={h.archive.name: h.summary() for h in holdings},
            good_captures=sum(len(h.candidates) for h in holdings) if not any(h.error for h in holdings) else None,
            newest_capture=timestamp_to_iso(newest.timestamp) if newest else None,
            newest_capture_digest=capture_digest,
            live_sha1=live_sha1,
            digest_match=digest_match,
            risk=risk,
        )

    def _holding(self, name: str, original: str) -> Holding:
        archive = self.settings.registry.get(name)
        try:
            records = read_captures(self.session, archive, original)
        except Excluded:  # a permanent refusal: it holds nothing usable (answers.py), not trouble
            return Holding(archive, ())
        except NetworkError as exc:
            return Holding(archive, (), error=str(exc))
        return Holding(archive, tuple(rank_candidates(records, original, self.settings.at)))

    def _verify(self, original: str, holdings: list[Holding]) -> tuple[Verification | None, list[str]]:
        """The first archive in --prefer order whose candidates include a good capture wins.
        An archive whose index failed gets one replay request for its latest capture instead."""
        trouble: list[str] = []
        for h in holdings:
            if h.error:
                trouble.append(f"{h.archive.name}'s index could not be read ({h.error})")
                v = verify_capture(self.session, h.archive, original, None)
                if v.good:
                    return v, trouble
                continue
            tried = verify_candidates(self.session, h.archive, original, list(h.candidates))
            if tried and tried[-1].good:
                return tried[-1], trouble
            if tried and tried[-1].verdict is Verdict.UNVERIFIABLE:
                trouble.append(f"{h.archive.name} could not be checked ({tried[-1].reason})")
        return None, trouble

    # -- Save Page Now --------------------------------------------------------------------------
    def save_unarchived(self, results: list[AuditFinding], spn: SavePageNow | None, *,
                        dry_run: bool = False) -> list[AuditFinding]:
        """Ask the Wayback Machine to capture every `live-unarchived` URL, then re-verify each new
        capture; a verified one turns the result `ok`. UKGWA gets an "ask The National Archives"
        note. With `dry_run`, only records what would be saved. Returns the results, updated."""
        todo = [i for i, r in enumerate(results) if r.risk is Risk.LIVE_UNARCHIVED]
        jobs: dict[int, SaveJob] = {}
        stopped: str | None = None
        for i in todo:
            url = results[i].result.original_url
            if dry_run or spn is None:
                jobs[i] = SaveJob(url, "wayback", SaveStatus.WOULD_SAVE)
            elif stopped:
                jobs[i] = SaveJob(url, "wayback", SaveStatus.NOT_SUBMITTED, message=stopped)
            else:
                try:
                    jobs[i] = spn.submit(url)
                except RateLimited as exc:
                    stopped = f"not submitted: Save Page Now kept answering 429 ({exc})"
                    jobs[i] = SaveJob(url, "wayback", SaveStatus.RATE_LIMITED, submitted_at=utc_now_iso(), message=str(exc))
        if spn is not None and not dry_run:
            pending = [i for i in todo if not jobs[i].done]
            for i, job in zip(pending, spn.wait([jobs[i] for i in pending])):
                jobs[i] = job
        out = list(results)
        for i in todo:
            out[i] = self._after_save(results[i], jobs[i], spn)
        return out

    def _after_save(self, finding: AuditFinding, job: SaveJob, spn: SavePageNow | None) -> AuditFinding:
        saves = [job]
        ukgwa = finding.archives.get("ukgwa")
        if ukgwa is not None and not ukgwa.good_captures:
            saves.append(ask_tna(finding.result.original_url))
        if job.status is not SaveStatus.SUCCESS or spn is None:
            return replace(finding, saves=tuple(saves))
        v = verify_capture(self.session, spn.archive, finding.result.original_url, job.timestamp)
        if not v.good:
            saves[0] = replace(job, status=SaveStatus.ERROR, message=f"the new capture did not verify: {v.reason}")
            return replace(finding, saves=tuple(saves))
        held = finding.archives.get(v.archive.name) or ArchiveHolding(0)
        held = ArchiveHolding((held.good_captures or 0) + 1, newest=v.memento_datetime,
                              newest_url=v.archive.replay_url(v.served_timestamp, v.original))
        detail = (f"Saved just now: the Wayback Machine captured it ({v.memento_datetime}) and the "
                  f"capture verified ({_size(v)}).")
        return replace(
            finding, saves=tuple(saves), risk=None, newest_capture=v.memento_datetime,
            archives={**finding.archives, v.archive.name: held},
            good_captures=(finding.good_captures or 0) + 1,
            result=_result(finding.result.input, finding.result.original_url, Status.OK, v, detail),
        )


def require_original(text: str) -> str:
    """The original URL a list line names; raises InputError for a line that is not a URL."""
    original = normalise_original(text)
    if not original:
        raise InputError(f"not a URL: {text.strip()[:80]!r}")
    return original


def _size(v: Verification) -> str:
    kind = v.content_type or "unknown type"
    return f"{kind}, {v.content_length:,} bytes" if v.content_length is not None else kind


def _detail(status: Status, chosen: Verification | None, trouble: list[str], holdings: list[Holding],
            live: LiveStatus, risk: Risk | None, newest: CdxRecord | None) -> str:
    held = [f"{h.archive.name} {len(h.candidates)}" for h in holdings if h.candidates]
    if status is Status.OK:
        text = (f"Archived ({', '.join(held) or 'found by replay'} good capture(s)); verified "
                f"{chosen.archive.name}'s capture of {chosen.memento_datetime[:10]} ({_size(chosen)}).")
        text += doubt_sentence(chosen)
    elif status is Status.UNVERIFIABLE:
        text = f"Could not find out whether it is archived: {'; '.join(trouble)}."
    elif held:
        text = "Indexed captures did not verify as the document."
    else:
        text = "No archive holds a good capture."
    text += f" Live: {live.describe()}."
    if risk == LIVE_UNARCHIVED:
        text += " At risk: it is live but unarchived."
    elif risk == STALE_CAPTURE:
        text += (f" At risk: the live document differs from the newest capture "
                 f"({timestamp_to_iso(newest.timestamp)[:10]}); it changed after it was last archived.")
    return text


def _result(text: str, original: str, status: Status, v: Verification | None, detail: str) -> Result:
    """An audited URL is an original: only an ok verdict carries a capture's evidence."""
    prepared = PreparedLink(input=text, url=original, repairs=(), link=None, original_url=original)
    return build_result(prepared, Kind.ORIGINAL, status, v, detail=detail,
                        keep_evidence=status is Status.OK)
