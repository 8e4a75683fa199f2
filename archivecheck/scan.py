"""A caseworker's pre-send check of letters: extract every link, repair it, check it.

Each link becomes a contract Result with where it was found added (file, line, page, source), a
warning when a Word/HTML hyperlink's target differs from the text a reader sees, and, for a link
that checks out, a sentence ready to paste into the letter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .check import Checker
from .extract import extract_links
from .inputs import read_input_bytes
from .models import Result, Status, timestamp_to_datetime


@dataclass(frozen=True)
class LetterScan:
    """What one letter held: its format and a Result per link, in the order found."""

    path: str
    format: str
    results: tuple[Result, ...]


def scan_letter(path: str, checker: Checker) -> LetterScan:
    """Extract, repair and check every link in one letter. Raises InputError when unreadable."""
    data, _ = read_input_bytes(path)
    extracted = extract_links(data, path)
    results = []
    for found in extracted.links:
        result = checker.check(found.text)
        extra = {"file": path, "line": found.line, "page": found.page, "source": found.source}
        if found.target_mismatch:
            extra["warning"] = (f"the link's displayed text names {found.target_mismatch}, "
                                f"but clicking it opens {found.text}")
        sentence = citation_sentence(result, checker)
        if sentence:
            extra["sentence"] = sentence
        results.append(replace(result, extra={**result.extra, **extra}))
    return LetterScan(path, extracted.format, tuple(results))


def citation_sentence(result: Result, checker: Checker) -> str | None:
    """"This information is available from … (captured 1 February 2022): <link>" for an ok link."""
    if result.status is not Status.OK or not result.memento_url or not result.memento_datetime:
        return None
    archive = checker.settings.registry.archives.get(result.archive or "")
    name = archive.label if archive and archive.label else (result.archive or "a web archive")
    when = timestamp_to_datetime(result.memento_datetime.replace("-", "").replace("T", "")
                                 .replace(":", "").rstrip("Z"))
    day = f"{when.day} {when:%B %Y}"
    return f"This information is available from {name} (captured {day}): {result.memento_url}"
