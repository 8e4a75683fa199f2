"""The nightly link-rot job: check a list of links, keep every result in SQLite, report what changed.

    entries = read_watch_list("links.csv")
    report = run_watch(settings, entries, db="links.db", list_path="links.csv")
    print(render_watch(report, "text")); sys.exit(report.exit_code)

What "changed" means: each link's status tonight against its last DECISIVE status (ok, broken,
not_archived) in earlier runs. An unverifiable result (429s, captcha, timeouts) is reported in its
own section and compared against nothing: it is neither a breakage nor a recovery, and the next
decisive result is compared with the last decisive one before it.

Politeness: one `Checker` (one `ArchiveSession`) is shared by the worker pool, so the session's
per-archive rate limits, not `--concurrency`, set the pace, and a 429 or captcha seen by any worker
pauses them all. Fewer requests: a link found ok within `max_age` is not fetched again (its stored
result is reused and marked so), and a link listed twice is checked once.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .check import Checker, require_url
from .exits import ExitStatus
from .config import Settings
from .errors import InputError
from .history import History, StoredResult, WriterLock
from .inputs import read_input_text
from .models import CONTRACT_FIELDS, Kind, Result, Status, utc_now_iso

# Changes, in the order the report shows them.
NEWLY_BROKEN = "newly_broken"
NEWLY_NOT_ARCHIVED = "newly_not_archived"
RECOVERED = "recovered"
STILL_BROKEN = "still_broken"
STILL_NOT_ARCHIVED = "still_not_archived"
UNVERIFIABLE = "unverifiable"
STILL_OK = "ok"
CHANGES = (NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED, STILL_BROKEN, STILL_NOT_ARCHIVED, UNVERIFIABLE, STILL_OK)
SECTION_TITLES = {
    NEWLY_BROKEN: "Newly broken", NEWLY_NOT_ARCHIVED: "Newly not archived", RECOVERED: "Recovered",
    STILL_BROKEN: "Still broken", STILL_NOT_ARCHIVED: "Still not archived",
    UNVERIFIABLE: "Unverifiable (could not decide; not counted as broken or recovered)", STILL_OK: "OK",
}

# More than this share of unverifiable results makes the run itself untrustworthy: exit 3.
MOSTLY_UNVERIFIABLE = 0.5
DEFAULT_MAX_AGE = timedelta(hours=20)
WATCH_FORMATS = ("text", "json", "jsonl", "csv", "markdown")  # the contract's list; rendered by report/watch.py


@dataclass(frozen=True)
class WatchEntry:
    """One line (or CSV row) of the list: its 0-based position, the link as written, its labels."""

    position: int
    link: str
    labels: dict = field(default_factory=dict)


@dataclass
class WatchReport:
    run_id: int
    resumed: bool
    results: list[Result]  # one per list entry, in list order, with watch's extra fields
    summary: dict
    exit_code: ExitStatus


# -- the list ---------------------------------------------------------------------------------
def read_watch_list(path: str) -> list[WatchEntry]:
    """Read LIST: a CSV with a `url` column (other columns become labels) when the file ends in
    .csv or its first line names a `url` column; otherwise one URL a line, `#` comments.
    Raises InputError for an unreadable file or a CSV without a url column."""
    text = read_input_text(path, what="a list of links")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"{path}: the list has no links")
    header = next(csv.reader([lines[0]]))
    is_csv = path.lower().endswith(".csv") or any(h.strip().lower() == "url" for h in header)
    if not is_csv:
        return [WatchEntry(i, ln.strip()) for i, ln in enumerate(lines)]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    names = {(n or "").strip().lower(): n for n in reader.fieldnames or []}
    if "url" not in names:
        raise InputError(f"{path}: a CSV list needs a 'url' column")
    entries = []
    for row in reader:
        url = (row.get(names["url"]) or "").strip()
        if not url:
            continue
        labels = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                  if k is not None and k != names["url"]}
        entries.append(WatchEntry(len(entries), url, labels))
    if not entries:
        raise InputError(f"{path}: the list has no links")
    return entries


# -- the run ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WatchOptions:
    concurrency: int = 4
    max_age: timedelta = DEFAULT_MAX_AGE  # reuse an ok result younger than this; 0 disables
    fail_on: str = "new"  # new | any
    resume: bool = False


Progress = Callable[[dict], None]


def run_watch(settings: Settings, entries: list[WatchEntry], *, db: str, list_path: str,
              options: WatchOptions = WatchOptions(), progress: Progress | None = None,
              checker: Checker | None = None) -> WatchReport:
    """Check every entry, committing each finished result before reporting it; returns the report.

    Raises DatabaseBusy when another run holds the database, InputError for a bad list entry or a
    `--resume` with nothing to resume, ConfigError for an unusable database file.
    """
    for entry in entries:
        try:
            require_url(entry.link, settings)
        except InputError:
            raise InputError(f"{list_path}: entry {entry.position + 1} is not a URL: {entry.link[:80]!r}") from None
    started = time.monotonic()
    with WriterLock(db), History.open(db) as history:
        run_id, done = _open_run(history, entries, list_path, options)
        own_checker = checker is None
        checker = checker or Checker(settings)
        try:
            counts = _check_pending(history, checker, run_id, entries, done, options, progress)
        finally:
            if own_checker:
                checker.session.close()
        stored = history.results_of_run(run_id)
        results = [_with_change(history, run_id, s) for s in stored]
        summary = summarise_watch(results, options)
        summary.update(run=run_id, resumed=options.resume, checked=counts["checked"] + counts["resumed_checked"],
                       fetched_this_session=counts["checked"], reused=counts["reused"] + counts["resumed_reused"],
                       shared_duplicates=counts["duplicates"], elapsed_seconds=round(time.monotonic() - started, 2),
                       requests=dict(checker.session.stats))
        history.finish_run(run_id, finished_at=utc_now_iso(), summary=summary)
    return WatchReport(run_id, options.resume, results, summary, ExitStatus(summary["exit_code"]))


def _open_run(history: History, entries: list[WatchEntry], list_path: str,
              options: WatchOptions) -> tuple[int, dict[int, StoredResult]]:
    if options.resume:
        run = history.interrupted_run()
        if run is None:
            raise InputError("nothing to resume: the last run finished (run without --resume)")
        done = history.done_positions(run.id)
        for pos, stored in done.items():
            if pos >= len(entries) or entries[pos].link != stored.link:
                raise InputError(f"the list has changed since run {run.id} started; run without --resume")
        return run.id, done
    history.abandon_unfinished()
    run_id = history.start_run(started_at=utc_now_iso(), list_path=str(Path(list_path)), total=len(entries),
                               options={"concurrency": options.concurrency,
                                        "max_age_hours": options.max_age.total_seconds() / 3600,
                                        "fail_on": options.fail_on})
    return run_id, {}


def _check_pending(history: History, checker: Checker, run_id: int, entries: list[WatchEntry],
                   done: dict[int, StoredResult], options: WatchOptions, progress: Progress | None) -> Counter:
    counts = Counter()
    for stored in done.values():
        counts["resumed_reused" if stored.reused_from else "resumed_checked"] += 1
    # Identical links share one check: group the pending positions by link, in list order.
    groups: dict[str, list[WatchEntry]] = {}
    for entry in entries:
        if entry.position not in done:
            groups.setdefault(entry.link, []).append(entry)
    total, finished, failures = len(entries), len(done), 0
    to_check: list[str] = []
    retry_first: set[str] = set()
    now = datetime.now(timezone.utc)
    for link, group in groups.items():
        counts["duplicates"] += len(group) - 1
        last = history.latest_fetched(link, before_run=run_id)
        recent = _reusable(last, now, options.max_age)
        if recent is None:
            to_check.append(link)
            if last is not None and last.status == Status.UNVERIFIABLE.value:
                retry_first.add(link)
            continue
        record = dict(recent.record, reused=True, reused_from_run=recent.run_id)
        history.add_results(run_id, [(e.position, link, e.labels, record, recent.id) for e in group])
        counts["reused"] += len(group)
        finished += len(group)
    # (#4) Links that were unverifiable last run go first. A persistent fault (a 503, a reset)
    # costs its link the session's whole retry chain (2 + 4 + 8 s of backoff by default) however
    # late it starts; started near the end, that chain runs after every other link is done and the
    # run waits for it. Started first, it runs while the rest of the list is checked. Only the
    # order changes: rate limits, retries and backoff stay the session's. Links with no history
    # keep list order, so a first run still ends on whichever fault it meets last.
    to_check.sort(key=lambda link: link not in retry_first)
    if progress:
        progress({"done": finished, "total": total, "failures": 0, "checked": 0})

    def check(link: str) -> Result:
        try:
            return checker.check(link)
        except Exception as exc:  # a bug must not cost the rest of the night's results
            return _internal_error(link, exc)

    workers = max(1, options.concurrency)
    queue = iter(to_check)
    in_flight: dict[Future, str] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="watch") as pool:
        def top_up():
            # Only `workers` links are in flight, so an interrupted run loses at most those.
            while len(in_flight) < workers:
                link = next(queue, None)
                if link is None:
                    return
                in_flight[pool.submit(check, link)] = link
        top_up()
        while in_flight:
            finished_now, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished_now:
                link = in_flight.pop(future)
                result = future.result()
                record = result.to_dict()
                group = groups[link]
                history.add_results(run_id, [(e.position, link, e.labels, _as_given(record, e.link), None)
                                             for e in group])
                counts["checked"] += 1
                finished += len(group)
                if result.status is not Status.OK:
                    failures += len(group)
                if progress:
                    progress({"done": finished, "total": total, "failures": failures,
                              "checked": counts["checked"], "status": result.status.value})
            top_up()
    return counts


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


def _internal_error(link: str, exc: Exception) -> Result:
    return Result(input=link, url=link, repairs=(), kind=Kind.ORIGINAL, original_url=None, archive=None,
                  memento_url=None, memento_datetime=None, status=Status.UNVERIFIABLE, http_status=None,
                  content_type=None, content_length=None, sha256=None, title=None, suggestion=None,
                  checked_at=utc_now_iso(), detail=f"Could not check: internal error ({exc.__class__.__name__}: {exc}).")


# -- changes ----------------------------------------------------------------------------------
def classify_change(status: str, previous: str | None) -> str:
    """Tonight's status against the last decisive one (None: never decided, e.g. a new link)."""
    if status == Status.UNVERIFIABLE.value:
        return UNVERIFIABLE
    if status == Status.OK.value:
        return RECOVERED if previous in (Status.BROKEN.value, Status.NOT_ARCHIVED.value) else STILL_OK
    if status == Status.BROKEN.value:
        return STILL_BROKEN if previous == status else NEWLY_BROKEN
    return STILL_NOT_ARCHIVED if previous == status else NEWLY_NOT_ARCHIVED


