"""One library entry point per command: settings in, typed records out, progress one way.

The CLI (cli/) and the web page (web/) call these and nothing deeper. Each takes `settings`
(config.load_settings) or the options to build them, an optional shared `session` (a long-lived
service passes one ArchiveSession so the archives' rate limits hold across all its users) and an
optional `progress` callback that receives a `ProgressEvent` per finished record.

Anything cached for a run (the checker's memo of links already checked) lives as long as one call,
so a long-lived process does not grow without bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .audit import Auditor, require_original
from .check import Checker, require_url
from .config import Settings, load_settings as _load_settings
from .errors import InputError
from .extract import extract_links
from .grammar import compile_grammar
from .http import ArchiveSession
from .live import LiveHosts
from .models import Kind, Result
from .records import AuditFinding, ProgressEvent, RepairRecord
from .repair import repair_link, repair_text
from .save import SavePageNow
from .sources import read_source, urls_from_page, urls_from_sitemap
from .scan import LetterScan, scan_letter, scan_letters as _scan_letters

if TYPE_CHECKING:  # evidence brings warcio: loaded only by a run that keeps evidence
    from .evidence import Evidence, Recorder

Progress = Callable[[ProgressEvent], None]


def load_settings(config_file: str | None = None, archives: dict[str, str] | None = None, **options) -> Settings:
    """Settings from a config file and remaps ({"ukgwa": "http://…/ukgwa/"}). Raises ConfigError."""
    remaps = tuple(f"{name}={url}" for name, url in (archives or {}).items())
    return _load_settings(config_file, remaps, **options)


def _settings(settings: Settings | None, options: dict) -> Settings:
    return settings if settings is not None else load_settings(**options)


class _Counter:
    """Turns "a record finished" into ProgressEvents for one run."""

    def __init__(self, progress: Progress | None, total: int | None):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, record) -> None:
        self.done += 1
        if self.progress:
            self.progress(ProgressEvent(self.done, self.total, record))


def check_links(urls: Iterable[str], *, settings: Settings | None = None, session: ArchiveSession | None = None,
                progress: Progress | None = None, workers: int = 1, evidence: "Evidence | None" = None,
                **options) -> list[Result]:
    """Check archive links or original URLs (damaged ones are repaired first) → Results in input
    order. Raises InputError for an input that is not a URL (before any request); network
    trouble never raises, it becomes `unverifiable`. With `evidence`, every HTTP exchange of the
    run is kept in one WACZ in its directory (named in `evidence.packs`)."""
    settings = _settings(settings, options)
    urls = list(urls)
    for text in urls:
        require_url(text, settings)
    if evidence is None:
        with Checker(settings, session=session) as checker:
            return list(checker.check_many(urls, workers=workers, on_result=_Counter(progress, len(urls))))
    with evidence.recording() as recorder, Checker(settings, session=session, recorder=recorder) as checker:
        results = list(checker.check_many(urls, workers=workers, on_result=_Counter(progress, len(urls))))
        evidence.package(recorder, "check", results,
                         title=f"archivecheck check of {len(urls)} link{'s' if len(urls) != 1 else ''}")
    return results


def repair_links(text: str, *, offline: bool = True, settings: Settings | None = None,
                 session: ArchiveSession | None = None, **options) -> list:
    """Every link in plain `text` with its repair → list[repair.RepairedLink]. With offline=False,
    ambiguous readings are settled by the archives' indexes."""
    if offline and settings is None and not options:
        return repair_text(text)
    settings = _settings(settings, options)
    grammar = compile_grammar(settings.registry)
    if offline:
        return repair_text(text, grammar=grammar)
    with Checker(settings, session=session) as checker:
        return repair_text(text, checker.index, grammar=grammar)


def repair_letter(data: bytes, name: str, *, offline: bool = False, settings: Settings | None = None,
                  session: ArchiveSession | None = None, progress: Progress | None = None,
                  **options) -> list[RepairRecord]:
    """Every link in a letter of any supported format with its repair and where it was found.
    Raises InputError for an unreadable letter."""
    settings = _settings(settings, options)
    grammar = compile_grammar(settings.registry)
    extracted = extract_links(data, name, grammar=grammar)
    count = _Counter(progress, len(extracted.links))
    records = []
    # A letter repeats its links (footers, tables of contents): each distinct text is repaired,
    # and asked about, once per call.
    seen: dict[str, tuple] = {}
    with Checker(settings, session=session, confirm_repairs=not offline) as checker:
        for found in extracted.links:
            if found.text not in seen:
                fixed = repair_link(found.text, checker.index, grammar=grammar, confirm_written=True,
                                    markup_target=found.markup_target, own_hyphens=found.own_hyphens)
                link = settings.registry.parse(fixed.url)
                seen[found.text] = (fixed, (Kind.MEMENTO if link else Kind.ORIGINAL).value,
                                    link.original_url if link else None)
            record = RepairRecord(*seen[found.text], found.line, found.page, found.source)
            records.append(record)
            count(record)
    return records


