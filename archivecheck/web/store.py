"""The service's memory: each check, its links, their verdicts and the caseworker's decisions,
in one SQLite file.

A check is written once as its links are found, then link by link as verdicts arrive, so any
number of browsers (and a colleague opening the permanent link) read the same progress. Each
operation opens its own connection: checks run in worker threads, and SQLite connections are not
meant to be shared between threads; WAL lets readers poll while a worker writes.

What is kept is the least the page needs (#19): the file's name, the links, verdicts, sentences and
decisions. Never the letter's text, unless the service was started with a retention for it
(`letter`, cleared by `purge` when its own time is up). The file and its folder are the owner's
alone (0600/0700) whatever the umask, as are SQLite's -wal and -shm files beside it.
"""

from __future__ import annotations

import json
import os
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
    corrected_type TEXT,            -- docx | html | eml | txt | md: what the corrected letter is, when it can be built
    problems TEXT,                  -- JSON list: what of the letter could not be read (not fully checked)
    letter BLOB,                    -- the letter as needed to rebuild it, ONLY with --keep-letter-days
    letter_until TEXT               -- when `letter` is cleared
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
CREATE TABLE IF NOT EXISTS decisions (
    check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    choice TEXT NOT NULL,           -- accept | reading | suggestion | keep
    url TEXT NOT NULL,              -- the link the caseworker chose to cite
    chosen_at TEXT NOT NULL,
    chosen_by TEXT NOT NULL,
    PRIMARY KEY (check_id, position)
);
"""
# Columns of the first version of this store that held the corrected letter for the whole
# retention: an old database is emptied of them when it is opened (#19).
_OLD_LETTER_COLUMNS = ("corrected", "corrected_suggested")


@dataclass(frozen=True)
class Decision:
    """What the caseworker chose to cite for one link, who chose it and when."""

    choice: str
    url: str
    chosen_at: str
    chosen_by: str


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
    decision: Decision | None = None

    def added_fields(self) -> dict:
        """What the evidence record adds to the contract fields (report.render_markdown)."""
        fields = {"found_in": self.found_in, "sentence": self.sentence, "warning": self.warning}
        if self.decision is not None:
            d = self.decision
            fields["decision"] = f"{CHOICE_WORDS.get(d.choice, d.choice)}: {d.url} (by {d.chosen_by}, {d.chosen_at})"
        return fields


CHOICE_WORDS = {"accept": "Accepted the repaired link", "reading": "Chose another reading",
                "suggestion": "Cites the suggested capture instead", "keep": "Kept the link as written"}


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
    links: tuple[LinkRow, ...]
    # What could not be read (a PDF page, a damaged part, an attachment), one sentence each: the
    # letter is then not fully checked, whatever its links' verdicts (#18).
    problems: tuple[str, ...] = ()

    @property
    def fully_checked(self) -> bool:
        return not self.problems

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
        _private_folder(self.path.parent)
        # Created owner-only before SQLite opens it: SQLite gives its -wal and -shm files the
        # database file's own mode, so they are private too.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA secure_delete=ON")  # a purged letter's pages are overwritten, not just freed
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(checks)")}
            for name, kind in (("letter", "BLOB"), ("letter_until", "TEXT"), ("problems", "TEXT")):
                if name not in columns:
                    db.execute(f"ALTER TABLE checks ADD COLUMN {name} {kind}")
            for name in _OLD_LETTER_COLUMNS:
                if name in columns:
                    db.execute(f"UPDATE checks SET {name} = NULL")
        self.private_files()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        return db

    def private_files(self) -> None:
        """Make the database and SQLite's files beside it owner-only (they exist once WAL is on)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.chmod(f"{self.path}{suffix}", 0o600)
            except FileNotFoundError:
                pass

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
            db.execute("UPDATE links SET result = ?, url = ?, repairs = ?, sentence = ?, warning = COALESCE(?, warning) "
                       "WHERE check_id = ? AND position = ?",
                       (json.dumps(result.to_dict()), result.url, json.dumps(list(result.repairs)), link.sentence,
                        link.warning, check_id, position))

    def finish(self, check_id: str, corrected_type: str | None, problems=()) -> None:
        """Mark a check done; `problems`: what of the letter could not be read, one sentence each."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET state = 'done', finished_at = ?, corrected_type = ?, problems = ? WHERE id = ?",
                       (utc_now_iso(), corrected_type, json.dumps(list(problems)), check_id))

    def keep_letter(self, check_id: str, letter: bytes, days: float) -> None:
        """Keep what rebuilds the corrected letter for `days` (the --keep-letter-days option)."""
        until = (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET letter = ?, letter_until = ? WHERE id = ?", (letter, until, check_id))

    def kept_letter(self, check_id: str) -> bytes | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT letter FROM checks WHERE id = ? AND letter_until > ?",
                             (check_id, utc_now_iso())).fetchone()
        return row[0] if row else None

    def decide(self, check_id: str, position: int, decision: Decision) -> None:
        """Record (or replace) the caseworker's choice for one link."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO decisions (check_id, position, choice, url, chosen_at, chosen_by) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (check_id, position, decision.choice, decision.url, decision.chosen_at, decision.chosen_by))

    def restart_link(self, check_id: str, position: int) -> None:
        """Forget a link's verdict before it is checked again (the page's re-check button)."""
        with closing(self._connect()) as db, db:
            db.execute("UPDATE links SET result = NULL, sentence = NULL WHERE check_id = ? AND position = ?",
                       (check_id, position))
            db.execute("UPDATE checks SET state = 'running' WHERE id = ?", (check_id,))

    def done_again(self, check_id: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET state = 'done', finished_at = ? WHERE id = ?", (utc_now_iso(), check_id))

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
                             "problems FROM checks WHERE id = ?", (check_id,)).fetchone()
            if row is None:
                return None
            links = db.execute("SELECT position, found_in, input, url, repairs, result, sentence, warning FROM links "
                               "WHERE check_id = ? ORDER BY position", (check_id,)).fetchall()
            decisions = {p: Decision(c, u, at, by) for p, c, u, at, by in db.execute(
                "SELECT position, choice, url, chosen_at, chosen_by FROM decisions WHERE check_id = ?", (check_id,))}
        return CheckRow(*row[:8], problems=tuple(json.loads(row[8] or "[]")), links=tuple(
            LinkRow(p, f, i, u, tuple(json.loads(r)), result_from_dict(json.loads(res)) if res else None, s, w,
                    decisions.get(p))
            for p, f, i, u, r, res, s, w in links))

    def purge(self, keep_days: float) -> int:
        """Delete checks older than `keep_days` (0 keeps everything) and every kept letter whose own
        time is up; returns how many checks went."""
        now = utc_now_iso()
        with closing(self._connect()) as db, db:
            db.execute("UPDATE checks SET letter = NULL, letter_until = NULL WHERE letter_until <= ?", (now,))
            if keep_days <= 0:
                return 0
            cutoff = (datetime.now(timezone.utc) - timedelta(days=keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
            gone = db.execute("DELETE FROM checks WHERE created_at < ?", (cutoff,)).rowcount
        if gone:
            with closing(self._connect()) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the deleted rows leave the -wal file too
        return gone


def _private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) owner-only; a folder that already exists is left as
    its owner set it (it may be theirs to share), but one made here is 0700 whatever the umask."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)


def result_from_dict(data: dict) -> Result:
    """A stored contract record back as a Result (fields it does not know are left out)."""
    known = {name: data[name] for name in Result.__dataclass_fields__ if name in data}
    known["repairs"] = tuple(known.get("repairs") or ())
    known["alternatives"] = tuple(known.get("alternatives") or ())
    known["kind"] = Kind(known["kind"])
    known["status"] = Status(known["status"])
    return Result(**known)
