"""Helpers every reader shares: decoding text, finding links in it, placing hyperlink targets."""

from __future__ import annotations

import bisect
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

from ..grammar import ArchiveGrammar
from ..textlinks import iter_link_spans
from .records import FoundLink, UnreadableInput

# The archives whose links the text scan recognises: a run-level setting (the registry compiled
# into a grammar), not a property of any format, so readers keep their (data, name) signature and
# ``extract_links`` sets it around one read. A context variable keeps concurrent reads apart.
_GRAMMAR: ContextVar[ArchiveGrammar | None] = ContextVar("archivecheck_grammar", default=None)


@contextmanager
def grammar_scope(grammar: ArchiveGrammar | None) -> Iterator[None]:
    """Find links of ``grammar``'s archives (None: the built-in ones) in reads within this block."""
    token = _GRAMMAR.set(grammar)
    try:
        yield
    finally:
        _GRAMMAR.reset(token)


def decode_text(data: bytes, name: str | None) -> str:
    """Bytes of a text letter as str: UTF-16 by its BOM, UTF-8 (BOM or not), else cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableInput("not valid UTF-16 text", name=name) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Letters saved on Windows: cp1252 maps every byte we are likely to meet; latin-1 the rest.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def extract_text_links(text: str, *, page_starts: list[int] | None = None) -> list[FoundLink]:
    """Links found in plain ``text``. With ``page_starts`` (offsets where pages begin), each link
    gets its page number and a line number counted from the start of its page."""
    links = []
    for span in iter_link_spans(text, _GRAMMAR.get()):
        page = line = None
        if page_starts:
            index = bisect.bisect_right(page_starts, span.start) - 1
            page = index + 1
            line = text.count("\n", page_starts[index], span.start) + 1
        else:
            line = span.line
        links.append(FoundLink(text[span.start : span.end], span.start, span.end, line, page, "text"))
    return links


_LINKISH = re.compile(r"^\s*(?:(?:https?|hxxps?)://|www\.)\S+", re.IGNORECASE)


def comparable(url: str) -> str:
    """A link reduced to what a reader compares: no scheme, no ``www.``, no trailing slash."""
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    url = re.sub(r"^www\.", "", url, flags=re.IGNORECASE)
    return url.rstrip("/")


def hyperlinks(text: str, anchors: Iterable[tuple[str, str, int]]) -> list[FoundLink]:
    """Records for (target, displayed text, search-from offset) hyperlinks.

    A hyperlink whose displayed text is its own target adds nothing to the text scan and is left
    out; one that shows another link is flagged; one that shows words ("this link") is kept as is.
    """
    found = []
    for target, shown, search_from in anchors:
        # An href inside a script or JSON string keeps its escaped quotes: href=\\"https://…\\".
        target = target.strip().strip("\\\"'")
        if not target or not re.match(r"^(?:https?|hxxps?|ftp)://|^www\.", target, re.IGNORECASE):
            continue
        shown_flat = re.sub(r"\s+", "", shown)
        start = text.find(shown, search_from) if shown.strip() else -1
        end = start + len(shown) if start >= 0 else None
        line = text.count("\n", 0, start) + 1 if start >= 0 else None
        mismatch = None
        if _LINKISH.match(shown):
            if comparable(shown_flat) == comparable(target):
                continue
            mismatch = shown.strip()
        found.append(FoundLink(target, start if start >= 0 else None, end, line, None, "hyperlink", mismatch))
    return found


def in_order(links: list[FoundLink]) -> tuple[FoundLink, ...]:
    """Links sorted by where they start; targets with no place in the text go last."""
    return tuple(sorted(links, key=lambda link: link.start if link.start is not None else 1 << 62))
