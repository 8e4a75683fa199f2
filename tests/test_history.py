"""The watch database (schema, migrations, refusal of foreign/newer files) and `archivecheck history`."""
from __future__ import annotations

import json
import sqlite3

import pytest

from archivecheck.errors import ConfigError
from archivecheck.history import SCHEMA_VERSION, History, WriterLock, DatabaseBusy
from tests.archive import capture, link
from tests.test_watch import FAST_POLICY, SOFT_404, run_cli

GOOD = link("link_ico_mps").input
B_CAP = capture("html_page_ukgwa")
B = B_CAP.public_url()


def test_new_database_is_at_the_current_schema_in_wal_mode(tmp_path):
    db = tmp_path / "h.db"
    with History.open(db) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2  # 2: link_state (#21)
        assert h.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in h.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"runs", "results", "link_state"} <= tables
    with History.open(db) as h:  # reopening migrates nothing and loses nothing
        assert h.runs() == []


def test_a_schema_1_database_gains_each_links_state_from_its_delivered_runs(tmp_path):
    """(#21) Migration 1 -> 2 fills link_state from the latest fetched result of finished runs only."""
    from archivecheck.history import MIGRATIONS
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        conn.execute("INSERT INTO runs (id, started_at, list_path, total, state) VALUES (1, 'a', 'l', 2, 'finished'),"
                     " (2, 'b', 'l', 2, 'abandoned')")
        rows = [(1, 0, GOOD, "ok", "2026-11-01T00:00:00Z"), (1, 1, B, "broken", "2026-11-01T00:00:00Z"),
                (2, 0, GOOD, "broken", "2026-11-02T00:00:00Z")]
        conn.executemany("INSERT INTO results (run_id, position, link, status, checked_at, record) VALUES (?, ?, ?, ?, ?, '{}')",
                         rows)
    with History.open(db) as h:
        state = {r[0]: tuple(r[1:]) for r in h.conn.execute("SELECT link, checked_at, status, attention FROM link_state")}
    assert state == {GOOD: ("2026-11-01T00:00:00Z", "ok", 0), B: ("2026-11-01T00:00:00Z", "broken", 1)}


def test_newer_or_foreign_files_are_refused(tmp_path):
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(ConfigError, match="newer archivecheck"):
        History.open(newer)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="not a usable watch database"):
        History.open(junk)
    code, out, err = run_cli(["history", GOOD, "--db", str(newer)])
    assert code == 2 and out == "" and err.count("\n") == 1 and "newer archivecheck" in err
    code, _, err = run_cli(["history", GOOD, "--db", str(tmp_path / "none.db")])
    assert code == 2 and "no such database" in err


def test_writer_lock_is_exclusive_and_released(tmp_path):
    db = tmp_path / "h.db"
    with WriterLock(db):
        with pytest.raises(DatabaseBusy):
            WriterLock(db).acquire()
    WriterLock(db).acquire().release()


def test_history_tells_a_links_story(local_archive, tmp_path):
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_POLICY)
    listfile = tmp_path / "links.csv"
    listfile.write_text(f"url,case\n{GOOD},FOI-1\n{B},FOI-2\n{B},FOI-3\n")
    db = tmp_path / "h.db"
    base = ["--config", str(cfg), *local_archive.cli_args(), "watch", str(listfile), "--db", str(db), "--no-progress"]
    assert run_cli(base)[0] == 0
    local_archive.front.inject(B_CAP.url, "status", times=None, **SOFT_404)
    assert run_cli(base + ["--max-age", "0"])[0] == 1
    local_archive.front.clear_faults()
    assert run_cli(base)[0] == 0  # B is re-checked (it was not ok), A is reused

    code, out, _ = run_cli(["history", B, "--db", str(db), "--format", "json"])
    assert code == 0
    doc = json.loads(out)
    # The contract's json shape (#8): the runs are the results, the link is in the summary.
    assert doc["summary"]["link"] == B
    assert [(h["run"], h["status"], h["reused"]) for h in doc["results"]] == [
        (1, "ok", False), (2, "broken", False), (3, "ok", False)]
    assert doc["results"][0]["memento_datetime"] == B_CAP.iso and doc["results"][0]["labels"] == {"case": "FOI-2"}
    assert "Page not found" in doc["results"][1]["detail"]

    code, out, _ = run_cli(["history", GOOD, "--db", str(db)])
    lines = out.splitlines()
    assert code == 0 and lines[0] == GOOD
    assert lines[1].startswith("  run 1 ") and " ok " in lines[1] and capture("ico_mps_ukgwa").iso in lines[1]
    assert lines[5].startswith("  run 3 ") and lines[5].endswith("(reused)")

    code, out, _ = run_cli(["history", "https://example.org/never-watched", "--db", str(db)])
    assert code == 0 and "no results in this database" in out
