"""Checks for the web page: a letter in, its links listed at once, verdicts recorded as decided.

The web's adaptation to the library's entry points (archivecheck.api): `repair_letter` (offline:
syntax only, no network) lists every link with its repaired form the moment the letter arrives;
`scan_letter_bytes` then checks them in a worker thread, and its progress callback records each
verdict as it is decided, so every browser polling the check sees it arrive.

One `ArchiveSession` serves every check and every user, so the archives' rate limits (and a 429's
pause) hold for the whole service, however many caseworkers are checking at once.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..api import repair_letter, scan_letter_bytes
from ..config import Settings
from ..errors import InputError
from ..extract import ExtractedText, eml_attachments, extract_links
from ..grammar import compile_grammar
from ..http import ArchiveSession
from ..records import ProgressEvent
from .letters import corrected_docx, corrected_text, replacements
from .store import CheckStore

log = logging.getLogger("archivecheck.web")


class NoLinks(InputError):
    """The letter was read but holds no web links."""


@dataclass(frozen=True)
class Part:
    """A letter, or a letter attached to the uploaded e-mail, and its links as repaired offline."""

    name: str
    data: bytes
    records: tuple  # archivecheck.records.RepairRecord, in document order


@dataclass(frozen=True)
class Letter:
    """A letter read from an upload or a paste, ready to check."""

    name: str
    data: bytes
    main: ExtractedText  # the letter's text and link positions, for the corrected text
    parts: tuple[Part, ...]  # the letter first, then its attachments

    @property
    def link_count(self) -> int:
        return sum(len(part.records) for part in self.parts)


def _where(part: str, line: int | None, page: int | None) -> str:
    return part + (f", page {page}" if page else "") + (f", line {line}" if line else "")


class CheckService:
    """Runs checks in the background, records them in `store`; use as a context manager."""

    def __init__(self, settings: Settings, store: CheckStore, *, workers: int = 4):
        self.settings = settings
        self.store = store
        self.session = ArchiveSession(settings.network)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="archivecheck-check")

    def __enter__(self) -> "CheckService":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.session.close()

    def read_letter(self, data: bytes, name: str) -> Letter:
        """Find and repair (offline) every link of a letter, format told by its bytes. Raises
        UnreadableInput for data that is no letter, NoLinks for a letter without links."""
        # The same grammar the scan will use (configured archives too): the corrected letter pairs
        # these links with the scan's results by position, so both must find the same links.
        main = extract_links(data, name, grammar=compile_grammar(self.settings.registry))
        payloads = [(name, data)]
        if main.format == "eml":
            # A reply often travels as an e-mail with the letter attached: check those links too.
            payloads += [(f"{name} \u203a {filename}", payload) for filename, payload in eml_attachments(data)]
        parts = []
        for part_name, payload in payloads:
            try:
                records = repair_letter(payload, part_name, offline=True, settings=self.settings, session=self.session)
            except InputError as exc:
                if part_name == name:
                    raise
                log.info("attachment %s not read: %s", part_name, exc)
                continue
            parts.append(Part(part_name, payload, tuple(records)))
        letter = Letter(name, data, main, tuple(parts))
        if not letter.link_count:
            raise NoLinks(f"No web links were found in {name}.")
        return letter

    def start(self, letter: Letter) -> str:
        """Record the letter's links with their offline repair and queue the check; returns its id."""
        rows = [(_where(part.name, r.line, r.page), r.repaired.input, r.repaired.url, r.repaired.repairs)
                for part in letter.parts for r in part.records]
        check_id = self.store.create(letter.name, letter.main.format, rows)
        self._pool.submit(self._run, check_id, letter)
        return check_id

    def _run(self, check_id: str, letter: Letter) -> None:
        try:
            first, main_links = 0, []
            for part in letter.parts:
                def record(event: ProgressEvent, first=first) -> None:
                    # scan_letter_bytes reports links in document order, as repair_letter listed them.
                    self.store.record(check_id, first + event.done - 1, event.record)

                scan = scan_letter_bytes(part.data, part.name, settings=self.settings, session=self.session,
                                         progress=record)
                if part.name == letter.name:
                    main_links = list(scan.links)
                first += len(part.records)
            self._finish(check_id, letter, main_links)
        except Exception:  # the page must say the check failed, never spin for ever
            log.exception("check %s failed", check_id)
            self.store.fail(check_id, "Something went wrong while checking this letter. Please try again.")

    def _finish(self, check_id: str, letter: Letter, links: list) -> None:
        own = [(found.text, link.result) for found, link in zip(letter.main.links, links)]
        plain = replacements(own, accept_suggestions=False)
        suggested = replacements(own, accept_suggestions=True)
        if letter.main.format == "docx":
            kind = "docx"
            build = lambda mapping: corrected_docx(letter.data, mapping)  # noqa: E731
        else:
            kind = "md" if letter.main.format == "md" else "txt"
            spans = [(f.start, f.end, f.text) for f in letter.main.links if f.source == "text" and f.start is not None]
            build = lambda mapping: corrected_text(letter.main.text, spans, mapping).encode("utf-8")  # noqa: E731
        self.store.finish(check_id, build(plain), build(suggested) if suggested != plain else None, kind)
