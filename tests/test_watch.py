"""`archivecheck watch` against the real local archive: change report across runs, reuse, durability
(kill -9 then --resume), one writer per database, politeness under concurrency."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.cli import main
from archivecheck.history import WriterLock
from archivecheck.report import CONTRACT_FIELDS
from tests.archive import capture, link

REPO = Path(__file__).resolve().parents[1]

# Limits well above what the tests need, so they run fast; politeness tests set their own.
FAST_POLICY = """\
[network]
index_per_minute = 6000
replay_per_minute = 6000
retries = 1
backoff = 0.1
retry_after_default = 1
# These tests put a captcha on one link's path of a host every archive shares here: without this the
# whole host would be left alone for the cool-down (tests/test_challenge.py tests that).
challenge_cooldown = 0
"""

GOOD = link("link_ico_mps").input  # A
MIXED_2023 = link("link_mixed_2023").input  # a soft-404 capture: broken
NOT_ARCHIVED = link("link_captured_404_original").input  # an original whose only captures are 404s
B_CAP, C_CAP = capture("html_page_ukgwa"), capture("e_mail_policy")
B, C = B_CAP.public_url(), C_CAP.public_url()

SOFT_404 = dict(status=200, content_type="text/html; charset=utf-8",
                headers={"Memento-Datetime": "Wed, 01 Sep 2021 12:00:00 GMT"},
                body="<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>")


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "fast.toml"
    path.write_text(FAST_POLICY, encoding="utf-8")
    return path


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Run the real entry point (its error handling included) in-process."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue().decode(), err.getvalue().decode()


def watch(archive, config, listfile, db, *extra) -> tuple[int, dict, str]:
    code, out, err = run_cli(["--config", str(config), *archive.cli_args(), "watch", str(listfile), "--db", str(db),
                              "--no-progress", "--format", "json", *extra])
    assert code in (0, 1, 3), err
    return code, json.loads(out), err


def by_input(doc) -> dict[str, dict]:
    return {r["input"]: r for r in doc["results"]}


def test_change_report_across_runs_keeps_unverifiable_apart(local_archive, config, tmp_path):
    front = local_archive.front
    listfile = tmp_path / "links.csv"
    listfile.write_text("url,case\n" + "\n".join(f"{u},FOI-{i}" for i, u in
                                                 enumerate([GOOD, B, C, MIXED_2023, NOT_ARCHIVED])) + "\n")
    db = tmp_path / "watch.db"

    # Night 1: everything new; the broken and the unarchived are newly failing.
    code, doc, err = watch(local_archive, config, listfile, db, "--max-age", "0")
    r = by_input(doc)
    assert code == 1
    assert [r[u]["status"] for u in (GOOD, B, C, MIXED_2023, NOT_ARCHIVED)] == \
        ["ok", "ok", "ok", "broken", "not_archived"]
    assert r[MIXED_2023]["change"] == "newly_broken" and r[NOT_ARCHIVED]["change"] == "newly_not_archived"
    assert r[GOOD]["labels"] == {"case": "FOI-0"}
    for rec in doc["results"]:
        assert list(rec)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    assert "run 1: 5 links" in err

    # Night 2: B's capture now replays as a soft 404; C and the broken link are rate limited.
    front.inject(B_CAP.url, "status", times=None, **SOFT_404)
    front.inject(C_CAP.url, "429", times=None, retry_after=0)
    front.inject("777777/statistics-bulletin.pdf", "429", times=None, retry_after=0)
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    r = by_input(doc)
    assert code == 1
    assert {u: (r[u]["status"], r[u]["change"]) for u in (GOOD, B, C, MIXED_2023, NOT_ARCHIVED)} == {
        GOOD: ("ok", "ok"),
        B: ("broken", "newly_broken"),
        C: ("unverifiable", "unverifiable"),
        MIXED_2023: ("unverifiable", "unverifiable"),
        NOT_ARCHIVED: ("not_archived", "still_not_archived"),
    }
    assert r[C]["previous_status"] == "ok"
    assert doc["summary"]["changes"]["newly_broken"] == 1

    # Night 3: B is back, C answers again (ok, but it never broke: not a recovery), the broken
    # link is decided again (compared with night 1, not with night 2's unverifiable), and A is
    # behind a captcha.
    front.clear_faults()
    front.inject("metropolitan-police-service-executive-summary-v1_0.pdf", "captcha", times=None)
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    r = by_input(doc)
    assert code == 0
    assert {u: (r[u]["status"], r[u]["change"]) for u in (GOOD, B, C, MIXED_2023, NOT_ARCHIVED)} == {
        GOOD: ("unverifiable", "unverifiable"),
        B: ("ok", "recovered"),
        C: ("ok", "ok"),
        MIXED_2023: ("broken", "still_broken"),
        NOT_ARCHIVED: ("not_archived", "still_not_archived"),
    }
    assert doc["summary"]["changes"] == {"newly_broken": 0, "newly_not_archived": 0, "recovered": 1,
                                         "still_broken": 1, "still_not_archived": 1, "unverifiable": 1, "ok": 1}

    # Night 4: the archive rate-limits everything: mostly unverifiable is exit 3, not a breakage.
    front.clear_faults()
    front.inject("/", "429", times=None, retry_after=0)
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    assert code == 3
    assert doc["summary"]["unverifiable"] == 5 and doc["summary"]["changes"]["unverifiable"] == 5
    front.clear_faults()

    # --fail-on any: the still-broken links fail the run too.
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0", "--fail-on", "any")
    assert code == 1 and doc["summary"]["changes"]["newly_broken"] == 0

    # Text and markdown reports name the sections.
    code, out, _ = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                            "--db", str(db), "--no-progress", "--format", "markdown"])
    assert "## Still broken (1)" in out and "| FOI-3" not in out and "case: FOI-3" in out


def test_recent_ok_is_reused_and_duplicates_share_one_check(local_archive, config, tmp_path):
    front = local_archive.front
    listfile = tmp_path / "links.txt"
    listfile.write_text(f"# nightly list\n{GOOD}\n\n{GOOD}\n{B}\n")
    db = tmp_path / "watch.db"
    code, doc, _ = watch(local_archive, config, listfile, db)
    assert code == 0 and doc["summary"]["total"] == 3
    assert doc["summary"]["shared_duplicates"] == 1
    assert front.counts == {"index": 0, "replay": 2}  # one replay per distinct healthy link

    front.reset_log()
    code, doc, _ = watch(local_archive, config, listfile, db)
    assert front.counts == {"index": 0, "replay": 0}
    assert all(rec["reused"] and rec["reused_from_run"] == 1 for rec in doc["results"])
    assert doc["summary"]["reused"] == 3

    # A reused result stays the evidence it was: its checked_at is the original check's.
    first_checked = doc["results"][0]["checked_at"]
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    assert front.counts["replay"] == 2 and not doc["results"][0]["reused"]
    assert doc["results"][0]["checked_at"] >= first_checked


def test_links_unverifiable_last_run_are_checked_first(local_archive, config, tmp_path):
    # (#4) A persistent fault costs its link the whole retry chain; started last, the run waits
    # for it. So links unverifiable last run go first; the report keeps list order.
    from urllib.parse import unquote

    front = local_archive.front
    listfile = tmp_path / "links.txt"
    listfile.write_text(f"{GOOD}\n{B}\n{C}\n")
    db = tmp_path / "watch.db"
    front.inject(C_CAP.url, "503", times=None)
    code, doc, _ = watch(local_archive, config, listfile, db, "--concurrency", "1")
    assert by_input(doc)[C]["status"] == "unverifiable"
    assert C_CAP.url not in unquote(front.requests[0].path)  # night 1: list order

    front.clear_faults()
    front.reset_log()
    code, doc, _ = watch(local_archive, config, listfile, db, "--concurrency", "1", "--max-age", "0")
    assert C_CAP.url in unquote(front.requests[0].path)
    assert [r["input"] for r in doc["results"]] == [GOOD, B, C]
    assert [r["status"] for r in doc["results"]] == ["ok", "ok", "ok"]


def test_list_formats_and_bad_lists(local_archive, config, tmp_path):
    db = tmp_path / "w.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("link,case\nhttps://example.org/,1\n")
    code, out, err = run_cli(["watch", str(bad), "--db", str(db), "--no-progress"])
    assert (code, out) == (2, "") and err == f"archivecheck: error: {bad}: a CSV list needs a 'url' column\n"
    notes = tmp_path / "notes.txt"
    notes.write_text("# comment\nnot a url at all\n")
    code, _, err = run_cli(["watch", str(notes), "--db", str(db), "--no-progress"])
    assert code == 2 and "entry 1 is not a URL" in err and err.count("\n") == 1
    code, _, err = run_cli(["watch", str(tmp_path / "missing.txt"), "--db", str(db)])
    assert code == 2 and "no such file" in err
    code, _, err = run_cli(["watch", str(notes), "--db", str(db), "--max-age", "soon"])
    assert code == 2


def test_second_run_on_the_same_database_is_refused(local_archive, config, tmp_path):
    listfile = tmp_path / "links.txt"
    listfile.write_text(GOOD + "\n")
    db = tmp_path / "watch.db"
    with WriterLock(db):
        code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                                  "--db", str(db), "--no-progress"])
    assert code == 2 and out == ""
    assert err.startswith("archivecheck: error: watch.db is in use by another watch run (pid ")
    assert err.count("\n") == 1
    # Once released, the database works and nothing was written by the refused run.
    code, doc, _ = watch(local_archive, config, listfile, db)
    assert doc["summary"]["run"] == 1


def _subprocess_watch(archive, config, listfile, db, *extra, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "archivecheck", "--config", str(config), *archive.cli_args(), "watch", str(listfile),
         "--db", str(db), "--no-progress", "--format", "json", *extra],
        cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


GOOD_CAPTURES = ["ico_mps_ukgwa", "ico_mps_web", "web_only_pdf", "mixed_2019", "mixed_2021", "mixed_web_2019",
                 "html_page_ukgwa", "html_page_web", "cooperation_hyphenated", "email_policy", "e_mail_policy",
                 "reuse_psi"]


def test_kill_9_mid_run_then_resume_loses_nothing_and_repeats_nothing(local_archive, config, tmp_path):
    front = local_archive.front
    caps = [capture(c) for c in GOOD_CAPTURES]
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(c.public_url("id_") + "\n" for c in caps))
    db = tmp_path / "watch.db"
    front.configure(latency=0.4)

    proc = _subprocess_watch(local_archive, config, listfile, db, "--concurrency", "2")
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and done < 4:
        time.sleep(0.1)
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    done = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    assert done >= 4, proc.stderr.read().decode() if proc.poll() is not None else "no progress"

    # While it runs, a second run on the same database is refused (exit 2, one line).
    second = _subprocess_watch(local_archive, config, listfile, db)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 2 and out == b""
    assert b"is in use by another watch run" in err and err.count(b"\n") == 1

    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()
    time.sleep(1.0)  # requests the killed process had in flight finish at the front (0.4 s latency)
    with sqlite3.connect(db) as conn:
        before = {row[0]: row[1] for row in conn.execute("SELECT position, checked_at FROM results WHERE run_id=1")}
        assert conn.execute("SELECT state FROM runs WHERE id=1").fetchone()[0] == "running"
    assert 4 <= len(before) < len(caps)
    requested_before = [r.path for r in front.requests]

    front.reset_log()
    front.configure(latency=0.0)
    code, doc, err = watch(local_archive, config, listfile, db, "--resume")
    assert code == 0, err
    assert doc["summary"]["run"] == 1 and doc["summary"]["resumed"] is True
    assert [r["status"] for r in doc["results"]] == ["ok"] * len(caps)
    requested_after = [r.path for r in front.requests]
    for i, cap in enumerate(caps):
        path = cap.replay_path("id_")
        if i in before:
            # finished before the kill: kept as stored, not fetched again
            assert path not in requested_after
            assert doc["results"][i]["checked_at"] == before[i]
        else:
            assert requested_after.count(path) == 1
        # at most one link was in flight per worker when killed; nothing else was fetched twice
        assert requested_before.count(path) + requested_after.count(path) <= 2
    repeated = [c for c in caps if c.replay_path("id_") in requested_before and c.replay_path("id_") in requested_after]
    assert len(repeated) <= 2  # the in-flight links of the 2 workers
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT position, COUNT(*) FROM results WHERE run_id=1 GROUP BY position").fetchall()
        assert sorted(rows) == [(i, 1) for i in range(len(caps))]
        assert conn.execute("SELECT state FROM runs WHERE id=1").fetchone()[0] == "finished"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # Nothing left to resume.
    code, _, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                            "--db", str(db), "--no-progress", "--resume"])
    assert code == 2 and "nothing to resume" in err


POLITE_POLICY = """\
[network]
index_per_minute = 45
replay_per_minute = 90
"""


def test_concurrency_stays_within_the_archive_limits(local_archive, tmp_path):
    """8 workers, limits set under the front's (as the defaults are under the archives'): the
    session's shared limiter sets the pace and no 429 is provoked."""
    front = local_archive.front
    cfg = tmp_path / "polite.toml"
    cfg.write_text(POLITE_POLICY)
    caps = [capture(c) for c in GOOD_CAPTURES]
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(c.public_url("id_") + "\n" for c in caps))
    front.configure(latency=0.05, replay_rpm=6, index_rpm=3, window=2.5)  # 144/min replay, 72/min index
    started = time.monotonic()
    code, doc, err = watch(local_archive, cfg, listfile, tmp_path / "w.db", "--concurrency", "8")
    elapsed = time.monotonic() - started
    assert code == 0, err
    statuses = [r.status for r in front.requests]
    assert 429 not in statuses, "\n".join(str(x) for x in [(round(r.at - front.requests[0].at, 3), r.status, r.path[-30:]) for r in front.requests])
    assert len(statuses) == len(caps)
    # 12 replays at 1.5/s, the first two at once: at least 6.6 s even with 8 workers.
    assert elapsed >= 6.5


def test_captcha_seen_by_one_worker_pauses_all(local_archive):
    """The session's limiter is shared by threads: a captcha (like a 429) holds every worker back,
    including one that had already taken its slot."""
    import threading

    from archivecheck.config import NetworkPolicy
    from archivecheck.errors import Blocked
    from archivecheck.http import REPLAY, ArchiveSession

    # No cool-down (#20): the limiter's pause, not the refusal that would follow, is tested here.
    session = ArchiveSession(NetworkPolicy(replay_per_minute=6000, backoff=1.5, retries=0, challenge_cooldown=0))
    front = local_archive.front
    front.inject("captcha.pdf", "captcha", times=1)
    cap = capture("ico_mps_ukgwa")
    times: list[float] = []

    def fetch_good():
        resp = session.get(local_archive.url(cap.replay_path("id_")), endpoint=REPLAY)
        resp.close()
        times.append(time.monotonic())

    start = time.monotonic()
    with pytest.raises(Blocked):
        session.get(local_archive.url(capture("fault_captcha_ukgwa").replay_path("id_")), endpoint=REPLAY)
    workers = [threading.Thread(target=fetch_good) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(10)
    assert len(times) == 3 and min(times) - start >= 1.4
    assert session.stats["captcha"] == 1
