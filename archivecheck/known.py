"""Public web archives recognised out of the box, beside those this tool checks (the data file
archivecheck/data/known_archives.toml: each entry with its source and date).

A link into one of them is an archive link. It is never "not archived" (the first version looked
for captures *of the archive link itself* in UKGWA and the Wayback Machine, and found none). The
contract's statuses are fixed, so such a link is `unverifiable`, and its detail names the archive
and says this service does not check it; declaring the archive in the config file makes the
registry take the link, and it is then checked like any other.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .archives import normalise_original


@dataclass(frozen=True)
class KnownArchive:
    name: str
    label: str
    prefixes: tuple[str, ...]
    base: str | None = None  # the replay base to declare in the config file to have it checked
    dialect: str | None = None
    note: str | None = None
    source: str = ""
    seen: str = ""
    examples: tuple[str, ...] = ()

    def detail(self) -> str:
        """The sentence for the caseworker: which archive, that it was not checked, what to do."""
        text = f"An archive link into {self.label}, which this service does not check: open it to confirm it shows the document"
        if self.note:
            text += f" ({self.note})"
        text += "."
        if self.base and self.dialect in ("pywb", "memento"):
            text += (f" To have such links checked, declare the archive in the config file: "
                     f"[archives.{self.name}] base = \"{self.base}\"" + (f", dialect = \"{self.dialect}\"" if self.dialect != "pywb" else "")
                     + ".")
        return text


@lru_cache(maxsize=1)
def known_archives() -> tuple[KnownArchive, ...]:
    raw = resources.files("archivecheck.data").joinpath("known_archives.toml").read_text(encoding="utf-8")
    return tuple(KnownArchive(**{**entry, "prefixes": tuple(p.lower() for p in entry["prefixes"]),
                                 "examples": tuple(entry.get("examples", ()))})
                 for entry in tomllib.loads(raw)["archive"])


def _bare(url: str) -> str:
    bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    return bare[4:] if bare.lower().startswith("www.") else bare


def known_archive(url: str) -> KnownArchive | None:
    """The known public archive `url` points into, or None (longest prefix wins)."""
    lowered = _bare(url).lower()
    best = None
    for archive in known_archives():
        for prefix in archive.prefixes:
            if lowered.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, archive)
    return best[1] if best else None


_DATED = re.compile(r"^(?:[^/]+/)??(?:\d{4}[\d.\-]*\d|\d{4,14})(?:[a-z]{2}_)?/(?P<original>(?:https?:/+|[a-z0-9-]+\.)\S+)$",
                    re.IGNORECASE)


def embedded_original(url: str, archive: KnownArchive) -> str | None:
    """The original URL inside a dated link (`{base}{timestamp}/{original}`, an Archive-It
    collection number or archive.today's dotted date allowed), or None for a short code."""
    bare = _bare(url)
    prefix = next(p for p in sorted(archive.prefixes, key=len, reverse=True) if bare.lower().startswith(p))
    match = _DATED.match(bare[len(prefix):])
    return normalise_original(match.group("original")) or None if match else None
