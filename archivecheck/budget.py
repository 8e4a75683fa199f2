"""One request budget per machine (#21): every archivecheck process shares each archive's limits.

The archives count requests per client address, but each process used to pace itself alone, so
`serve` for the caseworkers plus tonight's `watch` (or two `watch` jobs) on one machine sent up to
twice the limit together; the Internet Archive answers that with 429s, and has blocked addresses
that kept going for an hour. So the spacing between requests (and the pause after a 429 or a
challenge) lives in a small SQLite file that every process on the machine uses, one row per
(host, endpoint class):

    next_at            when the next request slot is free (wall clock, seconds)
    paused_until       a 429 or a challenge seen by ANY process pauses them all until then
    interactive_until  interactive work (check, scan, serve) asked for a slot recently

Interactive work goes first: `watch` (priority "background") reserves a slot at most one interval
ahead, and none while an interactive request is waiting or was made in the last second; interactive
requests reserve their slots ahead as before. So a caseworker's letter waits for at most the slot
in progress, not behind the nightly queue; the nightly job slows down while the page is in use.

Where: `ARCHIVECHECK_BUDGET` (a file path, or `off`), else `[network] shared_budget` in the config
file, else `budget.sqlite` in the user's data directory (platformdirs). If the file cannot be used
(a read-only home), the process paces alone, as before, and says so once in the log.

Across machines behind one public address: not built. The design would keep these three numbers per
key in a store the machines share (for example a Redis hash updated by a small Lua script, so the
read-compute-write of a slot stays atomic); no Redis server was available to test it against, so
it is documented here and in the README as not built rather than shipped untested.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger("archivecheck.budget")

ENV = "ARCHIVECHECK_BUDGET"
INTERACTIVE, BACKGROUND = "interactive", "background"
# How long an interactive request keeps the nightly job off the archive after its slot: long
# enough to cover the gap between one link's request and the next of the same letter.
INTERACTIVE_HOLD = 1.0
# Values further ahead than this are stale (a clock change, an old file): start afresh.
STALE = 3600.0

_stores: dict[str, "BudgetStore"] = {}
_stores_lock = threading.Lock()


def budget_path(configured: str = "") -> Path | None:
    """The machine's budget file, or None when sharing is off."""
    chosen = os.environ.get(ENV) or configured
    if chosen.strip().lower() == "off":
        return None
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("archivecheck")) / "budget.sqlite"


def shared_store(path: Path) -> "BudgetStore | None":
    """The process's one connection to the budget file at `path` (None if it cannot be used)."""
    key = str(path)
    with _stores_lock:
        if key not in _stores:
            try:
                _stores[key] = BudgetStore(path)
            except (OSError, sqlite3.Error) as exc:
                log.warning("the machine-wide request budget %s cannot be used (%s): pacing this process alone",
                            path, exc)
                return None
        return _stores[key]


class BudgetStore:
    """The budget file: one row per (host, endpoint); every read-compute-write is one IMMEDIATE
    transaction, so processes never hand out the same slot twice."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE takes the write lock first)
        self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self.lock = threading.Lock()  # one transaction at a time on this process's connection
        # The state is a few numbers that are only true for seconds: no need to survive a crash.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("CREATE TABLE IF NOT EXISTS budget (key TEXT PRIMARY KEY, next_at REAL NOT NULL,"
                              " paused_until REAL NOT NULL, interactive_until REAL NOT NULL)")
            self.conn.execute("COMMIT")

    def transact(self, key: str, update):
        """Run `update(next_at, paused_until, interactive_until, now) -> (new values or None, result)`
        atomically across processes; returns the result."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                now = time.time()
                row = self.conn.execute("SELECT next_at, paused_until, interactive_until FROM budget WHERE key=?",
                                        (key,)).fetchone()
                values = [now, now, 0.0] if row is None else [v if v - now < STALE else now for v in row]
                new, result = update(*values, now)
                if new is not None:
                    self.conn.execute("INSERT OR REPLACE INTO budget VALUES (?, ?, ?, ?)", (key, *new))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return result


