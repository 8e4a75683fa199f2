"""Damage with several readings: the points where a link is in doubt, and its candidate readings.

Gaps left in a link's path after ``clean`` and ``join_head`` are decision points: a hyphen lost at a
line end, one added there by hyphenation, or nothing at all. A hyphenated slug can also lose a
hyphen with no gap (a PDF text layer drops it silently). And a link that was already complete (a
file name, a fragment) may have had the next line's word joined on: the link may end at that gap.
Each point gets a preference from word frequency; a point whose evidence is weak or conflicting is
*doubtful*, and a reading that rests on a doubtful point is never given as certain.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from ..grammar import ArchiveGrammar
from ..textlinks import goes_past_extension
from ..wordsplit import NOT_A_WORD, best_split, hyphen_preference, weak_split, word_frequency
from .clean import MARKERS, NL, QP, SP, gap_name, note, timestamp_bounds
from .evidence import typesetter_may_break

MAX_CANDIDATES = 64
# Below this, word frequencies do not settle a hyphen (Zipf units; 1 is a tenfold difference).
DOUBT = 1.0
HYPHEN_NAMES = ("quoted-printable", "hyphen-restored", "underscore-restored", "hyphen-removed", "glued-word", "bracket-rejoined")
# Repairs that show the text was damaged where the link stands (a gap, a soft break, a glyph a
# typesetter put in). A link with none of these is intact as far as the text can tell: a lost
# hyphen there is only a hypothesis, never the reading given.
# (A quoted-printable soft break decoded as one is no damage: the transfer encoding loses nothing.)
DAMAGE_SIGNS = frozenset({"line-break", "whitespace", "timestamp-space", "soft-hyphen",
                          "zero-width", "ligature", "hyphen-removed"})

# What some redirectors append to the link they carry: ":" and a signature ("…/Page%3AyvjjifTnVL…").
_SIGNATURE = re.compile(r":[A-Za-z0-9_-]{16,}$")
_WORD = re.compile(r"[A-Za-z]+")
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")  # "up-Stats": words a hyphen joins
_WIKI_TITLE = re.compile(r"/wiki/(?P<title>[A-Z][A-Za-z]+)$")
_CAMEL_JUNCTION = re.compile(r"[a-z](?=[A-Z][a-z])")
_CUT_BRACKET = re.compile(r"(?<=[_-])\)\((?P<rest>[^()\s/]+)\)?$")
_SPLIT_GAPS = re.compile(f"([{MARKERS}])")
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?[^/]*", re.IGNORECASE)
_QUERY = re.compile(r"[?#]")
_COMPONENT = re.compile(r"[^/]+")
_NAME_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2}")
_RUN_DATE = re.compile(r"(?<![0-9])((?:19|20)\d\d)(?:0[1-9]|1[0-2])(?=-\d\d(?:\D|$))")


@dataclass(frozen=True)
class Point:
    """A place where the link is in doubt.

    ``kind``: ``hyphen`` (a hyphen may belong here; ``hyphen_in_text``: the text shows one),
    ``cut`` (the link may end here; what follows was the next line's prose) or ``equals`` (an "="
    at a line end: the link's own, or a quoted-printable soft break that stands for nothing).
    ``preference``: > 0 favours the hyphen / the cut. ``doubtful``: the evidence does not settle it.
    """

    position: int
    hyphen_in_text: bool
    preference: float
    doubtful: bool = False
    kind: str = "hyphen"
    joiner: str = "-"  # what a restored separator is: "_" between the words of a wiki title


@dataclass(frozen=True)
class Reading:
    url: str
    repairs: tuple[str, ...]
    plausible: bool  # every point not in doubt takes its preferred value


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


def _weak(evidence: float) -> bool:
    """Some evidence, but not enough to decide: the case where a guess would be a coin toss."""
    return evidence != 0 and abs(evidence) < DOUBT


def _cut_point(joined: str, position: int, path_start: int, kind: str = NL, stop: int | None = None) -> Point | None:
    """A point where the link may end: it is complete on the left and a word follows on the right
    (up to ``stop``, the next gap: a re-fill may leave a space after the next line's word)."""
    left, right = joined[path_start:position], joined[position:stop]
    if kind == SP and right.isdigit():
        # "…/isb-1" + "557", or "…/report" + "12" (times…): a number after a space, in doubt.
        return Point(position, False, -0.5 if left[-1:].isdigit() or left[-1:] in "-_" else 0.5, doubtful=True, kind="cut")
    if kind == SP and _WORDS.fullmatch(right):
        # A space, then a last word: a PDF text layer's space inside the link, a re-fill's where a
        # line broke ("…/exams-and-universitie s", "…-World-C up-Stats"), or the link's end and the
        # sentence going on ("…Reviewer_ Please", "…/privacy/ and"). Only the archive can tell; a
        # capitalised word, or a common one after "/", more likely starts the prose.
        capitalised = right[:1].isupper() and right[1:].islower()
        prose = capitalised or (not left[-1:].isalnum() and len(right) > 1 and word_frequency(right) >= 4.5)
        return Point(position, False, 0.5 if prose else -0.5, doubtful=True, kind="cut")
    word = _WORD.match(right)
    if not word or word.end() != len(right):
        return None  # more URL follows (a slash, a dot, digits): not a word of prose
    if goes_past_extension(left, right):
        # "report.pdf" + "accessed": no file name goes on past its extension.
        return Point(position, False, 2.0, doubtful=False, kind="cut")
    if len(right) > 2 and right.islower() and word_frequency(right) < NOT_A_WORD:
        # "…/z" + "krp", "…-pr" + "evention": no word of prose at all, so the wrap cut the link.
        return None
    if left[-1:].isalpha() and right.islower() and len(right) > 1 and "#" not in left:
        # "…/guidance/foi" then "and" alone on the next line: the word ends the link, so the link
        # may as well have ended before it. The join stays the likelier reading (a wrap inside a
        # word is common), but it is not given as certain: only the archive can tell.
        return Point(position, False, -0.5, doubtful=True, kind="cut")
    capitalised = right[:1].isupper() and right[1:].islower()
    if left.endswith("=") and not capitalised:
        return None  # "…?usp=" then "sharing": a query's value goes on after its "=" (prose was left out)
    if capitalised and left[-1:].isalnum() and "#" not in left:
        # "…/zkrp" then "Please": the sentence going on, or a wrap inside a word ("FT" + "Square").
        return Point(position, False, 0.5, doubtful=True, kind="cut")
    if not left[-1:].isalnum() and "#" not in left:
        # "…/" or "…=" then a last word on the next line: a wrap inside the link, or the link's end
        # and the sentence going on ("…/bostonglobe.com/" + "and", "…UpM=" + "Please"). Only the
        # archive can tell; a capitalised or a common word more likely starts the prose.
        prose = capitalised or word_frequency(right) >= 4.5
        return Point(position, False, 0.5 if prose else -0.5, doubtful=True, kind="cut")
    if left[-1:].isdigit() and right.islower() and word_frequency(right) >= 3.0:
        # "…/3571011" then "and": a number ends many a link, and a common word starts the prose.
        return Point(position, False, 0.5, doubtful=True, kind="cut")
    if "#" in left:
        # A fragment is free text, and the archives' indexes do not record fragments, so nothing
        # can settle whether the word belongs to it: flag it, prefer the shorter link.
        # A capitalised word is likelier prose, but a wrapped fragment goes on in capitals too
        # ("…#/search/getApiV1" + "Search"): in doubt either way.
        return Point(position, False, 1.0 if capitalised else 0.5, doubtful=True, kind="cut")
    return None


def decision_points(marked: str, repairs: list[str], grammar: ArchiveGrammar) -> tuple[str, int, list[Point]]:
    """Turn gap markers into a joined link plus the points where it is in doubt.

    Returns (joined link, index where the original URL starts, points).
    """
    gaps: list[tuple[int, str]] = []
    parts: list[str] = []
    length = 0
    for piece in _SPLIT_GAPS.split(marked) if (NL in marked or SP in marked or QP in marked) else (marked,):
        if piece and piece in MARKERS:
            gaps.append((length, piece))
        else:
            parts.append(piece)
            length += len(piece)
    joined = "".join(parts)
    archive = grammar.archive_link.match(joined)
    original_start = archive.start("orig") if archive else 0
    timestamp = timestamp_bounds(archive)
    path_start = original_start
    host = _HOST.match(joined, original_start)
    if host:
        path_start = host.end()
    # Before any point is placed: putting the bracket back moves what follows it by one.
    joined, rejoined = _rejoin_cut_bracket(joined, path_start, repairs, gaps)

    points: list[Point] = [rejoined] if rejoined is not None else []
    for position, kind in gaps:
        if timestamp and timestamp[0] < position <= timestamp[1]:
            note(repairs, "timestamp-space")
            continue
        note(repairs, gap_name(kind))
        if position >= len(joined) or position <= original_start:
            continue
        before, after = joined[position - 1], joined[position]
        if kind == QP:
            if position > path_start:
                # An "=" in a query is common, in a path rare: the order only; both are listed.
                in_query = "?" in joined[path_start:position]
                points.append(Point(position, False, 0.5 if in_query else -0.5, doubtful=True, kind="equals", joiner="="))
                cut = _cut_point(joined, position, path_start, NL, _next_gap(gaps, position))  # "…UpM=" + "Please": the end, too
                if cut is not None:
                    points.append(cut)
            continue
        if before == "-" and kind != QP:
            # A hyphen at a line end: the link's own, or a typesetter's — unless no hyphenation
            # pattern allows a break there, when it can only be the link's.
            if typesetter_may_break(joined, position - 1):
                left = _letters_before(joined, position - 1)
                right = _letters_after(joined, position)
                evidence = hyphen_preference(left, right) + 0.5
                if not joined[position - 2 : position - 1].isalnum():
                    evidence = -0.5  # "adobe.-" / "com": a hyphen after a dot is seldom a link's own
                points.append(Point(position - 1, True, evidence, doubtful=True))
            continue
        if position <= path_start:
            continue
        cut = _cut_point(joined, position, path_start, kind, _next_gap(gaps, position))
        if cut is not None:
            points.append(cut)
            if cut.preference > 0:
                continue  # the link most likely ends here; when it more likely goes on, weigh how
        if before.isalpha() and after.isalpha():
            left = _letters_before(joined, position)
            right = _letters_after(joined, position)
            evidence = hyphen_preference(left, right)
            # No evidence either way: read the text as written (joined, no hyphen invented). A
            # hyphen put back at a gap rests on word frequency alone: never more than a reading to
            # weigh (a hard wrap inside "hamsmith" looks just like a lost hyphen).
            doubtful = _weak(evidence) or evidence > 0
            points.append(Point(position, False, evidence if evidence else -0.1, doubtful))

    lost = _lost_hyphens(joined, path_start, {p.position for p in points})
    if lost and not (gaps or DAMAGE_SIGNS.intersection(repairs)):
        # No damage shows: the link as written is the reading; a lost hyphen only an alternative.
        lost = [Point(p.position, False, -max(abs(p.preference), 0.2), doubtful=True) for p in lost]
    points += lost
    points += _wiki_title_points(joined, path_start)
    signature = _SIGNATURE.search(joined, path_start) if "redirect-wrapper" in repairs else None
    if signature:
        # A redirector may carry the link with a signature after it, or the link may end in a
        # ":name" of its own (a wiki page): which, only the archive can say.
        points.append(Point(signature.start(), False, 0.5, doubtful=True, kind="cut"))
    points.sort(key=lambda p: p.position)
    return joined, original_start, points


def _next_gap(gaps: list[tuple[int, str]], position: int) -> int | None:
    return next((at for at, _ in gaps if at > position), None)


def _lost_hyphens(joined: str, path_start: int, taken: set[int]) -> list[Point]:
    """Slugs that lost a hyphen without any gap (a PDF text layer drops it silently): in a
    hyphenated path component, a run that is no word but two common ones.

    Such a run may be a lost hyphen or a name written so: "fraudforce" (a name) and
    "detectionprevention" (a lost hyphen) score alike, and the text shows nothing where the hyphen
    would have been. So each is doubtful: word frequency ranks the readings, the archive decides.
    """
    path_end = len(joined)
    query = _QUERY.search(joined, path_start)
    if query:
        path_end = query.start()
    spans = [(path_start, path_end)]
    fragment = joined.find("#", path_end)
    if fragment >= 0:
        # A fragment naming a heading is a slug too ("#4-implement-a-proof-of-workalgorithm"), and a
        # text layer drops its hyphens as it does the path's. Archives' indexes do not record
        # fragments, so such a point is never settled by one: it stays in doubt.
        spans.append((fragment + 1, len(joined)))
    found: list[Point] = []
    doubts: list[Point] = []
    components = (component for begin, stop in spans for component in _COMPONENT.finditer(joined, begin, stop))
    for component in components:
        if "-" not in component.group():
            continue
        for offset, preference, doubtful in _component_points(component.group()):
            position = component.start() + offset
            if position not in taken:
                (doubts if doubtful else found).append(Point(position, False, preference, doubtful))
    found = [Point(p.position, p.hyphen_in_text, p.preference, True) for p in found]
    return found + doubts


@lru_cache(maxsize=16384)
def _component_points(component: str) -> tuple[tuple[int, float, bool], ...]:
    """(offset, preference, doubtful) of each lost-hyphen point in one hyphenated path component.
    Cached: letters cite the same slugs again and again."""
    out = []
    for run in _WORD.finditer(component):
        if _NAME_CASE.search(run.group()):
            continue  # "TriJug", "pdfREF": a name as written, not two words run together
        split = best_split(run.group().lower())
        weak = None if split else weak_split(run.group().lower())
        if split:
            out.append((run.start() + split[0], split[1], False))
        elif weak:
            out.append((run.start() + weak[0], -0.2, True))
    for date in _RUN_DATE.finditer(component):
        # "202306-15" in a dated slug: a year and month that lost the hyphen between them.
        out.append((date.end(1), 0.2, True))
    return tuple(out)


def _wiki_title_points(joined: str, path_start: int) -> list[Point]:
    """A MediaWiki title ("/wiki/Main_Page") writes spaces as "_": capitalised words run together
    ("MainPage") most likely lost it — to a markdown renderer taking "_" for emphasis — but some
    titles are written so ("JavaScript"). Doubtful either way: the archive decides."""
    title = _WIKI_TITLE.match(joined, path_start)
    if title is None or "_" in title.group("title"):
        return []
    return [Point(title.start("title") + junction.start() + 1, False, -0.2, True, joiner="_")
            for junction in _CAMEL_JUNCTION.finditer(title.group("title"))]


def _rejoin_cut_bracket(joined: str, path_start: int, repairs: list[str],
                        gaps: list[tuple[int, str]]) -> tuple[str, Point | None]:
    """A tool that cut a URL at "(" and glued the rest on after the markdown link's ")" leaves
    "…/Erica_)(plant": the reading with the bracket put back ("…/Erica_(plant)") is the likelier,
    the one cut at ")" the other; only the archive can say."""
    cut = _CUT_BRACKET.search(joined, path_start)
    if cut is None or any(position > cut.start() for position, _ in gaps):
        return joined, None
    rejoined = joined[: cut.start()] + "(" + cut.group("rest") + ")"
    note(repairs, "bracket-rejoined")
    return rejoined, Point(cut.start(), False, -0.5, doubtful=True, kind="cut")


def readings(joined: str, points: list[Point]) -> tuple[list[Reading], bool]:
    """Distinct candidate readings, best first; and whether the candidate bound was hit."""
    limit = MAX_CANDIDATES.bit_length() - 1  # 64 readings = 6 free points
    free = sorted(points, key=lambda p: (not p.doubtful, abs(p.preference)))[:limit]
    fixed = [p for p in points if p not in free]
    bound_hit = len(points) > limit
    ranked: list[tuple[float, int, str, tuple[str, ...], bool]] = []
    for choice in itertools.product((True, False), repeat=len(free)):
        # Keyed by the point itself: a cut and a hyphen may share a position.
        wanted = {p: want for p, want in zip(free, choice)}
        wanted.update({p: p.preference > 0 for p in fixed})
        agrees = {p: wanted[p] == (p.preference > 0) for p in points}
        score = sum(abs(p.preference) if agrees[p] else -abs(p.preference) for p in points)
        plausible = all(agrees[p] or p.doubtful for p in points)
        text, names, changes = _apply(joined, points, wanted)
        ranked.append((-score, changes, text, names, plausible))
    ranked.sort(key=lambda r: (r[0], r[1]))
    out: list[Reading] = []
    seen: set[str] = set()
    for _, _, text, names, plausible in ranked:
        if text not in seen:
            seen.add(text)
            out.append(Reading(text, names, plausible))
    return out, bound_hit


def _apply(joined: str, points: list[Point], wanted: dict[Point, bool]) -> tuple[str, tuple[str, ...], int]:
    """The text with each point's choice applied (right to left, so positions stay valid)."""
    text = joined
    names: list[str] = []
    changes = 0
    # At one position: a hyphen first, then the cut (which takes the hyphen with it), then an "="
    # (which stays: it ends the link the cut leaves).
    for point in sorted(points, key=lambda p: (p.position, _APPLY_ORDER.get(p.kind, 2)), reverse=True):
        want = wanted[point]
        if point.kind == "equals":
            if want:
                text = text[: point.position] + "=" + text[point.position :]
            else:
                note(names, "quoted-printable")
            changes += 1
        elif point.kind == "cut":
            if want:
                text = text[: point.position]
                names = ["glued-word"]  # what was cut takes any hyphen choices with it
                changes += 1
        elif point.hyphen_in_text and not want:
            text = text[: point.position] + text[point.position + 1 :]
            note(names, "hyphen-removed")
            changes += 1
        elif not point.hyphen_in_text and want:
            text = text[: point.position] + point.joiner + text[point.position :]
            note(names, "hyphen-restored" if point.joiner == "-" else "underscore-restored")
            changes += 1
    return text, tuple(sorted(names, key=HYPHEN_NAMES.index)), changes


_APPLY_ORDER = {"equals": 0, "cut": 1}


def is_doubtful(points: list[Point]) -> bool:
    return any(p.doubtful for p in points)


__all__ = ["MAX_CANDIDATES", "Point", "Reading", "decision_points", "is_doubtful", "readings"]
