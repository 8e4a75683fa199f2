"""The one HTTP session: every request archivecheck makes goes through `ArchiveSession`.

It owns network policy so nothing else has to: connect/read timeouts, a User-Agent that names the
tool, per-endpoint rate limits below the archives' own, retries with backoff on 5xx/resets/timeouts,
429 handling that honours Retry-After within a wait budget (and makes every worker wait, not just the
one that saw it) — the archive's own 429, never a captured one — WAF/captcha detection, and streaming reads with a size cap and a stall detector.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import requests
import urllib3

from . import __version__
from .challenge import ChallengeState, Gate
from .budget import machine_limiter
from .config import NetworkPolicy
from .errors import Blocked, IncompleteBody, NetworkError, RateLimited
from .identity import headers_for, user_agent
from .models import parse_http_date

log = logging.getLogger("archivecheck.http")

PROJECT_URL = "https://github.com/archivecheck/archivecheck"
DEFAULT_USER_AGENT = f"archivecheck/{__version__} (+{PROJECT_URL})"

INDEX = "index"  # CDX and TimeMap: the Internet Archive counts these together (24/min)
REPLAY = "replay"  # replay/TimeGate: ~480/min at the Internet Archive
LIVE = "live"  # the original sites themselves (audit's liveness checks): be a polite crawler
SAVE = "save"  # Save Page Now submissions: a few a minute for anonymous users

POOL_SIZE = 32  # connections kept per host: the most workers any command runs

# Words that appear in AWS WAF / generic bot-challenge pages but not in archived documents' headers.
_CHALLENGE_MARKERS = (b"awswaf", b"captcha", b"challenge-container", b"gokuprops", b"cf-challenge")


class RateLimiter:
    """Evenly spaced requests per key, with a shared pause after a 429.

    Spacing (rather than a per-minute window) keeps us under the archive's window however the
    two windows align; `burst` lets the first few requests go at once.
    """

    def __init__(self, per_minute: float, burst: int = 1):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.burst = max(1, burst)
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a request may go; returns the seconds waited."""
        start = time.monotonic()
        while True:
            with self._lock:
                now = time.monotonic()
                earliest = max(self._next - (self.burst - 1) * self.interval, self._paused_until, now)
                self._next = max(self._next, earliest) + self.interval
            wait = earliest - now
            if wait > 0:
                time.sleep(wait)
            # (watch, #4) A worker that took its slot before another worker's 429/captcha paused
            # the limiter must not fire into that pause: wait it out and take a slot after it.
            with self._lock:
                if self._paused_until <= time.monotonic():
                    return time.monotonic() - start

    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when not paused)."""
        with self._lock:
            return max(0.0, self._paused_until - time.monotonic())

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)


@dataclass
class _Tries:
    """What one request has been through: failures (network, 5xx, challenges), the archive's 429s,
    and the seconds those 429s made us wait."""

    failures: int = 0
    limited: int = 0
    waited: float = 0.0


@dataclass
class Body:
    """What streaming a response body yielded."""

    sha256: str | None  # None unless the whole body was read
    length: int  # bytes read
    complete: bool
    head: bytes  # the first bytes, for sniffing
    data: bytes | None  # the whole body when small enough to keep


class ArchiveSession:
    """A requests.Session wrapped in archivecheck's network policy. Use as a context manager."""

    def __init__(self, policy: NetworkPolicy | None = None):
        self.policy = policy or NetworkPolicy()
        self._session = requests.Session()
        # Workers share this session (watch runs up to 32): requests keeps 10 connections per host
        # by default and opens a new one (a TLS handshake, at a real archive) for every request past
        # that, dropping it afterwards. Keep as many as there can be workers.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = user_agent(self.policy.user_agent or DEFAULT_USER_AGENT, self.policy.contact)
        self.challenges = ChallengeState.for_policy(self.policy)  # (#20) cool-down after a challenge, machine-wide
        self._limiters: dict[tuple[str, str], RateLimiter] = {}
        self._lock = threading.Lock()
        self.stats: Counter = Counter()  # requests sent, by endpoint class and outcome
        self.recorder = None  # evidence.recorder.Recorder keeping every exchange as WARC records (#22)
        self.challenge_allowance: int | None = None  # challenges in a row before a cool-down (None: retries)

    def __enter__(self) -> "ArchiveSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def recording(self, recorder) -> "ArchiveSession":
        """This session — same connections, limits and pauses — handing every answer to `recorder`
        (one check's evidence) as well; the session itself, shared by other checks, records nothing."""
        view = copy.copy(self)
        view.recorder = recorder
        return view

    def impatient(self) -> "ArchiveSession":
        """This session — same connections, limits, pauses and recorder — for a question worth asking
        only if the archive answers at once (#17's template witness): no retry, and no 429 or pause
        waited out (the pause still holds for everyone else); a failure raises as usual."""
        view = copy.copy(self)
        view.policy = replace(self.policy, retries=0, rate_limit_budget=0.0, max_retry_after=0.0)
        view.challenge_allowance = self.policy.retries  # one challenge here must not start a cool-down alone
        return view

    def limiter(self, url: str, endpoint: str) -> RateLimiter:
        key = (urlsplit(url).netloc.lower(), endpoint)
        with self._lock:
            if key not in self._limiters:
                rate = {INDEX: self.policy.index_per_minute, LIVE: self.policy.live_per_minute,
                        SAVE: self.policy.save_per_minute}.get(endpoint, self.policy.replay_per_minute)
                # An archive's own limit from the config file ([archives.NAME] index_per_minute).
                rate = next((r for host, kind, r in self.policy.host_rates if (host, kind) == key), rate)
                # (#21) shared by every archivecheck process on the machine (budget.py), else this one's
                alone = RateLimiter(rate, burst=2)
                self._limiters[key] = machine_limiter(self.policy, *key, rate, burst=2, fallback=alone) or alone
            return self._limiters[key]

    def get(self, url: str, *, endpoint: str, params: dict | None = None,
            headers: dict | None = None) -> requests.Response:
        """GET without following redirects, body not yet read (stream it with `read_body`)."""
        return self.send("GET", url, endpoint=endpoint, params=params, headers=headers)

    def send(self, method: str, url: str, *, endpoint: str, params: dict | None = None,
             headers: dict | None = None, data: dict | None = None) -> requests.Response:
        """Any method (audit needs HEAD for live checks, POST for Save Page Now) under the same
        policy as GET: no redirects followed, body not yet read.

        Returns any response that carries an answer, including 4xx and a *captured* 429 or 5xx
        (one with Memento-Datetime: the site's error, preserved, is the archive's answer). Raises
        RateLimited when the archive's own 429s do not clear within the wait budget, Blocked on a
        WAF challenge, NetworkError when the archive cannot be reached or keeps failing.
        """
        limiter = self.limiter(url, endpoint)
        gate = self.challenges.gate(url, endpoint)  # (#20) the cool-down after a challenge
        headers = headers_for(url, headers, self.policy.host_headers)  # (#20) e.g. an allow-list token
        tries = _Tries()
        while True:
            self._refuse_while_paused(limiter, url)
            limiter.acquire()
            gate.enter()  # (#20) Blocked at once, nothing sent, while the endpoint cools down
            self.stats[endpoint] += 1
            try:
                resp = self._session.request(
                    method, url, params=params, headers=headers, data=data, stream=True, allow_redirects=False,
                    timeout=(self.policy.connect_timeout, self.policy.timeout),
                )
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                self.stats["network_errors"] += 1
                self._back_off(tries, f"{_describe(exc)} after {tries.failures + 1} attempts", url)
                continue
            except requests.RequestException as exc:
                raise NetworkError(_describe(exc), url=url) from None
            # Debug output names the URL actually requested (a remapped host, say): that is what
            # someone debugging a remap needs to see. Reports never do.
            log.debug("%s %s -> %s (%s)", method, resp.url, resp.status_code, endpoint)
            if self.recorder is not None:  # every answer, retried ones included: they are evidence too
                self.recorder.track(resp)
            if captured(resp):
                return gate.through(resp)  # whatever the site answered when it was crawled, 429 and 5xx included
            if resp.status_code == 429:
                self._wait_out_429(resp, limiter, tries, url)
                continue
            challenge = waf_challenge(resp)
            if challenge:
                self._challenged(resp, challenge, limiter, tries, url, gate)
                continue
            if resp.status_code >= 500:
                self._archive_failed(resp, tries, url)
                continue
            return gate.through(resp)

    def _refuse_while_paused(self, limiter: RateLimiter, url: str) -> None:
        held = limiter.paused_for()
        if held > self.policy.max_retry_after:
            # The archive asked for a longer wait than we will sit out (a long Retry-After).
            # Honour it without stalling the run: no request to it until then, the link is
            # unverifiable now and the next run will try again.
            raise RateLimited(f"{urlsplit(url).netloc} asked us to wait {held:.0f}s more; not asking before then",
                              url=url, retry_after=held)

    def _wait_out_429(self, resp: requests.Response, limiter: RateLimiter, tries: "_Tries", url: str) -> None:
        """The archive's own 429 (no Memento-Datetime). A short Retry-After is waited out again and
        again while the total stays within `rate_limit_budget`; a long one, or too many, give up."""
        policy = self.policy
        self.stats["429"] += 1
        wait = retry_after_seconds(resp.headers.get("Retry-After"))
        resp.close()
        if wait is None:
            wait = policy.retry_after_default
        tries.limited += 1
        # Every worker using this endpoint waits, not just this one: ignoring 429s is how an IP
        # gets blocked for an hour.
        limiter.pause(wait)
        if (tries.limited > policy.rate_limit_retries or wait > policy.max_retry_after
                or tries.waited + wait > policy.rate_limit_budget):
            raise RateLimited(f"rate limited by {urlsplit(url).netloc} (HTTP 429, retry after {wait:g}s)",
                              url=url, retry_after=wait)
        tries.waited += wait

    def _challenged(self, resp: requests.Response, challenge: str, limiter: RateLimiter, tries: "_Tries",
                    url: str, gate: Gate) -> None:
        self.stats["captcha"] += 1
        resp.close()
        tries.failures += 1
        # (watch, #4) A challenge means "slow down" as much as a 429 does: every worker on this
        # endpoint backs off, not just the one that met it.
        limiter.pause(self.policy.backoff * 2 ** (tries.failures - 1))
        # (#20) A probe after a cool-down is one request; the endpoint's challenges in a row count over workers.
        allowed = self.policy.retries if self.challenge_allowance is None else self.challenge_allowance
        if gate.strike(challenge, allowed) or tries.failures > self.policy.retries:
            raise Blocked(f"{urlsplit(url).netloc} answered with a {challenge} instead of content"
                          f" ({tries.failures} attempts)", url=url)
        # AWS WAF's captcha/challenge is usually rate-based and lifts after a pause, so a few
        # spaced-out retries (behind the pause above) are worth their cost.

    def _archive_failed(self, resp: requests.Response, tries: "_Tries", url: str) -> None:
        """The archive's own 5xx, not a captured one: worth retrying."""
        self.stats["5xx"] += 1
        wait = retry_after_seconds(resp.headers.get("Retry-After"))
        status = resp.status_code
        resp.close()
        self._back_off(tries, f"{urlsplit(url).netloc} answered HTTP {status} after {tries.failures + 1} attempts",
                       url, wait=wait)

    def _back_off(self, tries: "_Tries", message: str, url: str, wait: float | None = None) -> None:
        tries.failures += 1
        if tries.failures > self.policy.retries:
            raise NetworkError(message, url=url)
        policy = self.policy
        time.sleep(min(wait, policy.max_retry_after) if wait is not None else policy.backoff * 2 ** (tries.failures - 1))

    def read_body(self, resp: requests.Response, *, keep: int | None = None, limit: int | None = None) -> Body:
        """Stream a body, hashing as it goes; stop at the size cap. Raises NetworkError when the
        body is cut short (fewer bytes than Content-Length, a reset) or stalls for `timeout`."""
        limit = self.policy.max_bytes if limit is None else limit
        keep = self.policy.keep_bytes if keep is None else keep
        digest = hashlib.sha256()
        kept: list[bytes] | None = []
        # (watch, #4) A body announced as larger than `keep` will not be kept: don't buffer the
        # first `keep` bytes (32 MB by default) only to drop them.
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > keep:
            kept = None
        head = b""
        length = 0
        window_start = time.monotonic()
        window_bytes = 0
        # read1 returns whatever has arrived, so a trickling body cannot hide inside one read.
        has_read1 = hasattr(resp.raw, "read1")
        try:
            while True:
                if has_read1:
                    chunk = resp.raw.read1(65536, decode_content=True)
                else:
                    chunk = resp.raw.read(65536, decode_content=True)
                if not chunk:
                    break
                if length + len(chunk) > limit:
                    chunk = chunk[: limit - length]
                    digest = None
                length += len(chunk)
                if digest is not None:
                    digest.update(chunk)
                if len(head) < 65536:
                    head += chunk[: 65536 - len(head)]
                if kept is not None:
                    if length <= keep:
                        kept.append(chunk)
                    else:
                        kept = None
                if digest is None:  # the cap was reached
                    return Body(None, length, False, head, None)
                # A trickling body never trips the socket's read timeout; demand progress instead.
                window_bytes += len(chunk)
                now = time.monotonic()
                if now - window_start > self.policy.timeout:
                    if window_bytes < 1024:
                        raise IncompleteBody(f"the body stalled ({length} bytes in)", url=resp.url)
                    window_start, window_bytes = now, 0
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise IncompleteBody(f"the body was cut short after {length} bytes ({_describe(exc)})", url=resp.url) from None
        finally:
            resp.close()
        return Body(digest.hexdigest(), length, True, head, b"".join(kept) if kept is not None else None)

    def read_head(self, resp: requests.Response, limit: int = 262_144) -> bytes:
        """The first `limit` bytes of an answer we only need to read, not keep (an archive's own
        page), then close it. Works after `waf_challenge` has peeked at the body."""
        if not (getattr(resp, "_content_consumed", False) and isinstance(resp._content, bytes)):
            return self.read_body(resp, keep=limit, limit=limit).head
        head = resp._content[:limit]
        try:  # the peek took the first 64 KiB; the rest (up to `limit`) is still on the wire
            while len(head) < limit:
                chunk = resp.raw.read(min(65536, limit - len(head)), decode_content=True)
                if not chunk:
                    break
                head += chunk
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            raise IncompleteBody(f"the body was cut short after {len(head)} bytes ({_describe(exc)})",
                                 url=resp.url) from None
        finally:
            resp.close()
        return head

    def read_text(self, resp: requests.Response, *, limit: int = 50_000_000) -> str:
        """Read a whole index response (CDX, TimeMap) as text, capped."""
        body = self.read_body(resp, keep=limit, limit=limit)
        if not body.complete or body.data is None:
            raise NetworkError(f"index response larger than {limit} bytes", url=resp.url)
        try:
            return body.data.decode(resp.encoding or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know (or two Content-Type headers merged)
            return body.data.decode("utf-8", errors="replace")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def captured(resp: requests.Response) -> bool:
    """Is this answer a capture (it names one in Memento-Datetime), not the archive speaking?"""
    return "Memento-Datetime" in resp.headers


def waf_challenge(resp: requests.Response) -> str | None:
    """Name the challenge if this response is a WAF/captcha page rather than an answer.

    UKGWA sits behind AWS WAF, which answers 405 with `x-amzn-waf-action: captcha` (or 202 with
    `challenge`). A captured page never carries that header; a 202/403 without Memento-Datetime
    whose body reads like a challenge page is treated the same.
    """
    if captured(resp):  # a raw replay passes the site's own headers through, WAF ones included
        return None
    action = resp.headers.get("x-amzn-waf-action")
    if action:
        return f"{action.lower()} (WAF)"
    if resp.status_code in (202, 403, 405):
        peek = resp.raw.read(65536, decode_content=True) or b""
        # Keep what we peeked so callers can still read the body (requests' own cache slot).
        resp._content = peek
        resp._content_consumed = True
        lowered = peek.lower()
        if any(marker in lowered for marker in _CHALLENGE_MARKERS):
            return "captcha challenge"
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed or was reset"
    return exc.__class__.__name__
