"""A night's checking for `watch`: the replay queue and the index queue kept busy at once (#12).

The archives allow far fewer index requests (CDX, TimeMaps) than replay requests (the Internet
Archive: 24 a minute against about 480), so a night with broken links is bound by the index. Two
things follow, and this module does both:

- **Overlap.** Replay work (verifying each link, trying candidate captures) runs on one pool and
  index queries on another. A broken link that needs the index is handed to the index queue and its
  replay worker moves on to the next link, so the replay sweep never waits behind the index and a
  night takes max(replay time, index time), not their sum.
- **Fewer index requests.** At most ONE index query per broken link, spent on the first archive
  (the link's own, then `--prefer` order) that holds captures but whose nearest one is bad: the
  link's own verification already is that archive's nearest capture (it is not fetched again), an
  archive that holds nothing answers its replay request with 404 (no index needed to know), and
  other archives are asked first with one replay request for the capture nearest the link's date.
  One CDX answer lists every capture, so the candidates are ranked from it with no second query.
- **Bytes (#21).** A link whose capture was fetched in full and hashed before (`known`, from the
  history) is re-checked with one ranged request for its first bytes (recheck.py); only when
  something differs is the capture fetched in full. Whether a full fetch is due anyway (every
  `--full-every`) is the caller's decision: it passes no `known` then.
- **Memory.** What the search found (a capture to cite, or that there is none) is kept in the
  history with when it was searched. On later nights a remembered suggestion is re-verified with one
  replay request and the index is searched again only when that fails or the search is older than
  `suggestion_max_age`; "none exists" is believed for as long.

Why not one prefix query per directory: it would answer many broken links at once, but a night
cannot know which links of a directory are broken until their replay requests come back, and
waiting for them serialises index work behind replay work; a prefix's answer also lists every
capture of every file beneath it (often thousands of rows). Per-link queries keep each answer small
and start the index queue with the first broken link found.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from .answers import Excluded
from .archives import Archive
from .check import Checker, PreparedLink, memento_result
from .corroborate import EarlierCheck, corroborate
from .errors import NetworkError
from .models import Kind, Result, Status, timestamp_to_datetime, utc_now_iso
from .recheck import Known, recheck_capture
from .resolve import rank_candidates, read_captures, verify_candidates
from .verify import Verdict, Verification, verify_capture

log = logging.getLogger("archivecheck.watch")

DEFAULT_SUGGESTION_MAX_AGE = timedelta(days=30)
# Broken links waiting for the index queue, at most. Beyond it the replay sweep pauses, so memory
# stays bounded on a very long list with many broken links.
MAX_WAITING = 5000
INDEX_WORKERS = 2  # the index limiter sets the pace; a second worker covers one slow answer


@dataclass(frozen=True)
class NightCheck:
    """One link's result tonight, and when its replacement was last searched for (kept in the
    history so later nights re-verify the remembered suggestion instead of searching again)."""

    result: Result
    suggestion_searched_at: str | None = None
    # (#21) for an ok capture: how it was verified tonight ("full" or "range"), when it was last
    # fetched in full, and the hash of its first bytes, so the next night can re-check it cheaply
    verified_by: str | None = None
    full_checked_at: str | None = None
    head_sha256: str | None = None

    def record(self) -> dict:
        """What the history stores: the contract record, plus the search date when there is one
        and the re-check facts of an ok capture."""
        out = self.result.to_dict()
        if self.suggestion_searched_at:
            out["suggestion_searched_at"] = self.suggestion_searched_at
        if self.verified_by and self.result.status is Status.OK:
            out.update(verified_by=self.verified_by, full_checked_at=self.full_checked_at,
                       head_sha256=self.head_sha256)
        return out


@dataclass(frozen=True)
class Remembered:
    """What the last search for a broken link's replacement found, and when."""

    suggestion: str | None  # the capture to cite instead (public replay URL); None: none exists
    searched_at: str  # ISO 8601 UTC


