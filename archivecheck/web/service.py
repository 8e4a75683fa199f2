"""Checks for the web page: a letter in, its links listed at once, verdicts recorded as decided.

This is the web's adaptation to the library. It uses the library's own steps — extraction
(`extract_links`), repair and classification (`prepare_link`), checking (`Checker.check`), the
letter's sentence (`citation_sentence`) — because the page must show every link before any is
checked and each verdict as it arrives, which one call that returns at the end cannot give.

One `ArchiveSession` serves every check and every user, so the archives' rate limits (and a 429's
pause) hold for the whole service, however many caseworkers are checking at once.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from ..check import Checker, prepare_link
from ..config import Settings
from ..errors import InputError
from ..extract import ExtractedText, FoundLink, eml_attachments, extract_links
from ..http import ArchiveSession
from ..scan import citation_sentence
from .letters import corrected_docx, corrected_text, replacements
from .store import CheckStore

log = logging.getLogger("archivecheck.web")

# Links checked at once within one letter; the shared session's rate limits set the real pace.
LINK_WORKERS = 4


class NoLinks(InputError):
    """The letter was read but holds no web links."""


@dataclass(frozen=True)
class Letter:
    """A letter read from an upload or a paste, ready to check."""

    name: str
    data: bytes
    main: ExtractedText
    links: tuple[tuple[str, FoundLink], ...]  # (where found, link), the letter's then attachments'


def read_letter(data: bytes, name: str) -> Letter:
    """Extract the links of a letter (format told by its bytes). Raises UnreadableInput for data
    that is no letter, NoLinks for a letter without links."""
    main = extract_links(data, name)
    links = [(name, found) for found in main.links]
    if main.format == "eml":
        # A reply often travels as an e-mail with the letter attached: check those links too.
        for filename, payload in eml_attachments(data):
            try:
                links += [(f"{name} \u203a {filename}", f) for f in extract_links(payload, filename).links]
            except InputError as exc:
                log.info("attachment %s not read: %s", filename, exc)
    if not links:
        raise NoLinks(f"No web links were found in {name}.")
    return Letter(name, data, main, tuple(links))


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

    def start(self, letter: Letter) -> str:
        """Record the letter's links with their offline repair and queue the check; returns its id."""
        rows = []
        for found_in, found in letter.links:
            prepared = prepare_link(found.text, self.settings)  # syntax only: instant, no network
            rows.append((found_in, found.text, prepared.url, prepared.repairs))
        check_id = self.store.create(letter.name, letter.main.format, rows)
        self._pool.submit(self._run, check_id, letter)
        return check_id

    def _run(self, check_id: str, letter: Letter) -> None:
        # A Checker per check (its memo must not outlive the check); the session is the shared one.
        checker = Checker(self.settings, session=self.session)
        try:
            results = [None] * len(letter.links)
            with ThreadPoolExecutor(max_workers=LINK_WORKERS) as pool:
                futures = {pool.submit(checker.check, found.text): i for i, (_, found) in enumerate(letter.links)}
                for future in as_completed(futures):
                    i = futures[future]
                    result = future.result()
                    results[i] = result
                    self.store.record(check_id, i, result, citation_sentence(result, checker))
            self._finish(check_id, letter, results)
        except Exception:  # the page must say the check failed, never spin for ever
            log.exception("check %s failed", check_id)
            self.store.fail(check_id, "Something went wrong while checking this letter. Please try again.")

    def _finish(self, check_id: str, letter: Letter, results: list) -> None:
        own = [(found.text, result) for (found_in, found), result in zip(letter.links, results)
               if found_in == letter.name]
        plain = replacements(own, accept_suggestions=False)
        suggested = replacements(own, accept_suggestions=True)
        if letter.main.format == "docx":
            kind = "docx"
            build = lambda mapping: corrected_docx(letter.data, mapping)  # noqa: E731
        else:
            kind = "md" if letter.main.format == "md" else "txt"
            spans = [(f.start, f.end, f.text) for _, f in letter.links[:len(own)]
                     if f.source == "text" and f.start is not None]
            build = lambda mapping: corrected_text(letter.main.text, spans, mapping).encode("utf-8")  # noqa: E731
        self.store.finish(check_id, build(plain), build(suggested) if suggested != plain else None, kind)