class SharedLimiter:
    """RateLimiter's interface (acquire, paused_for, pause) over the machine's budget file. If the
    file fails mid-run (disk full, locked past the timeout, removed), the process carries on with
    `fallback` (its own limiter) rather than fail a check: one warning, then pacing alone."""

    def __init__(self, store: BudgetStore, key: str, per_minute: float, burst: int = 1, priority: str = INTERACTIVE,
                 fallback=None):
        self.store, self.key = store, key
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.burst = max(1, burst)
        self.priority = priority
        self.fallback = fallback
        self.failed = False

    def _shared(self, update, alone):
        """`store.transact(key, update)`, or `alone()` on the fallback once the file has failed."""
        if not self.failed:
            try:
                return self.store.transact(self.key, update)
            except sqlite3.Error as exc:
                if self.fallback is None:
                    raise
                self.failed = True
                log.warning("the machine-wide request budget %s failed (%s): pacing this process alone",
                            self.store.path, exc)
        return alone()

    def acquire(self) -> float:
        """Block until a request may go; returns the seconds waited."""
        start = time.monotonic()
        take = self._take_interactive if self.priority == INTERACTIVE else self._take_background
        while True:
            if self.failed:
                return self.fallback.acquire() + (time.monotonic() - start)
            wait, took = self._shared(take, lambda: (0.0, False))
            if wait > 0:
                time.sleep(wait)
            if not took:
                continue
            # A slot taken before another request's 429 paused everyone must not fire into the
            # pause: wait it out and take a slot after it (as RateLimiter does within a process).
            if self.paused_for() <= 0:
                return time.monotonic() - start

    def _take_interactive(self, next_at, paused, interactive, now):
        earliest = max(next_at - (self.burst - 1) * self.interval, paused, now)
        new = (max(next_at, earliest) + self.interval, paused, max(interactive, earliest + INTERACTIVE_HOLD))
        return new, (earliest - now, True)

    def _take_background(self, next_at, paused, interactive, now):
        if interactive > now:  # the page (or a check, a scan) is using the archive: yield
            return None, (min(interactive - now, max(self.interval, 0.05)), False)
        earliest = max(next_at - (self.burst - 1) * self.interval, paused, now)
        if earliest > now + self.interval:  # the queue reaches further: look again later, reserving nothing
            return None, (earliest - now - self.interval, False)
        # At most one interval ahead: an interactive request waits for this slot at most, and the
        # slots stay back to back (a slot taken only when free "now" would start each interval
        # late by the wake-up delay, and the night would drift below the archive's pace).
        return (max(next_at, earliest) + self.interval, paused, interactive), (earliest - now, True)

    def paused_for(self) -> float:
        """Seconds left of the machine-wide pause (0 when not paused)."""
        return self._shared(lambda n, p, i, now: (None, max(0.0, p - now)), lambda: self.fallback.paused_for())

    def pause(self, seconds: float) -> None:
        self._shared(lambda n, p, i, now: ((n, max(p, now + seconds), i), None), lambda: self.fallback.pause(seconds))


def machine_limiter(policy, host: str, endpoint: str, per_minute: float, burst: int, fallback=None) -> SharedLimiter | None:
    """The shared limiter for (host, endpoint) under `policy`, or None when sharing is off or the
    budget file cannot be used (the session then paces this process alone); `fallback` paces it
    alone if the file fails later."""
    path = budget_path(policy.shared_budget)
    store = shared_store(path) if path is not None else None
    if store is None:
        return None
    return SharedLimiter(store, f"{host} {endpoint}", per_minute, burst=burst, priority=policy.priority,
                         fallback=fallback)


def close_stores() -> None:
    """Close this process's connections to budget files (tests start each test with a new file)."""
    with _stores_lock:
        for store in _stores.values():
            # Under the store's lock: a thread still using it (a check the test left running) must
            # not be mid-statement when the connection goes, which crashes the interpreter (seen:
            # SIGSEGV in transact). After this, such a thread gets sqlite3.ProgrammingError instead.
            with store.lock:
                store.conn.close()
        _stores.clear()
