"""The nightly link-rot job: check a list of links, keep every result in SQLite, report what changed.

    entries = read_watch_list("links.csv")             # lazy: read again on each pass
    report = run_watch(settings, entries, db="links.db", list_path="links.csv",
                       deliver=lambda report: print(render_watch(report, "text")))
    sys.exit(report.exit_code)

What "changed" means: each link's status tonight against its last DECISIVE status (ok, broken,
not_archived) in earlier runs. An unverifiable result (429s, captcha, timeouts) is reported in its
own section and compared against nothing: it is neither a breakage nor a recovery, and the next
decisive result is compared with the last decisive one before it.

Politeness: one `Checker` (one `ArchiveSession`) is shared by the worker pools (schedule.py: one
for replay, one for the index), so the session's per-archive rate limits, not `--concurrency`, set
the pace, and a 429 or captcha seen by any worker pauses them all. Fewer requests: a link found ok
within `max_age` is not fetched again (its stored result is reused and marked so), a link listed
twice is checked once, and a broken link's replacement capture is remembered (schedule.py).

Delivery (#11): the run's report is handed to `deliver` (the CLI writes it, atomically) while the
database is still locked, and only then is the run marked delivered; a run whose report was never
delivered is not a baseline, so its alerts are raised again by the next run.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .archives import normalise_original
from .budget import BACKGROUND
from .check import Checker, require_url
from .config import Settings
from .corroborate import EarlierCheck
from .exits import ExitStatus
from .errors import InputError
from .history import History, StoredResult, WriterLock, history_errors
from .models import CONTRACT_FIELDS, Kind, Result, Status, utc_now_iso
from .records import Change, SuggestionChange, WatchedLink
from .recheck import Known, known_from
from .rolling import DEFAULT_EVERY, NightPlan
from .schedule import DEFAULT_SUGGESTION_MAX_AGE, NightScheduler, remembered_from
from .watchlist import WatchEntry, WatchList, read_watch_list  # noqa: F401 - read_watch_list is API

# Changes, in the order the report shows them (short names for records.Change).
NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED = Change.NEWLY_BROKEN, Change.NEWLY_NOT_ARCHIVED, Change.RECOVERED
STILL_BROKEN, STILL_NOT_ARCHIVED = Change.STILL_BROKEN, Change.STILL_NOT_ARCHIVED
UNVERIFIABLE, STILL_OK = Change.UNVERIFIABLE, Change.STILL_OK
CHANGES = tuple(Change)
SECTION_TITLES = {
    NEWLY_BROKEN: "Newly broken", NEWLY_NOT_ARCHIVED: "Newly not archived", RECOVERED: "Recovered",
    STILL_BROKEN: "Still broken", STILL_NOT_ARCHIVED: "Still not archived",
    UNVERIFIABLE: "Unverifiable (could not decide; not counted as broken or recovered)", STILL_OK: "OK",
}

# (#22) The changes whose exchanges watch --evidence keeps: what someone will ask "why?" about.
EVIDENCE_CHANGES = frozenset({NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED})

# More than this share of unverifiable results makes the run itself untrustworthy: exit 3.
MOSTLY_UNVERIFIABLE = 0.5
DEFAULT_MAX_AGE = timedelta(hours=20)
# (#21) A capture re-checked by its first bytes is fetched in full and hashed again this often.
DEFAULT_FULL_EVERY = timedelta(days=7)
WATCH_FORMATS = ("text", "json", "jsonl", "csv", "markdown")  # the contract's list; rendered by report/watch.py


@dataclass
class WatchReport:
    """A finished run: its summary, and its results read back from the database section by section
    (`results()`, `section(change)`) while `deliver` runs; a library caller without `deliver`
    gets them all in `results_list`."""

    run_id: int
    resumed: bool
    summary: dict
    exit_code: ExitStatus
    history: History | None = None
    results_list: list[WatchedLink] | None = None

    def results(self, change: str | None = None) -> Iterator[WatchedLink]:
        """Every link's WatchedLink in list order, or those with `change`."""
        if self.results_list is not None:
            yield from (r for r in self.results_list if change is None or r.change == change)
            return
        if self.history is None:
            raise RuntimeError("the run's results are read while it is delivered; pass deliver= to run_watch")
        for stored, previous, change_, suggestion_change_ in self.history.compared_results(self.run_id, change):
            yield _with_change(stored, previous, change_, suggestion_change_)

    def section(self, change: str) -> Iterator[WatchedLink]:
        return self.results(change)


