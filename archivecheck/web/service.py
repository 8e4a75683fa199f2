"""Checks for the web page: a letter in, its links listed at once, verdicts recorded as decided.

The web's adaptation to the library's entry points (archivecheck.api): `repair_letter` (offline:
syntax only, no network) lists every link with its repaired form the moment the letter arrives;
`scan_letter_bytes` then checks them in a worker thread, and its progress callback records each
verdict as it is decided, so every browser polling the check sees it arrive.

One `ArchiveSession` serves every check and every user, so the archives' rate limits (and a 429's
pause) hold for the whole service, however many caseworkers are checking at once.

The letter itself is never written to disk unless the service keeps it on purpose
(`keep_letter_days`): what rebuilds the corrected letter from the caseworker's decisions (the .docx,
or the text and where its links sit) is held in this process's memory for `hold_minutes`, then
forgotten by the retention timer.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import gc
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..api import repair_letter, scan_letter_bytes
from ..check import Checker
from .recall import StoredVerifications
from ..config import Settings
from ..corrected import IN_PLACE, CorrectedLetter, correct_letter
from ..errors import InputError
from ..extract import ExtractedText, eml_attachments, extract_links
from ..grammar import compile_grammar
from ..http import ArchiveSession
from ..models import utc_now_iso
from ..records import ProgressEvent
from ..scan import citation_sentence
from .decisions import letter_mapping
from .packs import EvidenceShelf
from .store import CheckRow, CheckStore, Decision

log = logging.getLogger("archivecheck.web")


class NoLinks(InputError):
    """The letter was read but holds no web links."""


class TooManyLinks(InputError):
    """The letter holds more links than one check takes (`max_links`)."""


@dataclass(frozen=True)
class HeldLetter:
    """What rebuilds the corrected letter: the letter's own bytes (a .docx, an HTML page, an e-mail
    are handed back edited, #18), its name and format; `links` are its links as found, in order."""

    format: str  # the letter's format: docx | html | eml | pdf | md | txt
    name: str
    data: bytes
    links: tuple[str, ...]

    @property
    def kind(self) -> str:
        """The corrected letter's file type: the letter's own, or text for a PDF."""
        return self.format if self.format in IN_PLACE else "txt"

    def to_bytes(self) -> bytes:
        return json.dumps({"format": self.format, "name": self.name, "data": base64.b64encode(self.data).decode("ascii"),
                           "links": self.links}).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> "HeldLetter | None":
        d = json.loads(raw)
        if "format" not in d:  # kept by a version that held only the text: cannot be proven, rebuild no more
            return None
        return cls(d["format"], d["name"], base64.b64decode(d["data"]), tuple(d["links"]))

    def build(self, mapping: dict[str, str], grammar=None) -> CorrectedLetter:
        """The corrected letter, written in the letter's own format and proven by reading it back."""
        extracted = extract_links(self.data, self.name, grammar=grammar)
        return correct_letter(self.data, self.name, extracted, mapping, grammar=grammar)


def held_letter(letter: "Letter") -> HeldLetter:
    return HeldLetter(letter.main.format, letter.name, letter.data, tuple(found.text for found in letter.main.links))


