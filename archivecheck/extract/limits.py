"""How much work one letter may cost, and the reading helpers that enforce it.

The ceiling: reading any single letter, hostile or not, peaks below MEMORY_CEILING_MB of resident
memory (interpreter and libraries included); bench/bench_letters.py measures the worst letters we
know how to build. Each cap below is far beyond a real letter (an FOI response is kilobytes of
text; a long report's document.xml a few megabytes) and is what keeps that promise.
"""

from __future__ import annotations

from .records import UnreadableInput

MEMORY_CEILING_MB = 300
# A letter file as given. Text formats cost about five times their size in memory at worst (the
# text, its links, their records), so this is what the ceiling allows, not what letters need.
MAX_LETTER_BYTES = 50 * 1024 * 1024
# The e-mail parser holds about eight times a message's size, the HTML tokenizer and its hyperlink
# records about nine times an HTML letter's: their letters are capped lower (Reader.max_bytes).
MAX_EML_BYTES = 24 * 1024 * 1024
MAX_HTML_BYTES = 16 * 1024 * 1024
# One part of a .docx after decompression, and all parts read from one .docx together: a zip
# of a few hundred kilobytes can expand to gigabytes, so the expanded size is what is counted.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_BYTES = 64 * 1024 * 1024
# Text taken from one letter (a .docx or an e-mail part); the text formats are capped by size.
MAX_TEXT_CHARS = 40_000_000
# Paragraphs inside paragraphs (Word text boxes): each level repeats its text in the one around it.
MAX_PARAGRAPH_NESTING = 4


class CappedReader:
    """A file-like wrapper that raises UnreadableInput once more than ``limit`` bytes come out of
    ``stream``: a zip member's header may claim any size, so the bytes are counted as inflated."""

    def __init__(self, stream, limit: int, what: str, name: str | None):
        self.stream, self.limit, self.what, self.name, self.count = stream, limit, what, name, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(self.limit - self.count + 1 if size is None or size < 0 else size)
        self.count += len(chunk)
        if self.count > self.limit:
            raise UnreadableInput(f"{self.what} expands beyond {self.limit // (1024 * 1024)} MB; "
                                  f"refused (a zip bomb, or not a letter)", name=self.name)
        return chunk


def check_letter_size(data: bytes, name: str | None, limit: int = MAX_LETTER_BYTES, what: str = "a letter") -> None:
    """Raise UnreadableInput for a letter larger than ``limit``."""
    if len(data) > limit:
        raise UnreadableInput(f"larger than {limit // (1024 * 1024)} MB; not {what}", name=name)


def check_text_size(length: int, name: str | None) -> None:
    """Raise UnreadableInput once a letter's extracted text passes MAX_TEXT_CHARS."""
    if length > MAX_TEXT_CHARS:
        raise UnreadableInput(f"holds more than {MAX_TEXT_CHARS:,} characters of text; not a letter", name=name)
