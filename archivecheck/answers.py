"""What an archive answered, in one vocabulary: the taxonomy verify, resolve, audit and watch share.

Only the transient answers make a link `unverifiable`; a permanent one (no capture, an exclusion)
is a verdict, so a nightly job does not report an excluded URL as "could not decide" for ever.

How archive-side refusals look (as recorded from the archives, see fixtures/recorded/README.md):
- the Wayback Machine serves an excluded URL's replay as HTTP 200 text/html *without*
  Memento-Datetime, "Sorry. This URL has been excluded from the Wayback Machine.";
- its CDX server answers 403 with "AdministrativeAccessControlException: Blocked Site Error" (also
  in the X-Archive-Wayback-Runtime-Error header), or "RobotAccessControlException: Blocked By
  Robots" for a robots.txt exclusion;
- pywb answers an access-controlled URL with HTTP 451.
None of these carries Memento-Datetime: a captured page that happens to say "blocked" is a capture.
"""

from __future__ import annotations

import enum
import re

from .errors import ArchiveCheckError, Blocked, NetworkError, RateLimited


class Answer(str, enum.Enum):
    """The kind of answer an archive gave about one URL."""

    CAPTURE = "capture"  # it served a capture (which the judge may still find is not the document)
    NO_CAPTURE = "no_capture"  # it holds no capture at that address
    EXCLUDED = "excluded"  # it holds or held one but will not serve it: blocked, excluded, robots
    RATE_LIMITED = "rate_limited"  # its own 429 did not clear within our wait budget
    CHALLENGED = "challenged"  # a WAF/captcha answered instead of the archive
    FAILED = "failed"  # no answer: connection, timeout, 5xx, a body cut short, an unreadable index

    @property
    def transient(self) -> bool:
        """Worth asking again later: the only answers that make a link `unverifiable`."""
        return self in (Answer.RATE_LIMITED, Answer.CHALLENGED, Answer.FAILED)


class Excluded(ArchiveCheckError):
    """The archive refuses this URL for good (blocked site, exclusion, robots). Not a NetworkError:
    asking again will not change the answer."""

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.url = url


def answer_for_error(exc: ArchiveCheckError) -> Answer:
    """The taxonomy's name for an exception the session or an index reader raised."""
    if isinstance(exc, Excluded):
        return Answer.EXCLUDED
    if isinstance(exc, RateLimited):
        return Answer.RATE_LIMITED
    if isinstance(exc, Blocked):
        return Answer.CHALLENGED
    if isinstance(exc, NetworkError):
        return Answer.FAILED
    return Answer.FAILED


# Markers of an archive's own refusal page or header, each with the reason we report.
_REFUSALS = (
    (re.compile(r"AdministrativeAccessControlException|Blocked Site Error", re.I),
     "the archive has blocked this site"),
    (re.compile(r"RobotAccessControlException|Blocked By Robots|(cannot\s+be\s+(crawled\s+or\s+)?displayed|blocked|"
                r"excluded)\s+(due\s+to|by)\s+(the\s+site's\s+)?robots\.txt", re.I),
     "the archive withholds it because of the site's robots.txt"),
    (re.compile(r"has been excluded from the Wayback Machine|URL has been excluded", re.I),
     "the archive has excluded this URL"),
)


def refusal_reason(status: int, headers, text: str) -> str | None:
    """Why an archive's own answer (no Memento-Datetime) is a permanent refusal, or None.

    `headers` is any case-insensitive mapping; `text` the body as far as read (the Wayback Machine's
    notice comes after 50-130 KB of toolbar and scripts)."""
    if "Memento-Datetime" in headers:
        return None  # a capture, whatever it says
    said = f"{headers.get('X-Archive-Wayback-Runtime-Error', '')}\n{text}"
    for pattern, reason in _REFUSALS:
        if pattern.search(said):
            return reason
    if status == 451:
        return "the archive withholds it (HTTP 451)"
    return None
