"""Markdown letters (.md): read as text; told apart from .txt by suffix or markdown syntax."""

from __future__ import annotations

import re

from . import txt
from .records import Reader

_MD_HINT = re.compile(r"^(?:#{1,6} |\s*[-*+] |\s*\d+\. |> )|\]\(|\*\*|\\_", re.MULTILINE)


def sniff(data: bytes, suffix: str) -> bool:
    if suffix in ("md", "markdown"):
        return True
    if suffix in txt.SUFFIXES:
        return False
    return bool(_MD_HINT.search(data[:8192].decode("utf-8", "replace")))


READER = Reader("md", sniff=sniff, read=lambda data, name: txt.read_plain(data, name, "md"))
