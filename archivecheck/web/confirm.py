"""A person's confirmation of a link the machine could not check (#20).

When an archive asks for human verification, the machine's verdict is `unverifiable`, and stays so:
nothing was checked. A caseworker can open the capture in their own browser (where they can answer
the archive's challenge) and say what they saw: "It opened the document" or "It did not". That is
recorded here as a **human confirmation** — who (as they entered it, or as the trusted reverse
proxy named the signed-in user), when, and what they were shown (the capture they were asked to
open) — and printed in the evidence record apart from the machine's verification. It is never a
choice of which link goes into the letter (that is `citable.py`'s business) and never changes the
verdict.

Kept in the service's SQLite file, in a table of its own beside the checks (`store.py`), deleted
with its check.
"""

from __future__ import annotations

import enum
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..models import Result, Status, utc_now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS confirmations (
    id INTEGER PRIMARY KEY,
    check_id TEXT NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    answer TEXT NOT NULL,           -- opened | not_opened
    who TEXT NOT NULL,
    who_from TEXT NOT NULL,         -- entered | proxy
    at TEXT NOT NULL,               -- ISO 8601 UTC
    shown TEXT NOT NULL             -- the capture the person was asked to open
);
CREATE INDEX IF NOT EXISTS confirmations_by_check ON confirmations (check_id, position);
"""

MAX_NAME = 120


class Answer(enum.StrEnum):
    OPENED = "opened"
    NOT_OPENED = "not_opened"


@dataclass(frozen=True)
class HumanConfirmation:
    """What one person said they saw when they opened a capture the machine could not check."""

    answer: Answer
    who: str
    who_from: str  # "entered" (typed on the page) or "proxy" (the trusted proxy's user header)
    at: str
    shown: str

    def sentence(self) -> str:
        """The evidence record's wording: a person's statement, kept apart from the verdict."""
        said = "it opened the document" if self.answer is Answer.OPENED else "it did not open the document"
        source = "as signed in" if self.who_from == "proxy" else "as entered"
        return (f"{self.who} ({source}) opened {self.shown} at {self.at} and said {said}. This is a person's"
                " confirmation, not a machine verification: the verdict stays as the machine found it.")


def can_confirm(result: Result | None) -> bool:
    """Only a link the machine could not check is offered to a person."""
    return result is not None and result.status is Status.UNVERIFIABLE and bool(result.url)


class Confirmations:
    """Human confirmations in the service's SQLite file at `path`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def add(self, check_id: str, position: int, answer: Answer, *, who: str, who_from: str, shown: str) -> HumanConfirmation:
        confirmation = HumanConfirmation(answer, who, who_from, utc_now_iso(), shown)
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO confirmations (check_id, position, answer, who, who_from, at, shown)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (check_id, position, answer.value, who, who_from, confirmation.at, shown))
        return confirmation

    def of_check(self, check_id: str) -> dict[int, list[HumanConfirmation]]:
        """Every confirmation of a check, by link position, oldest first."""
        out: dict[int, list[HumanConfirmation]] = {}
        with closing(self._connect()) as db:
            rows = db.execute("SELECT position, answer, who, who_from, at, shown FROM confirmations"
                              " WHERE check_id = ? ORDER BY id", (check_id,)).fetchall()
        for position, answer, who, who_from, at, shown in rows:
            out.setdefault(position, []).append(HumanConfirmation(Answer(answer), who, who_from, at, shown))
        return out


@dataclass(frozen=True)
class ConfirmedLink:
    """A stored link with its human confirmations, for the evidence record's renderers: the link's
    own added fields, then `human_confirmation`."""

    link: object  # store.LinkRow
    confirmations: tuple[HumanConfirmation, ...]

    @property
    def result(self) -> Result:
        return self.link.result

    def added_fields(self) -> dict:
        out = dict(self.link.added_fields())
        if self.confirmations:
            out["human_confirmation"] = " ".join(c.sentence() for c in self.confirmations)
        return out


def clean_name(text: str) -> str:
    """A name as typed: one line, trimmed, capped."""
    return " ".join((text or "").split())[:MAX_NAME]
