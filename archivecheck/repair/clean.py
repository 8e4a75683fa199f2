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
from ..quotedprintable import SOFT_BREAK, decode
from ..textlinks import trim_link_end

# Gap markers: a line break, a run of spaces, and a quoted-printable soft break ("=" + line break:
# no character, or an "=" of the link's and a wrap) inside the link's text (private-use characters,
# which no link or letter contains).
NL, SP, QP = "\ue000", "\ue001", "\ue002"
MARKERS = NL + SP + QP
_MARKER = re.compile(f"[{MARKERS}]")


def drop_markers(text: str) -> str:
    """``text`` with its gaps closed (two replaces: far quicker than a deleting translate)."""
    return text.replace(NL, "").replace(SP, "").replace(QP, "")

# A gap: spaces, or line breaks with what a line may start with before a link continues on it
# (mail quoting, indentation, a code comment's "// " or "# "; see textlinks._LINE_LEAD).
_GAP = re.compile(
    r"[ \t\u00a0\u3000]*(?:\r?\n(?:[ \t]*>)*[ \t\u00a0\u3000]*(?:(?:/{2,}|#+|\*|--|;)[ \t]+)?)+|[ \t\u00a0\u3000]+"
)
_ESCAPE = re.compile(r"=[0-9A-F]{2}")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\(\s*)([\\`*_{}\[\]()#+\-.!~|<>&=?%])")
_TAG = re.compile(r"</?(?:u|a|b|i|s|em|strong|span|font|ins|del|mark|br|wbr|p|div|sup|sub|small|big|tt|code)\b[^<>]*>", re.IGNORECASE)
_ESCAPED_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z0-9])-(?:\\r)?\\n[ \t]*(?=[A-Za-z0-9])")
_ESCAPED_BREAK = re.compile(r"(?:\\r)?\\n(?=[A-Za-z0-9%/._~-])")
_ENCODED_SCHEME = re.compile(r"(?<=/)(https?)%3A(?:%2F%2F|//)", re.IGNORECASE)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e]")
# PDF text layers keep the typesetter's ligature glyphs; no URL contains them, so each has one
# reading: the letters it was drawn from.
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab\u201e"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb\u201c"
_CUT_SCHEME = re.compile(r"^t?tps(?=://)", re.IGNORECASE)  # "tps://" from "ht-" / "tps://" cut by a page break
_HXXP = re.compile(r"^h(?:xx|\*\*|XX)p(s?)(?=:)", re.IGNORECASE)
_DEFANGED_DOT = re.compile(r"\[\.\]|\(\.\)")
_DOUBLED = re.compile(r"^(?:https?:?/{0,3})+(?=https?:?/)", re.IGNORECASE)
# The scheme and whatever separates it from the host, gap markers included: a line break right
# after "https:" must not leave "https:" + "//" to be joined into four slashes.
# A scheme cut by a gap, a typesetter's hyphen ("ht-" / "tps://") or a soft break: one reading.
_M = f"(?:-?[{MARKERS}]+)?"
_SCHEME = re.compile(f"^(h{_M}t{_M}t{_M}p(?:{_M}s)?)((?:[:/]|[{MARKERS}])*)", re.IGNORECASE)
_ARCHIVE_FORM_SCHEME = re.compile(r"https?:/[^/\ue000\ue001]", re.IGNORECASE)
_SPLIT_ARCHIVE_FORM = re.compile(f"^((?:[hHtTpPsS-]|[{MARKERS}])+):/(?=[^/{MARKERS}])")
_NESTED_BARE_SCHEME = re.compile(r"(?<=/)(https?):(?=[a-z0-9])", re.IGNORECASE)
_HEAD = re.compile(r"(?:[a-z]+:?/*)*[^/?#]*", re.IGNORECASE)


def note(repairs: list[str], name: str) -> None:
    """Add ``name`` to ``repairs`` once, keeping the order repairs were applied in."""
    if name not in repairs:
        repairs.append(name)


def gap_name(marker: str) -> str:
    return {NL: "line-break", QP: "quoted-printable"}.get(marker, "whitespace")


def fix_scheme(url: str, repairs: list[str], grammar: ArchiveGrammar, *, add_missing: bool) -> str:
    """Repair the scheme at the start of ``url``: defanging, doubling, slashes, gaps, absence."""
    fixed = _HXXP.sub(lambda m: "http" + m.group(1), url)
    if fixed != url:
        note(repairs, "hxxp")
        if _DEFANGED_DOT.search(fixed.split("/", 3)[2] if fixed.count("/") >= 2 else fixed):
            fixed = _DEFANGED_DOT.sub(".", fixed, count=8)
    url = fixed
    cut = _CUT_SCHEME.match(url)
    if cut:
        url = "https" + url[cut.end():]
        note(repairs, "scheme-cut")
    doubled = _DOUBLED.match(url)
    if doubled and doubled.end() > 0:
        url = url[doubled.end():]
        note(repairs, "doubled-scheme")
    scheme = _SCHEME.match(url)
    if scheme:
        separator = scheme.group(2)
        for marker in MARKERS:
            if marker in scheme.group():
                note(repairs, gap_name(marker))
        written = drop_markers(separator)
        name = drop_markers(scheme.group(1)).replace("-", "")
        if "-" in scheme.group(1):
            note(repairs, "hyphen-removed")
        if written != "://" or written != separator or name != scheme.group(1):
            url = f"{name}://{url[scheme.end():]}"
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


def clean(text: str, repairs: list[str], *, quoted_printable: bool | None = None) -> str:
    """Undo single-reading damage; return the link with gaps turned into markers.

    ``quoted_printable``: the text around the link is a raw quoted-printable body (True), is not
    (False), or unknown (None: judged from the link's own text).
    """
    if "=" in text and "\n" in text or "=3D" in text:
        text = _quoted_printable(text, repairs, quoted_printable)
    if _ENTITY.search(text):
        unescaped = html.unescape(text)
        if unescaped != text:
            text = unescaped
            note(repairs, "html-entity")
    if "\\" in text:
        # Text kept in a JSON or program string writes its line breaks as "\n": no URL holds a
        # backslash, so inside a link that is the line break it stands for.
        # A hyphen before such a break is the string's own: a program wrapped it, no typesetter did.
        escaped = _ESCAPED_HYPHEN_BREAK.sub("-", text)
        if escaped != text:
            text = escaped
            note(repairs, "line-break")
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


def _quoted_printable(text: str, repairs: list[str], known: bool | None) -> str:
    """A mail body still in quoted-printable: "=" at a line end is a soft break, "=3D" is "=".

    "=3D" in a link is the sign (a URL would percent-encode an "=" as "%3D"), and so are two soft
    breaks in one link. A single "=" at a line end with no such sign may be either a soft break or
    the link's own "=" where a line was wrapped: it becomes a QP marker, and the place where it
    falls decides (in the archive's part or the host: a soft break; in the path: two readings).
    """
    soft = len(SOFT_BREAK.findall(text))
    if known is None:
        if soft and text.count("\n") > soft:
            # A line break with no "=" inside the link: an encoder never breaks a line so, so
            # this text is not quoted-printable and every "=" in it is the link's own.
            return text
        known = "=3D" in text or soft >= 2
    if known:
        if soft or _ESCAPE.search(text):
            note(repairs, "quoted-printable")
        return decode(text)
    return SOFT_BREAK.sub(QP, text) if soft else text


def join_head(marked: str, repairs: list[str], grammar: ArchiveGrammar) -> str:
    """Close every gap before the original URL's path, then repair the original's scheme.

    Gaps in the archive prefix, the timestamp, the scheme or the host have one reading: nothing
    was there. Only gaps in the path can hide a hyphen (or the end of the link).
    """
    marked = _drop_archive_hyphens(marked, repairs, grammar)
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
            before, after = marked[gap.start() - 1 : gap.start()], marked[gap.end() : gap.end() + 1]
            if before == "-" and gap.group() != QP and seen > original_start:
                if after == "." or marked[gap.start() - 2 : gap.start() - 1] == ".":
                    # "adobe.-" / "com": no host label starts or ends with "-": a typesetter's.
                    out.append(marked[last : gap.start() - 1])
                    note(repairs, "hyphen-removed")
                    last, closed = gap.end(), closed + 2
                    continue
                # A line-end hyphen inside the original's host: in the name, or a typesetter's.
                # The gap stays, for ``readings`` to weigh both.
                continue
            out.append(marked[last : gap.start()])
            last, closed = gap.end(), closed + 1
        marked = "".join(out) + marked[last:]
    if archive:
        offset = archive.start("orig")
        original = marked[offset:]
        split = _SPLIT_ARCHIVE_FORM.match(original)
        if split and drop_markers(split.group(1)).replace("-", "").lower() in ("http", "https"):
            # The archive's own "https:/host" form with its scheme cut by a gap or a typesetter's
            # hyphen ("ht-" / "tps:/developer…"): one reading, the form kept.
            if "-" in split.group(1):
                note(repairs, "hyphen-removed")
            original = drop_markers(split.group(1)).replace("-", "") + original[split.end(1):]
            marked = marked[:offset] + original
        # "https:/host" is how the archives themselves print an original (a server collapsed the
        # "//"), and they accept it: as written, it is not damage.
        if not _ARCHIVE_FORM_SCHEME.match(original):
            marked = marked[:offset] + fix_scheme(original, repairs, grammar, add_missing=False)
    elif _NESTED_BARE_SCHEME.search(marked):
        # A URL inside another's path ("…/archive/*/https:host/") that lost both slashes.
        marked = _NESTED_BARE_SCHEME.sub(r"\1://", marked)
        note(repairs, "scheme-slashes")
    return marked


_LINE_END_HYPHEN = re.compile(f"-(?=[{NL}{SP}])")


def _drop_archive_hyphens(marked: str, repairs: list[str], grammar: ArchiveGrammar) -> str:
    """The archive's part of a link (its host, collection path and timestamp) is known exactly: a
    line-end hyphen that keeps the grammar from matching ("webarchive.nation-" / "alarchives") was
    put there by a typesetter. Removed, leftmost first, until the archive link matches — and only
    if every one removed lies before where its original starts."""
    if "-" not in marked or grammar.archive_link.match(drop_markers(marked)):
        return marked
    out = marked
    for _ in range(4):
        hyphen = _LINE_END_HYPHEN.search(out)
        if hyphen is None:
            return marked
        out = out[: hyphen.start()] + out[hyphen.start() + 1 :]
        archive = grammar.archive_link.match(drop_markers(out))
        if archive:
            if len(drop_markers(out[: hyphen.start()])) > archive.start("orig"):
                return marked
            note(repairs, "hyphen-removed")
            return out
    return marked


def timestamp_bounds(archive: re.Match[str] | None) -> tuple[int, int] | None:
    """Where an archive link's timestamp (and modifier) lie, or None for another link."""
    if archive is None:
        return None
    return archive.start("ts"), archive.end("mod") if archive.group("mod") else archive.end("ts")
