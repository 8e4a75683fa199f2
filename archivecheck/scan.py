"""A caseworker's pre-send check of letters: extract every link, repair it, check it.

Each link becomes a `ScannedLink`: its contract Result with where it was found (file, line, page,
source), a warning when a Word/HTML hyperlink's target differs from the text a reader sees, and, for
a link that checks out, a sentence ready to paste into the letter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .check import Checker
from .errors import InputError
from .extract import ExtractedText, eml_attachments, extract_links
from .grammar import compile_grammar
from .inputs import read_input_bytes
from .models import Result, Status, timestamp_to_datetime
from .records import ScannedLink
from .robustlinks import robust_sentence

if TYPE_CHECKING:
    from .evidence import EvidencePack


@dataclass(frozen=True)
class LetterScan:
    """What one letter held: its format and a ScannedLink per link, in the order found. An
    e-mail's attachments are letters of their own, named `mail.eml › report.pdf`."""

    path: str
    format: str
    links: tuple[ScannedLink, ...]
    note: str | None = None  # why a letter (an attachment), or a part of it, could not be read
    evidence: "EvidencePack | None" = None  # the WACZ of its exchanges, when evidence was kept (#22)
    # The letter as read, its links in the order of `links`: what a corrected letter is written from.
    extracted: ExtractedText | None = field(default=None, compare=False, repr=False)

    @property
    def results(self) -> tuple[Result, ...]:
        return tuple(link.result for link in self.links)


def scan_letters(paths, checker: Checker, *, on_link: Callable[[ScannedLink], None] | None = None) -> list[LetterScan]:
    """Scan each letter, and each letter attached to an e-mail. Raises InputError when a file
    named by the user cannot be read; an unreadable attachment is reported, not fatal."""
    scans = []
    for path in paths:
        data, _ = read_input_bytes(str(path))
        scan = scan_letter(str(path), checker, data=data, on_link=on_link)
        scans.append(scan)
        if scan.format == "eml":
            for filename, payload in eml_attachments(data):
                name = f"{path} \u203a {filename}"
                try:
                    scans.append(scan_letter(name, checker, data=payload, on_link=on_link))
                except InputError as exc:
                    scans.append(LetterScan(name, "attachment", (), note=str(exc)))
    return scans


def scan_letter(path: str, checker: Checker, *, data: bytes | None = None,
                on_link: Callable[[ScannedLink], None] | None = None) -> LetterScan:
    """Extract, repair and check every link in one letter. Raises InputError when unreadable."""
    if data is None:
        data, _ = read_input_bytes(path)
    extracted = extract_links(data, path, grammar=compile_grammar(checker.settings.registry))
    links = []
    for found in extracted.links:
        result = checker.check(found.text)
        warning = None
        if found.target_mismatch:
            warning = (f"the link's displayed text names {found.target_mismatch}, "
                       f"but clicking it opens {found.text}")
        sentence = citation_sentence(result, checker)
        links.append(ScannedLink(result, path, found.line, found.page, found.source, sentence=sentence,
                                 warning=warning, sentence_html=robust_sentence(sentence, result)))
        if on_link:
            on_link(links[-1])
    # A part of the letter that could not be read (a damaged footnotes part) is said, not hidden.
    return LetterScan(path, extracted.format, tuple(links), note="; ".join(extracted.problems) or None,
                      extracted=extracted)


def citation_sentence(result: Result, checker: Checker) -> str | None:
    """"This information is available from … (captured 1 February 2022): <link>" for an ok link,
    and (#20) for an unverifiable one whose document was verified in another archive, citing that
    capture (its `suggestion`: only a verified capture is ever put there for an unverifiable link)."""
    if result.status is Status.UNVERIFIABLE and result.suggestion:
        cited = checker.settings.registry.parse(result.suggestion)
        if cited is None or not cited.timestamp or len(cited.timestamp) != 14:
            return None
        return sentence_citing(cited.archive, timestamp_to_datetime(cited.timestamp), result.suggestion)
    if result.status is not Status.OK or not result.memento_url or not result.memento_datetime:
        return None
    archive = checker.settings.registry.archives.get(result.archive or "")
    when = datetime.fromisoformat(result.memento_datetime.replace("Z", "+00:00"))
    return sentence_citing(archive, when, result.memento_url, fallback=result.archive)


def sentence_citing(archive, when: datetime, url: str, fallback: str | None = None) -> str:
    """The letter's sentence for a capture of ``archive`` (an ``archives.Archive`` or None, named by
    its label, else ``fallback``) taken at ``when``: the one wording every citation uses."""
    name = archive.label if archive and archive.label else (fallback or "a web archive")
    return f"This information is available from {name} (captured {when.day} {when:%B %Y}): {url}"
