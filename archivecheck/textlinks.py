"""Find where links are in plain text — including links that a line break or a stray space cut in two.

This is the one place that decides where a link starts and ends in text. Both extraction (which
first turns a .docx, .pdf, .eml … into text) and ``repair_text`` use it, so a link is delimited the
same way whichever door it came through. A span covers the damaged link as it stands, line breaks
and all ("the text it spanned"); repairing it is the ``repair`` package's job. Which archives' links
are recognised comes from an ``ArchiveGrammar`` compiled from the run's registry.

Continuation across whitespace is decided from the text alone, conservatively: we join when the
left part cannot be a whole link (an archive link whose timestamp or original URL is unfinished, a
link ending in ``-`` or ``_``, a host still being written) or when the right part is unmistakably
URL-ish (has a path, a file extension, or a lower-case slug). A paragraph break is crossed only
when the link cannot end before it. Prose after a link is not swallowed: a word after a file name
is the next line's, and a scheme starts the next link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from .grammar import ArchiveGrammar, builtin_grammar
from .quotedprintable import decoded_view, looks_quoted_printable

__all__ = ["Continuation", "LinkSpan", "continuation_after_break", "hyphens_past_the_measure", "in_markup_target", "find_link_spans", "trim_link_end"]

# Characters a link may hold as it stands in a letter. Markdown backslashes, entities and typographic
# dashes stay in (repair undoes them); whitespace, angle brackets, double and smart quotes end it.
_BODY = re.compile(r"[^\s<>\"\u201c\u201d\u2018\u2019\[\]{}|^`]+")
# What a line may start with before a link continues on it: mail quoting ("> "), indentation, and a
# code comment's marker ("// ", "# ", "* ") when a link in a source comment wraps. The marker needs
# a space after it, so "//host" at a line start (a link broken right after "https:") is not one.
_LINE_LEAD = r"(?:[ \t]*>)*[ \t\u00a0]*(?:(?:/{2,}|#+|\*|--|;)[ \t]+)?"
# One gap a link may continue across: spaces (incl. NBSP) or a single line break and its line lead.
_GAP = re.compile(rf"[ \t\u00a0]*\r?\n{_LINE_LEAD}|[ \t\u00a0]{{1,3}}(?![ \t\u00a0])")
# A paragraph break inside a link (PDF converters insert them): crossed only when the link plainly
# cannot end before it (see ``_cannot_end``). Two blank lines always end a link.
# A reply's quoting leaves the blank line as a bare ">" (or "> >").
_BLANK_GAP = re.compile(rf"[ \t\u00a0]*\r?\n(?:[ \t]*>)*[ \t\u00a0]*\r?\n{_LINE_LEAD}")
# A backslash ends no URL: at a link's end it is an escaped quote's ("href=\\"…\\"") or markdown's
# hard line break.
_TRAILING = ".,;:!?'\"*\u2019\u201d\\"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_EXTENSION = re.compile(
    r"\.(?:pdf|html?|docx?|xlsx?|pptx?|csv|odt|ods|odp|rtf|txt|aspx?|php|jsp|jpe?g|png|gif|zip|xml|json)(?:$|[?#/.,;:)])",
    re.IGNORECASE,
)
_SLUG = re.compile(r"[a-z0-9%]+(?:\\?[-_][a-z0-9%]+){2,}[/.,;:)]?|[a-z0-9%]*\d[a-z0-9%]*(?:\\?[-_][a-z0-9%]+)+")
_QUERY_PART = re.compile(r"\?[A-Za-z0-9_.%-]+=")  # "edit?usp=sharing": a query, never prose
_WORD_SLASH_WORD = re.compile(r"[A-Za-z]+/[A-Za-z]+[.,;:!?)]*")
_UNFINISHED_HOST = re.compile(r"(?:[a-z]+://?)?[a-z0-9.-]*", re.IGNORECASE)
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~%/?#=&+:;@!$,\\()*']+")
_MAX_JOINS = 12
_FLATTEN = re.compile(rf"\s*\n{_LINE_LEAD}\s*|\s+")
# The original's host, still being written, at the end of an archive link: "…/2023…/https://www.wash".
_ORIGINAL_HOST_END = re.compile(r"/\d{4,14}(?:[a-z]{2}_)?/(?:https?:/{1,2})?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?$", re.IGNORECASE)
_HOST_REST = re.compile(r"[a-z0-9-]*(?:\.[a-z0-9-]+)*\.?[a-z0-9-]*(?:/|:\d)")
# A file name at the end of a path: a dot and a short extension in the last segment. Text that
# follows on the next line and would make no extension of it (".pdf" + "accessed") is prose.
_FILE_END = re.compile(r"/[^/?#\s]*\.(?P<ext>[a-z][a-z0-9]{1,4})$", re.IGNORECASE)
_EXTENSION_ONLY = re.compile(r"\.[a-z][a-z0-9]{1,4}", re.IGNORECASE)
_MD_LINK_AFTER = re.compile(r"(?:[ \t\r\n]{0,4}\[(?P<shown>[^\[\]]{0,400}))?\]\((?P<target>https?://[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)")
_SCHEMELESS = re.compile(r"^[a-z]+:/*", re.IGNORECASE)
_SPACED_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+(?:\.[a-z0-9]{2,5}|/\S*)[.,;:)]*")
_IN_SLUG = re.compile(r"/[^/\s?#]*[-_][^/\s?#]*$")
_SCHEME_AT = re.compile(r"https?://(?=[a-z0-9])", re.IGNORECASE)
_WHOLE_TIMESTAMP = re.compile(r"/\d{14}$")
_NEW_LINK = re.compile(r"(?:https?|hxxps?|ftp):|www\.", re.IGNORECASE)
_PROSE_WORD = re.compile(r"[A-Za-z]+[.,;:!?)]*")


@dataclass(frozen=True)
class LinkSpan:
    """Where a link lies in a text: ``text[start:end]``, first line number (1-based)."""

    start: int
    end: int
    line: int


def _urlish(token: str) -> bool:
    if _WORD_SLASH_WORD.fullmatch(token):  # "and/or" in prose
        return False
    return "/" in token or bool(_EXTENSION.search(token)) or bool(_SLUG.fullmatch(token)) or bool(_QUERY_PART.search(token))


def _cannot_end(flat: str, grammar: ArchiveGrammar) -> bool:
    """The link so far plainly cannot be whole: cut inside its archive prefix, timestamp, scheme or
    the archive's host. Only then is a paragraph break inside a link believed."""
    return bool(grammar.cut_short(flat) or _UNFINISHED_HOST.fullmatch(flat)
                or flat.endswith((":", ":/", "://")))