def remembered_from(record: dict | None, *, now: datetime, max_age: timedelta) -> Remembered | None:
    """The suggestion search a stored record carries, if it was searched within `max_age`."""
    if not record or record.get("status") != Status.BROKEN.value or not record.get("suggestion_searched_at"):
        return None
    try:
        when = datetime.strptime(record["suggestion_searched_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    if max_age.total_seconds() <= 0 or now - when > max_age:
        return None
    return Remembered(record.get("suggestion"), record["suggestion_searched_at"])


@dataclass
class _Search:
    """One broken archive link's search for a capture to cite instead."""

    link: str
    prepared: PreparedLink
    verification: Verification  # the link's own capture, judged broken
    archives: list[Archive]
    index_spent: bool = False
    known_bad: set = field(default_factory=set)  # timestamps already seen bad (a stale suggestion)
    doubtful: bool = False  # an archive could not be asked: "none found" is not worth remembering
    found: Verification | None = None
    searched_at: str = field(default_factory=utc_now_iso)

    @property
    def at(self) -> datetime | None:
        ts = self.prepared.link.timestamp
        return timestamp_to_datetime(ts) if ts else None


class NightScheduler:
    """Checks links with one Checker (one session, its rate limits) on two pools; yields
    `(link, Result)` as each link finishes, in the order they finish."""

    def __init__(self, checker: Checker, *, workers: int, suggestion_max_age: timedelta = DEFAULT_SUGGESTION_MAX_AGE,
                 now: str | None = None):
        self.checker = checker
        self.now = now  # the run's time (ISO 8601 UTC), recorded as when a capture was fetched in full
        self.session = checker.session
        self.settings = checker.settings
        self.workers = max(1, workers)
        self.suggestion_max_age = suggestion_max_age
        self._events: queue.Queue = queue.Queue()
        self._replay = ThreadPoolExecutor(self.workers, thread_name_prefix="watch-replay")
        self._index = ThreadPoolExecutor(INDEX_WORKERS, thread_name_prefix="watch-index")
        self._lock = threading.Lock()
        self.index_queries = 0
        self.searching = True  # False once the night's window closes: no new index searches
        self.rechecks = Counter()  # range (matched) | differed (fetched in full after) | whole (Range ignored)

    def run(self, jobs: Iterable[tuple]) -> Iterator[tuple[str, NightCheck]]:
        """Check each `(link, remembered search[, known capture[, earlier verification]])`; at most `workers` links start at once, so an
        interrupted night loses at most those plus the broken links waiting for the index."""
        pending = iter(jobs)
        starting = 0  # start tasks queued or running on the replay pool
        unfinished = 0  # links started and not yet finished
        exhausted = False
        try:
            while True:
                while not exhausted and starting < self.workers and unfinished < MAX_WAITING:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                        break
                    starting += 1
                    unfinished += 1
                    self._replay.submit(self._guarded, job[0], self._start, *job, started=True)
                if exhausted and unfinished == 0:
                    return
                kind, link, result = self._events.get()
                if kind == "started":
                    starting -= 1
                else:
                    unfinished -= 1
                    yield link, result
        finally:
            self._replay.shutdown(wait=True, cancel_futures=True)
            self._index.shutdown(wait=True, cancel_futures=True)

    def stop_searching(self) -> None:
        """The night's window has closed: links in flight finish, but a broken link not yet handed
        to the index is reported without a suggestion (and not remembered as having none), so the
        night ends soon after its window instead of when the index queue drains."""
        self.searching = False

    # -- tasks (each runs on a pool; every path ends in _finish or hands the link on) ------------
    def _guarded(self, link: str, task, *args, started: bool = False) -> None:
        # (#22) With watch --evidence, each answer a task gets is kept with its link's evidence.
        working_on = getattr(self.checker.recorder, "working_on", None)
        try:
            with working_on(link) if working_on else nullcontext():
                task(*args)
        except Exception as exc:  # a bug must not cost the rest of the night's results
            log.exception("internal error checking %s", link)
            self._finish(link, internal_error(link, exc))
        finally:
            if started:
                self._events.put(("started", link, None))

    def _finish(self, link: str, result: Result, searched_at: str | None = None, **facts) -> None:
        self._events.put(("done", link, NightCheck(result, searched_at, **facts)))

    def _start(self, link: str, remembered: Remembered | None, known: Known | None = None,
               earlier: EarlierCheck | None = None) -> None:
        prepared = self.checker.prepare(link)
        if prepared.link is None:
            # An original URL (or not a URL): the whole resolution in one go, as `check` does.
            self._finish(link, self.checker.check_prepared(prepared))
            return
        target = prepared.link
        v, how = self._verify(target, known)
        if v.good or v.verdict is Verdict.UNVERIFIABLE:
            result = memento_result(prepared, v, None)
            if not v.good:  # (#20) not checked tonight: what the other archives hold
                self._finish(link, memento_result(prepared, v, None, corroborate(self.session, self.settings, v,
                                                                                 earlier=earlier)))
            elif how == "range":
                detail = (f"Re-checked the capture of {v.memento_datetime[:10]} ({v.content_type}, "
                          f"{v.content_length:,} bytes): {v.reason}.")
                self._finish(link, replace(result, detail=detail), verified_by=how,
                             full_checked_at=known.full_checked_at, head_sha256=known.head_sha256)
            else:
                self._finish(link, result, verified_by=how, full_checked_at=self.now or utc_now_iso(),
                             head_sha256=v.head_sha256 if v.sha256 else None)
            return
        if remembered is not None:
            if remembered.suggestion is None:  # searched recently and nothing was found
                self._finish(link, memento_result(prepared, v, None), remembered.searched_at)
                return
            again = self._reverify(remembered.suggestion)
            if again is not None and again.good:
                self._finish(link, memento_result(prepared, v, again), remembered.searched_at)
                return
        order = (target.archive.name,) + tuple(n for n in self.settings.prefer if n != target.archive.name)
        search = _Search(link, prepared, v, [self.settings.registry.get(n) for n in order])
        if remembered is not None and remembered.suggestion:
            stale = self.settings.registry.parse(remembered.suggestion)
            if stale is not None and stale.timestamp:
                search.known_bad.add(stale.timestamp)  # just re-verified and failed: not a candidate
        self._search_from(search, 0, first=v)

    def _verify(self, target, known: Known | None) -> tuple[Verification, str]:
        """The link's own capture: re-checked by its first bytes when `known`, else (or when
        anything differs) fetched in full. Returns the verification and "range" or "full"."""
        if known is not None:
            again = recheck_capture(self.session, target.archive, target.original_url, target.timestamp, known)
            with self._lock:
                self.rechecks["differed" if again.verification is None else "whole" if again.full else "range"] += 1
            if again.verification is not None:
                return again.verification, "full" if again.full else "range"
        return verify_capture(self.session, target.archive, target.original_url, target.timestamp), "full"

    def _reverify(self, suggestion: str) -> Verification | None:
        """One replay request for a remembered suggestion (None if it is not an archive link)."""
        parsed = self.settings.registry.parse(suggestion)
        if parsed is None or not parsed.timestamp:
            return None
        return verify_capture(self.session, parsed.archive, parsed.original_url, parsed.timestamp)

    def _search_from(self, search: _Search, position: int, *, first: Verification | None = None) -> None:
        """Walk the archives from `position`: the nearest capture by replay, the index when that
        capture exists but is bad and no index query has been spent on this link yet."""
        original = search.prepared.link.original_url
        target_ts = search.prepared.link.timestamp
        for i in range(position, len(search.archives)):
            archive = search.archives[i]
            nearest = first if (i == 0 and first is not None) else verify_capture(self.session, archive, original, target_ts)
            first = None
            if nearest.good:
                search.found = nearest
                break
            if nearest.verdict is Verdict.UNVERIFIABLE:
                search.doubtful = True
            if nearest.verdict is Verdict.BAD and not search.index_spent and not self.searching:
                search.doubtful = True
                break
            if nearest.verdict is Verdict.BAD and not search.index_spent:
                search.index_spent = True
                self._index.submit(self._guarded, search.link, self._query_index, search, i, nearest)
                return  # this replay worker moves on; the index answer brings the link back
        self._finish_search(search)

    def _query_index(self, search: _Search, position: int, nearest: Verification) -> None:
        if not self.searching:  # queued before the window closed
            search.doubtful = True
            self._finish_search(search)
            return
        archive = search.archives[position]
        with self._lock:
            self.index_queries += 1
        try:
            # The whole list in one request (not a window around the link's date first, as `check`
            # asks): a second index request for the same link would cost more than a longer answer.
            records = read_captures(self.session, archive, search.prepared.link.original_url)
        except Excluded:
            records = []  # the archive refuses this URL for good: nothing to suggest from it
        except NetworkError:
            records = []  # no suggestion from this archive tonight; the link's status stands
            search.doubtful = True
        self._replay.submit(self._guarded, search.link, self._try_candidates, search, position, nearest, records)

    def _try_candidates(self, search: _Search, position: int, nearest: Verification, records) -> None:
        archive = search.archives[position]
        original = search.prepared.link.original_url
        tried = verify_candidates(
            self.session, archive, original, rank_candidates(records, original, search.at),
            tried_timestamps={nearest.served_timestamp} | search.known_bad, bad_digests={nearest.sha1_base32} - {None})
        if tried and tried[-1].good:
            search.found = tried[-1]
            self._finish_search(search)
            return
        if tried and tried[-1].verdict is Verdict.UNVERIFIABLE:
            search.doubtful = True
        self._search_from(search, position + 1)

    def _finish_search(self, search: _Search) -> None:
        remember = search.found is not None or not search.doubtful
        self._finish(search.link, memento_result(search.prepared, search.verification, search.found),
                     search.searched_at if remember else None)


def internal_error(link: str, exc: Exception) -> Result:
    """An unverifiable Result for a link whose check raised (a bug), so the night goes on."""
    return Result(input=link, url=link, repairs=(), kind=Kind.ORIGINAL, original_url=None, archive=None,
                  memento_url=None, memento_datetime=None, status=Status.UNVERIFIABLE, http_status=None,
                  content_type=None, content_length=None, sha256=None, title=None, suggestion=None,
                  checked_at=utc_now_iso(), detail=f"Could not check: internal error ({exc.__class__.__name__}: {exc}).")
