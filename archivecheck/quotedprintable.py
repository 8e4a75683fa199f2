"""Text still in quoted-printable (RFC 2045 §6.7): a mail body read before its transfer encoding
was undone — pasted from a mail client's "view source", saved raw, quoted raw in a reply.

Every line ends at 76 characters at most; a line that breaks inside a word ends in "=" (a *soft
break*, no character); "=" itself is written "=3D", other bytes "=XX". Inside a link that leaves
"=" + line break anywhere — in the scheme ("ht=" / "tps://"), the archive's host, the timestamp —
and "=3D" for every "=" of a query. ``looks_quoted_printable`` says whether a whole text is such a
body; ``decoded_view`` undoes it and keeps, for each character, where it came from, so that links
found in the decoded text are reported at their place in the text as written.
"""

from __future__ import annotations

import re

__all__ = ["SOFT_BREAK", "decode", "decoded_view", "looks_quoted_printable"]

# A soft break; a reply may have quoted the raw body ("> " at the start of the next line).
# (A space after the line break is the text's own; after a quote's ">" it is the quote's.)
SOFT_BREAK = re.compile(r"=\r?\n(?:[ \t]*>[ \t]?)*")
_ESCAPES = re.compile(r"(?:=[0-9A-F]{2})+")
_LONGEST_LINE = 78  # 76, and a little for a quoting "> " or a trailing space
_TOKEN = re.compile(r"=\r?\n(?:[ \t]*>[ \t]?)*|(?:=[0-9A-F]{2})+")


def looks_quoted_printable(text: str) -> bool:
    """Whether ``text`` is (or holds) a quoted-printable body: soft breaks with an encoded "=" or
    "=20", or at least two soft breaks and no line longer than an encoder writes."""
    if "=\n" not in text and "=\r\n" not in text:
        return False
    soft = len(SOFT_BREAK.findall(text))
    if soft and ("=3D" in text or "=20\n" in text or "=20\r\n" in text):
        return True
    if soft < 2:
        return False
    soft_lines = [line for line in text.splitlines() if line.endswith("=")]
    return max(len(line) for line in soft_lines) <= _LONGEST_LINE


def _escapes(run: str) -> str:
    data = bytes(int(run[i + 1 : i + 3], 16) for i in range(0, len(run), 3))
    return data.decode("utf-8", "replace")


def decode(text: str) -> str:
    """``text`` with soft breaks removed and "=XX" escapes decoded (as UTF-8)."""
    return _TOKEN.sub(lambda m: "" if m.group().startswith(("=\n", "=\r")) else _escapes(m.group()), text)


def decoded_view(text: str) -> tuple[str, list[int], list[int]]:
    """(decoded text, start, end): decoded character i came from ``text[start[i]:end[i]]``."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for token in _TOKEN.finditer(text):
        for index in range(last, token.start()):
            out.append(text[index])
            starts.append(index)
            ends.append(index + 1)
        value = token.group()
        if not value.startswith(("=\n", "=\r")):
            for char in _escapes(value):
                out.append(char)
                starts.append(token.start())
                ends.append(token.end())
        last = token.end()
    for index in range(last, len(text)):
        out.append(text[index])
        starts.append(index)
        ends.append(index + 1)
    return "".join(out), starts, ends
