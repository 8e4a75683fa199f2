"""No hammering a challenge (#20): after an archive's endpoint asks for human verification, nothing
more goes to it for a cool-down, then exactly one request tries again.

The UK Government Web Archive sits behind AWS WAF. When it decides a client is a robot it answers
HTTP 405 with `x-amzn-waf-action: captcha` (or 202 with `challenge`) to every request from that
address for a while; a public report of 9 October 2026 saw its TimeMap and CDX endpoints do so, where
the same requests got 200 in August. Each further request only confirms the robot verdict, so once
the session's few spaced retries (http.py) have not got past a challenge, the endpoint — the host
and the kind of request, as the session's rate limits count them — "cools down": every request to
it is refused here, at once, without going out, as `Blocked`, so the link is `unverifiable` and is
corroborated elsewhere (corroborate.py). When the cool-down is over, the next request is a probe:
it is sent once, with no retries. If it is challenged again the cool-down starts again; if it gets
any other answer the endpoint is open again. While a probe is out, other requests are refused, as
during the cool-down: one request, not a burst, tells us whether the challenge has lifted.

The state is machine-wide when #21's request budget file is in use (budget.py: every archivecheck
process on the machine — `serve`, tonight's `watch`, a caseworker's `check` — shares it, in a table
of its own), else it lives in the session. Either way a nightly `watch` sends at most `retries + 1`
requests to a challenged endpoint, then one per cool-down, and a `check` started meanwhile sends none.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from .budget import budget_path, shared_store
from .errors import Blocked

# (#20) 15 minutes. A rate-based WAF rule counts a client's requests over a window of minutes, and
# AWS WAF's challenge and CAPTCHA "immunity time" (how long a solved puzzle is trusted) defaults to
# 300 s (docs.aws.amazon.com/waf/latest/developerguide/waf-tokens-immunity-times.html): a challenge
# seen now says little about a request a quarter of an hour later, and a night of 1,000 links to a
# challenged archive then costs a handful of requests to it, not 4,000.
DEFAULT_COOLDOWN = 900.0


@dataclass
class _Cooling:
    """One challenged endpoint: until when it is left alone (monotonic), and what it said."""

    until: float
    until_wall: float  # the same moment by the wall clock, for messages
    what: str  # the challenge as waf_challenge named it


class Gate:
    """One request's passage through the cool-down: `enter()` before each attempt (raises Blocked
    while the endpoint cools down, even between the retries of a request that began before the
    challenge); `probe` is True for the one request sent after a cool-down. Tell the gate how the
    request ended."""

    def __init__(self, state: "ChallengeState", key: tuple[str, str], url: str):
        self._state, self._key, self._url = state, key, url
        self.probe = False

    def enter(self) -> None:
        if not self.probe:  # the probe's own retries (a 5xx, a reset) are its business
            self.probe = self._state.admit(self._key, self._url)

    def through(self, resp):
        """The endpoint answered (anything but a challenge): a probe ends the cool-down. Returns `resp`."""
        self._state.answered(self._key, probe=self.probe)
        return resp

    def strike(self, what: str, allowed: int) -> bool:
        """The endpoint challenged this request. True (give up, the endpoint now cools down) for a
        probe, or once the endpoint has challenged more than `allowed` retries in a row — counted
        over every worker, so four workers in step send `allowed + 1` requests between them, not
        four times that."""
        return self._state.strike(self._key, what, allowed, probe=self.probe)


class ChallengeState:
    """Per-endpoint "challenged until" state, shared by every worker of one session."""

    def __init__(self, cooldown: float = DEFAULT_COOLDOWN, clock=time.monotonic):
        self.cooldown = cooldown
        self._clock = clock
        self._cooling: dict[tuple[str, str], _Cooling] = {}
        self._lock = threading.Lock()
        self.refused = 0  # requests refused (never sent) during cool-downs
        self._strikes: dict[tuple[str, str], int] = {}  # challenges in a row per endpoint, this process

    @classmethod
    def for_policy(cls, policy) -> "ChallengeState":
        """Machine-wide when the request budget file can be used (budget.py), else this session's."""
        path = budget_path(policy.shared_budget)
        store = shared_store(path) if path is not None else None
        return SharedChallengeState(store, policy.challenge_cooldown) if store is not None else cls(policy.challenge_cooldown)

    def gate(self, url: str, endpoint: str) -> Gate:
        """The gate for one request to `url` (an `endpoint` class, as the rate limits count them)."""
        return Gate(self, (urlsplit(url).netloc.lower(), endpoint), url)

    def admit(self, key: tuple[str, str], url: str) -> bool:
        """May a request to `key` go? False: yes; True: yes, as the probe after a cool-down.
        Raises Blocked while the endpoint cools down or a probe is out."""
        with self._lock:
            cooling = self._cooling.get(key)
            if cooling is None:
                return False
            now = self._clock()
            if cooling.until <= now:
                # The cool-down is over: this request is the probe, and the endpoint is re-armed so
                # nobody else goes while it is out; should it never report back (a crash, a reset),
                # a later request probes after another cool-down.
                cooling.until = now + self.cooldown
                cooling.until_wall = time.time() + self.cooldown
                return True
            self.refused += 1
            when = datetime.fromtimestamp(cooling.until_wall, timezone.utc).strftime("%H:%M UTC")
        raise Blocked(f"{key[0]} asked for human verification ({cooling.what}); to give it no more robot traffic,"
                      f" nothing is sent to it before {when}", url=url)

    def strike(self, key: tuple[str, str], what: str, allowed: int, *, probe: bool = False) -> bool:
        if self.cooldown <= 0:
            return False  # cool-down off: each request makes its own bounded retries
        with self._lock:
            self._strikes[key] = strikes = self._strikes.get(key, 0) + 1
            if probe or strikes > allowed:
                del self._strikes[key]
        if probe or strikes > allowed:
            self.cool(key, what)
            return True
        return False

    def answered(self, key: tuple[str, str], *, probe: bool) -> None:
        with self._lock:
            self._strikes.pop(key, None)
        if probe:
            self.lift(key)

    def cool(self, key: tuple[str, str], what: str) -> None:
        if self.cooldown <= 0:
            return  # cool-down disabled: each request makes its own bounded retries
        with self._lock:
            self._cooling[key] = _Cooling(self._clock() + self.cooldown, time.time() + self.cooldown, what)

    def lift(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._cooling.pop(key, None)

    def cooling(self) -> dict[tuple[str, str], float]:
        """Endpoints cooling down now: (host, endpoint) -> seconds left (a probe re-arms it)."""
        now = self._clock()
        with self._lock:
            return {key: max(0.0, c.until - now) for key, c in self._cooling.items()}


class SharedChallengeState(ChallengeState):
    """The same state in the machine's budget file (table `challenges`), one row per challenged
    endpoint: every process on the machine leaves it alone until `until` (wall clock), and the first
    to ask after that is the one probe. Each read-compute-write is one IMMEDIATE transaction."""

    def __init__(self, store, cooldown: float = DEFAULT_COOLDOWN):
        super().__init__(cooldown, clock=time.time)
        self.store = store
        with store.lock:
            store.conn.execute("CREATE TABLE IF NOT EXISTS challenges (key TEXT PRIMARY KEY, until REAL NOT NULL,"
                               " what TEXT NOT NULL)")

    def _transact(self, work):
        store = self.store
        with store.lock:
            store.conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(store.conn, time.time())
                store.conn.execute("COMMIT")
            except BaseException:
                store.conn.execute("ROLLBACK")
                raise
        return result

    def admit(self, key: tuple[str, str], url: str) -> bool:
        def work(conn, now):
            row = conn.execute("SELECT until, what FROM challenges WHERE key=?", (" ".join(key),)).fetchone()
            if row is None:
                return False, None
            if row[0] <= now:  # over: this request is the probe; the rest wait as during the cool-down
                conn.execute("UPDATE challenges SET until=? WHERE key=?", (now + self.cooldown, " ".join(key)))
                return True, None
            return None, row

        probe, row = self._transact(work)
        if probe is not None:
            return probe
        with self._lock:
            self.refused += 1
        when = datetime.fromtimestamp(row[0], timezone.utc).strftime("%H:%M UTC")
        raise Blocked(f"{key[0]} asked for human verification ({row[1]}); to give it no more robot traffic,"
                      f" nothing is sent to it before {when}", url=url)

    def cool(self, key: tuple[str, str], what: str) -> None:
        if self.cooldown <= 0:
            return
        self._transact(lambda conn, now: conn.execute("INSERT OR REPLACE INTO challenges VALUES (?, ?, ?)",
                                                      (" ".join(key), now + self.cooldown, what)))

    def lift(self, key: tuple[str, str]) -> None:
        self._transact(lambda conn, now: conn.execute("DELETE FROM challenges WHERE key=?", (" ".join(key),)))

    def cooling(self) -> dict[tuple[str, str], float]:
        rows = self._transact(lambda conn, now: [(k, u - now) for k, u in conn.execute("SELECT key, until FROM challenges")])
        return {tuple(k.split(" ", 1)): max(0.0, left) for k, left in rows}
