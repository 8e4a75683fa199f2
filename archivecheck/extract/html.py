"""HTML letters: the visible text (blocks on their own lines) and every <a href> with its text."""

from __future__ import annotations

import re

from .records import ExtractedText, Reader
from .textscan import decode_text, extract_text_links, hyperlinks, in_order

_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div|a\s|table|br|span|meta)\b", re.IGNORECASE)
_BR = "\ue002"  # stands for a <br> until the text is read (a private-use character no letter holds)
_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "section", "article")


def html_text(markup: str | bytes) -> tuple[str, list[tuple[str, str]]]:
    """Visible text of an HTML document (blocks on their own lines) and its (href, shown) pairs."""
    from bs4 import BeautifulSoup  # lazy: keeps --help fast

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "head", "template"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(_BR)
    for block in soup.find_all(_BLOCKS):
        block.append("\n")
    anchors = [(a.get("href") or "", a.get_text().replace(_BR, "\n")) for a in soup.find_all("a")]
    # A browser shows a <br> as one line break, the source's whitespace around it as nothing; kept,
    # that whitespace made a blank line inside a link broken by <br> and cut it in two.
    text = re.sub(f"[ \t\r\n]*{_BR}[ \t\r\n]*", "\n", soup.get_text())
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, anchors


def anchors_in_order(text: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(href, shown, search-from offset) for each pair, each searched after the previous one."""
    result = []
    cursor = 0
    for href, shown in pairs:
        result.append((href, shown, cursor))
        where = text.find(shown, cursor) if shown.strip() else -1
        if where >= 0:
            cursor = where + len(shown)
    return result


def sniff(data: bytes, suffix: str) -> bool:
    return suffix in ("html", "htm", "xhtml") or bool(_HTML_HINT.search(data[:4096]))


def read(data: bytes, name: str | None) -> ExtractedText:
    text, pairs = html_text(decode_text(data, name))
    links = extract_text_links(text) + hyperlinks(text, anchors_in_order(text, pairs))
    return ExtractedText("html", text, in_order(links))


READER = Reader("html", sniff=sniff, read=read)
