"""Typed, immutable records that flow through the pipeline; serialised in report.py only."""

from __future__ import annotations

import email.utils
import enum
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone


class Status(str, enum.Enum):
    """A link's verdict (CONTRACT.md, "Statuses")."""

    OK = "ok"
    BROKEN = "broken"
    NOT_ARCHIVED = "not_archived"
    UNVERIFIABLE = "unverifiable"


class Kind(str, enum.Enum):
    MEMENTO = "memento"
    ORIGINAL = "original"


@dataclass(frozen=True)
class CdxRecord:
    """One capture as an archive's index describes it, whichever CDX dialect it came from."""

    original: str
    timestamp: str  # 14 digits
    mime: str | None
    status: int | None  # None where the index says "-" (revisits, warcinfo)
    digest: str | None
    length: int | None

    @property
    def datetime(self) -> datetime:
        return timestamp_to_datetime(self.timestamp)

    @property
    def sha1(self) -> str | None:
        """The payload's base32 SHA-1 as the index gives it (IA and pywb both), without a `sha1:`
        prefix; comparable with a body's own SHA-1 and across archives."""
        return self.digest.removeprefix("sha1:").upper() if self.digest else None


# The contract's result record, in its order (CONTRACT.md, "The result record").
CONTRACT_FIELDS = (
    "input", "url", "repairs", "kind", "original_url", "archive", "memento_url", "memento_datetime",
    "status", "http_status", "content_type", "content_length", "sha256", "title", "suggestion",
    "checked_at", "detail",
)


# How a record's detail says the judge doubted a good capture (#17 item 5): the record keeps the
# contract's `ok`, and every report, page and count reads the doubt back from these words.
DOUBT_MARK = " Unsure: "


@dataclass(frozen=True)
class Result:
    """One record per link: the contract's result record, field for field."""

    input: str
    url: str
    repairs: tuple[str, ...]
    kind: Kind
    original_url: str | None
    archive: str | None
    memento_url: str | None
    memento_datetime: str | None
    status: Status
    http_status: int | None
    content_type: str | None
    content_length: int | None
    sha256: str | None
    title: str | None
    suggestion: str | None
    checked_at: str
    detail: str
    # A repaired link whose reading neither syntax nor an archive's index could settle: `url` is
    # only the likeliest reading, `alternatives` the others. Records carry them only when set.
    uncertain: bool = False
    alternatives: tuple[str, ...] = ()
    # (#20) The archive (name) that asked for human verification instead of answering, when that is
    # why the link is unverifiable; records carry it only when set.
    challenged_by: str | None = None

    @property
    def result(self) -> "Result":
        """A Result is a record (see records.py) that adds nothing to itself."""
        return self

    @property
    def doubted(self) -> bool:
        """An `ok` whose capture the judge doubted (its detail says so after DOUBT_MARK): a person
        should open it before citing it, so no report counts or shows it as plainly working."""
        return self.status is Status.OK and DOUBT_MARK in (self.detail or "")

    def added_fields(self) -> dict:
        return {}

    def to_dict(self) -> dict:
        """The record as the contract names it (enums as strings); `uncertain` and `alternatives`
        only when the reading is uncertain. Commands' own fields: records.py."""
        out = {}
        for f in fields(self):
            if f.name in ("uncertain", "alternatives") and not self.uncertain:
                continue
            if f.name == "challenged_by" and self.challenged_by is None:
                continue
            value = getattr(self, f.name)
            if isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp_to_datetime(ts: str) -> datetime:
    """14-digit (or partial, padded) archive timestamp → aware UTC datetime."""
    digits = pad_timestamp(ts)
    return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def timestamp_to_iso(ts: str) -> str:
    return timestamp_to_datetime(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def pad_timestamp(ts: str) -> str:
    """Partial timestamps (Wayback accepts 4–14 digits) name the earliest moment they cover."""
    ts = ts[:14]
    template = "00000101000000"
    padded = ts + template[len(ts):]
    # A month or day of 00 is not a date: clamp to 01 so strptime accepts it.
    if padded[4:6] == "00":
        padded = padded[:4] + "01" + padded[6:]
    if padded[6:8] == "00":
        padded = padded[:6] + "01" + padded[8:]
    return padded


def datetime_to_timestamp(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date (Memento-Datetime, Retry-After, a TimeMap's datetime=) as aware UTC, or None."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)
