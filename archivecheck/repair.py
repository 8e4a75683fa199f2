"""Repair damaged links: undo what word processors, PDF text layers, mail filters and people do to them.

``repair_link`` takes the text a link spanned (line breaks and all) and returns the link it most
likely was. Damage that has one reading (a markdown escape, a space inside a 14-digit timestamp, a
Safe Links wrapper) is undone outright. Damage with several readings — was a hyphen lost at a line
break, or added there by hyphenation? did a slug lose a hyphen? — becomes a bounded set of
candidate readings, ranked offline by word frequency and, when an index is supplied, settled by the
archive: **the archive decides, not the guess**. A repair the archive contradicts is never claimed.

Repair names (``RepairedLink.repairs``), in the order applied:
  html-entity, markdown-escape, html-tag, angle-brackets, quotes, trailing-punctuation,
  typographic-dash, soft-hyphen, zero-width, nbsp, line-break, whitespace, timestamp-space,
  safelinks, proofpoint, google-redirect, hxxp, doubled-scheme, scheme-slashes, scheme-added,
  hyphen-restored, hyphen-removed, archive-match (the archive's record settled the spelling).
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from .textlinks import iter_link_spans, trim_link_end
from .unwrap import unwrap_all
from .wordsplit import best_split, hyphen_preference

__all__ = [
    "ArchiveIndex",
    "RepairedLink",
    "MAX_CANDIDATES",
    "REPAIR_NAMES",
    "repair_link",
    "repair_text",
    "rewrite_text",
]

MAX_CANDIDATES = 64
# Exact lookups cost one index request each; beyond these we ask one prefix query instead.
MAX_EXACT_LOOKUPS = 8
REPAIR_NAMES = (
    "html-entity", "markdown-escape", "html-tag", "angle-brackets", "quotes", "trailing-punctuation",
    "typographic-dash", "soft-hyphen", "zero-width", "nbsp", "line-break", "whitespace",
    "timestamp-space", "safelinks", "proofpoint", "google-redirect", "hxxp", "doubled-scheme",
    "scheme-slashes", "scheme-added", "hyphen-restored", "hyphen-removed", "archive-match",
)


@runtime_checkable
class ArchiveIndex(Protocol):
    """What repair needs to ask an archive. The core team implements it over CDX.

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
class RepairedLink:
    """One link and its repair.

    ``input``: the text exactly as found (for a link spread over lines, the text it spanned).
    ``url``: the repaired link, same kind as the input (an archive link keeps timestamp/modifier).
    ``repairs``: short names of repairs applied (see module docstring); empty when none.
    ``confirmed``: True — the index holds ``url``; False — the index answered and holds none of the
    readings; None — not asked (offline) or could not ask.
    ``candidates``: how many readings were weighed (1 when the damage had one reading).
    ``note``: one sentence on how an ambiguity was settled, or None.
    ``start``/``end``/``line``: where ``input`` lies in the text, for ``repair_text``; else None.
    """

    input: str
    url: str
    repairs: tuple[str, ...]
    confirmed: bool | None
    candidates: int
    note: str | None = None
    start: int | None = None
    end: int | None = None
    line: int | None = None


# --- the archive URL grammar at text level -------------------------------------------------------
# Kept here rather than taken from archives.py because it must work on text that is still damaged
# (timestamps with gaps in them, escaped modifiers) and only needs to know where the original starts.
_ARCHIVE = re.compile(
    r"^(?P<base>https?://(?:webarchive\.nationalarchives\.gov\.uk/(?:ukgwa/)?|(?:web|wayback)\.archive\.org/web/))"
    r"(?P<ts>\d{4,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.+)$",
    re.IGNORECASE,
)
_KNOWN_BARE_HOST = re.compile(
    r"^(?:www\.|webarchive\.nationalarchives\.gov\.uk/|web\.archive\.org/|"
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|org|nhs|police|ac|co|sch|mod|parliament)\.uk/)",
    re.IGNORECASE,
)

