"""The archive decides, not the guess: put a link's candidate readings to an archive's index.

Exact lookups first (one index request each, so only a few), then one prefix query on the longest
stretch the damage did not touch, compared with the readings ignoring what damage blurs.

``respell``: when the index holds no capture of a link as written, one prefix query on the link's
directory for what the text may have lost without trace (docs/damage-model.md, row 22).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..wordsplit import best_split
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
    consumed: int = 0  # (respell) characters of the text after the link that belong to it


def match_key(url: str) -> str:
    """Compare originals ignoring scheme, www., case and hyphens (the things damage blurs), and the
    fragment (indexes do not record it)."""
    url = url.split("#", 1)[0]
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
    # A hyphen dropped without trace can sit before the first decision point too: ask no more
    # narrowly than respell would (the last segment, or a directory of two words run together).
    widest = _directory(best, original_start)
    if widest is not None and len(widest) < len(prefix):
        prefix = widest
    held_originals = index.originals_under(prefix)
    if held_originals is None:
        could_not_ask = True
    else:
        keys: dict[str, str] = {}
        for r in readings:  # each key's likeliest reading, for the fragment the index does not hold
            keys.setdefault(match_key(r.url[original_start:]), r.url[original_start:])
        matches = [original for original in held_originals if match_key(original) in keys]
        if matches:
            exact = [m for m in matches if any(m == r.url[original_start:] for r in readings)]
            candidates = [_with_fragment(m, keys[match_key(m)]) for m in dict.fromkeys(exact or matches)]
            candidates = list(dict.fromkeys(candidates))
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


def _with_fragment(held: str, reading: str) -> str:
    """The held original written as the reading writes its scheme and "www." (the index prints
    its own form: "https://" for IA's "https:/"), with the reading's fragment (it records none)."""
    held = _HEAD.match(reading).group() + held[_HEAD.match(held).end():]
    if "#" in held or "#" not in reading:
        return held
    return held + "#" + reading.split("#", 1)[1]


def _also_held(readings: list[Reading], found: int, index: ArchiveIndex) -> tuple[str, ...]:
    """The other plausible readings (those an uncertain answer would list) that the index holds
    too. Two spellings held — "Greenbook" and "Green-book" — and the archive settles nothing.
    Counted among the plausible ones, not by rank: with a doubtful cut point beside a doubtful
    hyphen, the text's own spelling can rank ninth behind implausible combinations (fold-4307)."""
    page = readings[found].url.split("#", 1)[0]
    # A reading that differs only in its fragment is not asked: indexes do not record fragments,
    # so the answer would say nothing (the fragment stays in doubt: repair's _fragment_in_doubt).
    others = [r for r in readings[found + 1 :] if r.plausible and r.url.split("#", 1)[0] != page]
    return tuple(r.url for r in others[: MAX_EXACT_LOOKUPS - 1] if index.holds(r.url))


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


# ----- respell: the archive holds no capture of the link as written ----------------------------

# What comes before the part compared: the scheme (IA prints "https:/host") and "www.".
_HEAD = re.compile(r"^(?:[a-z][a-z0-9+.-]*:/*)?(?:www\.)?", re.IGNORECASE)
_ESCAPED = re.compile(r"%([0-9A-Fa-f]{2})")
# How much of the text after a link may hold its rest (a re-wrap's space, a blank line, "> ").
FOLLOWING_LIMIT = 400
HYPHEN = ord("-")


def respell(url: str, original_start: int, index: ArchiveIndex, following: str = "") -> Settlement | None:
    """The link as written (``url``; its original starts at ``original_start``) is not in the index:
    ask once for the originals under its directory and find what the text may have been.

    A pipeline can drop a link's hyphen without trace (pdftotext's default mode joins a line-end
    hyphen with the next line, the link's own included), so a held original the written one becomes
    by deleting hyphens is a reading the archive vouches for. And a re-wrap can end a link early,
    its rest after a space or a blank line ("…/World-C up-Stats"): a held original that is the
    written one followed by exactly what the text says next is its rest. Nothing else is compared:
    a letter, a case or a "_" that differs is another document, never damage a tool does silently.

    Returns None when nothing held fits (or the index could not be asked); a confirmed Settlement
    naming the one held spelling; or, when several fit, the first with the others in ``also_held``
    and a note that the archive cannot decide. Costs one index request (a prefix query).
    """
    prefix = _directory(url, original_start)
    if prefix is None:
        return None
    held = index.originals_under(prefix)
    if not held:
        return None
    head = url[:original_start] + _HEAD.match(url[original_start:]).group()
    written = _units(url[len(head):])
    respelled: dict[str, int] = {}
    rests: dict[str, int] = {}
    text_after = _text_units(following[:FOLLOWING_LIMIT])
    for original in held:
        units = _units(original[_HEAD.match(original).end():])
        spelled = _with_hyphens(written, units)
        if spelled is not None:
            respelled.setdefault(head + spelled[0], spelled[1])
            continue
        rest = _rest_in_text(written, units, text_after, following[:FOLLOWING_LIMIT])
        if rest is not None:
            rests.setdefault(head + "".join(raw for raw, _ in written) + rest[0], rest[1])
    if respelled:
        # Fewest hyphens put back first: each is a line end the text no longer shows.
        ranked = sorted(respelled, key=lambda spelling: respelled[spelling])
        if len(ranked) == 1:
            return Settlement(ranked[0], True, "the archive holds no capture of the link as written, and one spelling "
                                               "differing only by hyphens a text extractor drops without trace")
        return Settlement(ranked[0], True, f"the archive holds no capture of the link as written, and {len(ranked)} "
                                           "spellings differing only by hyphens: it cannot decide",
                          also_held=tuple(ranked[1:]))
    if rests:
        ranked = sorted(rests, key=len, reverse=True)
        if len(ranked) == 1:
            return Settlement(ranked[0], True, "the archive holds no capture of the link as written, but one of it "
                                               "followed by what the text says next: the link went on",
                              consumed=rests[ranked[0]])
        return Settlement(ranked[0], True, f"the archive holds {len(ranked)} links that the text after this one "
                                           "may finish: it cannot decide", also_held=tuple(ranked[1:]),
                          consumed=rests[ranked[0]])
    return None


def _directory(url: str, original_start: int) -> str | None:
    """The prefix to ask: the link up to its last path segment (or the last before a closing "/"),
    and that segment's first character when it is a letter or digit — a hyphen can be lost after
    it, never before — so the answer lists that segment's spellings, not the whole directory.
    A segment above it holding two common words run together ("…/pressreleases/…") may have lost
    its hyphen too: the query then starts at that segment instead. None without a path."""
    original = url[original_start:]
    start = _HEAD.match(original).end()
    host_end = original.find("/", start)
    if host_end < 0:
        return None
    path_end = len(original)
    for mark in "?#":
        at = original.find(mark, host_end)
        if at >= 0:
            path_end = min(path_end, at)
    slash = max(original.rfind("/", host_end, len(original[:path_end].rstrip("/"))), host_end)
    for segment in _SEGMENT.finditer(original, host_end, slash):
        if any(best_split(run.group().lower()) for run in _RUN.finditer(segment.group())):
            slash = segment.start() - 1
            break
    first = original[slash + 1 : slash + 2]
    return url[: original_start + slash + 1] + (first if first.isascii() and first.isalnum() else "")


_SEGMENT = re.compile(r"[^/]+")
_RUN = re.compile(r"[a-z]+|[A-Z][a-z]+|[A-Z]+(?![a-z])")  # "pressReleases": each word its own run


def _units(text: str) -> list[tuple[str, int]]:
    """(raw text, byte) per byte of ``text`` as a URL means it: "%E0" and "à" both a byte of
    UTF-8, so an original the index prints escaped compares with one written plainly. The raw text
    sits on a character's first byte; the host is compared without case."""
    units: list[tuple[str, int]] = []
    host_end = text.find("/")
    host_end = len(text) if host_end < 0 else host_end
    position = 0
    while position < len(text):
        escaped = _ESCAPED.match(text, position)
        if escaped:
            units.append((escaped.group(), int(escaped.group(1), 16)))
            position = escaped.end()
            continue
        char = text[position]
        if position < host_end:
            char = char.lower()
        encoded = char.encode("utf-8", "surrogatepass")
        units.append((text[position], encoded[0]))
        units.extend(("", byte) for byte in encoded[1:])
        position += 1
    return units


def _with_hyphens(written: list[tuple[str, int]], held: list[tuple[str, int]]) -> tuple[str, int] | None:
    """The written text with the hyphens put back that make it ``held`` (and how many), or None
    when ``held`` is not the written text plus hyphens."""
    out: list[str] = []
    i = added = 0
    for raw, byte in held:
        if i < len(written) and written[i][1] == byte:
            out.append(written[i][0])
            i += 1
        elif byte == HYPHEN:
            out.append("-")
            added += 1
        else:
            return None
    rest = written[i:]
    if rest and "".join(raw for raw, _ in rest) != "/":  # a closing "/" the index does not print
        return None
    out.extend(raw for raw, _ in rest)
    return ("".join(out), added) if added else None


def _text_units(text: str) -> list[tuple[int, int, str]]:
    """(offset, byte, character) of the text after a link, skipping what a re-wrap puts inside one:
    white space and a reply's ">" at a line's start."""
    out: list[tuple[int, int, str]] = []
    line_start = True
    for offset, char in enumerate(text):
        if char in "\r\n":
            line_start = True
            continue
        if char.isspace() or (line_start and char == ">"):
            continue
        line_start = False
        for byte in char.encode("utf-8", "surrogatepass"):
            out.append((offset, byte, char))
    return out


def _rest_in_text(written: list[tuple[str, int]], held: list[tuple[str, int]],
                  text_after: list[tuple[int, int, str]], following: str) -> tuple[str, int] | None:
    """(the rest as the text writes it, characters of ``following`` it takes) when ``held`` is the
    written link followed by what the text says next, after a gap, up to where the text's word
    ends; else None."""
    if len(held) <= len(written) or any(w[1] != h[1] for w, h in zip(written, held)):
        return None
    rest = held[len(written):]
    if len(rest) > len(text_after) or text_after[0][0] == 0:
        return None  # no gap after the link: the link did not end early, the text just goes on
    if any(byte != text_after[k][1] for k, (_, byte) in enumerate(rest)):
        return None
    end = text_after[len(rest) - 1][0] + 1
    if len(rest) < len(text_after) and text_after[len(rest)][0] < end:
        return None  # the match ends inside a character
    if end < len(following) and not (following[end].isspace() or following[end] in _AFTER_A_LINK):
        return None  # the text's word goes on past the held link ("…reports-and-more"): another link
    offsets = dict.fromkeys(text_after[k][0] for k in range(len(rest)))
    return "".join(following[offset] for offset in offsets), end


# What may stand right after a link in prose.
_AFTER_A_LINK = ".,;:!?)]}>'\"\u201d\u2019"
