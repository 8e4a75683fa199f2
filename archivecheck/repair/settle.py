"""The archive decides, not the guess: put a link's candidate readings to an archive's index.

Exact lookups first (one index request each, so only a few), then one prefix query on the longest
stretch the damage did not touch, compared with the readings ignoring what damage blurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .readings import Reading

# Exact lookups cost one index request each; beyond these we ask one prefix query instead.
MAX_EXACT_LOOKUPS = 8


@runtime_checkable
class ArchiveIndex(Protocol):
    """What repair needs to ask an archive (``index.CdxIndex`` implements it over CDX).

    ``holds(url)``: ``url`` is an archive link (public form; ask that archive) or an original URL
    (ask any); True if any capture of that original exists — the timestamp need not match, since
    archives serve the nearest capture. None: could not ask.

    ``originals_under(url_prefix)``: the original URLs held under a prefix (a CDX prefix query).
    ``url_prefix`` is, like ``holds``' argument, an archive-link prefix in public form (ask that
    archive about the original part) or an original-URL prefix. None: could not ask.
    """

    def holds(self, url: str) -> bool | None: ...

    def originals_under(self, url_prefix: str) -> list[str] | None: ...


@dataclass(frozen=True)
class Settlement:
    """What the index said: ``choice`` is a reading's rank or an archive-held URL."""

    choice: int | str
    confirmed: bool | None
    note: str | None
    also_held: tuple[str, ...] = ()  # other readings the index holds too: the archive cannot decide


def match_key(url: str) -> str:
    """Compare originals ignoring scheme, www., case and hyphens (the things damage blurs)."""
    url = re.sub(r"^[a-z]+:/*", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.replace("-", "").lower().rstrip("/")


def settle(readings: list[Reading], original_start: int, first_point: int | None, index: ArchiveIndex) -> Settlement:
    """Ask the index which reading exists."""
    could_not_ask = False
    for position, reading in enumerate(readings[:MAX_EXACT_LOOKUPS]):
        held = index.holds(reading.url)
        if held:
            also = _also_held(readings, position, index)
            if also:
                return Settlement(position, True, f"the archive holds {len(also) + 1} of the readings: it cannot decide",
                                  also_held=also)
            if position == 0:
                return Settlement(0, True, None)
            return Settlement(position, True, f"the archive holds reading {position + 1} of {len(readings)}, not the likeliest by syntax")
        if held is None:
            could_not_ask = True
    # Prefix query on the longest stretch the damage did not touch, cut back to a path boundary.
    best = readings[0].url
    cut = len(best) if first_point is None else first_point
    slash = best.rfind("/", 0, cut)
    host_end = best.find("/", best.find("//", original_start) + 2) if "//" in best[original_start:] else -1
    prefix = best[: slash + 1] if slash >= max(host_end, original_start) else best[: max(host_end + 1, original_start)]
    held_originals = index.originals_under(prefix)
    if held_originals is None:
        could_not_ask = True
    else:
        keys = {match_key(r.url[original_start:]) for r in readings}
        matches = [original for original in held_originals if match_key(original) in keys]
        if matches:
            exact = [m for m in matches if any(m == r.url[original_start:] for r in readings)]
            candidates = list(dict.fromkeys(exact or matches))
            chosen = candidates[0]
            if len(candidates) > 1:
                # Several spellings held that damage could blur into this text ("uni-versities"
                # beside "universities"): the archive cannot decide either.
                others = tuple(best[:original_start] + other for other in candidates[1:])
                return Settlement(best[:original_start] + chosen, True,
                                  f"the archive holds {len(candidates)} spellings this text may be: it cannot decide",
                                  also_held=others)
            return Settlement(best[:original_start] + chosen, True, "spelling settled by the archive's index (prefix match)")
    if could_not_ask:
        return Settlement(0, None, "the archive index could not be asked; best reading by syntax, unconfirmed")
    many = f"none of the {len(readings)} readings" if len(readings) > 1 else "no capture of this link"
    return Settlement(0, False, f"the archive holds {many}; best reading by syntax shown, unconfirmed")


def _also_held(readings: list[Reading], found: int, index: ArchiveIndex) -> tuple[str, ...]:
    """The other plausible readings (those an uncertain answer would list) that the index holds
    too. Two spellings held — "Greenbook" and "Green-book" — and the archive settles nothing."""
    others = [r for r in readings[found + 1 : MAX_EXACT_LOOKUPS] if r.plausible]
    return tuple(r.url for r in others if index.holds(r.url))


def diff_names(joined: str, chosen: str) -> list[str]:
    """Repairs that turn ``joined`` into ``chosen`` (an archive record differing in hyphens/case)."""
    names = []
    if chosen.count("-") > joined.count("-"):
        names.append("hyphen-restored")
    elif chosen.count("-") < joined.count("-"):
        names.append("hyphen-removed")
    if chosen.replace("-", "") != joined.replace("-", ""):
        names.append("archive-match")
    return names