@dataclass(frozen=True)
class WatchOptions:
    concurrency: int = 4
    max_age: timedelta = DEFAULT_MAX_AGE  # reuse an ok result younger than this; 0 disables
    fail_on: str = "new"  # new | any
    resume: bool = False
    # a broken link's remembered replacement is trusted (after one replay request) this long
    suggestion_max_age: timedelta = DEFAULT_SUGGESTION_MAX_AGE
    # a capture fetched in full within this is re-checked by its first bytes (0: always in full)
    full_every: timedelta = DEFAULT_FULL_EVERY
    # the run's clock (tests and the bench simulate nights with it); None: the real time
    clock: Callable[[], datetime] | None = None
    # (#21) the rolling schedule (rolling.py): a time budget for the night and a coverage target;
    # with either, the run checks tonight's share of the list, not all of it
    window: timedelta | None = None
    every: timedelta | None = None
    monotonic: Callable[[], float] | None = None  # the window's clock (tests inject one)
    # (#22) evidence.Evidence: keep a WACZ of the exchanges of each link whose state changed
    evidence: object = None

    @property
    def rolling(self) -> bool:
        return self.window is not None or self.every is not None

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(timezone.utc)


Progress = Callable[[dict], None]
Deliver = Callable[[WatchReport], None]


# -- the run ----------------------------------------------------------------------------------
def run_watch(settings: Settings, entries: WatchList, *, db: str, list_path: str,
              options: WatchOptions = WatchOptions(), progress: Progress | None = None,
              checker: Checker | None = None, deliver: Deliver | None = None,
              night_scheduler: type[NightScheduler] = NightScheduler) -> WatchReport:
    """Check every entry, committing each finished result as it comes; returns the report.

    `deliver(report)` is called before the run is marked delivered (with the database still
    locked; the report's results are read from the database as it renders them); if it raises,
    the run stays undelivered and its changes are reported again next time. Without `deliver`,
    returning the report (with `results_list`) counts as delivering it.

    `night_scheduler` does the checking (bench/bench_watch_rolling.py passes one that simulates the
    archives, to run the schedule over a million links without a network).

    Raises DatabaseBusy when another run holds the database, InputError for a bad list entry or a
    `--resume` with nothing to resume, HistoryError for a database that cannot be used.
    """
    total = 0
    for entry in entries:  # every entry is checked before any work: a typo fails fast
        if not _plainly_a_url(entry.link, settings):
            try:
                require_url(entry.link, settings)
            except InputError:
                raise InputError(f"{list_path}: entry {entry.position + 1} is not a URL: {entry.link[:80]!r}") from None
        total += 1
    if total == 0:
        raise InputError(f"{list_path}: the list has no links")
    started = time.monotonic()
    plan = None
    if options.rolling:
        plan = NightPlan(every=options.every or DEFAULT_EVERY, window=options.window, now=options.now(),
                         monotonic=options.monotonic or time.monotonic)
    with WriterLock(db), History.open(db) as history, history_errors(db):
        run_id = _open_run(history, entries, total, list_path, options)
        own_checker = checker is None
        recorders = _link_recorders(options) if own_checker else None
        # (#21) the nightly job yields the machine's request budget to interactive work; (#17) and asks
        # no template witness (witness.py): a doubted HTML link would cost an index request every night
        # for bytes that do not change — check, scan and serve ask it when a link is cited
        checker = checker or Checker(replace(settings, network=replace(settings.network, priority=BACKGROUND,
                                                                       template_witness=False)),
                                     recorder=recorders)
        try:
            counts = _check_pending(history, checker, run_id, entries, total, options, progress, plan, night_scheduler)
        finally:
            if own_checker:
                checker.session.close()
            if recorders is not None:
                recorders.close()
        summary = summarise_run(history, run_id, options)
        if plan is not None:
            summary["coverage"] = plan.summary(history, run_id)
        if options.evidence is not None:
            summary["evidence"] = {"directory": str(options.evidence.directory),
                                   "packs": [p.to_dict() for p in options.evidence.packs],
                                   "bytes": sum(p.size for p in options.evidence.packs)}
        summary.update(run=run_id, resumed=options.resume, checked=counts["checked"] + counts["resumed_checked"],
                       fetched_this_session=counts["checked"], reused=counts["reused"] + counts["resumed_reused"],
                       shared_duplicates=counts["duplicates"], index_queries=counts["index_queries"],
                       rechecked_by_range=counts["recheck_range"], recheck_differed=counts["recheck_differed"],
                       range_ignored=counts["recheck_whole"],
                       elapsed_seconds=round(time.monotonic() - started, 2), requests=dict(checker.session.stats))
        history.complete_run(run_id, finished_at=utc_now_iso(), summary=summary)
        report = WatchReport(run_id, options.resume, summary, ExitStatus(summary["exit_code"]), history)
        if deliver is not None:
            deliver(report)
        else:
            report.results_list = list(report.results())
        history.mark_delivered(run_id, checked_at=options.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
        report.history = None
    return report


def _plainly_a_url(text: str, settings: Settings) -> bool:
    """An archive link or original URL as it stands. Only other entries go through repair here:
    repairing every entry of a clean list (the usual case) cost about 2 s per 1,000 links before
    the first request, and each link is repaired again anyway when it is checked."""
    if any(c.isspace() for c in text):
        return False
    return settings.registry.parse(text) is not None or bool(normalise_original(text))


def _open_run(history: History, entries: WatchList, total: int, list_path: str, options: WatchOptions) -> int:
    if options.resume:
        run = history.interrupted_run()
        if run is None:
            raise InputError("nothing to resume: the last run finished (run without --resume)")
        for entry in entries:
            stored = history.stored_link(run.id, entry.position)
            if stored is not None and stored != entry.link:
                raise InputError(f"the list has changed since run {run.id} started; run without --resume")
        return run.id
    history.abandon_unfinished()
    return history.start_run(started_at=utc_now_iso(), list_path=str(Path(list_path)), total=total,
                             options={"concurrency": options.concurrency,
                                      "max_age_hours": options.max_age.total_seconds() / 3600,
                                      "fail_on": options.fail_on,
                                      "full_every_days": options.full_every.total_seconds() / 86400,
                                      "window_hours": options.window / timedelta(hours=1) if options.window else None,
                                      "every_days": options.every / timedelta(days=1) if options.every else None})


def _check_pending(history: History, checker: Checker, run_id: int, entries: WatchList, total: int,
                   options: WatchOptions, progress: Progress | None, plan: NightPlan | None = None,
                   night_scheduler: type[NightScheduler] = NightScheduler) -> Counter:
    """Stream the list through the scheduler: only links in flight are held, with their list
    entries; a repeated link joins its first occurrence in flight or copies its stored result."""
    counts = Counter()
    now = options.now()
    state = {"finished": 0, "failures": 0}
    waiting: dict[str, list[WatchEntry]] = {}  # link -> its entries, while the link is in flight
    # (#4) Links that were unverifiable last run go first. A persistent fault (a 503, a reset)
    # costs its link the session's whole retry chain (2 + 4 + 8 s of backoff by default) however
    # late it starts; started near the end, that chain runs after every other link is done and the
    # run waits for it. Started first, it runs while the rest of the list is checked. Only the
    # order changes: rate limits, retries and backoff stay the session's. Links with no history
    # keep list order, so a first run still ends on whichever fault it meets last. The list is
    # read twice for that: those links on the first pass, the rest on the second.
    retry_first = history.unverifiable_last_time(before_run=run_id) if plan is None else None
    scheduler = night_scheduler(checker, workers=options.concurrency, suggestion_max_age=options.suggestion_max_age,
                               now=now.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def jobs() -> Iterator[tuple[str, object]]:
        if plan is not None:  # (#21) tonight's share, in the rolling schedule's order
            yield from filter(None, (_admit_unless_done(e) for e in plan.entries(history, entries, scheduler.stop_searching)))
            return
        for first_pass in ((True, False) if retry_first else (False,)):
            for entry in entries:
                if retry_first and (entry.link in retry_first) != first_pass:
                    continue
                job = _admit_unless_done(entry)
                if job is not None:
                    yield job

    def _admit_unless_done(entry: WatchEntry):
        if history.stored_link(run_id, entry.position) is not None:  # done before a --resume
            stored = history.result_for_link(run_id, entry.link)
            counts["resumed_reused" if stored and stored.reused_from else "resumed_checked"] += 1
            state["finished"] += 1
            return None
        return _admit(entry)

    def _admit(entry: WatchEntry):
        if entry.link in waiting:
            counts["duplicates"] += 1
            waiting[entry.link].append(entry)
            return None
        done = history.result_for_link(run_id, entry.link)
        if done is not None:  # listed again after its check finished: share it
            counts["duplicates"] += 1
            counts["reused"] += 1 if done.reused_from else 0
            history.add_results(run_id, [(entry.position, entry.link, entry.labels,
                                          _as_given(done.record, entry.link), done.reused_from)])
            _finished(1, done.status)
            return None
        last = history.latest_fetched(entry.link, before_run=run_id)
        recent = _reusable(last, now, options.max_age)
        if recent is not None:
            record = dict(recent.record, reused=True, reused_from_run=recent.run_id)
            history.add_results(run_id, [(entry.position, entry.link, entry.labels, record, recent.id)])
            counts["reused"] += 1
            _finished(1, Status.OK.value)
            return None
        waiting[entry.link] = [entry]
        # (#20) How the history last verified the link, should it not be checkable tonight.
        verified = last if last is not None and last.status == Status.OK.value else history.last_decisive(
            entry.link, before_run=run_id)
        return (entry.link, remembered_from(last.record if last else None, now=now, max_age=options.suggestion_max_age),
                _cheap_recheck(last, now, options.full_every),
                EarlierCheck.from_record(verified.record if verified else None, "the watch history"))

    def _finished(n: int, status: str) -> None:
        state["finished"] += n
        if status != Status.OK.value:
            state["failures"] += n
        if progress:
            progress({"done": state["finished"], "total": total, "failures": state["failures"],
                      "checked": counts["checked"], "status": status})

    settle = getattr(checker.recorder, "settle", None)
    for link, checked in scheduler.run(jobs()):
        record, result = checked.record(), checked.result
        if settle is not None:  # (#22) keep the link's exchanges only when its state changed
            previous = history.last_decisive(link, before_run=run_id)
            change = classify_change(result.status.value, previous.status if previous else None)
            settle(link, result, keep=change in EVIDENCE_CHANGES, change=change.value)
        group = waiting.pop(link)
        history.add_results(run_id, [(e.position, link, e.labels, _as_given(record, e.link), None) for e in group])
        counts["checked"] += 1
        _finished(len(group), result.status.value)
    counts["index_queries"] = scheduler.index_queries
    counts.update({f"recheck_{k}": v for k, v in scheduler.rechecks.items()})
    return counts


def _link_recorders(options: WatchOptions):
    """The per-link recorder for --evidence (None without it)."""
    if options.evidence is None:
        return None
    from .evidence.perlink import LinkRecorders

    return LinkRecorders(options.evidence)


def _cheap_recheck(last: StoredResult | None, now: datetime, full_every: timedelta) -> Known | None:
    """What a ranged re-check of the link compares with, or None when the capture must be fetched
    in full tonight: never hashed in full, not ok last time, or its full fetch is `full_every` old."""
    known = known_from(last.record) if last is not None else None
    if known is None or full_every.total_seconds() <= 0:
        return None
    try:
        when = datetime.strptime(known.full_checked_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return known if now - when < full_every else None


def _reusable(last: StoredResult | None, now: datetime, max_age: timedelta) -> StoredResult | None:
    """`last` (the link's latest fetched result) when it is ok and younger than `max_age`, else None."""
    if max_age.total_seconds() <= 0:
        return None
    if last is None or last.status != Status.OK.value:
        return None
    try:
        when = datetime.strptime(last.checked_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return last if now - when <= max_age else None


def _as_given(record: dict, link: str) -> dict:
    return dict(record, input=link) if record.get("input") != link else record


# -- changes ----------------------------------------------------------------------------------
def classify_change(status: str, previous: str | None) -> Change:
    """Tonight's status against the last decisive one (None: never decided, e.g. a new link)."""
    if status == Status.UNVERIFIABLE.value:
        return UNVERIFIABLE
    if status == Status.OK.value:
        return RECOVERED if previous in (Status.BROKEN.value, Status.NOT_ARCHIVED.value) else STILL_OK
    if status == Status.BROKEN.value:
        return STILL_BROKEN if previous == status else NEWLY_BROKEN
    return STILL_NOT_ARCHIVED if previous == status else NEWLY_NOT_ARCHIVED


def suggestion_change(status: str, suggestion: str | None, previous_status: str | None,
                      previous_suggestion: str | None) -> SuggestionChange | None:
    """For a link still broken: `new`, `changed` or `withdrawn` when the capture to cite instead
    differs from the last delivered report's; None when it is the same or the link is not still broken."""
    if status != Status.BROKEN.value or previous_status != Status.BROKEN.value or previous_suggestion == suggestion:
        return None
    if previous_suggestion is None:
        return SuggestionChange.NEW
    return SuggestionChange.WITHDRAWN if suggestion is None else SuggestionChange.CHANGED


def _with_change(stored: StoredResult, previous: StoredResult | None, change: str,
                 suggestion_change_: str | None) -> WatchedLink:
    return WatchedLink(
        result=result_from_record(stored.record),
        change=Change(change),  # the database hands back the plain string
        labels=stored.labels or {},
        previous_status=previous.status if previous else None,
        previous_checked_at=previous.checked_at if previous else None,
        reused=bool(stored.reused_from),
        reused_from_run=stored.record.get("reused_from_run"),
        suggestion_change=SuggestionChange(suggestion_change_) if suggestion_change_ else None,
        previous_suggestion=previous.record.get("suggestion") if previous else None,
        suggestion_searched_at=stored.record.get("suggestion_searched_at"),
    )


def result_from_record(record: dict) -> Result:
    """Rebuild the contract Result from a stored record (watch's own fields are WatchedLink's)."""
    values = {k: record.get(k) for k in CONTRACT_FIELDS}
    values["repairs"] = tuple(values["repairs"] or ())
    values["kind"] = Kind(values["kind"])
    values["status"] = Status(values["status"])
    if record.get("uncertain"):
        values["uncertain"] = True
        values["alternatives"] = tuple(record.get("alternatives") or ())
    values["challenged_by"] = record.get("challenged_by")
    return Result(**values)


def summarise_run(history: History, run_id: int, options: WatchOptions) -> dict:
    """The run's counts, changes and exit code, counted in the database (not from a list in memory)."""
    changes = history.compare_run(run_id, classify_change, suggestion_change)
    statuses = history.status_counts(run_id)
    total = sum(statuses.values())
    share = statuses.get(Status.UNVERIFIABLE.value, 0) / total if total else 0.0
    by_change = {c: changes.get(c, 0) for c in CHANGES}
    return {
        "total": total,
        **{s.value: statuses.get(s.value, 0) for s in Status},
        "changes": by_change,
        "suggestions_changed": changes.get("suggestion_changed", 0),
        # Of the ok links, those whose capture the judge doubted (Result.doubted): a nightly job's
        # reader should open them once, not count them as plainly working (#17 item 5).
        "ok_unsure": history.doubted_count(run_id),
        # (#20) Unverifiable because an archive asked for human verification: like every unverifiable
        # link, compared with nothing, so none of their states changes.
        "challenged": history.challenged_count(run_id),
        "unverifiable_share": round(share, 3),
        "exit_code": int(watch_exit_code(by_change, statuses, options.fail_on)),
        "generated_at": utc_now_iso(),
    }


def watch_exit_code(changes: dict, statuses: dict, fail_on: str = "new") -> ExitStatus:
    """1 when something is newly broken/not archived (with fail_on="any": anything broken/not
    archived); else 3 when more than half the links were unverifiable (the run says little);
    else 0. A few unverifiable links alone do not fail a nightly job: they show in the report."""
    if changes.get(NEWLY_BROKEN) or changes.get(NEWLY_NOT_ARCHIVED):
        return ExitStatus.BROKEN
    if fail_on == "any" and (statuses.get(Status.BROKEN.value) or statuses.get(Status.NOT_ARCHIVED.value)):
        return ExitStatus.BROKEN
    total = sum(statuses.values())
    if total and statuses.get(Status.UNVERIFIABLE.value, 0) / total > MOSTLY_UNVERIFIABLE:
        return ExitStatus.UNVERIFIABLE
    return ExitStatus.OK


# -- a link's story ---------------------------------------------------------------------------
def link_story(db: str, link: str) -> list[dict]:
    """Every run's result for `link`, oldest first: run, date, status, capture, detail, reused.
    Raises HistoryError when the database does not exist or cannot be read; an unknown link gives []."""
    with History.open(db, create=False) as history, history_errors(db):
        rows = history.story(link.strip())
    return [{
        "run": s.run_id,
        "run_started_at": s.run_started_at,
        "checked_at": s.checked_at,
        "status": s.status,
        "reused": bool(s.reused_from),
        "memento_url": s.record.get("memento_url"),
        "memento_datetime": s.record.get("memento_datetime"),
        "http_status": s.record.get("http_status"),
        "sha256": s.record.get("sha256"),
        "detail": s.record.get("detail"),
        "labels": s.labels,
    } for s in rows]