def _continues(left: str, token: str, newline: bool, fills_line: bool, grammar: ArchiveGrammar,
               blank: bool = False, refilled: bool = True) -> bool:
    """Whether ``token``, after a gap, is the rest of the link ``left``.

    ``fills_line``: the token is all there is on its line — what a link cut by a wrapping column
    looks like, and what prose after a link rarely does. ``blank``: the gap is a paragraph break.
    ``refilled``: the text may have been re-filled since it was wrapped (see ``_kept_line_end_spaces``).
    """
    if not token:
        return False
    flat = left[-160:]
    if "\n" in flat or " " in flat or "\t" in flat or "\u00a0" in flat:
        flat = _FLATTEN.sub("", flat)
    # The end-anchored patterns below only need the link's last stretch: searching all of it would
    # try every position of a long link, on every gap of every link of a 50 MB text.
    end = flat[-120:]
    if token[0] == "\\" and len(token) > 1 and token[1] in "_-*.":
        token = token[1:]  # a markdown escape starts the next line: judge the escaped character
    first, last = token[0], left[-1]
    if blank:
        if _cannot_end(end, grammar) or (_ORIGINAL_HOST_END.search(end) and _HOST_REST.match(token)):
            return first.isalnum() or first in "/.:"
        # A path cut by a paragraph break ("…/train" + "ing/handouts/….pdf"): what follows is more
        # path, lower-case, with slashes — a paragraph of prose does not start like that.
        return (first.islower() or first.isdigit() or first == "/") and "/" in token and not _NEW_LINK.match(token) \
            and not _WORD_SLASH_WORD.fullmatch(token) and _urlish(token)
    if grammar.cut_short(end) or (_LINE_END_HYPHEN.search(left, max(0, len(left) - 160)) is not None and grammar.cut_short(
            _FLATTEN.sub("", _LINE_END_HYPHEN.sub("", left[-160:]))[-120:])):
        # (A typesetter's hyphen in the archive's host, "webarchive.nation-" / "alarchives", is
        # no part of it: the link is cut short read without it.)
        if flat[-1].isdigit() and not _WHOLE_TIMESTAMP.search(end):
            # A timestamp still being written goes on with digits (or "/" after a partial one),
            # not a word: "…/ukgwa/2003" then "land classification" is another column's text.
            return first.isdigit() or first == "/"
        # ("+/" and "*/": the legacy latest-capture and calendar forms stand where a timestamp would.)
        return first.isalnum() or first in "/\\_:" or (first in "+*" and token[1:2] == "/")
    if _UNFINISHED_HOST.fullmatch(flat):
        return (first.isalnum() or first in "./:") and ("." in token or "/" in token)
    if _HOST_REST.match(token) and _ORIGINAL_HOST_END.search(end) and not _WORD_SLASH_WORD.fullmatch(token):
        # A PDF text layer puts a space inside the original's host ("www.washi ngton.edu/…"): what
        # follows is more host and then a path, which prose after a link never is.
        return True
    if _NEW_LINK.match(token):
        return False  # a scheme or "www." starts the next link, not more of this one
    if _PROSE_WORD.fullmatch(token) and goes_past_extension(flat, token.rstrip(".,;:!?)")):
        return False  # "report.pdf" then "accessed": no file name goes on past its extension
    if not newline and refilled and _refilled_break(left) and (last.isalnum() or last in "-_/=") and _URL_START.match(token) \
            and "://" not in token and "/" in end.rsplit("//", 1)[-1]:
        # A reply re-filled around a wrapped link (``fmt -p '>'``, a mail client re-flowing a
        # quote) turns the link's old line breaks into spaces: "…/exams-and-universitie s This",
        # "…/2018-FIFA-World-C up-Stats Please". The word after such a space may be the link's rest
        # or the sentence going on: joined here, and repair weighs both readings (a cut point).
        return True
    if not newline and last.isalnum() and _SPACED_SLUG.fullmatch(token) and _IN_SLUG.search(end):
        # A PDF text layer put a space inside a word of a slug ("…/how-to-a re-email-policy.pdf"):
        # joined only when what follows ends the path unmistakably, as a file name or more path.
        return True
    if left.endswith((":", ":/", "://", "\\")):
        return first.isalnum() or first in "/_-"
    if first == ":" and token.startswith((":/", "://")) and re.search(r"(?:^|/)https?$", end, re.IGNORECASE):
        return True
    if last in "-_\u2010\u2011\u2013\u00ad":
        return first.isalnum() or first == "%" or (last == "-" and first == "." and len(token) > 1)  # "gov-" + ".uk/"
    if last == "%" or re.search(r"%[0-9A-Fa-f]$", end):  # cut inside a percent-escape
        return bool(re.match(r"[0-9A-Fa-f]", token))
    if last in "?&=":
        if last == "=" and newline and not fills_line and _prose_word(token) and not token.endswith(")") \
                and token[:1].islower():
            # "…?key=" then "and we are …": a query may end in "=", and a sentence goes on. (A ")"
            # after the word closes the bracket the link was opened in: "…?usp=" + "sharing)". A
            # capitalised word — "…Rendition=" + "Web", "…UpM=" + "Please" — is joined, and repair
            # keeps both readings.)
            return False
        return "=" in token or first.isalnum()
    if last == "/":
        return _urlish(token) or (newline and _path_piece(token))
    if last == ".":
        return bool(_EXTENSION.match("." + token)) or bool(re.match(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/|$)", token))
    if first == "/" and len(token) > 1:
        return True
    if first == "%" and re.match(r"%[0-9A-Fa-f]{2}", token):
        return True  # a percent-escape starts no word of prose
    if first in "-_" and len(token) > 1 and token[1].isalnum():
        return True
    if first == "." and len(token) > 1 and token[1].isalnum():
        return bool(_EXTENSION.match(token)) or bool(re.match(r"\.[a-z0-9-]+(?:\.[a-z0-9-]+)*/", token, re.IGNORECASE))
    if not newline and (last.isalnum() or last in "-_") and "/" in end.rsplit("//", 1)[-1] and not _prose_token(token) \
            and _URL_START.match(token) and ("/" in token or _EXTENSION.search(token) or _path_piece(token)
                                             or first in "=?#") \
            and not _NEW_LINK.match(token) and "://" not in token:
        # (A token holding a scheme may be another link: only an archive's grammar joins those.)
        # A re-wrap (fmt, a mail client re-flowing a quote) or a PDF text layer turned a break
        # inside the link into a space: "…PublicPatentLicen" + "se.pdf", "…/gpconn" + "ect-1-5-0/".
        # What follows is plainly more path, never prose; a last bare number stays in doubt (repair).
        return True
    if not newline and last.isalpha() and token.isalpha() and token.islower() and len(token) > 2 \
            and "/" in end.rsplit("//", 1)[-1] and not _prose_word(token) and _not_a_word(token):
        # "…/web-archiving/archi" + "vability": no word at all after a space inside the path — a
        # re-wrap put the space inside a word (repair keeps the end in doubt).
        return True
    segment = end[end.rfind("/") + 1 :]
    if segment.count("(") > segment.count(")") and ")" in token and "(" not in token.split(")", 1)[0]:
        return True  # "…/Erica_(pl" then "ant)": the bracket the link opened closes on the next line
    if unicodedata.category(first).startswith("M"):
        return True  # a combining mark starts no word: a wrap cut a character's marks from it
    if newline and re.search(r"\.[A-Za-z]{1,3}$", end) and token.rstrip(".,;:!?)").isalpha() \
            and len(re.search(r"\.[A-Za-z]{1,3}$", end).group()) + len(token.rstrip(".,;:!?)")) <= 6:
        return True  # "demo.a" + "tom": a file name's extension cut by the wrap (repair weighs the end)
    if first == "?" and _QUERY_PART.match(token):
        return True  # "…/document-processing" then "?lang=python": a query starts no prose
    if last.isalnum() and first.isalnum():
        partial_extension = re.search(r"\.[A-Za-z]{1,4}$", end)
        if partial_extension and _EXTENSION.match(partial_extension.group() + token.rstrip(".,;:!?)")):
            return True  # "camelot.p" then "df": a file name's extension cut in two
    if newline and last.isalnum() and first.isalnum():
        if fills_line and not (token[0].isupper() and token[-1] in ".!?:"):
            return bool(_URL_CHARS.fullmatch(token))
        return _urlish(token)
    return False


_URL_START = re.compile(r"[\w/.~%?#=&:'+@!$*-]")  # \w: an IRI's letters too ("…/wiki/ประกาศ")
# What only a link's path holds, never a word of prose: digits, "_", "#", "%", "=", "?", "~", a
# capital inside a word ("SCCI0160", "DH_075531", "#readerwin", "getApiV1Search").
_PATH_PIECE = re.compile(r"[#%=?~_]|\d|[a-z][A-Z]")
_COMMON_PAIR = frozenset({"and/or", "he/she", "his/her", "him/her", "either/or", "s/he", "yes/no"})


_QUOTED_BREAK = re.compile(r"\n(?:[ \t]*>)+")
_PIECE_GAP = re.compile(r"[ \t]*\r?\n(?:[ \t]*>)*[ \t]*|[ \t]+")


def _refilled_break(left: str) -> bool:
    """Whether a space after the link so far may be one of its line breaks that a re-fill turned
    into a space: the link was wrapped inside quoted text (a line break, then "> "), and its last
    piece is as long as each piece before it. A wrap that cut a link hard cut it at the wrapping
    width, so every piece but the first and the last is exactly that wide; a last piece shorter
    than one of them was not cut where the space is — the space is the sentence's own. (Which
    also allows one such space a line: after it, the piece is the shorter word that followed.)"""
    if "\n" not in left or not _QUOTED_BREAK.search(left):
        return False
    pieces = [len(piece) for piece in _PIECE_GAP.split(left.strip()) if piece]
    return len(pieces) > 1 and pieces[-1] >= max(pieces[:-1])


_LINE_END_SPACE = re.compile(r"[^\s>][ \t]\r?\n")


def _kept_line_end_spaces(text: str, start: int) -> bool:
    """Whether the lines just before a link end with the space a wrap broke at (``fold -s``, a mail
    client's format=flowed): the text was wrapped and not re-filled since — a re-fill (``fmt``, a
    client re-flowing a quote) squeezes those spaces out — so a space after the link is the
    sentence's own, not a line break a re-fill turned into a space."""
    return bool(_LINE_END_SPACE.search(text, max(0, start - 400), start))


def _path_piece(token: str) -> bool:
    """A token on the next line that goes on a link cut right after "/": it has what only a path
    has, or is a lower-case "word/word" path ("cui/uig") that is no pair of prose ("and/or")."""
    bare = token.rstrip(".,;:!?)")
    if _PATH_PIECE.search(bare):
        return True
    return bool(_WORD_SLASH_WORD.fullmatch(bare)) and bare.islower() and bare not in _COMMON_PAIR


# A "blank" line that is a bare quote mark: a reply re-wrapped around a link leaves one inside it.
_QUOTED_BLANK = re.compile(r"[ \t\u00a0]*\r?\n(?:[ \t]*>)+[ \t]*\r?\n(?:[ \t]*>)*[ \t]*")
_NUMBER_IN_PROSE = re.compile(r"\d{1,4}[.,;:!?)]+")


def _starts_with_a_space(gap: str) -> bool:
    """Whether the next line starts with a space of its own (past a quote's "> "): a column that cut
    the text right before a space — the link had ended there (fold: "…?key=" / " and we")."""
    lead = gap[gap.rfind("\n") + 1 :]
    lead = re.sub(r"^(?:[ \t]*>)+ ?", "", lead)
    return lead[:1] in (" ", "\t")


def _ends_with_a_space(gap: str) -> bool:
    """Whether the link's line ends with a space before the break (``fold -s`` keeps the space it
    broke at): the line was broken at a space, which no link holds — the link had ended there."""
    return gap[:1] in (" ", "\t") and "\n" in gap


def _fills_its_line(text: str, start: int, end: int) -> bool:
    """Whether the link's piece ending at ``end`` is all its line holds (after a quote's "> ") and
    long: what a link cut by a wrapping width looks like. A wrapper that breaks only at spaces
    (fmt, pandoc) leaves a long link whole on such a line; one that breaks inside it (fold -s, a
    fixed-width text layer) leaves its rest on the next line."""
    line_start = text.rfind("\n", 0, end) + 1
    piece_start = max(start, line_start)
    return end - piece_start >= _MIN_WRAP_WIDTH and not text[line_start:piece_start].strip(" \t>")


def _prose_token(token: str) -> bool:
    """A token that reads as the sentence going on: a common word, or a number ending a clause."""
    return _prose_word(token) or bool(_NUMBER_IN_PROSE.fullmatch(token))


def _not_a_word(token: str) -> bool:
    from .wordsplit import NOT_A_WORD, word_frequency

    return word_frequency(token) < NOT_A_WORD


def _prose_word(token: str) -> bool:
    """A word of prose: letters only (trailing punctuation aside), and common in English."""
    from .wordsplit import word_frequency  # lazy: only the rare gaps that need it load the table

    bare = token.rstrip(".,;:!?)")
    # Prose is written lower-case or Capitalised; "DF", "EN" in capitals are a link's letters.
    return bare.isalpha() and (bare.islower() or bare[1:].islower()) and word_frequency(bare) >= 3.0
# Lines shorter than this are no evidence of a wrapping column.
_MIN_WRAP_WIDTH = 30


def _at_wrap_column(text: str, end: int) -> bool:
    """Whether the line ending at ``end`` was cut by a wrapping column (``fold``, a mail client's
    hard wrap, a fixed-width text layer): it is as long as the longest of the lines around it.
    A link cut there may go on on the next line whatever that line starts with; ``repair`` weighs
    where it ends."""
    line_start = text.rfind("\n", 0, end) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        return False
    width = len(text[line_start:line_end].rstrip("\r"))
    if width < _MIN_WRAP_WIDTH:
        return False
    widest = 0  # the widest of the other lines
    before = line_start
    for _ in range(3):
        if before <= 0:
            break
        previous = text.rfind("\n", 0, before - 1) + 1
        widest = max(widest, len(text[previous : before - 1].rstrip("\r")))
        before = previous
    after = line_end + 1
    for _ in range(2):
        following = text.find("\n", after)
        following = len(text) if following < 0 else following
        widest = max(widest, len(text[after:following].rstrip("\r")))
        after = following + 1
        if after >= len(text):
            break
    # Exactly as wide as the widest other line around: a column, not one long unbreakable link
    # overflowing a line (``fmt``, pandoc: the link alone on a longer line).
    return width == widest


# A page-number line ("Page 9", "9", "- 9 -", "9 of 12") or a form feed: a PDF page ends there.
_PAGE_LINE = re.compile(r"[ \t]*\x0c?[ \t]*(?:(?:page|p\.)[ \t]*)?[-\u2013]?[ \t]*\d{1,4}[ \t]*[-\u2013]?"
                        r"(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?[ \t]*\x0c?[ \t]*\r?(?:\n|$)", re.IGNORECASE)
_CONTINUATION = re.compile(r"[ \t>]*(?P<token>[^\s<>\"\u201c\u201d\[\]{}|^`]+)")
# What only a link's path holds, never prose: a token after a paragraph break that has one of these
# may be the rest of the link above it ("…/wiki/ประกาศให้" then "ใช้วันที่_1_มกราคม_…_2483").
_LINE_END_HYPHEN = re.compile(r"-(?=[ \t]*\r?\n)")
_ONLY_IN_PATH = re.compile(r"[#%=?~_/]")


@dataclass(frozen=True)
class Continuation:
    """Where a link may go on after a break (``continuation_after_break``): ``left_end``, where the
    link's own line ends (sentence punctuation included); ``start``/``end``, its rest; ``glued``:
    the page's footer was glued onto the link's last word (pdftotext), so a line-end hyphen the
    extractor dropped there may have been the link's."""

    left_end: int
    start: int
    end: int
    glued: bool = False


# A page footer ("Page 13", "p. 4", "4 of 12") glued onto the last word of a page by a text
# extractor that joined a hyphenated line end with the next line — the footer (pdftotext's default
# mode: "…/uploads/winchester-" + "Page 13" became "…/uploads/winchesterPage 13").
_FOOTER = re.compile(r"(?:page|p\.)[ \t]*\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?", re.IGNORECASE)
_FOOTER_AFTER = re.compile(r"[ \t]*\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?[ \t]*\r?\n(?:[ \t]*\r?\n){0,3}[ \t]*\x0c")


def _glued_footer(text: str, start: int, end: int) -> int:
    """``end``, or where the link ends without a page footer a text extractor glued onto it: the
    link's text ends in "Page", then a page number ends the line and a form feed the page."""
    if end - start > 12 and text.endswith(("Page", "page"), start, end) and _FOOTER_AFTER.match(text, end):
        return start + len(trim_link_end(text[start : end - 4]))
    return end


def continuation_after_break(text: str, start: int, end: int,
                             grammar: ArchiveGrammar | None = None) -> Continuation | None:
    """Where the link ``text[start:end]`` may go on after a break that ended it: a page break (the
    page number, a form feed, the running header or footer lines: at most eight short lines) or a
    paragraph break, when the first line after it starts with what only a link's path holds — or
    with anything a link may hold, when the link is cut inside its archive prefix and cannot end.

    Returns where the link's own line ends and where its rest lies, read across further gaps as any
    link is (a ``Continuation``), or None. The break's lines are
    not the link's, and what follows may or may not be: repair gives it as another reading, never
    as the link."""
    grammar = grammar or builtin_grammar()
    newline = text.find("\n", end)
    if newline < 0:
        return None
    tail = text[end:newline].rstrip(" \t\r")
    glued = bool(_FOOTER.fullmatch(tail))  # "…/winchesterPage 13": see ``_glued_footer``
    if tail.strip(_TRAILING) and not glued:
        return None  # the link's line goes on with prose: the link ended there
    left_end = end if glued else end + len(tail)
    written = trim_link_end(text[start:end])
    # (Read with and without its line-end hyphens: "webarchive.nation-" / "alarchives" is the
    # archive's host only without the typesetter's.)
    cannot_end = any(_cannot_end(_FLATTEN.sub("", link)[-120:], grammar)
                     for link in (written, _LINE_END_HYPHEN.sub("", written)))
    position, broke = newline + 1, glued
    for _ in range(8):  # blank lines, the page number, a form feed, a header or two
        if position >= len(text):
            return None
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end
        if _PAGE_LINE.match(text, position) or text.startswith("\x0c", position):
            broke = True
        elif text[position:line_end].strip(" \t\r>"):
            found = _CONTINUATION.match(text, position)
            token = found.group("token") if found else ""
            if position == newline + 1 and not glued:
                return None  # no break at all: the next line was weighed as the link's (``_extend``)
            # (A link cut inside its archive prefix goes on with the rest of it, an original's
            # scheme included: "…/20120908140957id_/" then "http://www.education.gov.uk/…".)
            if token and (not _NEW_LINK.match(token) or cannot_end) and (
                    _ONLY_IN_PATH.search(token.rstrip(".,;:!?)"))
                    or (broke and (_urlish(token) or _path_piece(token)))):
                return Continuation(left_end, found.start("token"), _rest_end(text, start, left_end, found, grammar), glued)
            if not broke:
                return None  # a paragraph of prose follows
        if line_end - position > 100:
            return None
        position = line_end + 1
    return None


def _rest_end(text: str, start: int, left_end: int, found: re.Match[str], grammar: ArchiveGrammar) -> int:
    """Where the rest of a link that starts at ``found`` ends, read with the link before it as if
    the break were a line break (the rest may itself be wrapped or hyphenated)."""
    left = text[start:left_end]
    rest_start = found.start("token")
    joined = left + "\n" + text[rest_start : rest_start + 2000]
    first = len(left) + 1 + len(found.group("token"))
    raw = _extend(joined, 0, first, grammar)
    return rest_start + len(trim_link_end(joined[:raw])) - len(left) - 1


_MARKUP_TARGET = re.compile(r"""\]\([ \t]*$|href[ \t]*=[ \t]*["']?$""", re.IGNORECASE)


def in_markup_target(text: str, start: int) -> bool:
    """Whether the link at ``start`` is a markup link's target — markdown's ``[shown](…)`` or an
    HTML ``href``. A target is written by a person or a program, or taken from a link's address by
    a converter; no typesetter lays it out, so a hyphen at a line break inside it was the link's."""
    return bool(_MARKUP_TARGET.search(text, max(0, start - 12), start))


def hyphens_past_the_measure(text: str, start: int, end: int) -> tuple[int, ...]:
    """Offsets of the line-end hyphens inside the link ``text[start:end]`` that end a line far
    longer than every other line around (half as long again, those at least 30 wide): a typesetter
    hyphenates a word to fit its measure, so the line it ends is no longer than the others; a
    wrapper that let a long link overflow and broke it after a hyphen of its own (Python's textwrap,
    as html2text uses it) did not add that hyphen."""
    hyphens = [m.start() for m in _HYPHEN_LINE_END.finditer(text, start, end)]
    if not hyphens:
        return ()
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    lines = (text[max(0, first - 1200) : max(first - 1, 0)].split("\n")[-8:] + text[first:last].split("\n")
             + text[last + 1 : last + 1200].split("\n")[:8])
    widths = sorted((len(line.rstrip()) for line in lines), reverse=True)
    out = []
    for hyphen in hyphens:
        line_start = text.rfind("\n", 0, hyphen) + 1
        line_end = text.find("\n", hyphen)
        own = len(text[line_start:line_end].rstrip())
        # The widest of the other lines (the link's own included: the prose before it fills them).
        widest = widths[1] if widths and widths[0] == own else (widths[0] if widths else 0)
        if widest >= 30 and hyphen + 1 - line_start > 1.5 * widest:
            out.append(hyphen)
    return tuple(out)


_HYPHEN_LINE_END = re.compile(r"(?<=[A-Za-z0-9])-(?=[ \t]*\r?\n)")


def trim_link_end(span: str) -> str:
    """``span`` without the sentence punctuation and unbalanced closing brackets that follow a link.

    Balanced parentheses inside a URL (``…/Foo_(bar)``) stay.
    """
    while span:
        last = span[-1]
        if last in _TRAILING:
            span = span[:-1]
        elif last in _CLOSERS and span.count(last) > span.count(_CLOSERS[last]):
            span = span[:-1]
        else:
            break
    return span


def goes_past_extension(left: str, following: str) -> bool:
    """True when ``left`` ends in a file name (a dot and a short extension in its last path
    segment) and ``following`` would make no extension of it: "report.pdf" + "accessed". No file
    name goes on past its extension, so such text is prose after the link. Used where a link ends
    in text (here) and where a repair weighs cutting a link (repair.readings)."""
    file_end = _FILE_END.search(left, max(left.rfind("/"), 0))
    return bool(file_end) and not _EXTENSION_ONLY.fullmatch("." + file_end.group("ext") + following)


def iter_link_spans(text: str, grammar: ArchiveGrammar | None = None) -> Iterator[LinkSpan]:
    """Yield the span of every link in ``text``, in order. Linear in the size of the text.

    ``grammar``: the archives to recognise (``compile_grammar(settings.registry)``); the built-in
    archives when None. A text still in quoted-printable (a raw mail body) is read decoded — soft
    breaks cut a link anywhere, its scheme included — and each span given where it lies in ``text``.
    """
    grammar = grammar or builtin_grammar()
    if not looks_quoted_printable(text):
        yield from _iter_spans(text, grammar)
        return
    view, starts, ends = decoded_view(text)
    line, counted_to = 1, 0
    for span in _iter_spans(view, grammar):
        start, end = starts[span.start], ends[span.end - 1]
        line += text.count("\n", counted_to, start)
        counted_to = start
        yield LinkSpan(start, end, line)


def _iter_spans(text: str, grammar: ArchiveGrammar) -> Iterator[LinkSpan]:
    position = 0
    line = 1
    counted_to = 0
    length = len(text)
    while position < length:
        match = _next_start(text, position, grammar)
        found = match.start() if match else length
        start = _glued_start(text, position, found)
        if start is None:
            if match is None:
                return
            start = found
        else:
            match = _SCHEME_AT.match(text, start)
        body = _BODY.match(text, start)
        end = body.end() if body else match.end()
        end = _extend(text, start, end, grammar)
        raw_end, end = end, _glued_footer(text, start, start + len(trim_link_end(text[start:end])))
        if end <= start + 4:
            position = match.end()
            continue
        if _visible_copy_of_next_target(text, start, raw_end):
            position = raw_end
            continue
        line += text.count("\n", counted_to, start)
        counted_to = start
        yield LinkSpan(start, end, line)
        position = end


def _extend(text: str, start: int, end: int, grammar: ArchiveGrammar) -> int:
    """Extend the link ``text[start:end]`` across gaps while what follows is plainly more of it;
    return where it then ends (before any trailing punctuation is trimmed)."""
    length = len(text)
    refilled = None
    for _ in range(_MAX_JOINS):
        left = trim_link_end(text[start:end]) if text[end - 1 : end] in "'\"" else text[start:end]
        gap = _GAP.match(text, end)
        token = _BODY.match(text, gap.end()) if gap is not None and gap.end() < length else None
        blank = False
        if token is None:
            gap = _BLANK_GAP.match(text, end)
            if gap is None or gap.end() >= length:
                break
            token, blank = _BODY.match(text, gap.end()), True
            if token is None:
                break
        if "\n" in gap.group() and (_PAGE_LINE.match(text, gap.start() + gap.group().rfind("\n") + 1)
                                     or "\x0c" in gap.group()) or _glued_footer(text, start, end) != end:
            break  # a page number or a form feed: the page ends here (see ``continuation_after_break``)
        after = text[token.end() : token.end() + 2]
        fills_line = after[:1] in ("", "\n") or after == "\r\n"
        if refilled is None and "\n" not in gap.group() and "\n" in left:
            refilled = not _kept_line_end_spaces(text, start)
        if not _continues(left, token.group(), "\n" in gap.group(), fills_line, grammar, blank, bool(refilled)) and not (
                "\n" in gap.group() and (not blank or _QUOTED_BLANK.fullmatch(gap.group()))
                and _URL_START.match(token.group()) and not _starts_with_a_space(gap.group())
                and not _ends_with_a_space(gap.group())
                and (_at_wrap_column(text, end)
                     or (_fills_its_line(text, start, end) and not _prose_token(token.group())))):
            break
        end = token.end()
    return end


def _next_start(text: str, position: int, grammar: ArchiveGrammar) -> re.Match[str] | None:
    """The next place from ``position`` where a link starts (``grammar.start`` matches), found by
    skipping to ``grammar.anchor``'s hits: scanning with ``start`` itself would try its look-behind
    and every branch at every character of the text."""
    while True:
        hit = grammar.anchor.search(text, position)
        if hit is None:
            return None
        at = hit.start()
        if text.startswith("://", at):  # a scheme that lost its first letters ("tps://")
            while at > position and text[at - 1].isalpha():
                at -= 1
        if text[at] == ".":  # a schemeless host's ".gov.uk/": walk back to where the host begins
            while at > position and (text[at - 1].isalnum() or text[at - 1] in ".-"):
                at -= 1
        match = grammar.start.match(text, at)
        if match is not None:
            return match
        position = hit.start() + 1


def _glued_start(text: str, position: int, before: int) -> int | None:
    """Where a link glued to the word before it ("available fromhttps://…", as text extraction
    leaves it) starts, between ``position`` and ``before``; None if none does.

    A plain substring search: far cheaper than a second branch in the start pattern, which the
    regex engine would try at every character of the text.
    """
    at = text.find("http", position, before)
    while at > 0:
        if text[at - 1].isalpha() and _SCHEME_AT.match(text, at):
            return at
        at = text.find("http", at + 4, before)
    return None


def _visible_copy_of_next_target(text: str, start: int, end: int) -> bool:
    """Whether the link cut off at ``end`` is the broken visible copy of a markdown link's target.

    PDF-to-markdown converters write "(https://web.archive.org/web/2020091917 [4545/https://…](
    https://web.archive.org/web/20200919174545/https://…)": the visible text, cut where the PDF
    wrapped it, runs on inside the link's brackets. The target is found as a link of its own; the
    visible copy, truncated, is no second link. A visible copy that is whole is left alone.
    """
    following = _MD_LINK_AFTER.match(text, end)
    if following is None:
        return False
    if text.endswith(("...", "\u2026"), start, end) and following.group("shown") is None:
        return True  # "[http://web.archive.org/web/...](target)": shortened for show
    def comparable(url: str) -> str:
        return _SCHEMELESS.sub("", trim_link_end(_FLATTEN.sub("", url).replace("\\", ""))).lower()

    own = comparable(text[start:end])
    shown = comparable(text[start:end] + (following.group("shown") or ""))
    target = comparable(following.group("target"))
    return len(shown) > 12 and own != target and shown in target


def find_link_spans(text: str, grammar: ArchiveGrammar | None = None) -> list[LinkSpan]:
    """The span of every link in ``text`` (see ``iter_link_spans``)."""
    return list(iter_link_spans(text, grammar))
