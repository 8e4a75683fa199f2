"""Plain-text letters (.txt): the fallback for any text no other reader claims."""

from __future__ import annotations

from .records import ExtractedText, Reader
from .textscan import decode_text, extract_text_links

SUFFIXES = ("txt", "text", "eml")  # a .eml that does not look like mail is read as text


def read_plain(data: bytes, name: str | None, fmt: str = "txt") -> ExtractedText:
    text = decode_text(data, name)
    return ExtractedText(fmt, text, tuple(extract_text_links(text)))


READER = Reader("txt", sniff=lambda data, suffix: True, read=read_plain)
