"""The rolling schedule over a million links (#21), simulated: does `--window 6h --every 7d` cover
every link within 7 days, with flat memory, a database that stays usable and `history` under a second?

    python bench/bench_watch_rolling.py [--links 1000000] [--nights 10] [--window-hours 6] [--every-days 7]
                                        [--pace 456] [--broken-share 0.01]

What is real: `run_watch` itself (the list read lazily and validated, the night planned in SQLite,
the history written one transaction per result, the change report computed in the database and
rendered to a file, link_state updated on delivery), each night in its own process (peak RSS by GNU
time), and `archivecheck history` as a user runs it. What is simulated: the archives. A scheduler
stands in for NightScheduler and answers each link at once (ok, or broken for a fixed share), and
the window's clock advances by 60/PACE seconds per link (456 a minute: archivecheck's replay limit
for the Internet Archive), so a 6-hour window holds what it would hold against the real archive.
The nights' dates come from the run's injectable clock (one a day).

Also not measured here: fsync. The history commits each result with synchronous=FULL (4.3 ms a
commit on this machine's disk, i.e. ~230 results a second, 30 x the archive's pace, so never the
bottleneck of a real night); simulating 1.6 million results at that cost would take hours, so the
simulated nights open the history with synchronous=OFF. Memory, sizes and the queries are the same.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


def write_list(path: Path, n: int) -> None:
    with open(path, "w") as f:
        for i in range(n):
            if i % 3:
                f.write(f"https://webarchive.nationalarchives.gov.uk/ukgwa/2020{1 + i % 12:02d}01120000/"
                        f"https://www.gov.uk/government/uploads/attachment_data/file/{i}/report-{i}.pdf\n")
            else:
                f.write(f"https://web.archive.org/web/2019{1 + i % 12:02d}01120000/https://ico.org.uk/media/{i}/doc-{i}.pdf\n")


def one_night(args) -> int:
    """Run in a child: one simulated night on the database; prints its summary as JSON."""
    from archivecheck import history as history_module
    from archivecheck.config import load_settings
    from archivecheck.deliver import deliver_report
    from archivecheck.models import Kind, Result, Status
    from archivecheck.schedule import NightCheck, NightScheduler
    from archivecheck.watch import WatchOptions, read_watch_list, run_watch

    opened = history_module.History.open.__func__

    def open_unsynced(cls, path, *, create=True):  # see the module docstring: fsync is not measured here
        h = opened(cls, path, create=create)
        h.conn.execute("PRAGMA synchronous=OFF")
        return h

    history_module.History.open = classmethod(open_unsynced)
    now = T0 + timedelta(days=args.night)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    clock = {"t": 0.0}
    step = 60.0 / args.pace
    broken_every = int(1 / args.broken_share) if args.broken_share > 0 else 0

    class SimulatedNight(NightScheduler):
        def run(self, jobs):
            for job in jobs:
                link = job[0]
                clock["t"] += step
                n = int(link.rsplit("-", 1)[1].split(".")[0])
                broken = broken_every and n % broken_every == 0
                status = Status.BROKEN if broken else Status.OK
                result = Result(input=link, url=link, repairs=(), kind=Kind.MEMENTO, original_url=link.split("/", 5)[-1],
                                archive="ukgwa", memento_url=None if broken else link,
                                memento_datetime="2020-01-01T12:00:00Z", status=status, http_status=200,
                                content_type="application/pdf", content_length=204_800, sha256="0" * 64,
                                title=None, suggestion=None, checked_at=stamp,
                                detail="simulated" if not broken else "simulated broken")
                yield link, NightCheck(result, verified_by=None if broken else "range",
                                       full_checked_at=stamp, head_sha256="1" * 64)

    settings = load_settings(environ={})
    options = WatchOptions(max_age=timedelta(0), clock=lambda: now, monotonic=lambda: clock["t"],
                           window=timedelta(hours=args.window_hours), every=timedelta(days=args.every_days))
    out = {}

    def deliver(report):
        deliver_report(report, "json", str(Path(args.db).with_suffix(".report.json")))
        out.update(report.summary)

    start = time.monotonic()
    run_watch(settings, read_watch_list(args.list), db=args.db, list_path=args.list, options=options,
              deliver=deliver, night_scheduler=SimulatedNight)
    out["run_seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(out))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=1_000_000)
    ap.add_argument("--nights", type=int, default=10)
    ap.add_argument("--window-hours", type=float, default=6.0)
    ap.add_argument("--every-days", type=float, default=7.0)
    ap.add_argument("--pace", type=float, default=456.0, help="links a minute the archive allows (replay limit)")
    ap.add_argument("--broken-share", type=float, default=0.01)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (list, database) afterwards")
    ap.add_argument("--night", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--db", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--list", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.night is not None:
        return one_night(args)

    from bench.bench_watch import run_measured

    root = Path(tempfile.mkdtemp(prefix="bench-rolling-"))
    try:
        return _nights(args, root, run_measured)
    finally:
        if not args.keep:  # a million links leave a 2.6 GB database after 9 nights
            shutil.rmtree(root, ignore_errors=True)


def _nights(args, root: Path, run_measured) -> int:
    listfile, db = root / "links.txt", root / "watch.db"
    write_list(listfile, args.links)
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; command: "
          f"python bench/bench_watch_rolling.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"{args.links:,} links ({listfile.stat().st_size / 1e6:.0f} MB list), --window {args.window_hours:g}h "
          f"--every {args.every_days:g}d, simulated archive at {args.pace:g} links a minute "
          f"(a window holds {args.window_hours * 60 * args.pace:,.0f}); {args.broken_share:.0%} broken")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    peak = 0.0
    for night in range(args.nights):
        code, out, err, wall, rss = run_measured(
            [sys.executable, __file__, "--night", str(night), "--db", str(db), "--list", str(listfile),
             "--window-hours", str(args.window_hours), "--every-days", str(args.every_days), "--pace", str(args.pace),
             "--broken-share", str(args.broken_share)], env=env)
        if code != 0:
            print(err.decode()[-3000:])
            return 1
        s = json.loads(out.decode().strip().splitlines()[-1])
        cov = s["coverage"]
        peak = max(peak, rss)
        print(f"  night {night + 1:2d} (day {night}): {cov['checked_tonight']:,} checked, {cov['overdue']:,} overdue, "
              f"{cov['left_needing_attention']:,} failing/due/new left; wall {wall:.0f}s; peak RSS {rss:.0f} MB; "
              f"database {_db_bytes(db) / 1e6:.0f} MB", flush=True)
        print(f"      {cov['sentence']}", flush=True)
    gaps = _coverage_gaps(db, args.links)
    print(f"longest time between two checks of one link: {gaps['max_gap_days']:g} days; links checked at least twice: "
          f"{gaps['twice']:,}; links never checked: {gaps['never']:,} of {args.links:,}")
    probe = "https://webarchive.nationalarchives.gov.uk/ukgwa/20200501120000/https://www.gov.uk/government/uploads/attachment_data/file/4/report-4.pdf"
    code, out, _, wall, rss = run_measured([sys.executable, "-m", "archivecheck", "history", probe, "--db", str(db)], env=env)
    start = time.monotonic()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM results WHERE link=?", (probe,)).fetchone()[0]
    query = time.monotonic() - start
    print(f"history of one link: exit {code}, {wall:.2f}s wall for the whole command (interpreter start included), "
          f"peak RSS {rss:.0f} MB; its lookup alone {1000 * query:.1f} ms for {rows} rows")
    print(f"peak RSS over all nights: {peak:.0f} MB (<= 150); database {_db_bytes(db) / 1e6:.0f} MB")
    return 0


def _coverage_gaps(db: Path, links: int) -> dict:
    """Across every run: the longest gap in days between consecutive checks of one link (dates from
    the runs' clocks), how many links were checked twice or more, and how many never."""
    with sqlite3.connect(db) as conn:
        max_gap = conn.execute(
            "SELECT MAX(julianday(checked_at) - julianday(prev)) FROM (SELECT checked_at, LAG(checked_at)"
            " OVER (PARTITION BY link ORDER BY run_id) AS prev FROM results) WHERE prev IS NOT NULL").fetchone()[0]
        twice = conn.execute("SELECT COUNT(*) FROM (SELECT link FROM results GROUP BY link HAVING COUNT(*) > 1)").fetchone()[0]
        checked = conn.execute("SELECT COUNT(*) FROM link_state").fetchone()[0]
    return {"max_gap_days": round(max_gap or 0, 3), "twice": twice, "never": links - checked}


def _db_bytes(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-*"))


if __name__ == "__main__":
    sys.exit(main())
