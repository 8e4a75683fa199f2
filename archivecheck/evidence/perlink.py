"""Evidence for `watch` (#22): a pack only for a link whose state changed tonight.

A night checks thousands of links on two pools of workers, each link's work spread over several
tasks (its replay, then perhaps an index query and candidate captures, schedule.py). `LinkRecorders`
is the recorder the session's view is given: every task runs inside `working_on(link)` (set by
the scheduler's one task wrapper), and each answer goes to that link's own `Recorder`, made when
the link's first exchange arrives. When the link's result is in, watch `settle`s it: kept as a WACZ
when its state changed (newly broken, newly not archived, recovered), deleted otherwise.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .recorder import Recorder
from .wacz import Evidence, EvidencePack


class LinkRecorders:
    """One Recorder per link in flight, routed by the thread working on the link."""

    def __init__(self, evidence: Evidence):
        self.evidence = evidence
        evidence.directory.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=".archivecheck-evidence-", dir=evidence.directory))
        self._local = threading.local()
        self._recorders: dict[str, Recorder] = {}
        self._lock = threading.Lock()
        self._made = 0

    @contextmanager
    def working_on(self, link: str):
        previous = getattr(self._local, "link", None)
        self._local.link = link
        try:
            yield
        finally:
            self._local.link = previous

    def track(self, resp) -> None:
        """The session's hook: this answer belongs to the link the current thread works on."""
        link = getattr(self._local, "link", None)
        if link is None:  # work outside any link's task (none in watch today): not evidence of a link
            return
        with self._lock:
            recorder = self._recorders.get(link)
            if recorder is None:
                self._made += 1
                folder = self.root / str(self._made)
                folder.mkdir()
                recorder = self._recorders[link] = Recorder(folder)
        recorder.track(resp)

    def settle(self, link: str, result, *, keep: bool, change: str) -> EvidencePack | None:
        """Package `link`'s exchanges as a WACZ when `keep`, else delete them; returns the pack."""
        with self._lock:
            recorder = self._recorders.pop(link, None)
        if recorder is None:
            return None
        try:
            if keep:
                name = re.sub(r"^https?://", "", result.original_url or link)[:60]
                return self.evidence.package(recorder, f"{change}-{name}", [result],
                                             title=f"archivecheck watch: {change}: {link}")
            recorder.discard()
            return None
        finally:
            shutil.rmtree(recorder.folder, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            left, self._recorders = list(self._recorders.values()), {}
        for recorder in left:
            recorder.discard()
        shutil.rmtree(self.root, ignore_errors=True)
