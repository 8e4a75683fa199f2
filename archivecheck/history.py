"""SQLite store for `watch` runs: every run, every result, so a link's story can be read back.

Schema (version in `PRAGMA user_version`; `MIGRATIONS[i]` takes a database from version i to i+1,
so an old database is upgraded in place when opened, and a newer one is refused):

    runs     one row per `watch` run: when it started/finished, the list, its state, options and
             the final summary (JSON). States: `running` while links are checked; `undelivered`
             once every result is in but before the change report has been written; `finished`
             once it has (the report was delivered); `abandoned` when a later run replaced an
             interrupted one. A `running` or `undelivered` row whose process is gone can be
             continued with `--resume`.
    results  one row per list entry per run: the list position, the link as given, its labels,
             the status and the whole contract record (JSON); `reused_from` names the result a
             recent ok was copied from instead of fetching again

Durability: WAL journal, `synchronous=FULL`, one transaction per finished result, so killing the
process loses nothing already reported. One writer at a time: `WriterLock` holds an exclusive
`flock` on `FILE.lock` for the whole run (the OS drops it when the process dies, even by kill -9,
so there is no stale lock to clean up).

Delivery (#11): a run is compared only with runs that DELIVERED their report (state `finished`).
A run killed after its checks, or whose report could not be written, never told anyone what it
found, so the next run reports the same changes again: an alert is raised until it is delivered.

Not ours, not touched (#11): before anything is written (no table, no WAL switch), `open` checks
that the file is empty or a watch database; another application's SQLite file is refused as it is.
Every SQLite or filesystem failure becomes one `HistoryError` line naming the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import ConfigError
from .models import DOUBT_MARK
from .historyfile import DatabaseBusy, HistoryError, WriterLock, check_db_path, history_errors  # noqa: F401

DECISIVE = ("ok", "broken", "not_archived")

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        state       TEXT NOT NULL DEFAULT 'running',   -- running | finished | abandoned
        list_path   TEXT NOT NULL,
        total       INTEGER NOT NULL,
        options     TEXT NOT NULL DEFAULT '{}',
        summary     TEXT
    );
    CREATE TABLE results (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES runs(id),
        position    INTEGER NOT NULL,                   -- 0-based line/row of the list
        link        TEXT NOT NULL,                      -- the link exactly as the list gives it
        labels      TEXT NOT NULL DEFAULT '{}',
        status      TEXT NOT NULL,
        checked_at  TEXT NOT NULL,
        reused_from INTEGER REFERENCES results(id),
        record      TEXT NOT NULL,                      -- the contract record, JSON
        UNIQUE (run_id, position)
    );
    CREATE INDEX results_by_link ON results (link, id);
    """,
    # 1 -> 2 (#21): each link's latest delivered check, so a rolling schedule can pick tonight's
    # share of a million links without reading every run's results
    """
    CREATE TABLE link_state (
        link        TEXT PRIMARY KEY,
        checked_at  TEXT NOT NULL,                      -- the run's time when it was last checked
        status      TEXT NOT NULL,
        attention   INTEGER NOT NULL DEFAULT 0          -- 1: failed or changed last time: check first
    );
    INSERT INTO link_state (link, checked_at, status, attention)
        SELECT r.link, r.checked_at, r.status, r.status != 'ok' FROM results r
        WHERE r.id IN (SELECT MAX(p.id) FROM results p JOIN runs ON runs.id = p.run_id
                       WHERE runs.state = 'finished' AND p.reused_from IS NULL GROUP BY p.link);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
OUR_TABLES = frozenset({"runs", "results"})  # link_state comes with schema 2 (a migration adds it)
# `PRAGMA application_id` of a database watch created ("ACwd"), so `file(1)` and we can tell it apart.
APPLICATION_ID = 0x41437764


@dataclass(frozen=True)
class Run:
    id: int
    started_at: str
    finished_at: str | None
    state: str
    list_path: str
    total: int
    options: dict
    summary: dict | None


@dataclass(frozen=True)
class StoredResult:
    id: int
    run_id: int
    position: int
    link: str
    labels: dict
    status: str
    checked_at: str
    reused_from: int | None
    record: dict
    run_started_at: str | None = None


class History:
    """The watch database. `History.open(path)` creates or migrates it; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True) -> "History":
        """Open (creating and migrating as needed; `create=False` only reads an existing one).

        Raises HistoryError, changing nothing, for a file that is not a watch database (another
        application's SQLite file included), one written by a newer archivecheck, or one that
        cannot be opened, read or (with `create`) written.
        """
        path = str(path)
        check_db_path(path, create=create)
        with history_errors(path):
            conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            history = cls(conn, path)
            try:
                fresh = history._check_ours()
                if create:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=FULL")
                    if fresh:
                        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("PRAGMA foreign_keys=ON")
                if create:
                    history._migrate()
            except BaseException:
                conn.close()
                raise
        return history

    def _check_ours(self) -> bool:
        """Read (never write) what the file is: True for an empty file we may set up, False for a
        watch database; raises HistoryError for anything else."""
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if version > SCHEMA_VERSION and app_id in (0, APPLICATION_ID):
            raise HistoryError(f"{self.path}: written by a newer archivecheck (schema {version}, "
                               f"this one knows {SCHEMA_VERSION})")
        if app_id in (0, APPLICATION_ID) and not tables and version == 0:
            return True
        if app_id in (0, APPLICATION_ID) and version >= 1 and OUR_TABLES <= tables:
            return False
        shown = ", ".join(sorted(tables)[:4]) + (" ..." if len(tables) > 4 else "")
        raise HistoryError(f"{self.path}: an SQLite database that is not watch's "
                           f"({'tables ' + shown if tables else 'schema version ' + str(version)}); "
                           "left untouched: give --db a file of its own")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ConfigError(f"{self.path}: written by a newer archivecheck (schema {version}, "
                              f"this one knows {SCHEMA_VERSION})")
        for step in range(version, SCHEMA_VERSION):
            # executescript commits first, so run each migration as one explicit transaction.
            self.conn.executescript(f"BEGIN IMMEDIATE; {MIGRATIONS[step]}; PRAGMA user_version = {step + 1}; COMMIT;")

    # -- runs ---------------------------------------------------------------------------------
    def start_run(self, *, started_at: str, list_path: str, total: int, options: dict) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started_at, list_path, total, options) VALUES (?, ?, ?, ?)",
            (started_at, list_path, total, json.dumps(options, sort_keys=True)))
        return cur.lastrowid

    def complete_run(self, run_id: int, *, finished_at: str, summary: dict) -> None:
        """Every result is in and the report computed; it still has to be delivered."""
        self.conn.execute("UPDATE runs SET state='undelivered', finished_at=?, summary=? WHERE id=?",
                          (finished_at, json.dumps(summary, sort_keys=True), run_id))

    def mark_delivered(self, run_id: int, *, checked_at: str | None = None) -> None:
        """The report was written where the user asked: later runs compare with this one, and its
        fetched links' state (for the rolling schedule) is now theirs, dated `checked_at` (the run's
        time; default: each result's own). A link needs attention when it was not ok or its status
        changed (the change comes from `compare_run`, run just before on this connection)."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE runs SET state='finished' WHERE id=?", (run_id,))
            has_baseline = self.conn.execute(
                "SELECT 1 FROM temp.sqlite_master WHERE name='baseline'").fetchone() is not None
            change = "(SELECT b.change FROM temp.baseline b WHERE b.position = r.position)" if has_baseline else "NULL"
            self.conn.execute(
                "INSERT INTO link_state (link, checked_at, status, attention)"
                f" SELECT r.link, COALESCE(?, r.checked_at), r.status, r.status != 'ok' OR {change} = 'recovered'"
                " FROM results r WHERE r.run_id = ? AND r.reused_from IS NULL"
                " ON CONFLICT (link) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status,"
                " attention = excluded.attention", (checked_at, run_id))

    # -- the rolling schedule (#21) ----------------------------------------------------------------
    def plan_night(self, entries, *, due_before: str) -> int:
        """Put the list in tonight's order in `temp.plan` (on this connection, the file is not
        changed): tier 0, links that failed or changed last time; 1, links never checked, then those
        last checked before `due_before`, longest ago first (one queue: a never-checked link is the
        most overdue, and a separate tier after the due ones starved new links when the window was
        tight); 3, the rest, longest unchecked first. Returns the number of entries. Streams: the
        list is never held in memory."""
        self.conn.execute("DROP TABLE IF EXISTS temp.entries")
        self.conn.execute("DROP TABLE IF EXISTS temp.plan")
        self.conn.execute("CREATE TEMP TABLE entries (position INTEGER PRIMARY KEY, link TEXT NOT NULL, labels TEXT)")
        self.conn.execute("CREATE TEMP TABLE plan (seq INTEGER PRIMARY KEY, position INTEGER, link TEXT,"
                          " labels TEXT, tier INTEGER)")
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany("INSERT INTO temp.entries VALUES (?, ?, ?)",
                                  ((e.position, e.link, json.dumps(e.labels, ensure_ascii=False)) for e in entries))
            self.conn.execute(
                "INSERT INTO temp.plan (position, link, labels, tier)"
                " SELECT e.position, e.link, e.labels, CASE WHEN s.attention THEN 0"
                " WHEN s.link IS NULL OR s.checked_at <= ? THEN 1 ELSE 3 END AS tier FROM temp.entries e"
                " LEFT JOIN link_state s ON s.link = e.link ORDER BY tier, s.checked_at, e.position", (due_before,))
        return self.conn.execute("SELECT COUNT(*) FROM temp.entries").fetchone()[0]

    def planned(self, batch: int = 1000) -> Iterator[tuple[int, str, dict, int]]:
        """`temp.plan` in order: (position, link, labels, tier), read a batch at a time."""
        last = 0
        while True:
            rows = self.conn.execute("SELECT seq, position, link, labels, tier FROM temp.plan WHERE seq > ?"
                                     " ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for seq, position, link, labels, tier in rows:
                yield position, link, json.loads(labels or "{}"), tier
            last = rows[-1][0]

    def coverage(self, run_id: int, *, due_before: str) -> dict[str, int]:
        """After tonight's checks: the list's distinct links, how many were checked tonight, and how
        many are overdue (not checked tonight, and never checked or last checked before `due_before`)."""
        links = self.conn.execute("SELECT COUNT(DISTINCT link) FROM temp.entries").fetchone()[0]
        self.conn.execute("DROP TABLE IF EXISTS temp.tonight")
        self.conn.execute("CREATE TEMP TABLE tonight (link TEXT PRIMARY KEY)")
        self.conn.execute("INSERT OR IGNORE INTO temp.tonight SELECT link FROM results WHERE run_id = ?", (run_id,))
        checked = self.conn.execute("SELECT COUNT(*) FROM temp.tonight").fetchone()[0]
        overdue = self.conn.execute(
            "SELECT COUNT(DISTINCT e.link) FROM temp.entries e LEFT JOIN link_state s ON s.link = e.link"
            " WHERE e.link NOT IN temp.tonight AND (s.link IS NULL OR s.checked_at <= ?)", (due_before,)).fetchone()[0]
        return {"links": links, "checked": checked, "overdue": overdue}

    def abandon_unfinished(self) -> list[int]:
        """Mark interrupted or undelivered runs as abandoned (a new run replaces them); returns
        their ids. Their results stay: as facts (what a link answered) but never as a baseline."""
        ids = [r[0] for r in self.conn.execute("SELECT id FROM runs WHERE state IN ('running', 'undelivered')")]
        if ids:
            self.conn.execute("UPDATE runs SET state='abandoned' WHERE state IN ('running', 'undelivered')")
        return ids

    def interrupted_run(self) -> Run | None:
        """The latest run a process left `running` or `undelivered` when it died or failed to
        write its report (call only while holding the lock)."""
        row = self.conn.execute("SELECT * FROM runs WHERE state IN ('running', 'undelivered')"
                                " ORDER BY id DESC LIMIT 1").fetchone()
        return _run(row) if row else None

    def run(self, run_id: int) -> Run | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return _run(row) if row else None

    def runs(self) -> list[Run]:
        return [_run(r) for r in self.conn.execute("SELECT * FROM runs ORDER BY id")]

    # -- results ------------------------------------------------------------------------------
    def add_results(self, run_id: int, rows: list[tuple[int, str, dict, dict, int | None]]) -> None:
        """Store finished results `(position, link, labels, record, reused_from)` in one transaction."""
        with self.conn:  # not in autocommit here: `with` opens and commits one transaction
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT OR REPLACE INTO results (run_id, position, link, labels, status, checked_at, reused_from, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, pos, link, json.dumps(labels, ensure_ascii=False), record["status"],
                  record["checked_at"], reused_from, json.dumps(record, ensure_ascii=False))
                 for pos, link, labels, record, reused_from in rows])

    def results_of_run(self, run_id: int) -> list[StoredResult]:
        rows = self.conn.execute("SELECT * FROM results WHERE run_id=? ORDER BY position", (run_id,))
        return [_result(r) for r in rows]

    def done_positions(self, run_id: int) -> dict[int, StoredResult]:
        return {r.position: r for r in self.results_of_run(run_id)}

    def last_decisive(self, link: str, *, before_run: int) -> StoredResult | None:
        """The latest ok/broken/not_archived result for `link` from DELIVERED runs before `before_run`.

        Unverifiable results are skipped: a night of 429s says nothing about the link. Runs that
        never delivered their report are skipped: nobody heard what they found.
        """
        row = self.conn.execute(
            "SELECT results.* FROM results JOIN runs ON runs.id = results.run_id"
            " WHERE link=? AND run_id<? AND runs.state='finished' AND status IN ('ok','broken','not_archived')"
            " ORDER BY run_id DESC, results.id DESC LIMIT 1", (link, before_run)).fetchone()
        return _result(row) if row else None

    def latest_fetched(self, link: str, *, before_run: int) -> StoredResult | None:
        """The latest result for `link` that was actually fetched (not itself reused)."""
        row = self.conn.execute(
            "SELECT * FROM results WHERE link=? AND run_id<? AND reused_from IS NULL"
            " ORDER BY run_id DESC, id DESC LIMIT 1", (link, before_run)).fetchone()
        return _result(row) if row else None

    def stored_link(self, run_id: int, position: int) -> str | None:
        row = self.conn.execute("SELECT link FROM results WHERE run_id=? AND position=?", (run_id, position)).fetchone()
        return row[0] if row else None

    def result_for_link(self, run_id: int, link: str) -> StoredResult | None:
        """This run's stored result for `link`, if one of its positions is done."""
        row = self.conn.execute("SELECT * FROM results WHERE run_id=? AND link=? ORDER BY id LIMIT 1",
                                (run_id, link)).fetchone()
        return _result(row) if row else None

    def unverifiable_last_time(self, *, before_run: int) -> set[str]:
        """Links whose check in the latest earlier run was unverifiable (a short list, usually)."""
        rows = self.conn.execute(
            "SELECT DISTINCT link FROM results WHERE status='unverifiable' AND reused_from IS NULL"
            " AND run_id = (SELECT MAX(run_id) FROM results WHERE run_id < ?)", (before_run,))
        return {r[0] for r in rows}

    # -- a run against its baseline, streamed (the report of 100,000 links is never in memory) --
    def compare_run(self, run_id: int, change, suggestion_change) -> dict[str, int]:
        """Pair each result of `run_id` with its baseline (as `last_decisive` finds it) in a temp
        table on this connection (the file is not changed), classified by the caller's
        `change(status, previous_status)` and `suggestion_change(status, suggestion, previous_status,
        previous_suggestion)`, so the report can be read back section by section without holding
        it in memory. Returns how many results each change has."""
        self.conn.create_function("watch_change", 2, change, deterministic=True)
        self.conn.create_function("watch_suggestion_change", 4, suggestion_change, deterministic=True)
        self.conn.execute("DROP TABLE IF EXISTS temp.baseline")
        self.conn.execute("CREATE TEMP TABLE baseline (position INTEGER PRIMARY KEY, previous_id INTEGER,"
                          " change TEXT, suggestion_change TEXT)")
        self.conn.execute(
            "WITH cur AS (SELECT r.position, r.status, json_extract(r.record, '$.suggestion') AS suggestion,"
            " (SELECT p.id FROM results p JOIN runs ON runs.id = p.run_id WHERE p.link = r.link"
            " AND p.run_id < r.run_id AND runs.state = 'finished' AND p.status IN ('ok','broken','not_archived')"
            " ORDER BY p.run_id DESC, p.id DESC LIMIT 1) AS previous_id FROM results r WHERE r.run_id = ?)"
            " INSERT INTO temp.baseline SELECT cur.position, cur.previous_id, watch_change(cur.status, p.status),"
            " watch_suggestion_change(cur.status, cur.suggestion, p.status, json_extract(p.record, '$.suggestion'))"
            " FROM cur LEFT JOIN results p ON p.id = cur.previous_id", (run_id,))
        rows = self.conn.execute("SELECT change, COUNT(*) FROM temp.baseline GROUP BY change")
        counts = {change: n for change, n in rows}
        counts["suggestion_changed"] = self.conn.execute(
            "SELECT COUNT(*) FROM temp.baseline WHERE suggestion_change IS NOT NULL").fetchone()[0]
        return counts

    def challenged_count(self, run_id: int) -> int:
        """(#20) The run's links that could not be checked because an archive asked for human verification."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM results WHERE run_id=? AND status='unverifiable'"
            " AND json_extract(record, '$.challenged_by') IS NOT NULL", (run_id,)).fetchone()[0]

    def doubted_count(self, run_id: int) -> int:
        """The run's `ok` links whose capture the judge doubted (models.Result.doubted)."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM results WHERE run_id=? AND status='ok'"
            " AND instr(json_extract(record, '$.detail'), ?) > 0", (run_id, DOUBT_MARK)).fetchone()[0]

    def status_counts(self, run_id: int) -> dict[str, int]:
        return {status: n for status, n in self.conn.execute(
            "SELECT status, COUNT(*) FROM results WHERE run_id=? GROUP BY status", (run_id,))}

    def compared_results(self, run_id: int, change: str | None = None
                         ) -> Iterator[tuple[StoredResult, StoredResult | None, str, str | None]]:
        """The run's results in list order (only those with `change`, if given), each with its
        baseline result, its change and its suggestion change; read from the database as consumed."""
        where = " AND b.change = ?" if change else ""
        cursor = self.conn.execute(
            "SELECT r.*, b.change AS change_, b.suggestion_change AS suggestion_change_, p.id AS p_id,"
            " p.run_id AS p_run_id, p.position AS p_position, p.link AS p_link, p.labels AS p_labels,"
            " p.status AS p_status, p.checked_at AS p_checked_at, p.reused_from AS p_reused_from,"
            " p.record AS p_record FROM results r JOIN temp.baseline b ON b.position = r.position"
            f" LEFT JOIN results p ON p.id = b.previous_id WHERE r.run_id = ?{where} ORDER BY r.position",
            (run_id, change) if change else (run_id,))
        for row in cursor:
            previous = None
            if row["p_id"] is not None:
                previous = StoredResult(row["p_id"], row["p_run_id"], row["p_position"], row["p_link"],
                                        json.loads(row["p_labels"]), row["p_status"], row["p_checked_at"],
                                        row["p_reused_from"], json.loads(row["p_record"]))
            yield _result(row), previous, row["change_"], row["suggestion_change_"]

    def story(self, link: str) -> list[StoredResult]:
        """Every result for `link`, oldest first, one per run (duplicates in a list collapse)."""
        rows = self.conn.execute(
            "SELECT results.*, runs.started_at AS run_started_at FROM results JOIN runs ON runs.id = results.run_id"
            " WHERE link=? AND results.id IN (SELECT MIN(id) FROM results WHERE link=? GROUP BY run_id)"
            " ORDER BY run_id", (link, link))
        return [_result(r) for r in rows]

    def known_links(self, like: str) -> list[str]:
        rows = self.conn.execute("SELECT DISTINCT link FROM results WHERE link LIKE ? LIMIT 5", (f"%{like}%",))
        return [r[0] for r in rows]


def _run(row: sqlite3.Row) -> Run:
    return Run(row["id"], row["started_at"], row["finished_at"], row["state"], row["list_path"], row["total"],
               json.loads(row["options"] or "{}"), json.loads(row["summary"]) if row["summary"] else None)


def _result(row: sqlite3.Row) -> StoredResult:
    keys = row.keys()
    return StoredResult(row["id"], row["run_id"], row["position"], row["link"], json.loads(row["labels"]),
                        row["status"], row["checked_at"], row["reused_from"], json.loads(row["record"]),
                        row["run_started_at"] if "run_started_at" in keys else None)
