"""Ask the Wayback Machine to capture a live URL: the Save Page Now 2 (SPN2) job API.

Why SPN2 and not waybackpy's `WaybackMachineSaveAPI`: waybackpy hard-codes web.archive.org (so it
cannot follow `--archive wayback=URL`, which tests and mirrors rely on), sets no timeouts, bypasses
our one session (rate limits, 429 handling, User-Agent), and drives the legacy `GET /save/URL`,
guessing the capture from response headers. SPN2 gives a job id and a status to poll, so we know
exactly which capture was made, or why not.

    POST {scheme}://{host}/save          url=<original>   Accept: application/json
         [Authorization: LOW <access key>:<secret key>]   → {"url": …, "job_id": "spn2-…"}
                                                             or {"status": "error", "message": …}
    GET  {scheme}://{host}/save/status/<job_id>           → {"status": "pending" | "success" | "error",
                                                              "timestamp": "2024…", "original_url": …}

`{scheme}://{host}` is that of the (possibly remapped) wayback replay base. Keys come from
`ARCHIVECHECK_IA_ACCESS_KEY` / `ARCHIVECHECK_IA_SECRET_KEY` (archive.org → account → S3 keys);
without them the request is anonymous, which IA allows at a lower rate. Submissions go through the
session's `save` rate limit ([network].save_per_minute, default 4); a 429 is waited out as the
session does everywhere, and one that does not clear stops further submissions in this run.
The UK Government Web Archive has no public save API: The National Archives decides what it crawls.
"""

from __future__ import annotations

import enum

import json
import os
import time
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

from .archives import Archive
from .errors import NetworkError, RateLimited
from .http import REPLAY, SAVE, ArchiveSession
from .models import utc_now_iso

ENV_ACCESS = "ARCHIVECHECK_IA_ACCESS_KEY"
ENV_SECRET = "ARCHIVECHECK_IA_SECRET_KEY"

class SaveStatus(enum.StrEnum):
    """What became of one capture request (a `str` enum: compares and serialises as its value)."""

    PENDING = "pending"
    SUCCESS = "success"
    ERROR = "error"
    RATE_LIMITED = "rate-limited"
    TIMED_OUT = "timed-out"
    WOULD_SAVE = "would-save"
    NOT_SUBMITTED = "not-submitted"
    ASK_TNA = "ask The National Archives"


# Short names kept for the modules and tests that use them.
PENDING, SUCCESS, ERROR = SaveStatus.PENDING, SaveStatus.SUCCESS, SaveStatus.ERROR
RATE_LIMITED, TIMED_OUT, WOULD_SAVE = SaveStatus.RATE_LIMITED, SaveStatus.TIMED_OUT, SaveStatus.WOULD_SAVE
NOT_SUBMITTED, ASK_TNA = SaveStatus.NOT_SUBMITTED, SaveStatus.ASK_TNA
UKGWA_REASON = ("the UK Government Web Archive has no public save API; The National Archives "
                "decides what it crawls, so ask them to capture it")


@dataclass(frozen=True)
class SaveJob:
    """One capture request and what became of it. `timestamp` is the new capture's (14 digits)."""

    url: str
    archive: str
    status: SaveStatus
    job_id: str | None = None
    timestamp: str | None = None
    submitted_at: str | None = None
    message: str | None = None

    @property
    def done(self) -> bool:
        return self.status != PENDING

    def to_dict(self) -> dict:
        return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in self.__dict__.items() if v is not None}


def ask_tna(url: str) -> SaveJob:
    return SaveJob(url, "ukgwa", ASK_TNA, message=UKGWA_REASON)


class SavePageNow:
    """SPN2 client bound to one session and the wayback archive (remapped or not)."""

    def __init__(self, session: ArchiveSession, archive: Archive, *, poll_interval: float = 6.0,
                 timeout: float = 300.0, environ: dict | None = None):
        environ = os.environ if environ is None else environ
        parts = urlsplit(archive.request_base)
        self.endpoint = f"{parts.scheme}://{parts.netloc}/save"
        self.session, self.archive = session, archive
        self.poll_interval, self.timeout = poll_interval, timeout
        self.headers = {"Accept": "application/json"}
        key, secret = environ.get(ENV_ACCESS), environ.get(ENV_SECRET)
        if key and secret:
            self.headers["Authorization"] = f"LOW {key}:{secret}"

    def submit(self, url: str) -> SaveJob:
        """Start a capture job. Raises RateLimited when IA's 429s do not clear."""
        submitted = utc_now_iso()
        try:
            resp = self.session.send("POST", self.endpoint, endpoint=SAVE, headers=self.headers,
                                     data={"url": url})
            reply = self._json(resp)
        except RateLimited:
            raise
        except NetworkError as exc:
            return SaveJob(url, self.archive.name, ERROR, submitted_at=submitted, message=str(exc))
        if reply.get("job_id"):
            return SaveJob(url, self.archive.name, PENDING, str(reply["job_id"]), submitted_at=submitted)
        message = reply.get("message") or reply.get("status_ext") or "no job id in the reply"
        return SaveJob(url, self.archive.name, ERROR, submitted_at=submitted, message=str(message))

    def poll(self, job: SaveJob) -> SaveJob:
        """Ask once how a pending job is doing; network trouble leaves it pending."""
        status_url = f"{self.endpoint}/status/{quote(job.job_id or '', safe='')}"
        try:
            reply = self._json(self.session.get(status_url, endpoint=REPLAY, headers=self.headers))
        except NetworkError:
            return job
        status = reply.get("status")
        if status == SUCCESS and reply.get("timestamp"):
            return replace(job, status=SUCCESS, timestamp=str(reply["timestamp"]))
        if status == ERROR:
            return replace(job, status=ERROR, message=str(reply.get("message") or reply.get("status_ext") or ""))
        return job

    def wait(self, jobs: list[SaveJob]) -> list[SaveJob]:
        """Poll pending jobs until each is done or `timeout` passes; same order back."""
        deadline = time.monotonic() + self.timeout
        jobs = list(jobs)
        while any(not j.done for j in jobs):
            if time.monotonic() >= deadline:
                return [j if j.done else replace(j, status=TIMED_OUT,
                                                 message=f"still pending after {self.timeout:g}s")
                        for j in jobs]
            time.sleep(self.poll_interval)
            jobs = [j if j.done else self.poll(j) for j in jobs]
        return jobs

    def _json(self, resp) -> dict:
        status = resp.status_code
        body = self.session.read_body(resp, keep=1_000_000, limit=1_000_000)
        try:
            reply = json.loads((body.data or b"").decode("utf-8", "replace"))
        except ValueError:
            raise NetworkError(f"Save Page Now answered HTTP {status} without JSON", url=self.endpoint) from None
        if not isinstance(reply, dict):
            raise NetworkError("Save Page Now answered unexpected JSON", url=self.endpoint)
        return reply
