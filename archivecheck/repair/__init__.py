"""Repair damaged links: undo what word processors, PDF text layers, mail filters and people do to them.

``repair_link`` takes the text a link spanned (line breaks and all) and returns the link it most
likely was. Damage that has one reading (a markdown escape, a space inside a 14-digit timestamp, a
Safe Links wrapper) is undone outright (``clean.py``). Damage with several readings — was a hyphen
lost at a line break, or added there by hyphenation? did a slug lose a hyphen? was the next line's
word joined on? — becomes a bounded set of candidate readings (``readings.py``), ranked offline by
word frequency and, when an index is supplied, settled by the archive (``settle.py``): **the archive
decides, not the guess**. A repair the archive contradicts is never claimed, and a reading offline
ranking cannot settle is marked ``uncertain`` with its ``alternatives``, never given as fact.

The archives recognised are those of the ``ArchiveGrammar`` passed in (``compile_grammar(registry)``
for a run's settings), the built-in ones by default.

Repair names (``RepairedLink.repairs``), in the order applied:
  quoted-printable, html-entity, markdown-escape, html-tag, angle-brackets, quotes, trailing-punctuation,
  encoded-scheme, typographic-dash, soft-hyphen, zero-width, ligature, nbsp, line-break, whitespace,
  timestamp-space, safelinks, proofpoint, google-redirect, redirect-wrapper, hxxp, doubled-scheme,
  scheme-slashes, scheme-added, scheme-cut (a scheme that lost its first letters: "tps://"), hyphen-restored, underscore-restored (a wiki title's "_"),
  hyphen-removed, glued-word (the next line's word was not part of the link), bracket-rejoined (a
  URL cut at "(" by a tool, its rest put back), archive-match (the archive's record settled it),
  hyphen-restored-by-index (the archive holds no capture of the link as written and one spelling of
  it with hyphens a text extractor drops without trace), rest-rejoined-by-index (… and one of it
  followed by what the text says next: a re-wrap ended the link early), rejoined-across-break (a
  link that goes on after a page's footer or a paragraph break, when the archive holds only that).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from ..grammar import ArchiveGrammar, builtin_grammar
from ..textlinks import continuation_after_break, hyphens_past_the_measure, in_markup_target, iter_link_spans
from ..unwrap import unwrap_all
from ..quotedprintable import looks_quoted_printable
from .evidence import valid_host
from .clean import MARKERS, clean, drop_markers, fix_scheme, gap_name, join_head, note
from .clean import note as note_name
from .readings import DAMAGE_SIGNS, MAX_CANDIDATES, decision_points, is_doubtful, readings
from .settle import FOLLOWING_LIMIT, MAX_EXACT_LOOKUPS, ArchiveIndex, diff_names, respell, settle

__all__ = [
    "ArchiveIndex",
    "RepairedLink",
    "MAX_CANDIDATES",
    "REPAIR_NAMES",
    "repair_link",
    "repair_text",
    "respell_link",
    "rewrite_text",
]

REPAIR_NAMES = (
    "quoted-printable", "html-entity", "markdown-escape", "html-tag", "angle-brackets", "quotes", "trailing-punctuation",
    "encoded-scheme", "typographic-dash", "soft-hyphen", "zero-width", "ligature", "nbsp", "line-break", "whitespace",
    "timestamp-space", "safelinks", "proofpoint", "google-redirect", "redirect-wrapper", "hxxp",
    "doubled-scheme", "scheme-slashes", "scheme-added", "scheme-cut", "hyphen-restored", "underscore-restored",
    "hyphen-removed", "glued-word", "bracket-rejoined", "archive-match", "hyphen-restored-by-index",
    "rest-rejoined-by-index", "rejoined-across-break",
)
# Alternatives listed with an uncertain reading: enough to hold the right one where two or three
# independent points are in doubt (a typesetter's hyphens, a lost one), few enough to read.
MAX_ALTERNATIVES = 8


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
    ``uncertain``: syntax and word frequency could not decide between readings and no archive
    settled it — ``url`` is only the likeliest, and ``alternatives`` lists the others.
    ``furniture``: what ``input`` holds between the link's parts that is not the link (see below).
    ``lost``: the text does not hold the whole link — the pipeline it came through destroyed part of
    it (cut inside the archive prefix or timestamp, a character replaced by U+FFFD): no reading can
    bring it back, so ``url`` is never to be cited as it stands (``uncertain`` is then True too).
    (Not compared: two records for the same repair are equal however sure each was.)
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
    uncertain: bool = field(default=False, compare=False)
    alternatives: tuple[str, ...] = field(default=(), compare=False)
    lost: bool = field(default=False, compare=False)
    # Text inside ``input`` that is not the link's: the page's footer and header between a link's
    # two parts, when the archive settled that the link goes on past them. A rewrite keeps it.
    furniture: str = field(default="", compare=False)


def _unwrap(marked: str, repairs: list[str], grammar: ArchiveGrammar) -> str:
    """Mail-filter and redirect wrappers hide the real link in a query string: unwrap it."""
    flat = drop_markers(marked)
    inner, wrappers = unwrap_all(flat, grammar=grammar)
    if not wrappers:
        return marked
    for marker in MARKERS:
        if marker in marked:
            note(repairs, gap_name(marker))
    for name in wrappers:
        note(repairs, name)
    # What the wrapper held may itself be damaged (a space in a timestamp, an escape).
    return fix_scheme(clean(inner, repairs), repairs, grammar, add_missing=True)


def repair_link(text: str, index: ArchiveIndex | None = None, *, grammar: ArchiveGrammar | None = None,
                quoted_printable: bool | None = None, confirm_written: bool = False,
                following: str = "", markup_target: bool = False, own_hyphens: tuple[int, ...] = ()) -> RepairedLink:
    """Repair one link given as the text it spanned (may contain line breaks).

    With ``index``, candidate readings are confirmed against the archive; without, they are ranked
    by syntax alone and ``confirmed`` is None. Never raises on odd input: text that holds no link
    comes back with ``url`` equal to the cleaned text and no confirmation. ``quoted_printable``:
    whether the text the link came from is a raw quoted-printable mail body (None: judge from the
    link's own text; ``repair_text`` judges from the whole text).

    ``confirm_written``: with ``index``, put a link with one reading to the index too (one request),
    and where it holds no capture of it, ask once for what it holds that the text may have been
    (``respell_link``). For callers that verify nothing afterwards (``repair_text``); ``check``
    leaves it off and asks only when fetching the capture found none. ``following``: the text after
    the link, where a re-wrap may have put its rest; a link that takes some of it comes back with
    that text in ``input``.
    ``markup_target``: the text is a markup link's target (``textlinks.in_markup_target``): no
    typesetter laid it out, so a hyphen at a line break in it is the link's own (one reading).
    ``own_hyphens``: offsets in ``text`` of line-end hyphens known to be the link's own, each ending
    a line far past the text's measure (``textlinks.hyphens_past_the_measure``): one reading each.
    """
    grammar = grammar or builtin_grammar()
    repairs: list[str] = []
    text_for_repair = _close_breaks(text, own_hyphens) if own_hyphens else text
    if markup_target and "-" in text_for_repair:
        text_for_repair = _HYPHEN_AT_BREAK.sub("-", text_for_repair)
    if text_for_repair != text:
        repairs.append("line-break")
    marked = fix_scheme(clean(text_for_repair, repairs, quoted_printable=quoted_printable), repairs, grammar, add_missing=True)
    marked = _unwrap(marked, repairs, grammar)
    marked = join_head(marked, repairs, grammar)

    joined, original_start, points = decision_points(marked, repairs, grammar)
    candidates, bound_hit = readings(joined, points)
    # A confident link is a valid link: readings whose host is no valid name go last.
    candidates.sort(key=lambda c: not _valid(c.url, grammar))
    notes: list[str] = []
    if bound_hit:
        notes.append(f"{len(points)} uncertain points: only {len(candidates)} readings weighed (bound {MAX_CANDIDATES})")
    chosen = candidates[0]
    url, hyphen_repairs = chosen.url, list(chosen.repairs)
    uncertain = is_doubtful(points)
    confirmed: bool | None = None
    # Only a reading in doubt is put to the archive: an index request is the archives' scarcest
    # allowance (~20-30 a minute), and the replay request that verifies a link checks it anyway.
    if index is not None and len(candidates) > 1:
        answer = settle(candidates, original_start, points[0].position if points else None, index)
        confirmed = answer.confirmed
        if isinstance(answer.choice, int):
            url, hyphen_repairs = candidates[answer.choice].url, list(candidates[answer.choice].repairs)
        else:
            url, hyphen_repairs = answer.choice, diff_names(joined, answer.choice)
        if confirmed and answer.choice == 0 and _intact(text, marked, repairs):
            # Nothing shows damage and the archive holds the link as written: the other readings
            # were hypotheses for the case it did not (issue #16), however many it also holds.
            answer = replace(answer, also_held=())
        elif confirmed and answer.also_held:
            written = _as_the_text_writes_it(joined, points, marked, [url, *answer.also_held])
            if written is not None:
                # The archive holds the spelling the text shows and one with a hyphen the text
                # shows no sign of losing (no gap there): with the link as written held, a lost
                # hyphen is no hypothesis (issue #16, item 2), however many it also holds.
                url = written
                hyphen_repairs = next((list(c.repairs) for c in candidates if c.url == written), diff_names(joined, written))
                answer = replace(answer, also_held=(), note="the archive holds the link as the text writes it; "
                                                            "a hyphen the text shows no sign of losing is no reading then")
        if answer.note:
            notes.append(answer.note)
        if confirmed:
            uncertain = bool(answer.also_held)
            if _fragment_in_doubt(url, candidates):
                uncertain = True
                notes.append("the archive holds the page, but cannot decide its fragment: indexes do not record fragments")
    elif len(candidates) > 1:
        notes.append(f"best of {len(candidates)} readings by word frequency, unconfirmed (offline)")
    also_held = answer.also_held if index is not None and len(candidates) > 1 else ()
    if index is not None and confirm_written and len(candidates) == 1 and not _incomplete(url, grammar) and _valid(url, grammar):
        confirmed = index.holds(url)
        if confirmed is False:
            respelled = respell(url, original_start, index, following)
            if respelled is None:
                notes.append("the archive holds no capture of this link")
            else:
                url, confirmed, also_held, uncertain = respelled.choice, True, respelled.also_held, bool(respelled.also_held)
                hyphen_repairs = ["rest-rejoined-by-index" if respelled.consumed else "hyphen-restored-by-index"]
                text += following[: respelled.consumed]
                notes.append(respelled.note)
    alternatives: tuple[str, ...] = ()
    lost = False
    if _incomplete(url, grammar):
        # Cut inside its archive prefix or timestamp, with nothing in the text to finish it, or a
        # character a tool destroyed: not a link anyone can open, and never one to give as repaired.
        uncertain = lost = True
        notes.append("the link is incomplete: its timestamp or original address is missing from the text"
                     if "\ufffd" not in url and not _ONE_GLYPH.search(url)
                     else "characters of the link were destroyed on the way here (U+FFFD, or a text layer's one glyph for many)")
    elif not confirmed and (not _valid(url, grammar) or _FOREIGN.search(url)):
        # Not a valid link as it stands (a host under no public suffix, a character a pipeline
        # adds): whatever the ranking, not one to give as fact.
        uncertain = True
        alternatives = tuple(c.url for c in candidates if c.url != url)[:MAX_ALTERNATIVES]
        notes.append("the reading is not a valid link (host name or a character a tool adds); uncertain")
    elif uncertain and also_held:
        alternatives = also_held[:MAX_ALTERNATIVES]
    elif uncertain:
        alternatives = tuple(c.url for c in candidates if c.plausible and c.url != url)[:MAX_ALTERNATIVES]
        notes.append(f"uncertain reading: {len(alternatives)} other reading{'s' if len(alternatives) != 1 else ''} as likely")
    for name in hyphen_repairs:
        note(repairs, name)
    return RepairedLink(
        input=text,
        url=url,
        repairs=tuple(repairs),
        confirmed=confirmed,
        candidates=len(candidates),
        note="; ".join(notes) or None,
        uncertain=uncertain,
        alternatives=alternatives,
        lost=lost,
    )


def respell_link(repaired: RepairedLink, index: ArchiveIndex, *, grammar: ArchiveGrammar | None = None,
                 following: str = "") -> RepairedLink:
    """``repaired``, whose link the archive holds no capture of (its verification found none),
    respelled as the archive holds it (docs/damage-model.md, row 22): a hyphen a text extractor
    dropped without trace put back, or the rest a re-wrap left after the link (in ``following``)
    put on. One index request (a prefix query). Unchanged when nothing held fits; uncertain, with
    the others as alternatives, when several do."""
    grammar = grammar or builtin_grammar()
    if _incomplete(repaired.url, grammar):
        return repaired
    archive = grammar.archive_link.match(repaired.url)
    answer = respell(repaired.url, archive.start("orig") if archive else 0, index, following)
    if answer is None:
        return repaired
    repairs = list(repaired.repairs)
    note(repairs, "rest-rejoined-by-index" if answer.consumed else "hyphen-restored-by-index")
    return replace(repaired, input=repaired.input + following[: answer.consumed], url=answer.choice,
                   repairs=tuple(repairs), confirmed=True, uncertain=bool(answer.also_held),
                   alternatives=answer.also_held[:MAX_ALTERNATIVES],
                   note="; ".join(filter(None, (repaired.note, answer.note))))


def _incomplete(url: str, grammar: ArchiveGrammar) -> bool:
    """Cut inside its archive prefix or timestamp, a character destroyed, or a scheme alone."""
    return bool(grammar.cut_short(url) or "\ufffd" in url or _ONE_GLYPH.search(url) or _SCHEME_ONLY.match(url))


def _close_breaks(found: str, hyphens: tuple[int, ...]) -> str:
    """``found`` with the line break after each hyphen at ``hyphens`` (offsets in it) closed."""
    for at in sorted(hyphens, reverse=True):
        if found[at : at + 1] == "-":
            found = found[: at + 1] + _BREAK_AFTER.sub("", found[at + 1 :], count=1)
    return found


_BREAK_AFTER = re.compile(r"^[ \t]*\r?\n[ \t>]*")
_HYPHEN_AT_BREAK = re.compile(r"(?<=[A-Za-z0-9])-[ \t]*\r?\n[ \t>]*(?=[A-Za-z0-9])")
# A PDF text layer that cannot map a font's glyphs gives one character for all of them
# ("ปปปปปปปป" for a Thai title): what the link said is gone.
_SCHEME_ONLY = re.compile(r"^[a-z]+:/*$", re.IGNORECASE)  # "http://" and nothing after it
_ONE_GLYPH = re.compile(r"([^\x00-\x7f])\1{5,}")
# Characters a pipeline adds that no link holds: a mail quote's ">", whitespace, gap markers, a soft
# hyphen, zero-width characters.
_FOREIGN = re.compile("[>\\s\u00ad\u200b\u200c\u200d\u2060\ufeff\ue000-\ue002]")


_SCHEME_SLASHES = re.compile(r"(?<=^https):/+|(?<=^http):/+", re.IGNORECASE)


def _valid(url: str, grammar: ArchiveGrammar) -> bool:
    """Whether the hosts in ``url`` (an archive link's own and its original's) are valid names."""
    archive = grammar.archive_link.match(url)
    original = archive.group("orig") if archive else url
    original = _SCHEME_SLASHES.sub("://", original, count=1)  # "https:/host", as the archives print it
    try:
        host = urlsplit(original if "//" in original[:12] else "http://" + original.lstrip("/")).hostname or ""
    except ValueError:  # "[" alone: no host at all
        return False
    return not host or valid_host(host) or not re.search(r"[a-z]", host)


def _as_the_text_writes_it(joined: str, points: list, marked: str, held: list[str]) -> str | None:
    """Of the held readings, the one that puts no hyphen where the text shows no gap (a hyphen
    lost with no trace: pdftotext's, or word frequency's guess), when exactly one is; else None."""
    gaps, position = set(), 0
    for char in marked:
        if char in MARKERS:
            gaps.add(position)
        else:
            position += 1
    traceless = [p for p in points if p.kind == "hyphen" and not p.hyphen_in_text and p.position not in gaps]
    if not traceless:
        return None
    # The plausible readings once every traceless point is held to what the text shows (no hyphen).
    fixed = [replace(p, preference=-1.0, doubtful=False) if p in traceless else p for p in points]
    spelled = {r.url for r in readings(joined, fixed)[0] if r.plausible}
    kept = [url for url in held if url in spelled]
    return kept[0] if len(kept) == 1 else None


def _intact(text: str, marked: str, repairs: list[str]) -> bool:
    """Whether the text shows no damage where the link stands: no gap, no sign a tool changed it."""
    return not any(marker in marked for marker in MARKERS) and not DAMAGE_SIGNS.intersection(repairs)


def _fragment_in_doubt(url: str, candidates: list) -> bool:
    """Archives' indexes do not record fragments, so a confirmed reading settles everything but a
    word that may or may not belong to its fragment."""
    if "#" not in url:
        return False
    base = url.split("#", 1)[0]
    # Only a reading an uncertain answer would list: one the text rules out (a hyphen no pattern
    # allows, removed) leaves nothing in doubt, and "uncertain" with no alternative says nothing.
    return any(c.url != url and c.plausible and c.url.split("#", 1)[0] == base for c in candidates)


def repair_text(text: str, index: ArchiveIndex | None = None, *, grammar: ArchiveGrammar | None = None) -> list[RepairedLink]:
    """Find and repair every link in ``text``; each result carries ``start``/``end``/``line``."""
    grammar = grammar or builtin_grammar()
    results = []
    cache: dict[tuple[str, str], RepairedLink] = {}
    quoted_printable = looks_quoted_printable(text) or None
    taken = 0  # where the last link's text ends: past a rest the archive settled, if any
    for span in iter_link_spans(text, grammar):
        if span.start < taken:
            continue  # the rest of the link before it (row 22, across a break): not a link of its own
        found = text[span.start : span.end]
        # Online, a link with one reading is put to the index too (nothing verifies it after this),
        # and the text after it may hold its rest: what a re-wrap left there.
        following = text[span.end : span.end + FOLLOWING_LIMIT] if index is not None else ""
        repaired = cache.get((found, following))
        if repaired is None:
            repaired = cache[(found, following)] = repair_link(
                found, index, grammar=grammar, quoted_printable=quoted_printable, confirm_written=True,
                following=following, markup_target=in_markup_target(text, span.start),
                own_hyphens=tuple(at - span.start for at in hyphens_past_the_measure(text, span.start, span.end)))
        end = span.start + len(repaired.input)  # past the rest the archive confirmed (row 22), if any
        rest = None if quoted_printable else continuation_after_break(text, span.start, end, grammar)
        if rest is not None:
            left, right = text[span.start : rest.left_end], text[rest.start : rest.end]
            # A footer glued on where the extractor dropped a line-end hyphen: the hyphen may have
            # been the link's, so both joins are read.
            joins = (left + "\n" + right, left + "-\n" + right) if rest.glued else (left + "\n" + right,)
            repaired = _across_break(repaired, joins, index, grammar, page=rest.glued or "\x0c" in text[end : rest.start]
                                     or bool(_PAGE_NUMBER.search(text, end, rest.start)))
            if "rejoined-across-break" in repaired.repairs:  # the archive settled it: the link goes on
                end = rest.start + _link_end(text[rest.start : rest.end], repaired.url)
                repaired = replace(repaired, input=text[span.start : end], furniture=text[rest.left_end : rest.start])
        taken = end
        results.append(replace(repaired, start=span.start, end=end, line=span.line))
    return results


_PAGE_NUMBER = re.compile(r"^[ \t]*(?:(?:page|p\.)[ \t]*)?[-\u2013]?[ \t]*\d{1,4}\b", re.IGNORECASE | re.MULTILINE)


def _link_end(rest: str, url: str) -> int:
    """Where ``url`` ends in ``rest``, the text of its last part after a break: after the last place
    the rest's letters and digits end as the link's do, and the characters the link ends with
    ("=", "/"). What follows (a word of prose the repair cut off) stays text."""
    target = [c.lower() for c in url if c.isalnum()][-12:]
    where = [(i, c.lower()) for i, c in enumerate(rest) if c.isalnum()]
    end = len(rest)
    for j in range(len(where), len(target) - 1, -1):
        if [c for _, c in where[j - len(target) : j]] == target:
            end = where[j - 1][0] + 1
            break
    else:
        return end
    last = len(url)
    while last and not url[last - 1].isalnum():
        last -= 1
    trailing = url[last:]
    if trailing and rest.startswith(trailing, end):
        end += len(trailing)
    return end


def _across_break(repaired: RepairedLink, joins: tuple[str, ...], index: ArchiveIndex | None,
                  grammar: ArchiveGrammar, *, page: bool) -> RepairedLink:
    """A link that ends where a PDF page or a paragraph ends, and a line after the break (past the
    page's furniture) that may be its rest: two sets of readings. The link as it stands stays the
    reading (the letter keeps its text); the joined readings are listed, and the note says which
    the archive holds when it was asked."""
    readings = [repair_link(joined_text, grammar=grammar) for joined_text in joins]
    joined = readings[0]
    others = list(dict.fromkeys(url for each in readings for url in (each.url, *each.alternatives) if url != repaired.url))
    if not others:
        return repaired
    note = ("a page break follows the link: it may go on after the page's header or footer" if page
            else "a paragraph break follows the link: what comes after it may be its rest")
    if index is not None:
        # Online the archive settles it when it holds one side only: the link as written (its
        # text ends there) or one joined reading (it goes on past the break); both, or neither,
        # and the readings stay listed.
        written = None if repaired.lost or not _valid(repaired.url, grammar) else (
            repaired.confirmed if repaired.confirmed is not None else index.holds(repaired.url))
        held = [url for url in others[:MAX_EXACT_LOOKUPS] if index.holds(url)]
        if written and not held and not repaired.uncertain:
            return replace(repaired, confirmed=True, note="; ".join(filter(None, (repaired.note, note + "; the archive holds the link as written, not its joined reading"))))
        respelled = None
        if not written and not held and not joined.lost:
            # Neither side held: the joined reading may have lost a hyphen without trace too
            # (row 22; one prefix query, only for a link the archive holds nothing of).
            respelled = respell_link(joined, index, grammar=grammar)
            if respelled is not joined and not respelled.uncertain:
                held = [respelled.url]
        if not written and len(held) == 1:
            chosen = next((each for each in (respelled, *readings) if each is not None and each.url == held[0]), joined)
            repairs = list(chosen.repairs)
            note_name(repairs, "rejoined-across-break")
            return replace(repaired, url=held[0], repairs=tuple(repairs), confirmed=True, uncertain=False, lost=False,
                           alternatives=(),
                           note=note + "; the archive holds the joined reading only")
        if written:
            held.insert(0, repaired.url)
        if held:
            note += "; the archive holds " + " and ".join(held)
            if len(held) > 1:
                note += ": it cannot decide"
    alternatives = tuple(dict.fromkeys((*others, *repaired.alternatives)))[:MAX_ALTERNATIVES]
    return replace(repaired, uncertain=True, alternatives=alternatives,
                   note="; ".join(filter(None, (repaired.note, note))))


def rewrite_text(text: str, index: ArchiveIndex | None = None, *, grammar: ArchiveGrammar | None = None,
                 write: Callable[[RepairedLink], str | None] | None = None) -> str:
    """``text`` with every link replaced by its repair and nothing else changed.

    A text whose links need no repair comes back identical, byte for byte. A word the repair found
    glued onto a link (the next line's prose) is kept in the text after the link. ``write``: what
    to put in place of each repaired link (None keeps it as written); the letter writers pass
    ``citable.link_to_write``'s answer, so only what may enter a letter does. Without it, every
    repair is written.
    """
    pieces: list[str] = []
    last = 0
    for result in repair_text(text, index, grammar=grammar):
        assert result.start is not None and result.end is not None
        if result.url == result.input:
            continue
        replacement = write(result) if write is not None else result.url
        if replacement is None or replacement == result.input:
            continue
        pieces.append(text[last : result.start])
        pieces.append(replacement)
        if "glued-word" in result.repairs and not result.furniture:  # (after a break, the span ends at the link)
            pieces.append(_glued_tail(result.input, result.url))
        if result.furniture:
            # The page's footer and header the link went on past, kept after it — on a line of
            # their own where the extractor had glued the footer onto the link ("…naPage 6").
            pieces.append(result.furniture if result.furniture[:1].isspace() else "\n" + result.furniture)
        last = result.end
    pieces.append(text[last:])
    return "".join(pieces)


def _glued_tail(spanned: str, url: str) -> str:
    """The lines at the end of a spanned link that the repair cut off as prose, with their line
    breaks: the fewest last lines without which the text ends as the repaired link does."""
    def letters(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())[-12:]

    cut = len(spanned)
    while (cut := spanned.rfind("\n", 0, cut)) > 0:
        if letters(spanned[:cut]) == letters(url):
            return spanned[cut:]
    return spanned[max(spanned.rfind("\n"), 0):]
