"""The records commands hand to renderers: each wraps the contract's `Result` with typed fields.

A record is anything with `.result` (the contract record) and `added_fields()` (the fields the
command adds, JSON-ready, in a fixed order). `Result` itself is such a record, adding nothing. The
one place that flattens a record for output is `report.record_dict`; renderers that want more read
the typed attributes, never string keys.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from .models import Result
from .save import SaveJob


class Change(enum.StrEnum):
    """What a watched link's status tonight means against its last decisive one (watch's report
    sections, in the order it shows them)."""

    NEWLY_BROKEN = "newly_broken"
    NEWLY_NOT_ARCHIVED = "newly_not_archived"
    RECOVERED = "recovered"
    STILL_BROKEN = "still_broken"
    STILL_NOT_ARCHIVED = "still_not_archived"
    UNVERIFIABLE = "unverifiable"
    STILL_OK = "ok"


class SuggestionChange(enum.StrEnum):
    """How a still-broken link's capture to cite instead differs from the last delivered report's."""

    NEW = "new"              # none before, one now
    CHANGED = "changed"      # a different one now
    WITHDRAWN = "withdrawn"  # one before, none now


class Risk(enum.StrEnum):
    """Why a publication team should act on an audited URL."""

    LIVE_UNARCHIVED = "live-unarchived"  # live on its site, no good capture anywhere
    STALE_CAPTURE = "stale-capture"      # live, and changed since its newest good capture


@dataclass(frozen=True)
class ScannedLink:
    """One link in a letter: its check, where it was found, and what to tell the caseworker."""

    result: Result
    file: str
    line: int | None
    page: int | None
    source: str | None            # text, a hyperlink's target, a footnote …
    sentence: str | None = None   # ready for the letter, for an ok link
    warning: str | None = None    # a hyperlink whose target differs from its displayed text
    sentence_html: str | None = None  # the sentence in HTML, its link a Robust Link (robustlinks.py, #22)

    def added_fields(self) -> dict:
        return {"file": self.file, "line": self.line, "page": self.page, "source": self.source,
                "sentence": self.sentence, "warning": self.warning, "sentence_html": self.sentence_html}


@dataclass(frozen=True)
class ArchiveHolding:
    """What one archive's index said about an audited URL."""

    good_captures: int | None      # None when the index could not be read
    newest: str | None = None      # ISO 8601 of the newest good capture
    newest_url: str | None = None  # its replay URL, public form
    error: str | None = None

    def to_dict(self) -> dict:
        if self.error:
            return {"good_captures": None, "error": self.error}
        return {"good_captures": self.good_captures, "newest": self.newest, "newest_url": self.newest_url}


@dataclass(frozen=True)
class LiveFacts:
    """The original URL on its own site, as `live.check_live` found it."""

    live: bool | None              # None: could not tell
    status: int | None = None
    content_type: str | None = None
    length: int | None = None
    checked_with: str | None = None
    redirect: str | None = None


@dataclass(frozen=True)
class AuditFinding:
    """One audited URL: the contract verdict, the live site, every archive's holding, the risk."""

    result: Result
    live: LiveFacts
    archives: Mapping[str, ArchiveHolding]
    good_captures: int | None       # across archives; None when an index could not be read
    newest_capture: str | None
    newest_capture_digest: str | None
    live_sha1: str | None
    digest_match: bool | None
    risk: Risk | None
    saves: tuple[SaveJob, ...] = field(default=())

    def added_fields(self) -> dict:
        return {
            "live": self.live.live, "live_status": self.live.status,
            "live_content_type": self.live.content_type, "live_length": self.live.length,
            "live_checked_with": self.live.checked_with, "live_redirect": self.live.redirect,
            "archives": {name: h.to_dict() for name, h in self.archives.items()},
            "good_captures": self.good_captures, "newest_capture": self.newest_capture,
            "newest_capture_digest": self.newest_capture_digest, "live_sha1": self.live_sha1,
            "digest_match": self.digest_match, "risk": self.risk.value if self.risk else None,
            "saves": [job.to_dict() for job in self.saves],
        }


@dataclass(frozen=True)
class RepairRecord:
    """One link found in a text and its repair (the `repair` command checks nothing, so it has
    no verdict: its record is the repair and where the link was found)."""

    repaired: object          # repair.RepairedLink (typed loosely to keep records.py import-light)
    kind: str                 # "memento" or "original"
    original_url: str | None
    line: int | None
    page: int | None
    source: str | None

    def to_dict(self) -> dict:
        out = {"input": self.repaired.input, "url": self.repaired.url, "repairs": list(self.repaired.repairs),
               "kind": self.kind, "original_url": self.original_url}
        for f in fields(self.repaired):
            if f.name not in out and f.name not in ("start", "end", "line", "furniture"):  # furniture: for rewriting only
                value = getattr(self.repaired, f.name)
                out[f.name] = list(value) if isinstance(value, tuple) else value
        out.update(line=self.line, page=self.page, source=self.source)
        return out


@dataclass(frozen=True)
class ProgressEvent:
    """What every long-running entry point tells its `progress` callback, one shape for all:
    `done` of `total` records are finished (total None while a list is still being read), and
    `record` is the one that just finished."""

    done: int
    total: int | None
    record: object


@dataclass(frozen=True)
class WatchedLink:
    """One link of a watch run: tonight's check and what changed since the last decisive result.

    `change` places it in the report; `suggestion_change` says how the capture to cite instead
    differs from the last delivered report's.
    """

    result: Result
    change: Change
    labels: Mapping[str, str] = field(default_factory=dict)
    previous_status: str | None = None
    previous_checked_at: str | None = None
    reused: bool = False
    reused_from_run: int | None = None
    suggestion_change: SuggestionChange | None = None
    previous_suggestion: str | None = None
    suggestion_searched_at: str | None = None  # when the capture to cite instead was last searched for

    def added_fields(self) -> dict:
        out = {"labels": dict(self.labels), "change": self.change.value, "previous_status": self.previous_status,
               "previous_checked_at": self.previous_checked_at, "reused": self.reused,
               "suggestion_change": self.suggestion_change.value if self.suggestion_change else None,
               "previous_suggestion": self.previous_suggestion}
        if self.suggestion_searched_at is not None:
            out["suggestion_searched_at"] = self.suggestion_searched_at
        if self.reused_from_run is not None:
            out["reused_from_run"] = self.reused_from_run
        return out
