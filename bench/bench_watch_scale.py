"""`watch` at 100,000 links with the rate limits lifted: memory, database size, time per link, and
how fast `history` answers (#12). Run through `python bench/bench_watch.py --scale 100000`.

The same generated corpus as bench_watch.py (85 % healthy PDFs, 15 % broken), served by the local
pywb archive behind the front with no latency and no limits; archivecheck's own limits are lifted
by a config file. Night 1 on a fresh database, night 2 on the same database with `--max-age 0`;
the report goes to a file (`--output`), so stdout does not pass through this process. A run at a
tenth of the size comes first, so peak RSS can be compared: memory that does not grow with the
list is the same at both sizes.
"""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_watch import REPO, build_archive, make_cases, run_measured, start_archive

LIFTED = 100_000_000  # requests a minute: no limit that a local archive can reach


def run_scale(n: int, concurrency: int, *, with_tenth: bool = True) -> int:
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
          f"command: python bench/bench_watch.py --scale {n}")
    for size in ((n // 10, n) if with_tenth else (n,)):
        _one_size(size, concurrency)
    return 0


def _one_size(n: int, concurrency: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    captures, links = make_cases(n)
    t = time.monotonic()
    build_archive(root, captures, 0)
    print(f"\n{n:,} links ({len(captures):,} captures built in {time.monotonic() - t:.0f}s)", flush=True)
    archive = start_archive(root)
    try:
        archive.front.configure(latency=0.0)
        cfg = root / "lifted.toml"
        cfg.write_text(f"[network]\nindex_per_minute = {LIFTED}\nreplay_per_minute = {LIFTED}\n")
        listfile = root / "links.txt"
        listfile.write_text("".join(public + "\n" for public, _, _, _ in links))
        db = root / "watch.db"
        env = dict(os.environ, PYTHONPATH=str(REPO))
        base = [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "watch",
                str(listfile), "--db", str(db), "--no-progress", "--format", "json", "--output",
                str(root / "report.json"), "--concurrency", str(concurrency)]
        sizes = [0]
        for night, extra in ((1, []), (2, ["--max-age", "0"])):
            archive.front.reset_log()
            code, _, err, wall, rss = run_measured(base + extra, env=env)
            size = _db_bytes(db)
            print(f"  night {night}: exit {code}, wall {wall:.0f}s = {1000 * wall / n:.2f} ms/link, peak RSS "
                  f"{rss:.0f} MB, {len(archive.front.requests):,} requests; database {size / 1e6:.1f} MB "
                  f"(+{(size - sizes[-1]) / n:.0f} bytes/link this night); report "
                  f"{(root / 'report.json').stat().st_size / 1e6:.1f} MB", flush=True)
            print("    " + err.decode().strip().splitlines()[-1], flush=True)
            sizes.append(size)
        probe = links[n // 2][0]
        code, out, _, wall, rss = run_measured([sys.executable, "-m", "archivecheck", "history", probe, "--db", str(db)],
                                               env=env)
        start = time.monotonic()
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM results WHERE link=?", (probe,)).fetchone()[0]
        query = time.monotonic() - start
        print(f"  history of one link: exit {code}, {wall:.2f}s wall for the whole command (interpreter start "
              f"included), peak RSS {rss:.0f} MB; its index lookup alone {1000 * query:.1f} ms for {rows} rows")
    finally:
        archive.stop()


def _db_bytes(db: Path) -> int:
    """The database's size once its WAL is folded in (what it occupies at rest)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-*"))
