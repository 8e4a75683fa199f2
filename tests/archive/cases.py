"""The capture recipes in fixtures/archive/captures.json, looked up by short id.

``capture("ico_mps_ukgwa")`` is one WARC response record to build; ``link("link_ico_mps")`` is a link
(in public form, as it appears in letters) with the verdict archivecheck should give it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "archive"
RECIPES = FIXTURES / "captures.json"
BODIES = FIXTURES / "bodies"

#: Public replay bases, as links appear in letters (see CONTRACT.md).
PUBLIC_BASES = {
    "ukgwa": "https://webarchive.nationalarchives.gov.uk/ukgwa/",
    "web": "https://web.archive.org/web/",
}
#: archivecheck's archive name for each local collection.
ARCHIVE_NAMES = {"ukgwa": "ukgwa", "web": "wayback"}


@dataclass(frozen=True)
class Capture:
    """One archived HTTP response: what the WARC holds and what the tool should conclude."""

    id: str
    collection: str  # "ukgwa" or "web"
    url: str
    timestamp: str  # 14 digits, UTC
    status: int
    mime: str
    expected: str  # ok | broken | not_archived | unverifiable
    tests: str
    headers: dict = field(default_factory=dict)
    body_file: str | None = None
    body_text: str | None = None

    @cached_property
    def body(self) -> bytes:
        if self.body_file is not None:
            return (BODIES / self.body_file).read_bytes()
        return (self.body_text or "").encode("utf-8")

    @property
    def datetime(self) -> datetime:
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)

    @property
    def iso(self) -> str:
        """``2022-02-01T21:04:13Z``, the form of ``memento_datetime`` in result records."""
        return self.datetime.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def http_date(self) -> str:
        """``Tue, 01 Feb 2022 21:04:13 GMT``, the form of the Memento-Datetime header."""
        return self.datetime.strftime("%a, %d %b %Y %H:%M:%S GMT")

    @property
    def archive(self) -> str:
        """archivecheck's name for the archive holding this capture (``ukgwa`` or ``wayback``)."""
        return ARCHIVE_NAMES[self.collection]

    def replay_path(self, mod: str = "id_", timestamp: str | None = None) -> str:
        """Path on the local archive, e.g. ``/ukgwa/20220201210413id_/https://ico.org.uk/...``."""
        return "/%s/%s%s/%s" % (self.collection, timestamp or self.timestamp, mod, self.url)

    def public_url(self, mod: str = "") -> str:
        """The replay URL as it would be cited: ``https://webarchive.nationalarchives.gov.uk/ukgwa/...``."""
        return "%s%s%s/%s" % (PUBLIC_BASES[self.collection], self.timestamp, mod, self.url)


@dataclass(frozen=True)
class Link:
    """A link as found in a letter, with the verdict archivecheck should reach."""

    id: str
    input: str
    expected: str
    tests: str


def _load() -> tuple[dict[str, Capture], dict[str, Link]]:
    data = json.loads(RECIPES.read_text(encoding="utf-8"))
    captures = {}
    for raw in data["captures"]:
        item = Capture(**raw)
        if item.id in captures:
            raise ValueError("duplicate capture id %r in %s" % (item.id, RECIPES))
        if (item.body_file is None) == (item.body_text is None):
            raise ValueError("capture %r needs exactly one of body_file/body_text" % item.id)
        captures[item.id] = item
    links = {raw["id"]: Link(**raw) for raw in data["links"]}
    return captures, links


CASES, LINKS = _load()


def capture(case_id: str) -> Capture:
    """The capture recipe with this id; KeyError names the known ids when it is unknown."""
    try:
        return CASES[case_id]
    except KeyError:
        raise KeyError("no capture %r; known: %s" % (case_id, ", ".join(sorted(CASES)))) from None


def link(link_id: str) -> Link:
    """The link case with this id."""
    try:
        return LINKS[link_id]
    except KeyError:
        raise KeyError("no link %r; known: %s" % (link_id, ", ".join(sorted(LINKS)))) from None


def captures_in(collection: str) -> list[Capture]:
    """Every capture recipe for one collection (``ukgwa`` or ``web``), in file order."""
    return [c for c in CASES.values() if c.collection == collection]


def captures_of(url: str, collection: str | None = None) -> list[Capture]:
    """Every capture of one original URL, oldest first."""
    found = [c for c in CASES.values() if c.url == url and collection in (None, c.collection)]
    return sorted(found, key=lambda c: (c.collection, c.timestamp))
