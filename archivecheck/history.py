"""SQLite store for `watch` runs: every run, every result, so a link's story can be read back.

Schema (version in `PRAGMA user_version`; `MIGRATIONS[i]` takes a database from version i to i+1,
so an old database is upgraded in place when opened, and a newer one is refused):

    runs     one row per `watch` run: when it started/finished, the list, its state
             (`running` until it finishes; a `running` row whose process is gone was interrupted
             and can be continued with `--resume`), options and the final summary (JSON)
    results  one row per list entry per run: the list position, the link as given, its labels,
             the status and the whole contract record (JSON); `reused_from` names the result a
             recent ok was copied from instead of fetching again

Durability: WAL journal, `synchronous=FULL`, one transaction per finished result, so killing the
process loses nothing already reported. One writer at a time: `WriterLock` holds an exclusive
`flock` on `FILE.lock` for the whole run (the OS drops it when the process dies, even by kill -9,
so there is no stale lock to clean up).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveCheckError, ConfigError

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
)
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseBusy(ArchiveCheckError):
    """Another process holds the database's writer lock."""


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


class WriterLock:
    """An exclusive, non-blocking `flock` on `<db>.lock`; raises DatabaseBusy when held elsewhere."""

    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> "WriterLock":
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise DatabaseBusy(f"{self.path.name[:-5]} is in use by another watch run (pid {holder}); "
                               "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> "WriterLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


class History:
    """The watch database. `History.open(path)` creates or migrates it; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True) -> "History":
        """Open (creating and migrating as needed). Raises ConfigError for a file that is not a
        watch database, or one written by a newer archivecheck."""
        path = str(path)
        if not create and not Path(path).exists():
            raise ConfigError(f"{path}: no such database")
        try:
            conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            history = cls(conn, path)
            history._migrate()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{path}: not a usable watch database ({exc})") from None
        return history

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

    def finish_run(self, run_id: int, *, finished_at: str, summary: dict) -> None:
        self.conn.execute("UPDATE runs SET state='finished', finished_at=?, summary=? WHERE id=?",
                          (finished_at, json.dumps(summary, sort_keys=True), run_id))

    def abandon_unfinished(self) -> list[int]:
        """Mark interrupted runs as abandoned (a new run replaces them); returns their ids."""
        ids = [r[0] for r in self.conn.execute("SELECT id FROM runs WHERE state='running'")]
        if ids:
            self.conn.execute("UPDATE runs SET state='abandoned' WHERE state='running'")
        return ids

    def interrupted_run(self) -> Run | None:
        """The latest run left `running` by a process that died (call only while holding the lock)."""
        row = self.conn.execute("SELECT * FROM runs WHERE state='running' ORDER BY id DESC LIMIT 1").fetchone()
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
        """The latest ok/broken/not_archived result for `link` from runs before `before_run`.

        Unverifiable results are skipped: a night of 429s says nothing about the link.
        """
        row = self.conn.execute(
            "SELECT * FROM results WHERE link=? AND run_id<? AND status IN ('ok','broken','not_archived')"
            " ORDER BY run_id DESC, id DESC LIMIT 1", (link, before_run)).fetchone()
        return _result(row) if row else None

    def latest_fetched(self, link: str, *, before_run: int) -> StoredResult | None:
        """The latest result for `link` that was actually fetched (not itself reused)."""
        row = self.conn.execute(
            "SELECT * FROM results WHERE link=? AND run_id<? AND reused_from IS NULL"
            " ORDER BY run_id DESC, id DESC LIMIT 1", (link, before_run)).fetchone()
        return _result(row) if row else None

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
