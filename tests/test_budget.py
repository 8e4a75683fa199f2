"""(#21) One request budget per machine: archivecheck processes share each archive's limits through
a small SQLite file, and interactive work goes ahead of the nightly job. Real processes against the
local archive's front, which answers 429 beyond its limit."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from archivecheck.budget import BACKGROUND, INTERACTIVE, BudgetStore, SharedLimiter, budget_path
from tests.archive import capture

REPO = Path(__file__).resolve().parents[1]
PAGE = capture("html_page_ukgwa")
# 14 distinct links (as a list writes them) to one good capture: one replay request each
LINKS = [PAGE.public_url(mod).replace(PAGE.timestamp, PAGE.timestamp[:n]) for mod in ("", "id_") for n in (8, 9, 10, 11, 12, 13, 14)]
CHECKED = [capture(c).public_url() for c in ("ico_mps_ukgwa", "e_mail_policy", "cooperation_hyphenated")]


def _config(tmp_path: Path, replay_per_minute: float) -> Path:
    cfg = tmp_path / "paced.toml"
    cfg.write_text(f"[network]\nreplay_per_minute = {replay_per_minute}\nindex_per_minute = 6000\nretries = 1\n"
                   "backoff = 0.1\nretry_after_default = 1\nmax_retry_after = 5\n", encoding="utf-8")
    return cfg


def _start(local_archive, cfg: Path, argv: list[str], budget: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), ARCHIVECHECK_BUDGET=budget)
    return subprocess.Popen([sys.executable, "-m", "archivecheck", "--config", str(cfg), *local_archive.cli_args(),
                             *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(REPO))


def _two_watches(local_archive, tmp_path: Path, budget: str, name: str) -> list[int]:
    cfg = _config(tmp_path, 150)  # 2.5 a second each: under the front's 4 a second alone, over it together
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(u + "\n" for u in LINKS))
    procs = [_start(local_archive, cfg, ["watch", str(listfile), "--db", str(tmp_path / f"{name}{i}.db"),
                                         "--no-progress", "--format", "json"], budget) for i in (1, 2)]
    codes = []
    for p in procs:
        p.communicate(timeout=120)
        codes.append(p.returncode)
    return codes


def test_two_watch_jobs_on_one_machine_stay_under_the_archives_limit_together(local_archive, tmp_path):
    front = local_archive.front
    front.configure(replay_rpm=8, window=2.0)  # the archive: 8 replays in any 2 seconds
    # Control: each process pacing alone goes over the limit together (so this test can fail).
    _two_watches(local_archive, tmp_path, "off", "alone")
    alone_429 = sum(1 for r in front.requests if r.status == 429)
    assert alone_429 > 0
    time.sleep(2.1)  # let the front's window empty
    front.reset_log()
    codes = _two_watches(local_archive, tmp_path, str(tmp_path / "budget.sqlite"), "shared")
    log = front.requests
    assert codes == [0, 0]
    assert sum(1 for r in log if r.status == 429) == 0
    assert sum(1 for r in log if r.endpoint == "replay") == 2 * len(LINKS)


def test_interactive_work_goes_ahead_of_the_nightly_job(local_archive, tmp_path):
    """A watch job (background) holds the archive at 2 requests a second; a `check` (interactive)
    started meanwhile is not queued behind it: the watch job makes at most one request while the
    check's three are sent."""
    cfg = _config(tmp_path, 120)
    budget = str(tmp_path / "budget.sqlite")
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(u + "\n" for u in LINKS))
    front = local_archive.front
    watch = _start(local_archive, cfg, ["watch", str(listfile), "--db", str(tmp_path / "w.db"), "--no-progress",
                                        "--concurrency", "4"], budget)
    deadline = time.monotonic() + 30
    while sum(1 for r in front.requests if r.endpoint == "replay") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    check = _start(local_archive, cfg, ["check", *CHECKED, "--no-progress"], budget)
    check.communicate(timeout=60)
    watch.communicate(timeout=60)
    assert check.returncode == 0 and watch.returncode == 0
    log = front.requests
    checked_paths = {capture(c).replay_path("") for c in ("ico_mps_ukgwa", "e_mail_policy", "cooperation_hyphenated")}
    is_check = [any(r.path.split("?")[0].replace("id_/", "/") == p for p in checked_paths) for r in log]
    first, last = is_check.index(True), len(is_check) - 1 - is_check[::-1].index(True)
    watch_between = sum(1 for i in range(first, last + 1) if not is_check[i])
    assert sum(is_check) >= 3 and watch_between <= 1, [(r.path[-40:], c) for r, c in zip(log, is_check)]


def test_the_shared_limiter_spaces_requests_across_limiters_and_shares_a_pause(tmp_path):
    store = BudgetStore(tmp_path / "b.sqlite")
    a = SharedLimiter(store, "host replay", 600, burst=1)  # one every 0.1 s
    b = SharedLimiter(BudgetStore(tmp_path / "b.sqlite"), "host replay", 600, burst=1, priority=BACKGROUND)
    start = time.monotonic()
    for limiter in (a, b, a, b, a):
        limiter.acquire()
    assert time.monotonic() - start >= 0.35  # five slots, 0.1 s apart, whichever limiter asks
    b.pause(0.3)
    assert 0.2 < a.paused_for() <= 0.3
    start = time.monotonic()
    a.acquire()
    assert time.monotonic() - start >= 0.25
    assert a.priority == INTERACTIVE


def test_where_the_budget_lives(monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHIVECHECK_BUDGET", "off")
    assert budget_path("") is None
    monkeypatch.setenv("ARCHIVECHECK_BUDGET", str(tmp_path / "x.sqlite"))
    assert budget_path("/elsewhere.sqlite") == tmp_path / "x.sqlite"
    monkeypatch.delenv("ARCHIVECHECK_BUDGET")
    assert budget_path("/elsewhere.sqlite") == Path("/elsewhere.sqlite")
    assert budget_path("").name == "budget.sqlite" and "archivecheck" in str(budget_path(""))


def test_a_budget_file_that_fails_mid_run_leaves_the_process_pacing_alone(tmp_path):
    """The file's connection gone (as when the disk fills or the file is locked past the timeout):
    the limiter carries on with the process's own limiter instead of failing a check."""
    from archivecheck.http import RateLimiter

    store = BudgetStore(tmp_path / "b.sqlite")
    alone = RateLimiter(600, burst=1)
    limiter = SharedLimiter(store, "host replay", 600, burst=1, fallback=alone)
    limiter.acquire()
    store.conn.close()
    limiter.pause(0.2)  # goes to the fallback now
    assert limiter.failed and 0.1 < alone.paused_for() <= 0.2 and 0.1 < limiter.paused_for() <= 0.2
    start = time.monotonic()
    limiter.acquire()
    assert time.monotonic() - start >= 0.15