def scan_letters(paths: Sequence[str], *, settings: Settings | None = None, session: ArchiveSession | None = None,
                 progress: Progress | None = None, evidence: "Evidence | None" = None, **options) -> list[LetterScan]:
    """Extract, repair and check every link in letters (and letters attached to e-mails) →
    LetterScans of ScannedLinks. Raises InputError for a file the user named that cannot be read.
    With `evidence`, one WACZ per letter named (an e-mail's attachments go in its pack), each
    LetterScan's `evidence` naming it."""
    settings = _settings(settings, options)
    counter = _Counter(progress, None)
    if evidence is None:
        with Checker(settings, session=session) as checker:
            return _scan_letters(paths, checker, on_link=counter)
    own = session is None
    session = session or ArchiveSession(settings.network)  # one session: rate limits hold across letters
    try:
        scans = []
        for path in paths:
            # A checker (and its memo) per letter, so each pack holds every exchange its letter's
            # verdicts rest on, even for a link an earlier letter also cited.
            with evidence.recording() as recorder, Checker(settings, session=session, recorder=recorder) as checker:
                found = _scan_letters([path], checker, on_link=counter)
                pack = evidence.package(recorder, Path(str(path)).name, [link.result for s in found for link in s.links],
                                        title=f"archivecheck scan of {Path(str(path)).name}", letter=str(path))
            scans += [replace(s, evidence=pack) for s in found]
        return scans
    finally:
        if own:
            session.close()


def scan_letter_bytes(data: bytes, name: str, *, settings: Settings | None = None,
                      session: ArchiveSession | None = None, progress: Progress | None = None,
                      recorder: "Recorder | None" = None, recall=None, **options) -> LetterScan:
    """`scan_letters` for one letter already in memory (an upload), named `name` for its format;
    `recorder` (evidence.Recorder) keeps its exchanges, for a caller packaging several parts as one;
    `recall(url)` says how an earlier check verified a link (check.Checker.recall, #20)."""
    with Checker(_settings(settings, options), session=session, recorder=recorder, recall=recall) as checker:
        return scan_letter(name, checker, data=data, on_link=_Counter(progress, None))


def correct_scanned_letter(scan: LetterScan, data: bytes, *, settings: Settings | None = None, **options):
    """The corrected letter for a scanned one (`data`: the letter's bytes) → corrected.CorrectedLetter:
    each link `citable` allows written, text and hyperlink, in the letter's own format (a PDF's
    text instead), proven by reading it back."""
    from .corrected import correct_letter, links_to_write

    settings = _settings(settings, options)
    found = [link.text for link in scan.extracted.links] if scan.extracted else []
    mapping = links_to_write(zip(found, scan.results))
    return correct_letter(data, scan.path, scan.extracted, mapping, grammar=compile_grammar(settings.registry))


def audit_urls(urls: Sequence[str] | None = None, *, sitemap: str | None = None, page: str | None = None,
               page_base: str | None = None, match: str | None = None,
               settings: Settings | None = None, session: ArchiveSession | None = None,
               live_hosts: LiveHosts = LiveHosts(), workers: int = 4, save: bool = False, dry_run: bool = False,
               save_poll: float = 6.0, save_timeout: float = 300.0, progress: Progress | None = None,
               **options) -> list[AuditFinding]:
    """Audit archive coverage of original URLs — given, or read from a sitemap or a listing page
    (URL or file) — → AuditFindings in input order; with `save`, ask the Wayback Machine to
    capture the live, unarchived ones (`dry_run`: only say which). Raises InputError when there
    is nothing to audit or a line is not a URL."""
    settings = _settings(settings, options)
    own = session is None
    session = session or ArchiveSession(settings.network)
    try:
        if sitemap:
            urls = urls_from_sitemap(session, live_hosts, sitemap)
        elif page:
            html, url = read_source(session, live_hosts, page)
            urls = urls_from_page(html, page_base or url, match=match)
        urls = list(urls or ())
        if not urls:
            raise InputError("no URLs to audit")
        for text in urls:
            require_original(text)
        auditor = Auditor(settings, session, live_hosts)
        findings = auditor.audit_many(urls, workers=workers, progress=_Counter(progress, len(urls)))
        if save:
            spn = None if dry_run else SavePageNow(session, settings.registry.get("wayback"),
                                                   poll_interval=save_poll, timeout=save_timeout)
            findings = auditor.save_unarchived(findings, spn, dry_run=dry_run)
        return findings
    finally:
        if own:
            session.close()