def _with_change(history: History, run_id: int, stored: StoredResult) -> Result:
    previous = history.last_decisive(stored.link, before_run=run_id)
    extra = {
        "labels": stored.labels,
        "change": classify_change(stored.status, previous.status if previous else None),
        "previous_status": previous.status if previous else None,
        "previous_checked_at": previous.checked_at if previous else None,
        "reused": bool(stored.reused_from),
    }
    return result_from_record(stored.record, extra)


def result_from_record(record: dict, extra: dict | None = None) -> Result:
    """Rebuild a Result from a stored record; fields beyond the contract's go to `extra`."""
    values = {k: record.get(k) for k in CONTRACT_FIELDS}
    values["repairs"] = tuple(values["repairs"] or ())
    values["kind"] = Kind(values["kind"])
    values["status"] = Status(values["status"])
    more = {k: v for k, v in record.items() if k not in CONTRACT_FIELDS and k not in ("reused", "reused_from_run")}
    more.update(extra or {})
    if record.get("reused_from_run") is not None:
        more["reused_from_run"] = record["reused_from_run"]
    return Result(**values, extra=more)


def summarise_watch(results: list[Result], options: WatchOptions) -> dict:
    statuses = Counter(r.status.value for r in results)
    changes = Counter(r.extra["change"] for r in results)
    total = len(results)
    share = statuses[Status.UNVERIFIABLE.value] / total if total else 0.0
    return {
        "total": total,
        **{s.value: statuses.get(s.value, 0) for s in Status},
        "changes": {c: changes.get(c, 0) for c in CHANGES},
        "unverifiable_share": round(share, 3),
        "exit_code": int(watch_exit_code(results, options.fail_on)),
        "generated_at": utc_now_iso(),
    }


def watch_exit_code(results: list[Result], fail_on: str = "new") -> ExitStatus:
    """1 when something is newly broken/not archived (with fail_on="any": anything broken/not
    archived); else 3 when more than half the links were unverifiable (the run says little);
    else 0. A few unverifiable links alone do not fail a nightly job: they show in the report."""
    changes = {r.extra.get("change") for r in results}
    if changes & {NEWLY_BROKEN, NEWLY_NOT_ARCHIVED}:
        return ExitStatus.BROKEN
    if fail_on == "any" and any(r.status in (Status.BROKEN, Status.NOT_ARCHIVED) for r in results):
        return ExitStatus.BROKEN
    unverifiable = sum(r.status is Status.UNVERIFIABLE for r in results)
    if results and unverifiable / len(results) > MOSTLY_UNVERIFIABLE:
        return ExitStatus.UNVERIFIABLE
    return ExitStatus.OK


# -- a link's story ---------------------------------------------------------------------------
def link_story(db: str, link: str) -> list[dict]:
    """Every run's result for `link`, oldest first: run, date, status, capture, detail, reused.
    Raises ConfigError when the database does not exist; an unknown link gives []."""
    with History.open(db, create=False) as history:
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
