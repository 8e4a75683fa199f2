"""`archivecheck watch LIST --db FILE`: the nightly link-rot job (logic in archivecheck.watch)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import click

from ..errors import InputError
from ..deliver import check_report_file, deliver_report
from ..watch import WATCH_FORMATS, WatchOptions, read_watch_list, run_watch
from .options import evidence_from, evidence_options, progress_enabled, report_options, settings_from


def parse_max_age(value: str, option: str = "--max-age") -> timedelta:
    """`20h`, `90m`, `2d`, `3600s` or a bare number of hours; `0` disables reuse."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value or "")
    if not m:
        raise click.BadParameter(f"{value!r} is not a duration (try 20h, 90m, 2d)", param_hint=option)
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "": "hours"}[m.group(2)]
    try:
        return timedelta(**{unit: float(m.group(1))})
    except OverflowError:
        raise click.BadParameter(f"{value!r} is longer than a calendar can hold", param_hint=option) from None


def _positive(value: str | None, option: str) -> timedelta | None:
    if value is None:
        return None
    duration = parse_max_age(value, option=option)
    if duration.total_seconds() <= 0:
        raise click.BadParameter(f"{value!r}: give a duration longer than 0", param_hint=option)
    return duration


class ProgressLine:
    """One self-overwriting line on stderr: count, rate, ETA, failures."""

    def __init__(self):
        self.start = time.monotonic()
        self.first_done: int | None = None

    def __call__(self, event: dict) -> None:
        done, total = event["done"], event["total"]
        if self.first_done is None:
            self.first_done = done  # reused and resumed results are not part of the rate
        elapsed = time.monotonic() - self.start
        rate = (done - self.first_done) / elapsed if elapsed > 0 else 0.0
        eta = f"{(total - done) / rate:,.0f}s" if rate > 0 else "?"
        click.echo(f"\r[{done}/{total}] {rate:.1f} links/s  ETA {eta}  failures {event['failures']}   ",
                   err=True, nl=False)

    def close(self) -> None:
        click.echo("", err=True)


@click.command("watch")
@click.argument("list_file", metavar="LIST")
@click.option("--db", required=True, metavar="FILE", help="SQLite history database (created if missing).")
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Links checked at once; the per-archive rate limits still set the pace.")
@click.option("--max-age", default="20h", show_default=True, metavar="AGE",
              help="Reuse a result found ok within AGE instead of fetching again (20h, 90m, 2d; 0: never).")
@click.option("--fail-on", type=click.Choice(["new", "any"]), default="new", show_default=True,
              help="Exit 1 for newly broken/not archived links only, or for any broken one.")
@click.option("--suggestion-max-age", default="30d", show_default=True, metavar="AGE",
              help="Trust a broken link's remembered replacement (re-verified with one request) this long "
                   "before searching the archives' indexes again (0: search every night).")
@click.option("--full-every", default="7d", show_default=True, metavar="AGE",
              help="Re-check a capture fetched in full before by its first bytes (one ranged request), and "
                   "fetch and hash it in full again when anything differs or this long after its last full "
                   "fetch (0: always in full).")
@click.option("--window", default=None, metavar="AGE",
              help="Rolling schedule: stop starting links after this long (6h, 90m); links in flight finish. "
                   "With --every, each night checks failing, due and new links first, then an even share of the rest.")
@click.option("--every", default=None, metavar="AGE",
              help="Rolling schedule: check every link at least this often (7d; default 7d with --window); the "
                   "report says whether the pace covers the list in time and how many links are overdue.")
@click.option("--resume", is_flag=True, help="Continue the interrupted run without re-checking finished links.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the change report to FILE (same as --output).")
@report_options(WATCH_FORMATS)
@evidence_options
@click.pass_context
def command(ctx, list_file, db, concurrency, max_age, fail_on, suggestion_max_age, full_every, window, every, resume, report_file, fmt, output,
            at, prefer, timeout, no_progress, verbose, quiet, config_file, archive_remaps, evidence_dir, sign_key):
    """Nightly link-rot job: check LIST, keep every result in --db, report what changed.

    LIST is a text file (one URL a line, # comments) or a CSV with a 'url' column; other CSV
    columns are kept as labels. The report sorts links into newly broken, newly not archived,
    recovered, still broken and unverifiable (compared with each link's last decisive status, so a
    night of rate limits is neither a breakage nor a recovery).

    With --evidence DIR, a WACZ of a link's HTTP exchanges is kept only when its state changed
    (newly broken, newly not archived, recovered).

    A run counts once its report is delivered (stdout, or --output written whole); a run that
    could not deliver reports the same changes again next time.

    Exit status: 1 when something is newly broken or not archived (--fail-on any: anything broken),
    3 when more than half the links were unverifiable, else 0; 2 for usage errors, including a
    second run on a database that is in use or a database that cannot be used.
    """
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout, at=at)
    if report_file and output and report_file != output:
        raise InputError("give --report or --output, not both")
    destination = report_file or output
    if destination:
        check_report_file(destination, inputs=[list_file, db, f"{db}-wal", f"{db}.lock"])
    entries = read_watch_list(list_file)
    options = WatchOptions(concurrency=concurrency, max_age=parse_max_age(max_age), fail_on=fail_on, resume=resume,
                           suggestion_max_age=parse_max_age(suggestion_max_age, option="--suggestion-max-age"),
                           full_every=parse_max_age(full_every, option="--full-every"),
                           window=_positive(window, "--window"), every=_positive(every, "--every"),
                           evidence=evidence_from(evidence_dir, sign_key))
    progress = ProgressLine() if progress_enabled(no_progress, quiet) else None

    def deliver(report) -> None:
        if progress:
            progress.close()
        deliver_report(report, fmt, destination)

    report = run_watch(settings, entries, db=db, list_path=list_file, options=options, progress=progress,
                       deliver=deliver)
    if not quiet:
        s, ch = report.summary, report.summary["changes"]
        click.echo(
            f"archivecheck watch: run {report.run_id}: {s['total']} link{'s' if s['total'] != 1 else ''} in {s['elapsed_seconds']:.1f}s "
            f"({s['checked']} checked, {s['reused']} reused): {s['ok']} ok, {s['broken']} broken, "
            f"{s['not_archived']} not archived, {s['unverifiable']} unverifiable; "
            f"{ch['newly_broken'] + ch['newly_not_archived']} newly failing, {ch['recovered']} recovered",
            err=True)
        if s.get("coverage"):
            click.echo(f"archivecheck watch: {s['coverage']['sentence']}", err=True)
        if s.get("evidence") is not None:
            packs = s["evidence"]["packs"]
            click.echo(f"archivecheck watch: evidence: {len(packs)} pack{'s' if len(packs) != 1 else ''} kept for links"
                       f" whose state changed ({s['evidence']['bytes']:,} bytes) in {s['evidence']['directory']}",
                       err=True)
    return report.exit_code
