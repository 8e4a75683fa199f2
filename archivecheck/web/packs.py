"""The page's evidence packs (#22): one WACZ per check, beside the store, named by the check's id.

The pack holds every HTTP exchange the check made, as the archives sent it (evidence/); its SHA-256
is written beside it (`<id>.wacz.sha256`) so the printed record can show it without reading the
pack again. A link re-checked later is not in the pack: the pack is the check as first run.
Packs go when their check goes (retention.py asks `purge`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class PackFile:
    path: Path
    sha256: str
    size: int


class EvidenceShelf:
    """Evidence packs of the page's checks, in a private `folder`."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @contextmanager
    def recording(self):
        from ..evidence import Evidence

        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with Evidence(self.folder).recording() as recorder:
            yield recorder

    def keep(self, check_id: str, recorder, results: Iterable, *, name: str) -> PackFile:
        from ..evidence.wacz import write_wacz

        # Owner-only, as everything the service writes (#19).
        pack = write_wacz(recorder, self._path(check_id), results, title=f"archivecheck check of {name}", mode=0o600)
        fd = os.open(self._path(check_id).with_suffix(".wacz.sha256"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(pack.sha256 + "\n")
        return PackFile(pack.path, pack.sha256, pack.size)

    def find(self, check_id: str) -> PackFile | None:
        path = self._path(check_id)
        try:
            sha256 = path.with_suffix(".wacz.sha256").read_text(encoding="ascii").strip()
            return PackFile(path, sha256, path.stat().st_size)
        except OSError:
            return None

    def purge(self, store) -> int:
        """Delete the packs whose check the store no longer holds; returns how many."""
        gone = 0
        for path in self.folder.glob("*.wacz"):
            if store.get(path.stem) is None:
                path.unlink(missing_ok=True)
                path.with_suffix(".wacz.sha256").unlink(missing_ok=True)
                gone += 1
        return gone

    def _path(self, check_id: str) -> Path:
        if not _ID.fullmatch(check_id):
            raise ValueError("not a check id")
        return self.folder / f"{check_id}.wacz"
