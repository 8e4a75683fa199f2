"""What the service's stored checks say about a capture (#20): when a link cannot be checked now (its
archive asks for human verification), an earlier check of the page that verified the same cited
capture is worth telling the caseworker — and whether the copy found elsewhere has its bytes.

Reads the store's `links` table (store.py) in the same SQLite file; writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ..corroborate import EarlierCheck


class StoredVerifications:
    """`recall(url)` for a Checker: the latest stored `ok` result for the link `url` (public form)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __call__(self, url: str) -> EarlierCheck | None:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            row = db.execute(
                "SELECT result FROM links WHERE url = ? AND result IS NOT NULL"
                " AND json_extract(result, '$.status') = 'ok'"
                " ORDER BY json_extract(result, '$.checked_at') DESC LIMIT 1", (url,)).fetchone()
        return EarlierCheck.from_record(json.loads(row[0]), "an earlier check on this page") if row else None
