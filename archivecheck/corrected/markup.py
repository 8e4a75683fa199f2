"""The corrected HTML letter: the same page, byte for byte, but for each link's text and href.

The page is not re-serialised (a parser's tree would rewrite quoting, entities, white space and
everything else): its source is tokenised once with the standard library's parser, recording where
each visible character and each tag stands in the source, and only those spans are edited.

A link's text is found as the reader found it, white space aside: the extracted text puts a line
break for a `<br>` and collapses the source's layout, so a link is matched on its characters other
than white space. The span it covers in the source — text, entities, a `<br>` or a tag between its
pieces — becomes the link, escaped, followed by any tag the span held other than a line break (so an
`</a>` that closed a hyperlink part-way through the link now closes it after the whole link). Each
`<a>` over the link gets the link as its `href`; an `href` that is itself a damaged link of the
mapping is put right wherever it stands.
"""

from __future__ import annotations

import bisect
import html
import re
from html.parser import HTMLParser

_DROPPED = frozenset(("script", "style", "head", "template"))
_BREAKS = frozenset(("br", "wbr"))
_HREF = re.compile(r"""(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def decode_keeping(data: bytes) -> tuple[str, str, bytes]:
    """(text, encoding, byte-order mark) of a text letter, decoded as `extract` decodes it, so that
    `encode_keeping` gives the same bytes back for the same text."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le"), "utf-16-le", data[:2]
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be"), "utf-16-be", data[:2]
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8", data[:3]
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding, b""
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable text")  # latin-1 decodes every byte: never reached


def encode_keeping(text: str, encoding: str, bom: bytes) -> bytes:
    # A link is ASCII once repaired; a character the letter's encoding lacks becomes a reference.
    return bom + text.encode(encoding, "xmlcharrefreplace")


class _Tokens(HTMLParser):
    """Where each visible character and each tag stands in the source."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self.events: list[int] = []  # start offset of every token, to find where each ends
        self.chars: list[tuple[str, int, int]] = []  # (character, source start, source end)
        self.tags: list[list] = []  # [start, end, name, is_start, href value span or None]
        self.dropping = 0

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._here()
        raw = self.get_starttag_text() or ""
        href = None
        found = _HREF.search(raw)
        if tag == "a" and found:
            href = (start + found.start(2), start + found.end(2))
        self.tags.append([start, start + len(raw), tag, True, href])
        if tag in _DROPPED:
            self.dropping += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED:
            self.dropping -= 1

    def handle_endtag(self, tag):
        start = self._here()
        end = self.source.find(">", start) + 1 or len(self.source)
        self.tags.append([start, end, tag, False, None])
        if tag in _DROPPED and self.dropping:
            self.dropping -= 1

    def handle_data(self, data):
        if self.dropping:
            return
        start = self._here()
        self.chars.extend((ch, start + i, start + i + 1) for i, ch in enumerate(data))

    def _reference(self, raw_pattern: str):
        if self.dropping:
            return
        start = self._here()
        found = re.compile(raw_pattern).match(self.source, start)
        end = found.end() if found else start + 1
        for ch in html.unescape(self.source[start:end]):
            self.chars.append((ch, start, end))

    def handle_entityref(self, name):
        self._reference(r"&[A-Za-z][A-Za-z0-9]*;?")

    def handle_charref(self, name):
        self._reference(r"&#[xX]?[0-9A-Fa-f]+;?")


def _continues(ch: str) -> bool:
    return ch.isalnum() or ch == "/"


def corrected_markup(source: str, mapping: dict[str, str]) -> str:
    """`source` (an HTML document) with each link of `mapping` put right, text and href."""
    tokens = _Tokens(source)
    tokens.feed(source)
    tokens.close()
    where = [i for i, (ch, _, _) in enumerate(tokens.chars) if not ch.isspace()]  # index in chars
    visible = [tokens.chars[i] for i in where]
    stream = "".join(ch for ch, _, _ in visible)

    def whole(at: int, length: int) -> bool:
        # Not the start or the end of a longer link (see docx.find_whole): judged on the characters
        # around the match as the reader sees them, spaces included.
        before = tokens.chars[where[at] - 1][0] if where[at] > 0 else " "
        last = where[at + length - 1]
        after = tokens.chars[last + 1][0] if last + 1 < len(tokens.chars) else " "
        return not (_continues(after) and _continues(stream[at + length - 1])) and \
            not (_continues(before) and _continues(stream[at]))

    tag_starts = [tag[0] for tag in tokens.tags]
    anchors = _anchors(tokens.tags)

    ranges: list[tuple[int, int, str]] = []  # (source start, end, link to write)
    for found, url in sorted(mapping.items(), key=lambda item: -len(item[0])):
        key = "".join(found.split())
        if not key:
            continue
        at = stream.find(key)
        while at >= 0:
            if not whole(at, len(key)):
                at = stream.find(key, at + 1)
                continue
            start, end = visible[at][1], visible[at + len(key) - 1][2]
            if not any(s < end and start < e for s, e, _ in ranges):
                ranges.append((start, end, url))
            at = stream.find(key, at + len(key))
    href_edits: dict[int, str] = {}  # tag index → new href value
    for start, end, url in ranges:
        for open_index, close_start in anchors:
            if tokens.tags[open_index][1] <= end and close_start >= start and tokens.tags[open_index][4]:
                href_edits[open_index] = url
    for index, tag in enumerate(tokens.tags):
        if tag[4] and index not in href_edits:
            value = _unquote(source[tag[4][0]:tag[4][1]])
            if value in mapping:
                href_edits[index] = mapping[value]

    def tag_text(index: int) -> str:
        start, end, _, _, href = tokens.tags[index]
        if index not in href_edits:
            return source[start:end]
        quote = source[href[0]] if source[href[0]] in "\"'" else '"'
        value = quote + html.escape(href_edits[index], quote=True) + quote
        return source[start:href[0]] + value + source[href[1]:end]

    edits: list[tuple[int, int, str]] = []
    consumed: set[int] = set()
    for start, end, url in ranges:
        first = bisect.bisect_left(tag_starts, start)
        inside = [i for i in range(first, len(tokens.tags)) if tokens.tags[i][0] < end]
        kept = "".join(tag_text(i) for i in inside if tokens.tags[i][2] not in _BREAKS)
        consumed.update(inside)
        edits.append((start, end, html.escape(url, quote=False) + kept))
    for index in href_edits:
        if index not in consumed:
            edits.append((tokens.tags[index][0], tokens.tags[index][1], tag_text(index)))
    out, last = [], 0
    for start, end, text in sorted(edits):
        out += [source[last:start], text]
        last = end
    out.append(source[last:])
    return "".join(out)


def _anchors(tags: list[list]) -> list[tuple[int, int]]:
    """(index of each <a> start tag, source offset of its end: the </a>, or the page's end)."""
    found, open_ = [], []
    for index, tag in enumerate(tags):
        if tag[2] != "a":
            continue
        if tag[3]:
            if open_:  # an <a> inside an <a> closes the first, as browsers do
                found.append((open_.pop(), tag[0]))
            open_.append(index)
        elif open_:
            found.append((open_.pop(), tag[0]))
    found += [(index, 1 << 62) for index in open_]
    return found


def _unquote(value: str) -> str:
    if value[:1] in "\"'":
        value = value[1:-1]
    return html.unescape(value).strip()


def corrected_html(data: bytes, mapping: dict[str, str]) -> bytes:
    """The HTML letter `data` with each link of `mapping` put right, in the letter's own encoding."""
    source, encoding, bom = decode_keeping(data)
    return encode_keeping(corrected_markup(source, mapping), encoding, bom)
