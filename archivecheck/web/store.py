"""The service's memory: each check, its links and their verdicts, in one SQLite file.

A check is written once as its links are found, then link by link as verdicts arrive, so any
number of browsers (and a colleague opening the permanent link) read the same progress. Each
operation opens its own connection: checks run in worker threads, and SQLite connections are not
meant to be shared between threads; WAL lets readers poll while a worker writes.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..models import Kind, Result, Status, utc_now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checks (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    state TEXT NOT NULL,            -- running | done | failed
    message TEXT,                   -- why a check failed, in words for the caseworker
    corrected BLOB,                 -- the letter with repaired links
    corrected_suggested BLOB,       -- … and broken links replaced by their suggestions
    corrected_type TEXT             -- docx | txt | md
);
CREATE TABLE IF NOT EXISTS links (
    check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    found_in TEXT NOT NULL,
    input TEXT NOT NULL,
    url TEXT NOT NULL,              -- the repaired form shown before the verdict
    repairs TEXT NOT NULL,          -- JSON list
    result TEXT,                    -- the contract record as JSON, once decided
    sentence TEXT,                  -- the sentence ready for the letter (ok links)
    warning TEXT,                   -- a hyperlink whose target is not the link its text shows
    PRIMARY KEY (check_id, position)
);
"""


@dataclass(frozen=True)
class LinkRow:
    position: int
    found_in: str
    input: str
    url: str
    repairs: tuple[str, ...]
    result: Result | None
    sentence: str | None
    warning: str | None

    def added_fields(self) -> dict:
        """What the evidence record adds to the contract fields (report.render_markdown)."""
        return {"found_in": self.found_in, "sentence": self.sentence, "warning": self.warning}


@dataclass(frozen=True)
class CheckRow:
    id: str
    created_at: str
    finished_at: str | None
    name: str
    format: str
    state: str
    message: str | None
    corrected_type: str | None
    has_suggested: bool
    links: tuple[LinkRow, ...]

    @property
    def decided(self) -> int:
        return sum(1 for link in self.links if link.result is not None)

    @property
    def results(self) -> list[Result]:
        return [link.result for link in self.links if link.result is not None]

    @property
    def decided_links(self) -> list[LinkRow]:
        return [link for link in self.links if link.result is not None]


class CheckStore:
    """Checks in SQLite at `path` (created with its folder when missing)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def create(self, name: str, fmt: str, links: list[tuple[str, str, str, tuple[str, ...]]]) -> str:
        """A new running check with its links as (found_in, input, repaired url, repairs); returns
        its id, long and random because the permanent URL is the only key to it."""
        check_id = secrets.token_urlsafe(12)
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO checks (id, created_at, name, format, state) VALUES (?, ?, ?, ?, 'running')",
                       (check_id, utc_now_iso(), name, fmt))
            db.executemany(
                "INSERT INTO links (check_id, position, found_in, input, url, repairs) VALUES (?, ?, ?, ?, ?, ?)",
                [(check_id, i, found_in, text, url, json.dumps(list(repairs)))
                 for i, (found_in, text, url, repairs) in enumerate(links)])
        return check_id

    def record(self, check_id: str, position: int, link) -> None:
        """Store a link's verdict: `link` is an archivecheck.records.ScannedLink."""
        result = link.result
        with closing(self._connect()) as db, db:
            db.execute("UPDATE links SET result = ?, url = ?, repairs = ?, sentence = ?, warning = ? "
                       "WHERE check_id = ? AND position = ?",
                       (json.dumps(result.to_dict()), result.url, json.dumps(list(result.repairs)), link.sentence,
                        link.warning, check_id, position))

    def finish(self, check_id: str, corrected: bytes | None, corrected_suggested: bytes | None,
               corrected_type: str | None) -> None:
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET state = 'done', finished_at = ?, corrected = ?, corrected_suggested = ?, "
                       "corrected_type = ? WHERE id = ?",
                       (utc_now_iso(), corrected, corrected_suggested, corrected_type, check_id))

    def fail(self, check_id: str, message: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET state = 'failed', finished_at = ?, message = ? WHERE id = ?",
                       (utc_now_iso(), message, check_id))

    def fail_unfinished(self) -> None:
        """Checks left running by a stopped service will never finish: say so instead of spinning."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET state = 'failed', finished_at = ?, message = ? WHERE state = 'running'",
                       (utc_now_iso(), "The service was stopped before this check finished. Please check the letter again."))

    def get(self, check_id: str) -> CheckRow | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT id, created_at, finished_at, name, format, state, message, corrected_type, "
                             "corrected_suggested IS NOT NULL FROM checks WHERE id = ?", (check_id,)).fetchone()
            if row is None:
                return None
            links = db.execute("SELECT position, found_in, input, url, repairs, result, sentence, warning FROM links "
                               "WHERE check_id = ? ORDER BY position", (check_id,)).fetchall()
        return CheckRow(*row[:8], has_suggested=bool(row[8]), links=tuple(
            LinkRow(p, f, i, u, tuple(json.loads(r)), result_from_dict(json.loads(res)) if res else None, s, w)
            for p, f, i, u, r, res, s, w in links))

    def corrected(self, check_id: str, *, suggested: bool) -> tuple[bytes, str] | None:
        column = "corrected_suggested" if suggested else "corrected"
        with closing(self._connect()) as db:
            row = db.execute(f"SELECT {column}, corrected_type FROM checks WHERE id = ?", (check_id,)).fetchone()
        return (row[0], row[1]) if row and row[0] is not None else None

    def purge(self, keep_days: float) -> int:
        """Delete checks older than `keep_days` (0 keeps everything); returns how many went."""
        if keep_days <= 0:
            return 0
        cutoff = (datetime.now(timezone.utc) - timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with closing(self._connect()) as db, db:
            return db.execute("DELETE FROM checks WHERE created_at < ?", (cutoff,)).rowcount


def result_from_dict(data: dict) -> Result:
    """A stored contract record back as a Result (fields it does not know are left out)."""
    known = {name: data[name] for name in Result.__dataclass_fields__ if name in data}
    known["repairs"] = tuple(known.get("repairs") or ())
    known["alternatives"] = tuple(known.get("alternatives") or ())
    known["kind"] = Kind(known["kind"])
    known["status"] = Status(known["status"])
    return Result(**known)
