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
    """Where the visible text and the `<a>` tags stand in the source.

    The visible text is kept as it comes (one string), with one record per piece of it — a run of
    text, or an entity — saying where it stands in the source: memory follows the number of pieces,
    not of characters, so a page at the reader's size cap costs what its text costs. Other tags are
    not recorded; a link's span is scanned again for them when it is rewritten.
    """

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self.pieces: list[str] = []
        self.length = 0
        self.piece_starts: list[int] = []  # offset of each piece in the visible text
        self.piece_sources: list[tuple[int, int, bool]] = []  # (source start, end, one char per char?)
        self.anchors: list[list] = []  # [start tag start, start tag end, href value span | None, </a> start]
        self.open_anchor: int | None = None
        self.dropping = 0

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _text(self, text: str, start: int, end: int, literal: bool) -> None:
        if self.dropping or not text:
            return
        self.piece_starts.append(self.length)
        self.piece_sources.append((start, end, literal))
        self.pieces.append(text)
        self.length += len(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            start = self._here()
            raw = self.get_starttag_text() or ""
            found = _HREF.search(raw)
            href = (start + found.start(2), start + found.end(2)) if found else None
            if self.open_anchor is not None:  # an <a> inside an <a> closes the first, as browsers do
                self.anchors[self.open_anchor][3] = start
            self.open_anchor = len(self.anchors)
            self.anchors.append([start, start + len(raw), href, 1 << 62])
        if tag in _DROPPED:
            self.dropping += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED:
            self.dropping -= 1

    def handle_endtag(self, tag):
        if tag == "a" and self.open_anchor is not None:
            self.anchors[self.open_anchor][3] = self._here()
            self.open_anchor = None
        if tag in _DROPPED and self.dropping:
            self.dropping -= 1

    def handle_data(self, data):
        start = self._here()
        self._text(data, start, start + len(data), True)

    def _reference(self, raw_pattern: str):
        start = self._here()
        found = re.compile(raw_pattern).match(self.source, start)
        end = found.end() if found else start + 1
        self._text(html.unescape(self.source[start:end]), start, end, False)

    def handle_entityref(self, name):
        self._reference(r"&[A-Za-z][A-Za-z0-9]*;?")

    def handle_charref(self, name):
        self._reference(r"&#[xX]?[0-9A-Fa-f]+;?")

    def source_span(self, first: int, last: int) -> tuple[int, int]:
        """The source span of visible characters first..last (inclusive)."""
        def place(i: int) -> tuple[int, int]:
            k = bisect.bisect_right(self.piece_starts, i) - 1
            start, end, literal = self.piece_sources[k]
            if literal:
                at = start + (i - self.piece_starts[k])
                return at, at + 1
            return start, end

        return place(first)[0], place(last)[1]


def _continues(ch: str) -> bool:
    return ch.isalnum() or ch == "/"


_TAG = re.compile(r"<[^>]*>")
_BREAK_TAG = re.compile(r"<\s*/?\s*(?:br|wbr)\b", re.IGNORECASE)


def corrected_markup(source: str, mapping: dict[str, str]) -> str:
    """`source` (an HTML document) with each link of `mapping` put right, text and href."""
    if not mapping:
        return source
    tokens = _Tokens(source)
    tokens.feed(source)
    tokens.close()
    text = "".join(tokens.pieces)

    ranges: list[tuple[int, int, str]] = []  # (source start, end, link to write), kept sorted
    starts: list[int] = []

    def free(start: int, stop: int) -> bool:
        # No range taken already overlaps [start, stop): only its neighbours in order can.
        k = bisect.bisect_left(starts, start)
        return not ((k < len(ranges) and ranges[k][0] < stop) or (k and ranges[k - 1][1] > start))

    for found, url in sorted(mapping.items(), key=lambda item: -len(item[0])):
        key = "".join(found.split())
        if not key:
            continue
        # The reader's text puts a line break for a <br> and collapses layout: the link is matched
        # on its characters with any white space between them.
        pattern = re.compile(r"\s*".join(re.escape(ch) for ch in key))
        for match in pattern.finditer(text):
            at, end = match.start(), match.end()
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if (_continues(before) and _continues(key[0])) or (_continues(after) and _continues(key[-1])):
                continue  # the start or the end of a longer link, not this one
            start, stop = tokens.source_span(at, end - 1)
            if free(start, stop):
                k = bisect.bisect_left(starts, start)
                starts.insert(k, start)
                ranges.insert(k, (start, stop, url))

    href_edits: dict[int, str] = {}  # index of an <a> → its new href
    anchor_starts = [anchor[0] for anchor in tokens.anchors]  # in document order, never nested
    for start, end, url in ranges:
        # Each <a> over the link: those opened before it ends and not closed before it starts.
        index = bisect.bisect_left(anchor_starts, end) - 1
        while index >= 0 and tokens.anchors[index][3] >= start:
            open_end, href = tokens.anchors[index][1], tokens.anchors[index][2]
            if href and open_end <= end:
                href_edits[index] = url
            index -= 1
    for index, (_, _, href, _) in enumerate(tokens.anchors):
        if href and index not in href_edits:
            value = _unquote(source[href[0]:href[1]])
            if value in mapping:
                href_edits[index] = mapping[value]
    opening = {tokens.anchors[index][0]: index for index in href_edits}

    def tag_text(start: int, end: int) -> str:
        index = opening.get(start)
        if index is None:
            return source[start:end]
        href = tokens.anchors[index][2]
        quote = source[href[0]] if source[href[0]] in "\"'" else '"'
        value = quote + html.escape(href_edits[index], quote=True) + quote
        return source[start:href[0]] + value + source[href[1]:end]

    edits: list[tuple[int, int, str]] = []
    consumed: set[int] = set()
    for start, end, url in ranges:
        kept = []
        for tag in _TAG.finditer(source, start, end):
            consumed.add(tag.start())
            if not _BREAK_TAG.match(tag.group()):
                kept.append(tag_text(tag.start(), tag.end()))
        edits.append((start, end, html.escape(url, quote=False) + "".join(kept)))
    for index in href_edits:
        open_start, open_end = tokens.anchors[index][:2]
        if open_start not in consumed:
            edits.append((open_start, open_end, tag_text(open_start, open_end)))
    out, last = [], 0
    for start, end, replacement in sorted(edits):
        out += [source[last:start], replacement]
        last = end
    out.append(source[last:])
    return "".join(out)


def _unquote(value: str) -> str:
    if value[:1] in "\"'":
        value = value[1:-1]
    return html.unescape(value).strip()


def corrected_html(data: bytes, mapping: dict[str, str]) -> bytes:
    """The HTML letter `data` with each link of `mapping` put right, in the letter's own encoding."""
    source, encoding, bom = decode_keeping(data)
    return encode_keeping(corrected_markup(source, mapping), encoding, bom)
