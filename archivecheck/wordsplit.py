"""Word-frequency judgements behind the offline ranking of hyphen readings.

The question is always the same: at some point in a URL slug, is there a hyphen or not? Two
observations drive the answer:

* a word that is common whole (``cooperation``, ``publications``) was most likely split by the
  typesetter, so a hyphen at a line break there is not part of the link;
* a run that is no word at all but splits into two common words (``andadvisory`` → ``and`` +
  ``advisory``) most likely lost its hyphen.

wordfreq is imported lazily (it loads a ~1 MB frequency table) so ``archivecheck --help`` and
links without ambiguity never pay for it; lookups are cached because letters repeat words.
"""

from __future__ import annotations

import threading
from functools import lru_cache

__all__ = ["word_frequency", "hyphen_preference", "best_split", "weak_split"]

# Zipf scale: 3 is about once per million words. Below it a "word" is rare or noise.
COMMON = 3.0
NOT_A_WORD = 1.0
RARE = 2.0
MIN_SPLIT_PART = 3
MIN_SPLIT_WORD = 6
MIN_WEAK_PART = 5


@lru_cache(maxsize=65536)
def word_frequency(word: str) -> float:
    """Zipf frequency of ``word`` (case-insensitive) in English; 0.0 for unknown words."""
    if not word:
        return 0.0
    from wordfreq import zipf_frequency  # lazy: see module docstring

    _load_table_once(zipf_frequency)
    return zipf_frequency(word.lower(), "en")


_TABLE_LOCK = threading.Lock()
_table_loaded = False


def _load_table_once(zipf_frequency) -> None:
    # wordfreq caches its table, but only after loading it: 32 threads' first lookups at once
    # (watch's workers) each decoded their own copy, 3 GB at peak. The first caller loads it;
    # the others wait for it and then share it.
    global _table_loaded
    if not _table_loaded:
        with _TABLE_LOCK:
            if not _table_loaded:
                zipf_frequency("the", "en")
                _table_loaded = True


def hyphen_preference(left: str, right: str) -> float:
    """How much more likely ``left-right`` is than ``leftright`` (positive: hyphen; negative: none).

    ``left`` and ``right`` are the letter runs either side of the point in question.
    """
    if not left or not right:
        return 0.0
    whole = word_frequency(left + right)
    if whole >= COMMON:
        # A common word whole: the typesetter split it, or it never had a hyphen.
        return -(whole - 2.0)
    if whole >= RARE or min(len(left), len(right)) < 2:
        # "weve" is a (rare) word as typed; a single letter is no evidence of a word boundary.
        return 0.0
    parts = min(word_frequency(left), word_frequency(right))
    if parts >= COMMON:
        return parts - whole
    return 0.0


@lru_cache(maxsize=65536)
def best_split(word: str) -> tuple[int, float] | None:
    """Where a hyphen was most likely lost inside ``word``, if anywhere.

    Returns ``(index, strength)`` when ``word`` is not a word but splits into two common words of at
    least three letters (``executivesummary`` → (9, 4.37)); None otherwise.
    """
    if len(word) < MIN_SPLIT_WORD or not word.isalpha():
        return None
    if word_frequency(word) >= NOT_A_WORD:
        return None
    best: tuple[int, float] | None = None
    for index in range(MIN_SPLIT_PART, len(word) - MIN_SPLIT_PART + 1):
        score = min(word_frequency(word[:index]), word_frequency(word[index:]))
        if score >= COMMON and (best is None or score > best[1]):
            best = (index, score)
    return best


@lru_cache(maxsize=65536)
def weak_split(word: str) -> tuple[int, float] | None:
    """A split of ``word`` that word frequency suggests but cannot settle: one common word and one
    that is merely known (``chatbotduring`` → ``chatbot`` + ``during``), each of five letters or more.

    Returns ``(index, strength)`` (strength: the weaker part's frequency) or None.
    """
    if len(word) < 2 * MIN_WEAK_PART or not word.isalpha() or word_frequency(word) >= NOT_A_WORD:
        return None
    best: tuple[int, float] | None = None
    for index in range(MIN_WEAK_PART, len(word) - MIN_WEAK_PART + 1):
        left, right = word_frequency(word[:index]), word_frequency(word[index:])
        if max(left, right) >= COMMON and min(left, right) >= RARE:
            if best is None or min(left, right) > best[1]:
                best = (index, min(left, right))
    return best