# Gaps inside a link become marker characters while the text is cleaned, so that edits before and
# after them keep their positions straight; the markers become decision points at the end.
_NL, _SP = "\ue000", "\ue001"
_GAP = re.compile(r"[ \t\u00a0\u3000]*(?:\r?\n(?:[ \t]*>)*[ \t\u00a0\u3000]*)+|[ \t\u00a0\u3000]+")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\(\s*)([\\`*_{}\[\]()#+\-.!~|<>&=?%])")
_TAG = re.compile(r"</?(?:u|a|b|i|s|em|strong|span|font|ins|del|mark|br|wbr|p|div|sup|sub|small|big|tt|code)\b[^<>]*>", re.IGNORECASE)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e]")
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab\u201e"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb\u201c"
_HXXP = re.compile(r"^h(?:xx|\*\*|XX)p(s?)(?=:)", re.IGNORECASE)
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)")
_DOUBLED = re.compile(r"^(?:https?:?/{0,3})+(?=https?:?/)", re.IGNORECASE)
_SCHEME = re.compile(r"^(https?)(:?)(/*)", re.IGNORECASE)


@dataclass(frozen=True)
class _Point:
    """A place where a hyphen may or may not belong. ``hyphen_in_text``: the text shows one there."""

    position: int
    hyphen_in_text: bool
    preference: float  # > 0: hyphen more likely


def _note(repairs: list[str], name: str) -> None:
    if name not in repairs:
        repairs.append(name)


def _fix_scheme(url: str, repairs: list[str], *, add_missing: bool) -> str:
    """Repair the scheme at the start of ``url``: defanging, doubling, slashes, absence."""
    fixed = _HXXP.sub(lambda m: "http" + m.group(1), url)
    if fixed != url:
        _note(repairs, "hxxp")
        if _DEFANGED_DOT.search(fixed.split("/", 3)[2] if fixed.count("/") >= 2 else fixed):
            fixed = _DEFANGED_DOT.sub(".", fixed, count=8)
    url = fixed
    doubled = _DOUBLED.match(url)
    if doubled and doubled.end() > 0:
        url = url[doubled.end():]
        _note(repairs, "doubled-scheme")
    scheme = _SCHEME.match(url)
    if scheme:
        if scheme.group(2) != ":" or scheme.group(3) != "//":
            url = f"{scheme.group(1)}://{url[scheme.end():]}"
            _note(repairs, "scheme-slashes")
    elif add_missing and _KNOWN_BARE_HOST.match(url):
        url = "https://" + url
        _note(repairs, "scheme-added")
    return url


def _strip_wrappers(text: str, repairs: list[str]) -> str:
    """Peel angle brackets, quotes, tags and trailing punctuation from the outside of a link."""
    while True:
        before = text
        text = text.strip()
        if len(text) > 2 and text[0] == "<" and text[-1] == ">" and not _TAG.fullmatch(text):
            text = text[1:-1]
            _note(repairs, "angle-brackets")
        elif len(text) > 2 and text[0] in _OPEN_QUOTES and text[-1] in _CLOSE_QUOTES:
            text = text[1:-1]
            _note(repairs, "quotes")
        elif text[:1] in _OPEN_QUOTES and text:
            text = text[1:]
            _note(repairs, "quotes")
        elif text[:1] == "<" and ">" not in text:
            text = text[1:]
            _note(repairs, "angle-brackets")
        else:
            trimmed = trim_link_end(text)
            if trimmed != text:
                removed = text[len(trimmed):]
                if all(ch in _CLOSE_QUOTES for ch in removed):
                    _note(repairs, "quotes")
                elif removed.endswith(">") and "<" not in trimmed:
                    _note(repairs, "angle-brackets")
                else:
                    _note(repairs, "trailing-punctuation")
                text = trimmed
        if text == before:
            return text


def _clean(text: str, repairs: list[str]) -> str:
    """Undo single-reading damage; return the link with gaps turned into markers."""
    if _ENTITY.search(text):
        unescaped = html.unescape(text)
        if unescaped != text:
            text = unescaped
            _note(repairs, "html-entity")
    if "\\" in text:
        unescaped = _MD_ESCAPE.sub(r"\1\2", text)
        if unescaped != text:
            text = unescaped
            _note(repairs, "markdown-escape")
    if "<" in text:
        untagged = _TAG.sub("", text)
        if untagged != text:
            text = untagged
            _note(repairs, "html-tag")
    text = _strip_wrappers(text, repairs)
    if _DASHES.search(text):
        text = _DASHES.sub("-", text)
        _note(repairs, "typographic-dash")
    if "\u00ad" in text:
        # A soft hyphen marks where the typesetter may split a word: never part of the link, and a
        # line break right after one joins the word back without a hyphen.
        text = re.sub(r"\u00ad(?:[ \t]*\r?\n(?:[ \t]*>)*[ \t]*)?", "", text)
        _note(repairs, "soft-hyphen")
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
        _note(repairs, "zero-width")
    if "\u00a0" in text:
        _note(repairs, "nbsp")

    def mark(gap: re.Match[str]) -> str:
        return _NL if "\n" in gap.group() else _SP

    return _GAP.sub(mark, text)


_HEAD = re.compile(r"(?:[a-z]+:?/*)*[^/?#]*", re.IGNORECASE)


def _join_head(marked: str, repairs: list[str]) -> str:
    """Close every gap before the original URL's path, then repair the original's scheme.

    Gaps in the archive prefix, the timestamp, the scheme or the host have one reading: nothing
    was there. Only gaps in the path can hide a hyphen.
    """
    flat = marked.replace(_NL, "").replace(_SP, "")
    archive = _ARCHIVE.match(flat)
    original_start = archive.start("orig") if archive else 0
    head_end = original_start + _HEAD.match(flat, original_start).end() - original_start
    timestamp = (archive.start("ts"), archive.end("mod") if archive.group("mod") else archive.end("ts")) if archive else None
    out: list[str] = []
    seen = 0
    for offset, char in enumerate(marked):
        if char in (_NL, _SP):
            if seen >= head_end:
                out.append(marked[offset:])
                break
            if timestamp and timestamp[0] < seen <= timestamp[1]:
                _note(repairs, "timestamp-space")
            else:
                _note(repairs, "line-break" if char == _NL else "whitespace")
            continue
        out.append(char)
        seen += 1
    marked = "".join(out)
    if archive:
        offset = archive.start("orig")
        marked = marked[:offset] + _fix_scheme(marked[offset:], repairs, add_missing=False)
    return marked


def _letters_before(text: str, index: int) -> str:
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:index]


def _letters_after(text: str, index: int) -> str:
    end = index
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[index:end]


def _decision_points(marked: str, repairs: list[str]) -> tuple[str, int, list[_Point]]:
    """Turn gap markers into a joined link plus the points where a hyphen is in doubt.

    Returns (joined link, index where the original URL starts, points).
    """
    gaps: list[tuple[int, str]] = []
    parts: list[str] = []
    length = 0
    for piece in re.split(f"([{_NL}{_SP}])", marked):
        if piece in (_NL, _SP):
            gaps.append((length, piece))
        else:
            parts.append(piece)
            length += len(piece)
    joined = "".join(parts)
    archive = _ARCHIVE.match(joined)
    original_start = archive.start("orig") if archive else 0
    timestamp = (archive.start("ts"), archive.end("mod") if archive.group("mod") else archive.end("ts")) if archive else None
    path_start = original_start
    host = re.match(r"(?:[a-z][a-z0-9+.-]*://)?[^/]*", joined[original_start:], re.IGNORECASE)
    if host:
        path_start = original_start + host.end()

    points: list[_Point] = []
    for position, kind in gaps:
        if timestamp and timestamp[0] < position <= timestamp[1]:
            _note(repairs, "timestamp-space")
            continue
        _note(repairs, "line-break" if kind == _NL else "whitespace")
        if position <= path_start or position >= len(joined):
            continue
        before, after = joined[position - 1], joined[position]
        if before == "-" and after.isalpha() and joined[position - 2 : position - 1].isalpha():
            left = _letters_before(joined, position - 1)
            right = _letters_after(joined, position)
            # The text shows a hyphen: keep it unless the joined word says a typesetter put it there.
            points.append(_Point(position - 1, True, hyphen_preference(left, right) + 0.5))
        elif before.isalpha() and after.isalpha():
            left = _letters_before(joined, position)
            right = _letters_after(joined, position)
            preference = hyphen_preference(left, right)
            points.append(_Point(position, False, preference if preference else -0.1))

    # Slugs that lost a hyphen without any line break (a PDF text layer drops it silently):
    # in a hyphenated path component, a run that is no word but two common ones.
    taken = {p.position for p in points}
    path_end = len(joined)
    query = re.search(r"[?#]", joined[path_start:])
    if query:
        path_end = path_start + query.start()
    for component in re.finditer(r"[^/]+", joined[path_start:path_end]):
        if "-" not in component.group():
            continue
        base = path_start + component.start()
        for run in re.finditer(r"[A-Za-z]+", component.group()):
            run_start = base + run.start()
            split = best_split(run.group().lower())
            if split and run_start + split[0] not in taken:
                points.append(_Point(run_start + split[0], False, split[1]))
    points.sort(key=lambda p: p.position)
    return joined, original_start, points


def _readings(joined: str, points: list[_Point]) -> tuple[list[tuple[str, list[str]]], bool]:
    """Candidate readings, best first, each with the hyphen repairs it implies; and bound-hit flag."""
    limit = MAX_CANDIDATES.bit_length() - 1  # 64 readings = 6 free points
    free = sorted(points, key=lambda p: abs(p.preference))[:limit]
    fixed = [p for p in points if p not in free]
    bound_hit = len(points) > limit
    readings: list[tuple[float, int, str, list[str]]] = []
    for choice in itertools.product((True, False), repeat=len(free)):
        hyphen_at = {p.position: want for p, want in zip(free, choice)}
        hyphen_at.update({p.position: p.preference > 0 for p in fixed})
        score = sum(abs(p.preference) if hyphen_at[p.position] == (p.preference > 0) else -abs(p.preference) for p in points)
        text = joined
        names: list[str] = []
        changes = 0
        for point in sorted(points, key=lambda p: p.position, reverse=True):
            want = hyphen_at[point.position]
            if point.hyphen_in_text and not want:
                text = text[: point.position] + text[point.position + 1 :]
                _note(names, "hyphen-removed")
                changes += 1
            elif not point.hyphen_in_text and want:
                text = text[: point.position] + "-" + text[point.position :]
                _note(names, "hyphen-restored")
                changes += 1
        readings.append((-score, changes, text, names))
    readings.sort(key=lambda r: (r[0], r[1]))
    return [(text, sorted(names, key=REPAIR_NAMES.index)) for _, _, text, names in readings], bound_hit


def _match_key(url: str) -> str:
    """Compare originals ignoring scheme, www., case and hyphens (the things damage blurs)."""
    url = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.replace("-", "").lower().rstrip("/")


def _settle(
    readings: list[tuple[str, list[str]]], original_start: int, first_point: int | None, index: ArchiveIndex
) -> tuple[int | str | None, bool | None, str | None]:
    """Ask the index which reading exists.

    Returns (reading index or an archive-held URL, confirmed, note).
    """
    could_not_ask = False
    for position, (url, _) in enumerate(readings[:MAX_EXACT_LOOKUPS]):
        held = index.holds(url)
        if held:
            if position == 0:
                return 0, True, None
            return position, True, f"the archive holds reading {position + 1} of {len(readings)}, not the likeliest by syntax"
        if held is None:
            could_not_ask = True
    # Prefix query on the longest stretch the damage did not touch, cut back to a path boundary.
    best = readings[0][0]
    cut = len(best) if first_point is None else first_point
    slash = best.rfind("/", 0, cut)
    host_end = best.find("/", best.find("//", original_start) + 2) if "//" in best[original_start:] else -1
    prefix = best[: slash + 1] if slash >= max(host_end, original_start) else best[: max(host_end + 1, original_start)]
    held_originals = index.originals_under(prefix)
    if held_originals is None:
        could_not_ask = True
    else:
        keys = {_match_key(url[original_start:]): rank for rank, (url, _) in enumerate(readings)}
        matches = [original for original in held_originals if _match_key(original) in keys]
        if matches:
            exact = [m for m in matches if any(m == url[original_start:] for url, _ in readings)]
            chosen = (exact or matches)[0]
            return best[:original_start] + chosen, True, "spelling settled by the archive's index (prefix match)"
    if could_not_ask:
        return 0, None, "the archive index could not be asked; best reading by syntax, unconfirmed"
    many = f"none of the {len(readings)} readings" if len(readings) > 1 else "no capture of this link"
    return 0, False, f"the archive holds {many}; best reading by syntax shown, unconfirmed"


def repair_link(text: str, index: ArchiveIndex | None = None) -> RepairedLink:
    """Repair one link given as the text it spanned (may contain line breaks).

    With ``index``, candidate readings are confirmed against the archive; without, they are ranked
    by syntax alone and ``confirmed`` is None. Never raises on odd input: text that holds no link
    comes back with ``url`` equal to the cleaned text and no confirmation.
    """
    repairs: list[str] = []
    marked = _clean(text, repairs)
    marked = _fix_scheme(marked, repairs, add_missing=True)

    # Mail-filter wrappers hide the real link in a query string: unwrap the joined text.
    flat = marked.replace(_NL, "").replace(_SP, "")
    inner, wrappers = unwrap_all(flat)
    if wrappers:
        if _NL in marked or _SP in marked:
            _note(repairs, "line-break" if _NL in marked else "whitespace")
        for name in wrappers:
            _note(repairs, name)
        # What the wrapper held may itself be damaged (a space in a timestamp, an escape).
        marked = _fix_scheme(_clean(inner, repairs), repairs, add_missing=True)

    marked = _join_head(marked, repairs)

    joined, original_start, points = _decision_points(marked, repairs)
    readings, bound_hit = _readings(joined, points)
    note: str | None = None
    if bound_hit:
        note = f"{len(points)} uncertain points: only {len(readings)} readings weighed (bound {MAX_CANDIDATES})"
    confirmed: bool | None = None
    url, hyphen_repairs = readings[0]
    # Only a reading in doubt is put to the archive: an index request is the archives' scarcest
    # allowance (~20-30 a minute), and the replay request that verifies a link checks it anyway.
    if index is not None and len(readings) > 1:
        choice, confirmed, settle_note = _settle(readings, original_start, points[0].position if points else None, index)
        if isinstance(choice, int):
            url, hyphen_repairs = readings[choice]
        else:
            url = choice
            hyphen_repairs = _diff_names(joined, url)
        note = "; ".join(n for n in (note, settle_note) if n) or None
    elif len(readings) > 1:
        note = "; ".join(n for n in (note, f"best of {len(readings)} readings by word frequency, unconfirmed (offline)") if n)
    for name in hyphen_repairs:
        _note(repairs, name)
    return RepairedLink(
        input=text,
        url=url,
        repairs=tuple(repairs),
        confirmed=confirmed,
        candidates=len(readings),
        note=note,
    )


def _diff_names(joined: str, chosen: str) -> list[str]:
    """Repairs that turn ``joined`` into ``chosen`` (an archive record differing in hyphens/case)."""
    names = []
    if chosen.count("-") > joined.count("-"):
        names.append("hyphen-restored")
    elif chosen.count("-") < joined.count("-"):
        names.append("hyphen-removed")
    if chosen.replace("-", "") != joined.replace("-", ""):
        names.append("archive-match")
    return names


def repair_text(text: str, index: ArchiveIndex | None = None) -> list[RepairedLink]:
    """Find and repair every link in ``text``; each result carries ``start``/``end``/``line``."""
    results = []
    cache: dict[str, RepairedLink] = {}
    for span in iter_link_spans(text):
        found = text[span.start : span.end]
        repaired = cache.get(found)
        if repaired is None:
            repaired = cache[found] = repair_link(found, index)
        results.append(replace(repaired, start=span.start, end=span.end, line=span.line))
    return results


def rewrite_text(text: str, index: ArchiveIndex | None = None) -> str:
    """``text`` with every link replaced by its repair and nothing else changed.

    A text whose links need no repair comes back identical, byte for byte.
    """
    pieces: list[str] = []
    last = 0
    for result in repair_text(text, index):
        assert result.start is not None and result.end is not None
        if result.url == result.input:
            continue
        pieces.append(text[last : result.start])
        pieces.append(result.url)
        last = result.end
    pieces.append(text[last:])
    return "".join(pieces)