def release_memory() -> None:
    """Hand freed memory back to the system. After a large upload glibc keeps the freed arenas of
    the threads that read it mapped (RSS rose from 129 MB to ~600 MB and stayed, #19): malloc_trim
    returns them. A no-op where the C library has no malloc_trim."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def tune_malloc() -> None:
    """For a long-running service: glibc serves large blocks (a letter's bytes) from mmap, given
    back whole when freed, instead of raising its mmap threshold after the first big free and
    carving later letters out of heaps it cannot return; and two arenas, not eight per core, for
    the request and check threads. Process-wide, so called by `archivecheck serve` only."""
    if _LIBC is not None and hasattr(_LIBC, "mallopt"):
        _LIBC.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD: 1 MB, fixed (setting it stops the dynamic rise)
        _LIBC.mallopt(-8, 2)  # M_ARENA_MAX


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - present in glibc only
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


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
    unread: tuple[str, ...] = ()  # attachments that could not be read, one sentence each

    @property
    def link_count(self) -> int:
        return sum(len(part.records) for part in self.parts)


def _where(part: str, line: int | None, page: int | None) -> str:
    return part + (f", page {page}" if page else "") + (f", line {line}" if line else "")


class CheckService:
    """Runs checks in the background, records them in `store`; use as a context manager.

    `max_links` caps one letter's links; `hold_minutes` is how long the letter's text stays in
    memory for the corrected letter; `keep_letter_days` > 0 also keeps it in the store that long."""

    def __init__(self, settings: Settings, store: CheckStore, *, workers: int = 4, max_links: int = 200,
                 hold_minutes: float = 60, keep_letter_days: float = 0, hold_budget: int = 16_000_000):
        self.settings = settings
        self.store = store
        # (#20) A link that cannot be checked now: did an earlier check here verify its capture?
        self.recall = StoredVerifications(store.path)
        self.max_links = max_links
        self.hold_seconds = hold_minutes * 60
        self.keep_letter_days = keep_letter_days
        # The most letter bytes held in memory at once: past it the oldest is forgotten first, so
        # twenty large uploads leave the server's memory where it was (#19), not 20 letters higher.
        self.hold_budget = hold_budget
        self.session = ArchiveSession(settings.network)
        self.packs = EvidenceShelf(Path(store.path).parent / "evidence")  # one WACZ per check (#22)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="archivecheck-check")
        self._lock = threading.Lock()
        self._waiting: list[str] = []  # queued checks, oldest first, not yet started by a worker
        self._held: dict[str, tuple[float, HeldLetter]] = {}
        self._built: dict[tuple, CorrectedLetter] = {}  # the last corrected letter built per check

    def __enter__(self) -> "CheckService":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.session.close()
        with self._lock:
            self._held.clear()
            self._built.clear()

    def read_letter(self, data: bytes, name: str) -> Letter:
        """Find and repair (offline) every link of a letter, format told by its bytes. Raises
        UnreadableInput for data that is no letter, NoLinks for a letter without links and
        TooManyLinks past `max_links`."""
        # The same grammar the scan will use (configured archives too): the corrected letter pairs
        # these links with the scan's results by position, so both must find the same links.
        main = extract_links(data, name, grammar=compile_grammar(self.settings.registry))
        if len(main.links) > self.max_links:
            raise TooManyLinks(self._too_many(len(main.links)))
        payloads = [(name, data)]
        if main.format == "eml":
            # A reply often travels as an e-mail with the letter attached: check those links too.
            payloads += [(f"{name} \u203a {filename}", payload) for filename, payload in eml_attachments(data)]
        parts, unread = [], []
        for part_name, payload in payloads:
            try:
                records = repair_letter(payload, part_name, offline=True, settings=self.settings, session=self.session)
            except InputError as exc:
                if part_name == name:
                    raise
                log.info("attachment %s not read: %s", part_name, exc)
                unread.append(f"{part_name} could not be read: {str(exc).removeprefix(part_name + ': ')}")
                continue
            parts.append(Part(part_name, payload, tuple(records)))
        letter = Letter(name, data, main, tuple(parts), tuple(unread))
        if not letter.link_count:
            raise NoLinks(f"No web links were found in {name}.")
        if letter.link_count > self.max_links:
            raise TooManyLinks(self._too_many(letter.link_count))
        return letter

    def _too_many(self, count: int) -> str:
        return (f"The letter has {count} links; this service checks up to {self.max_links} in one letter. "
                "Split it into parts and check each part")

    def start(self, letter: Letter) -> str:
        """Record the letter's links with their offline repair and queue the check; returns its id."""
        rows = [(_where(part.name, r.line, r.page), r.repaired.input, r.repaired.url, r.repaired.repairs)
                for part in letter.parts for r in part.records]
        check_id = self.store.create(letter.name, letter.main.format, rows)
        held = held_letter(letter)
        with self._lock:
            self._held[check_id] = (time.monotonic() + self.hold_seconds, held)
            self._waiting.append(check_id)
            self._keep_within_budget()
        if self.keep_letter_days > 0:
            self.store.keep_letter(check_id, held.to_bytes(), self.keep_letter_days)
        self._pool.submit(self._run, check_id, letter)
        return check_id

    def queue_position(self, check_id: str) -> int | None:
        """How many letters are ahead of this one in the queue; None once a worker has started it."""
        with self._lock:
            try:
                return self._waiting.index(check_id)
            except ValueError:
                return None

    def _run(self, check_id: str, letter: Letter) -> None:
        with self._lock:
            if check_id in self._waiting:
                self._waiting.remove(check_id)
        try:
            first, results, problems = 0, [], list(letter.unread)
            with self.packs.recording() as recorder:
                for part in letter.parts:
                    def record(event: ProgressEvent, first=first) -> None:
                        # scan_letter_bytes reports links in document order, as repair_letter listed them.
                        self.store.record(check_id, first + event.done - 1, event.record)

                    scan = scan_letter_bytes(part.data, part.name, settings=self.settings, session=self.session,
                                             progress=record, recorder=recorder, recall=self.recall)
                    results += scan.results
                    if scan.note:  # a page, part or footnotes the reader could not read (#18)
                        problems.append(scan.note if part.name == letter.name else f"{part.name}: {scan.note}")
                    first += len(part.records)
                self.packs.keep(check_id, recorder, results, name=letter.name)
            self.store.finish(check_id, held_letter(letter).kind, problems)
        except Exception:  # the page must say the check failed, never spin for ever
            log.exception("check %s failed", check_id)
            self.store.fail(check_id, "Something went wrong while checking this letter. Please try again.")
        finally:
            del letter
            release_memory()

    # -- after the check: decisions, re-checks and the corrected letter --------------------------
    def decide(self, check: CheckRow, position: int, choice: str, url: str, who: str) -> None:
        self.store.decide(check.id, position, Decision(choice, url, utc_now_iso(), who))

    def recheck(self, check: CheckRow, position: int) -> None:
        """Check one link again (after an archive outage, say), in the background."""
        link = check.links[position]
        self.store.restart_link(check.id, position)
        self._pool.submit(self._recheck, check.id, position, link.url)

    def _recheck(self, check_id: str, position: int, url: str) -> None:
        try:
            with Checker(self.settings, session=self.session, recall=self.recall) as checker:
                result = checker.check(url)
                sentence = citation_sentence(result, checker)
            old = self.store.get(check_id)
            if old is not None:
                result = replace(result, input=old.links[position].input)
                self.store.record(check_id, position, _Rechecked(result, sentence))
        except Exception:
            log.exception("re-check of %s link %s failed", check_id, position)
        finally:
            self.store.done_again(check_id)

    def held(self, check_id: str) -> HeldLetter | None:
        """The letter as needed for its corrected version, from memory or (kept on purpose) the store."""
        with self._lock:
            entry = self._held.get(check_id)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        raw = self.store.kept_letter(check_id)
        return HeldLetter.from_bytes(raw) if raw else None

    def corrected_letter(self, check: CheckRow) -> CorrectedLetter | None:
        """The corrected letter built from the results and the caseworker's decisions (its `data`
        None when the read-back proof refused it, `refused` saying why), or None once the letter is
        no longer held."""
        held = self.held(check.id)
        if held is None:
            return None
        mapping = letter_mapping(held.links, check.links)
        key = (check.id, tuple(sorted(mapping.items())))
        with self._lock:
            built = self._built.get(key)
        if built is None:
            # Written and read back once per set of decisions, not on every view of the page.
            built = held.build(mapping, grammar=compile_grammar(self.settings.registry))
            with self._lock:
                self._built = {k: v for k, v in self._built.items() if k[0] != check.id}
                self._built[key] = built
        return built

    def _keep_within_budget(self) -> None:
        # Called with the lock held; dicts keep insertion order, so the first is the oldest.
        while len(self._held) > 1 and sum(len(h.data) for _, h in self._held.values()) > self.hold_budget:
            oldest = next(iter(self._held))
            del self._held[oldest]
            self._built = {k: v for k, v in self._built.items() if k[0] != oldest}  # its corrected letter too

    def forget_expired(self, now: float | None = None) -> int:
        """Drop the letters held past their time (at `now`, a time.monotonic() value; default: now);
        returns how many went."""
        now = time.monotonic() if now is None else now
        with self._lock:
            gone = [cid for cid, (until, _) in self._held.items() if until <= now]
            for cid in gone:
                del self._held[cid]
            self._built = {k: v for k, v in self._built.items() if k[0] not in gone}
        if gone:
            release_memory()
        return len(gone)


@dataclass(frozen=True)
class _Rechecked:
    """A re-checked link in the shape store.record takes (archivecheck.records.ScannedLink's)."""

    result: object
    sentence: str | None
    warning: str | None = None
