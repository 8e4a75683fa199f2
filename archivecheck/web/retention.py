"""Keeping no more than needed, on time: a timer thread that purges old checks and forgets letters.

Purging only at start-up or on the next upload (the first version) let a check outlive its
retention for as long as nobody uploaded; this thread does it every `interval` seconds.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("archivecheck.web")


class RetentionTimer:
    """Every `interval` seconds: drop checks older than `keep_days` (and kept letters past their
    own time) from the store, and letters held in memory past theirs. Use as a context manager."""

    def __init__(self, service, keep_days: float, *, interval: float = 300):
        self.service = service
        self.keep_days = keep_days
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="archivecheck-retention", daemon=True)

    def purge_now(self) -> int:
        """One purge; returns how many checks went."""
        gone = self.service.store.purge(self.keep_days)
        self.service.forget_expired()
        self.service.packs.purge(self.service.store)  # a check's evidence pack goes with it (#22)
        if gone:
            log.info("purged %d check(s) older than %g days", gone, self.keep_days)
        return gone

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.purge_now()
            except Exception:  # a locked database now is no reason to stop purging for good
                log.exception("purge failed; trying again in %g s", self.interval)

    def start(self) -> "RetentionTimer":
        self.purge_now()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def __enter__(self) -> "RetentionTimer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
