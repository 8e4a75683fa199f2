"""What the text itself proves about a link: facts from real tools, not guesses from word frequency.

* A typesetter (LibreOffice, TeX, a word processor) hyphenates a word only where its hyphenation
  patterns allow a break. LibreOffice uses the Liang patterns that pyphen bundles (en_GB and en_US;
  its breaks in the fuzzer's PDFs match pyphen's exactly, dots inside a "word" included:
  ``pd-f.html``, ``adobe.-com``, ``ht-tps``). A line-end hyphen where no English pattern allows a
  break was in the link; one where a pattern does may be either.
* A host name is valid only with labels of letters, digits and inner hyphens, under a public suffix
  the public-suffix list knows (``publicsuffixlist`` bundles the list: no network call at run time).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["typesetter_may_break", "valid_host"]

_WORD_CHARS = re.compile(r"[A-Za-z0-9.]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r":\d{1,5}$")


@lru_cache(maxsize=1)
def _dictionaries():
    import pyphen  # lazy: only links with a line-end hyphen need it

    # The smallest margins any typesetter uses (1 letter each side): a break allowed by any of them
    # is a break some tool may have made.
    return tuple(pyphen.Pyphen(lang=lang, left=1, right=1) for lang in ("en_GB", "en_US"))


def _word_around(text: str, hyphen: int) -> tuple[str, str]:
    """The typesetter's word either side of a line-end hyphen at ``hyphen``: letters, digits and
    dots (LibreOffice hyphenates "pdf.html" as one word), stopping at "/", "-", "_", "?" …"""
    start = hyphen
    while start > 0 and _WORD_CHARS.match(text[start - 1]):
        start -= 1
    end = hyphen + 1
    while end < len(text) and _WORD_CHARS.match(text[end]):
        end += 1
    return text[start:hyphen], text[hyphen + 1 : end]


@lru_cache(maxsize=16384)
def _break_allowed(left: str, right: str) -> bool:
    word = left + right
    if not left or not right or not word.strip(".").isascii():
        return False
    if not any(ch.isalpha() for ch in left) or not any(ch.isalpha() for ch in right):
        return False  # "2024-" + "06": no pattern hyphenates digits
    return any(len(left) in set(d.positions(word)) for d in _dictionaries())


def typesetter_may_break(text: str, hyphen: int) -> bool:
    """Whether the "-" at ``text[hyphen]``, found at a line end, may be a typesetter's hyphen."""
    left, right = _word_around(text, hyphen)
    return _break_allowed(left, right)


@lru_cache(maxsize=1)
def _suffixes():
    from publicsuffixlist import PublicSuffixList  # lazy: loads the bundled list once

    return PublicSuffixList()


@lru_cache(maxsize=65536)
def valid_host(host: str) -> bool:
    """Whether ``host`` (no scheme, no path; a port allowed) is a well-formed name under a known
    public suffix, or an IPv4 address. ``localhost`` and other single labels are not."""
    host = _PORT.sub("", host.lower().rstrip("."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return True
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    suffix = _suffixes().publicsuffix(host, accept_unknown=False)
    return suffix is not None and suffix != host
