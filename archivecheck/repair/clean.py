"""Damage with one reading: undone outright, before any reading is weighed.

Entities, markdown escapes, tags, wrapping quotes and brackets, typographic dashes, soft hyphens,
zero-width characters, PDF ligatures, and the scheme's defanging, doubling and slashes each have
one meaning. Gaps (line breaks, spaces) do not: they become marker characters here, so that the
edits around them keep their positions straight, and ``readings.py`` decides what each one was.
"""

from __future__ import annotations

import html
import re

from ..grammar import ArchiveGrammar
from ..textlinks import trim_link_end

# Gap markers: a line break and a run of spaces inside the link's text (private-use characters,
# which no link or letter contains).
NL, SP = "\ue000", "\ue001"
MARKERS = NL + SP
_MARKER = re.compile(f"[{MARKERS}]")


def drop_markers(text: str) -> str:
    """``text`` with its gaps closed (two replaces: far quicker than a deleting translate)."""
    return text.replace(NL, "").replace(SP, "")

# A gap: spaces, or line breaks with what a line may start with before a link continues on it
# (mail quoting, indentation, a code comment's "// " or "# "; see textlinks._LINE_LEAD).
_GAP = re.compile(
    r"[ \t\u00a0\u3000]*(?:\r?\n(?:[ \t]*>)*[ \t\u00a0\u3000]*(?:(?:/{2,}|#+|\*|--|;)[ \t]+)?)+|[ \t\u00a0\u3000]+"
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\(\s*)([\\`*_{}\[\]()#+\-.!~|<>&=?%])")
_TAG = re.compile(r"</?(?:u|a|b|i|s|em|strong|span|font|ins|del|mark|br|wbr|p|div|sup|sub|small|big|tt|code)\b[^<>]*>", re.IGNORECASE)
_ESCAPED_BREAK = re.compile(r"(?:\\r)?\\n(?=[A-Za-z0-9%/._~-])")
_QP_SOFT_BREAK = re.compile(r"=\r?\n(?:[ \t]*>)*[ \t]*")
_QP_ESCAPE = re.compile(r"=([0-9A-F]{2})")
_ENCODED_SCHEME = re.compile(r"(?<=/)(https?)%3A(?:%2F%2F|//)", re.IGNORECASE)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e]")
# PDF text layers keep the typesetter's ligature glyphs; no URL contains them, so each has one
# reading: the letters it was drawn from.
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab\u201e"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb\u201c"
_HXXP = re.compile(r"^h(?:xx|\*\*|XX)p(s?)(?=:)", re.IGNORECASE)
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)")
_DOUBLED = re.compile(r"^(?:https?:?/{0,3})+(?=https?:?/)", re.IGNORECASE)
# The scheme and whatever separates it from the host, gap markers included: a line break right
# after "https:" must not leave "https:" + "//" to be joined into four slashes.
_SCHEME = re.compile(f"^(https?)((?:[:/]|[{MARKERS}])*)", re.IGNORECASE)
_ARCHIVE_FORM_SCHEME = re.compile(r"https?:/[^/\ue000\ue001]", re.IGNORECASE)
_NESTED_BARE_SCHEME = re.compile(r"(?<=/)(https?):(?=[a-z0-9])", re.IGNORECASE)
_HEAD = re.compile(r"(?:[a-z]+:?/*)*[^/?#]*", re.IGNORECASE)


def note(repairs: list[str], name: str) -> None:
    """Add ``name`` to ``repairs`` once, keeping the order repairs were applied in."""
    if name not in repairs:
        repairs.append(name)


def gap_name(marker: str) -> str:
    return "line-break" if marker == NL else "whitespace"


def fix_scheme(url: str, repairs: list[str], grammar: ArchiveGrammar, *, add_missing: bool) -> str:
    """Repair the scheme at the start of ``url``: defanging, doubling, slashes, gaps, absence."""
    fixed = _HXXP.sub(lambda m: "http" + m.group(1), url)
    if fixed != url:
        note(repairs, "hxxp")
        if _DEFANGED_DOT.search(fixed.split("/", 3)[2] if fixed.count("/") >= 2 else fixed):
            fixed = _DEFANGED_DOT.sub(".", fixed, count=8)
    url = fixed
    doubled = _DOUBLED.match(url)
    if doubled and doubled.end() > 0:
        url = url[doubled.end():]
        note(repairs, "doubled-scheme")
    scheme = _SCHEME.match(url)
    if scheme:
        separator = scheme.group(2)
        for marker in MARKERS:
            if marker in separator:
                note(repairs, gap_name(marker))
        written = drop_markers(separator)
        if written != "://" or written != separator:
            url = f"{scheme.group(1)}://{url[scheme.end():]}"
            if written != "://":
                note(repairs, "scheme-slashes")
    elif add_missing and grammar.bare_host.match(url):
        url = "https://" + url
        note(repairs, "scheme-added")
    return url


def strip_wrappers(text: str, repairs: list[str]) -> str:
    """Peel angle brackets, quotes, tags and trailing punctuation from the outside of a link."""
    while True:
        before = text
        text = text.strip()
        if len(text) > 2 and text[0] == "<" and text[-1] == ">" and not _TAG.fullmatch(text):
            text = text[1:-1]
            note(repairs, "angle-brackets")
        elif len(text) > 2 and text[0] in _OPEN_QUOTES and text[-1] in _CLOSE_QUOTES:
            text = text[1:-1]
            note(repairs, "quotes")
        elif text[:1] in _OPEN_QUOTES and text:
            text = text[1:]
            note(repairs, "quotes")
        elif text[:1] == "<" and ">" not in text:
            text = text[1:]
            note(repairs, "angle-brackets")
        else:
            trimmed = trim_link_end(text)
            if trimmed != text:
                removed = text[len(trimmed):]
                if all(ch in _CLOSE_QUOTES for ch in removed):
                    note(repairs, "quotes")
                elif removed.endswith(">") and "<" not in trimmed:
                    note(repairs, "angle-brackets")
                else:
                    note(repairs, "trailing-punctuation")
                text = trimmed
        if text == before:
            return text


def clean(text: str, repairs: list[str]) -> str:
    """Undo single-reading damage; return the link with gaps turned into markers."""
    if "=3D" in text:
        # A mail body still in quoted-printable: "=" at a line end is a soft break, "=3D" is "=".
        # "=3D" in a link is the sign (a URL would percent-encode an "=" as "%3D").
        text = _QP_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), _QP_SOFT_BREAK.sub("", text))
        note(repairs, "quoted-printable")
    if _ENTITY.search(text):
        unescaped = html.unescape(text)
        if unescaped != text:
            text = unescaped
            note(repairs, "html-entity")
    if "\\" in text:
        # Text kept in a JSON or program string writes its line breaks as "\n": no URL holds a
        # backslash, so inside a link that is the line break it stands for.
        text = _ESCAPED_BREAK.sub("\n", text)
        unescaped = _MD_ESCAPE.sub(r"\1\2", text)
        if unescaped != text:
            text = unescaped
            note(repairs, "markdown-escape")
    if "<" in text:
        untagged = _TAG.sub("", text)
        if untagged != text:
            text = untagged
            note(repairs, "html-tag")
    text = strip_wrappers(text, repairs)
    if "%3" in text and _ENCODED_SCHEME.search(text):
        # An archived URL in a path is written plain; "…/https%3A//host" is a tool's (a browser's
        # search shortcut) escaping of the ":" (in a query value, "url=https%3A%2F%2F…" is right).
        text = _ENCODED_SCHEME.sub(r"\1://", text)
        note(repairs, "encoded-scheme")
    if _DASHES.search(text):
        text = _DASHES.sub("-", text)
        note(repairs, "typographic-dash")
    if "\u00ad" in text:
        # A soft hyphen marks where the typesetter may split a word: never part of the link, and a
        # line break right after one joins the word back without a hyphen.
        text = re.sub(r"\u00ad(?:[ \t]*\r?\n(?:[ \t]*>)*[ \t]*)?", "", text)
        note(repairs, "soft-hyphen")
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
        note(repairs, "zero-width")
    if _LIGATURE.search(text):
        text = _LIGATURE.sub(lambda m: _LIGATURES[m.group()], text)
        note(repairs, "ligature")
    if "\u00a0" in text:
        note(repairs, "nbsp")

    def mark(gap: re.Match[str]) -> str:
        return NL if "\n" in gap.group() else SP

    return _GAP.sub(mark, text)


def join_head(marked: str, repairs: list[str], grammar: ArchiveGrammar) -> str:
    """Close every gap before the original URL's path, then repair the original's scheme.

    Gaps in the archive prefix, the timestamp, the scheme or the host have one reading: nothing
    was there. Only gaps in the path can hide a hyphen (or the end of the link).
    """
    flat = drop_markers(marked)
    archive = grammar.archive_link.match(flat)
    original_start = archive.start("orig") if archive else 0
    head_end = _HEAD.match(flat, original_start).end()
    timestamp = timestamp_bounds(archive)
    if flat is not marked and len(flat) != len(marked):
        out: list[str] = []
        last = closed = 0
        for gap in _MARKER.finditer(marked):
            seen = gap.start() - closed  # where the gap falls in the link with gaps closed
            if seen >= head_end:
                break
            if timestamp and timestamp[0] < seen <= timestamp[1]:
                note(repairs, "timestamp-space")
            else:
                note(repairs, gap_name(gap.group()))
            out.append(marked[last : gap.start()])
            last, closed = gap.end(), closed + 1
        marked = "".join(out) + marked[last:]
    if archive:
        offset = archive.start("orig")
        original = marked[offset:]
        # "https:/host" is how the archives themselves print an original (a server collapsed the
        # "//"), and they accept it: as written, it is not damage.
        if not _ARCHIVE_FORM_SCHEME.match(original):
            marked = marked[:offset] + fix_scheme(original, repairs, grammar, add_missing=False)
    elif _NESTED_BARE_SCHEME.search(marked):
        # A URL inside another's path ("…/archive/*/https:host/") that lost both slashes.
        marked = _NESTED_BARE_SCHEME.sub(r"\1://", marked)
        note(repairs, "scheme-slashes")
    return marked


def timestamp_bounds(archive: re.Match[str] | None) -> tuple[int, int] | None:
    """Where an archive link's timestamp (and modifier) lie, or None for another link."""
    if archive is None:
        return None
    return archive.start("ts"), archive.end("mod") if archive.group("mod") else archive.end("ts")
