"""How many words a stretch of page text says, in any script.

A page's length decides much of its reading (a short page may be an error page; a body of prose is a
document), and counting words by the spaces between them undercounts scripts written without spaces
(Chinese, Japanese, Thai, Lao, Myanmar, Khmer): a Chinese article of 3,000 characters is a few dozen
space-separated runs. Two such characters are taken as a word (Chinese words are one to three
characters, most of them two), as errorwords.py first did for its own length bound.
"""
from __future__ import annotations

import re

# Characters of scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Japanese
# kana, CJK ideographs (Unified, Extension A, Compatibility).
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Space-separated runs, plus one word for every two characters of an unspaced script."""
    return len(text.split()) + len(UNSPACED.findall(text)) // 2
