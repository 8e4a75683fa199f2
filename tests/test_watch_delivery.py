"""(#11) watch delivers before it commits, validates --output first, and treats its database with
care: every filesystem failure is one line and exit 2, and another application's SQLite file is
refused without a byte of it changed."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archivecheck.config import load_settings
from archivecheck.watch import WatchOptions, read_watch_list, run_watch
from tests.test_watch import FAST_POLICY, GOOD, MIXED_2023, REPO, by_input, run_cli, watch


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "fast.toml"
    path.write_text(FAST_POLICY, encoding="utf-8")
    return path


@pytest.fixture
def listfile(tmp_path) -> Path:
    path = tmp_path / "links.txt"
    path.write_text(f"{GOOD}\n{MIXED_2023}\n")
    return path


def _settings(archive, config):
    return load_settings(str(config), tuple(a for a in archive.cli_args() if a != "--archive"))


def test_a_run_that_did_not_deliver_raises_its_alerts_again(local_archive, config, listfile, tmp_path):
    db = tmp_path / "watch.db"
    settings = _settings(local_archive, config)
    entries = read_watch_list(str(listfile))
    options = WatchOptions(max_age=__import__("datetime").timedelta(0))

    def lost(report):  # the report never reaches anyone (a full disk, a dead pipe, kill -9)
        assert by_input_results(report)[MIXED_2023] == "newly_broken"
        raise OSError("the report could not be written")

    with pytest.raises(OSError):
        run_watch(settings, entries, db=str(db), list_path=str(listfile), options=options, deliver=lost)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT state FROM runs WHERE id=1").fetchone()[0] == "undelivered"

    # Next night: the alert is still owed, so it is still "newly broken" and the run fails.
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    assert code == 1 and by_input(doc)[MIXED_2023]["change"] == "newly_broken"
    assert by_input(doc)[MIXED_2023]["previous_status"] is None
    # Once delivered, the night after says "still broken".
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    assert code == 0 and by_input(doc)[MIXED_2023]["change"] == "still_broken"


def by_input_results(report) -> dict[str, str]:
    return {r.result.input: r.change for r in report.results()}


def test_resume_delivers_an_undelivered_run_without_fetching_again(local_archive, config, listfile, tmp_path):
    db = tmp_path / "watch.db"
    settings = _settings(local_archive, config)

    def lost(report):
        raise OSError("disk full")

    with pytest.raises(OSError):
        run_watch(settings, read_watch_list(str(listfile)), db=str(db), list_path=str(listfile), deliver=lost)
    local_archive.front.reset_log()
    code, doc, _ = watch(local_archive, config, listfile, db, "--resume")
    assert code == 1 and doc["summary"]["run"] == 1
    assert by_input(doc)[MIXED_2023]["change"] == "newly_broken"
    assert local_archive.front.requests == []


def test_output_is_validated_before_any_work(local_archive, config, listfile, tmp_path):
    db = tmp_path / "watch.db"
    for output, words in ((tmp_path / "missing" / "report.json", "no such directory"),
                          (tmp_path, "directory"),
                          (listfile, "name another file"),
                          (db, "name another file")):
        code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                                  "--db", str(db), "--no-progress", "--output", str(output)])
        assert (code, out) == (2, ""), err
        assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert local_archive.front.requests == [] and not db.exists()
    assert listfile.read_text() == f"{GOOD}\n{MIXED_2023}\n"


def test_output_is_written_whole_and_replaces_the_old_report(local_archive, config, listfile, tmp_path):
    db, report = tmp_path / "watch.db", tmp_path / "report.json"
    report.write_text("yesterday's report\n")
    code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                              "--db", str(db), "--no-progress", "--format", "json", "--output", str(report)])
    assert code == 1 and out == ""
    assert json.loads(report.read_text())["summary"]["changes"]["newly_broken"] == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []  # no temp left


def _foreign_db(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('a caseworker''s notes')")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_another_applications_database_is_refused_untouched(local_archive, config, listfile, tmp_path):
    db = tmp_path / "notes.db"
    before = _foreign_db(db)
    code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                              "--db", str(db), "--no-progress"])
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "not watch's" in err and "notes" in err and "untouched" in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["notes"]
    assert local_archive.front.requests == []
    code, out, err = run_cli(["history", GOOD, "--db", str(db)])
    assert (code, out) == (2, "") and "not watch's" in err and err.count("\n") == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def _without_override(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI so that file modes bind it: root ignores them (CAP_DAC_OVERRIDE), so as root the
    command runs with that capability dropped, as an ordinary user would."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    prefix = []
    if os.getuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: file modes cannot bind the command")
        caps = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "archivecheck", *argv], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=120)


def test_read_only_database_and_directory_are_one_line(local_archive, tmp_path):
    shared_dir = tmp_path
    cfg = shared_dir / "fast.toml"
    cfg.write_text(FAST_POLICY)
    links = shared_dir / "links.txt"
    links.write_text(GOOD + "\n")
    base = ["--config", str(cfg), *local_archive.cli_args(), "watch", str(links), "--no-progress"]
    # A database from an earlier night, now read-only (its directory too, so no -wal can be made).
    data = shared_dir / "data"
    data.mkdir()
    assert run_cli(base + ["--db", str(data / "watch.db")])[0] == 0
    for f in data.iterdir():
        f.chmod(0o444)
    data.chmod(0o555)
    local_archive.front.reset_log()
    done = _without_override(base + ["--db", str(data / "watch.db")], shared_dir)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and "watch.db" in done.stderr
    # A new database in a directory we may not write.
    done = _without_override(base + ["--db", str(data / "new.db")], shared_dir)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "new.db" in done.stderr, done.stderr
    assert not (data / "new.db").exists()
    assert local_archive.front.requests == []
    data.chmod(0o755)


def test_missing_directory_and_directory_as_database_are_one_line(local_archive, config, listfile, tmp_path):
    for db, words in ((tmp_path / "nowhere" / "watch.db", "no such directory"), (tmp_path, "is a directory")):
        code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                                  "--db", str(db), "--no-progress"])
        assert (code, out) == (2, "") and err.count("\n") == 1 and words in err, err
    assert local_archive.front.requests == []


def test_database_locked_by_another_program_is_one_line(local_archive, config, listfile, tmp_path):
    db = tmp_path / "watch.db"
    assert watch(local_archive, config, listfile, db)[0] == 1
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. someone's sqlite3 shell in the middle of an edit
    try:
        code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                                  "--db", str(db), "--no-progress"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "locked by another program" in err and "Traceback" not in err
    assert watch(local_archive, config, listfile, db)[0] in (0, 1)
