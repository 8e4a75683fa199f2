"""HTML letters: the visible text (blocks on their own lines) and every <a href> with its text.

The text is collected in one pass of the standard library's tokenizer, with a stack of open
elements, so the work is linear in the document: a letter of two million nested <div>s costs what
any other two megabytes cost (a tree-building parser walked it quadratically). The rules are those
of the tree it replaces: <script>, <style>, <head> and <template> are dropped with their content,
<br> is a line break, each block element ends with one, text that is only white space between
two tags is one space or one line break, an end tag with no open element of its
name is ignored, one with an open element closes everything opened after it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .limits import MAX_HTML_BYTES
from .records import ExtractedText, Reader
from .textscan import decode_text, extract_text_links, hyperlinks, in_order, rewrite, spans_around

_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div|a\s|table|br|span|meta)\b", re.IGNORECASE)
_BLOCKS = frozenset(("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
                     "section", "article"))
_DROPPED = frozenset(("script", "style", "head", "template"))
# Elements that never have content, so never wait for an end tag.
_VOID = frozenset(("area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image",
                   "img", "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source",
                   "spacer", "track", "wbr"))

_ASCII_SPACE = " \n\t\f\r"
_BR = "\ue002"  # stands for a <br> until the text is read (a private-use character no letter holds)

Anchor = tuple[str, str, int, int]  # href, shown text, start and end offsets in the text


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int | None]] = []  # (tag, index into anchors for an <a>)
        # Plain dicts read with .get: a Counter's miss is a Python-level call, on every end tag.
        self.open_count: dict[str, int] = {}
        self.dropping = 0  # open elements whose content is dropped
        self.anchors: list[list] = []  # [href, start, end]
        self.data: list[str] = []  # text since the last tag, comment or declaration
        self.void_started: dict[str, int] = {}

    def _flush(self) -> None:
        """Hand on the text since the last markup. Text that is only spaces and line breaks
        between two tags is layout, not content: it counts as one line break if it has one, else
        as one space, except inside <pre> and <textarea>."""
        if not self.data:
            return
        text = "".join(self.data)
        self.data.clear()
        if not text.strip(_ASCII_SPACE) and not (self.open_count.get("pre") or self.open_count.get("textarea")):
            text = "\n" if "\n" in text else " "
        self._emit(text)

    def _emit(self, text: str) -> None:
        if text and not self.dropping:
            self.pieces.append(text)
            self.length += len(text)

    def handle_starttag(self, tag, attrs):
        if self.data:
            self._flush()
        if tag in _VOID:
            self.void_started[tag] = self.void_started.get(tag, 0) + 1
            if tag == "br":
                self._emit(_BR)
            return
        anchor = None
        if tag == "a" and not self.dropping:
            href = dict(attrs).get("href")  # the last of repeated attributes, as a browser's DOM keeps
            anchor = len(self.anchors)
            self.anchors.append([href or "", self.length, None])
        if tag in _DROPPED:
            self.dropping += 1
        self.open.append((tag, anchor))
        self.open_count[tag] = self.open_count.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if self.void_started.get(tag):
            self.void_started[tag] -= 1  # </img> after <img>: nothing to close, and not a break in the text
            return
        if self.data:
            self._flush()
        if not self.open_count.get(tag):
            return  # a stray end tag: nothing to close
        while self.open:
            if self._close() == tag:
                break

    def _close(self) -> str:
        tag, anchor = self.open.pop()
        self.open_count[tag] -= 1
        if tag in _BLOCKS:
            self._emit("\n")  # the line break ends the block, inside it (and inside any <a> around it)
        if tag in _DROPPED:
            self.dropping -= 1
        if anchor is not None:
            self.anchors[anchor][2] = self.length
        return tag

    def handle_data(self, data):
        self.data.append(data)

    def handle_comment(self, data):
        self._flush()

    def handle_decl(self, decl):
        self._flush()

    def handle_pi(self, data):
        self._flush()

    def unknown_decl(self, data):
        self._flush()
        if data.upper().startswith("CDATA["):
            self.data.append(data[len("CDATA["):])
            self._flush()

    def finish(self) -> None:
        self.close()
        self._flush()
        while self.open:
            self._close()


def html_text(markup: str) -> tuple[str, list[Anchor]]:
    """Visible text of an HTML document (blocks on their own lines) and its <a> elements as
    (href, shown text, start, end), start/end being where the shown text lies in the text."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.finish()
    raw = "".join(collector.pieces)
    # A browser shows a <br> as one line break, the source's whitespace around it as nothing; kept,
    # that whitespace made a blank line inside a link broken by <br> and cut it in two.
    broken, at_break = rewrite(raw, spans_around(raw, _BR), "\n")
    text, collapsed = rewrite(broken, (m.span() for m in re.finditer(r"\n{3,}", broken)), "\n\n")
    anchors = [(href, raw[start:end].replace(_BR, "\n"), collapsed(at_break(start)), collapsed(at_break(end)))
               for href, start, end in collector.anchors]
    return text, anchors


class _AnchorCollector(_TextCollector):
    """Every <a href> of a page, marked when it stands inside <nav>, <header> or <footer>, and the
    first <base href>; the same one pass over the page, whatever its nesting."""

    def __init__(self):
        super().__init__()
        self.base: str | None = None
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        values = dict(attrs)
        if tag == "a" and "href" in values:
            navigation = any(self.open_count.get(name) for name in ("nav", "header", "footer"))
            self.links.append((values["href"] or "", navigation))
        elif tag == "base" and self.base is None and values.get("href") is not None:
            self.base = values["href"]


def page_anchors(markup: str | bytes) -> tuple[str | None, list[tuple[str, bool]]]:
    """(the page's <base href> or None, [(href, inside site navigation)] in document order)."""
    if isinstance(markup, bytes):
        markup = decode_text(markup, None)
    collector = _AnchorCollector()
    collector.feed(markup)
    collector.finish()
    return collector.base, collector.links


def sniff(data: bytes, suffix: str) -> bool:
    return suffix in ("html", "htm", "xhtml") or bool(_HTML_HINT.search(data[:4096]))


def read(data: bytes, name: str | None) -> ExtractedText:
    text, anchors = html_text(decode_text(data, name))
    links = extract_text_links(text) + hyperlinks(text, anchors)
    return ExtractedText("html", text, in_order(links))


READER = Reader("html", sniff=sniff, read=read, max_bytes=MAX_HTML_BYTES)
