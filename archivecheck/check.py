"""A link in, a Result out: repair → resolve → verify, for archive links and original URLs alike."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from .answers import Answer
from .archives import ArchiveLink, normalise_original
from .config import Settings
from .corroborate import Corroboration, EarlierCheck, corroborate
from .errors import InputError
from .http import ArchiveSession
from .index import CdxIndex
from .known import embedded_original, known_archive
from .models import DOUBT_MARK, Kind, Result, Status, timestamp_to_datetime, utc_now_iso
from .grammar import compile_grammar
from .pool import map_bounded
from .repair import RepairedLink, repair_link, respell_link
from .resolve import resolve_original, suggest_capture
from .verify import Verdict, Verification, verify_capture

log = logging.getLogger("archivecheck.check")


@dataclass(frozen=True)
class PreparedLink:
    """A link after repair, before any verification."""

    input: str
    url: str
    repairs: tuple[str, ...]
    link: ArchiveLink | None  # set for an archive link
    original_url: str | None  # None when the text is not a URL at all
    repair_note: str | None = None
    uncertain: bool = False  # the repair could not be settled: `url` is only the likeliest reading
    alternatives: tuple[str, ...] = ()


@dataclass
class Checker:
    """Checks links with one session and one set of settings; reusable across many links.

    Identical links are checked once per Checker (a list often repeats a link): the memo lives as
    long as the Checker, which is one run. A session passed in is shared (a long-lived service
    passes one so rate limits hold across runs) and is not closed here; one made here is.
    """

    settings: Settings
    session: ArchiveSession = None  # type: ignore[assignment]
    confirm_repairs: bool = True
    recorder: object = None  # evidence.recorder.Recorder: keeps this checker's exchanges (#22)
    # (#20) A link -> how an earlier check verified it (None: never), for a link that cannot be
    # checked now; the web service passes one reading its stored checks.
    recall: Callable[[str], EarlierCheck | None] | None = None
    _memo: dict = field(default_factory=dict)
    _owns_session: bool = False

    def __post_init__(self):
        if self.session is None:
            self.session = ArchiveSession(self.settings.network)
            self._owns_session = True
        if self.recorder is not None:
            self.session = self.session.recording(self.recorder)
        self.index = CdxIndex(self.session, self.settings) if self.confirm_repairs else None

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc) -> None:
        self._memo.clear()
        if self._owns_session:
            self.session.close()

    def prepare(self, text: str, *, offline: bool = False) -> PreparedLink:
        """Repair (confirming against the archives unless offline) and classify one link."""
        return prepare_link(text, self.settings, index=None if offline else self.index)

    def check(self, text: str) -> Result:
        """Check one link as given (damaged or not). Never raises for network trouble."""
        prepared = self.prepare(text)
        key = prepared.url
        if key not in self._memo:
            self._memo[key] = self.check_prepared(prepared)
        result = self._memo[key]
        log.info("%s: %s", result.status.value, result.memento_url or result.url)
        if result.input != text:
            result = _with_input(result, prepared)
        return result

    def check_prepared(self, prepared: PreparedLink) -> Result:
        if prepared.original_url is None:
            return build_result(prepared, Kind.ORIGINAL, Status.BROKEN, None,
                           detail="This is not a web address that can be checked.")
        if prepared.link is not None:
            return self._check_memento(prepared)
        known = known_archive(prepared.url)
        if known is not None:
            # An archive link into an archive this run does not check: name it, never "not archived".
            return build_result(replace(prepared, original_url=embedded_original(prepared.url, known)), Kind.MEMENTO,
                                Status.UNVERIFIABLE, None, detail=known.detail())
        return self._check_original(prepared)

    def check_many(self, texts: Iterable[str], *, workers: int = 1,
                   on_result: Callable[[Result], None] | None = None) -> Iterator[Result]:
        """Results in input order; with workers > 1 links are checked concurrently (the session's
        rate limits, not the pool, set the pace)."""
        return map_bounded(self.check, texts, workers=workers, on_result=on_result)

    def _respelled(self, prepared: PreparedLink) -> PreparedLink | None:
        """The archive holds no capture of the link as written: the spelling it holds that a text
        extractor may have dropped hyphens from (one index request; repair.respell_link), or None.
        Asked here, once fetching the capture found none, not for every link at repair time:
        index requests are the archives' scarcest allowance."""
        if self.index is None or prepared.uncertain or "hyphen-restored-by-index" in prepared.repairs:
            return None
        repaired = RepairedLink(prepared.input, prepared.url, prepared.repairs, False, 1, prepared.repair_note)
        again = respell_link(repaired, self.index, grammar=compile_grammar(self.settings.registry))
        if again is repaired:
            return None
        return prepared_from(again, self.settings)

    # -- the two kinds of link ----------------------------------------------------------------
    def _check_memento(self, prepared: PreparedLink) -> Result:
        link = prepared.link
        v = verify_capture(self.session, link.archive, link.original_url, link.timestamp)
        if v.verdict is Verdict.ABSENT and v.answer is Answer.NO_CAPTURE:
            respelled = self._respelled(prepared)
            if respelled is not None:
                return self._check_memento(respelled)
        alternative = None
        if v.verdict is Verdict.UNVERIFIABLE:
            # (#20) Not checked (a challenge, say): the same document verified elsewhere, to cite meanwhile.
            earlier = self.recall(prepared.url) if self.recall else None
            return memento_result(prepared, v, None, corroborate(self.session, self.settings, v, earlier=earlier))
        if not v.good:
            # Broken: offer a working capture to cite instead, nearest the link's date, same archive first.
            at = timestamp_to_datetime(link.timestamp) if link.timestamp else None
            alternative = suggest_capture(self.session, self.settings, v, at).chosen
        return memento_result(prepared, v, alternative)

    def _check_original(self, prepared: PreparedLink) -> Result:
        resolution = resolve_original(self.session, self.settings, prepared.original_url)
        if resolution.status is Status.NOT_ARCHIVED and not any(
                v.answer in (Answer.CAPTURE, Answer.EXCLUDED) for v in resolution.attempts):
            respelled = self._respelled(prepared)
            if respelled is not None:
                return self._check_original(respelled)
        if resolution.chosen is not None:
            v = resolution.chosen
            detail = f"Archived by {v.archive.name}: {_ok_detail(v, None)}"
            if resolution.detail:
                detail += f" (Before it: {resolution.detail}.)"
            return build_result(prepared, Kind.ORIGINAL, Status.OK, v, detail=detail)
        if resolution.status is Status.UNVERIFIABLE:
            detail = f"Could not find out whether it is archived: {resolution.detail}."
        else:
            detail = f"No usable capture: {resolution.detail}."
        challenged = next((v.archive.name for v in resolution.attempts if v.answer is Answer.CHALLENGED), None)
        result = build_result(prepared, Kind.ORIGINAL, resolution.status, None, detail=detail)
        return replace(result, challenged_by=challenged) if resolution.status is Status.UNVERIFIABLE else result


def memento_result(prepared: PreparedLink, v: Verification, alternative: Verification | None,
                   corroboration: Corroboration | None = None) -> Result:
    """The Result for an archive link from its verification and, for a broken one, the good
    capture found to cite instead (None: none). `watch` finds that capture its own way (#12).
    For an unverifiable one, `corroboration` is what the other archives said (#20)."""
    link = prepared.link
    if v.good:
        return build_result(prepared, Kind.MEMENTO, Status.OK, v, modifier=link.modifier,
                            detail=_ok_detail(v, link.timestamp))
    if v.verdict is Verdict.UNVERIFIABLE:
        challenged = link.archive.name if v.answer is Answer.CHALLENGED else None
        if corroboration is None:
            result = build_result(prepared, Kind.MEMENTO, Status.UNVERIFIABLE, v,
                                  detail=f"Could not verify the capture: {v.reason}.")
        else:
            result = build_result(prepared, Kind.MEMENTO, Status.UNVERIFIABLE, v, detail=corroboration.detail(),
                                  suggestion=corroboration.suggestion(link.modifier))
        return replace(result, challenged_by=challenged)
    suggestion = None
    if alternative is not None:
        suggestion = alternative.archive.replay_url(alternative.served_timestamp, alternative.original, link.modifier)
    detail = f"The link does not lead to the document: {v.reason}."
    if suggestion:
        detail += f" A working capture from {alternative.memento_datetime[:10]} can be cited instead."
    return build_result(prepared, Kind.MEMENTO, Status.BROKEN, v, suggestion=suggestion, detail=detail,
                        keep_evidence=v.verdict is Verdict.BAD)


def prepare_link(text: str, settings: Settings, *, index=None) -> PreparedLink:
    """Repair a link's text and classify it; `index` confirms ambiguous repairs (None: offline)."""
    return prepared_from(_repair(text, index, settings), settings)


def prepared_from(repaired: RepairedLink, settings: Settings) -> PreparedLink:
    """Classify a repaired link: an archive link (in its public form) or an original URL."""
    text = repaired.input
    url, repairs, note = repaired.url, repaired.repairs, repaired.note
    doubt = {"uncertain": repaired.uncertain,
             "alternatives": tuple(_public_form(alt, settings) for alt in repaired.alternatives)}
    link = settings.registry.parse(url)
    if link is not None:
        public = link.public_url()
        if public != url:
            # A legacy or alias base (UKGWA before /ukgwa/, http://, wayback.archive.org) or a
            # schemeless original, rewritten in the archive's current public form.
            repairs = repairs + ("archive-form",)
        return PreparedLink(text, public, repairs, link, link.original_url, note, **doubt)
    original = normalise_original(url)
    if not original:
        return PreparedLink(text, url, repairs, None, None, note, **doubt)
    return PreparedLink(text, url, repairs, None, original, note, **doubt)


def _public_form(url: str, settings: Settings) -> str:
    link = settings.registry.parse(url)
    return link.public_url() if link is not None else url


def _repair(text: str, index, settings: Settings):
    # repair_link asks the index only when the text has more than one reading.
    repaired = repair_link(text, index=index, grammar=compile_grammar(settings.registry))
    if repaired.confirmed is False and repaired.note is None:
        repaired = replace(repaired, note="the repair could not be confirmed by the archive")
    return repaired


def require_url(text: str, settings: Settings) -> PreparedLink:
    """Offline repair + classification for validating user input; raises InputError for a non-URL."""
    prepared = prepare_link(text, settings)
    if prepared.original_url is None:
        raise InputError(f"not a URL: {text.strip()[:80]!r}")
    return prepared


def _ok_detail(v: Verification, link_timestamp: str | None) -> str:
    size = f"{v.content_length:,} bytes" if v.content_length is not None else "size unknown"
    kind = v.content_type or "unknown type"
    text = f"Retrieved the capture of {v.memento_datetime[:10]} ({kind}, {size})"
    if v.title:
        text += f", titled \u201c{v.title}\u201d"
    text += "."
    if link_timestamp and v.served_timestamp and not v.served_timestamp.startswith(link_timestamp):
        text += f" The link's timestamp {link_timestamp} is not a capture; the archive served the nearest, {v.served_timestamp}."
    if v.sha256 is None:  # only the size cap leaves a good capture without a checksum
        text += " " + v.reason[0].upper() + v.reason[1:] + "."
    return text + doubt_sentence(v)


def doubt_sentence(v: Verification) -> str:
    """' Unsure: …' when the judge doubted a good capture (the evidence record carries it), else ''."""
    return f"{DOUBT_MARK}{v.doubt}; open it before citing it." if v.doubt else ""


def is_doubted(result) -> bool:
    """An `ok` record whose capture the judge doubted (Result.doubted), for templates given None too."""
    return result is not None and result.doubted


def build_result(prepared: PreparedLink, kind: Kind, status: Status, v: Verification | None, *,
                 detail: str, modifier: str = "", suggestion: str | None = None,
                 keep_evidence: bool = True) -> Result:
    """Build the contract record from a verification; every URL in it is in public form.

    `keep_evidence` keeps the capture's facts (date, type, size, hash) on a result that is not ok,
    such as a broken link whose capture is a soft 404: that is the evidence of why it is broken.
    """
    if prepared.repair_note and prepared.repairs:
        detail += f" (Repair note: {prepared.repair_note}.)"
    evidence = v if (v is not None and keep_evidence) else None
    memento_url = None
    if status is Status.OK and v is not None:
        memento_url = v.archive.replay_url(v.served_timestamp, v.served_original or v.original, modifier)
    archive_name = None
    if v is not None:
        archive_name = v.archive.name
    elif prepared.link is not None:
        archive_name = prepared.link.archive.name
    return Result(
        input=prepared.input,
        url=prepared.url,
        repairs=prepared.repairs,
        kind=kind,
        original_url=prepared.original_url,
        # The contract names the archive "whose capture was verified": for a broken link that is
        # the archive it points into; nothing was verified for not_archived or unverifiable.
        archive=archive_name if status in (Status.OK, Status.BROKEN) else None,
        memento_url=memento_url,
        memento_datetime=evidence.memento_datetime if evidence else None,
        status=status,
        http_status=evidence.http_status if evidence else None,
        content_type=evidence.content_type if evidence else None,
        content_length=evidence.content_length if evidence else None,
        sha256=evidence.sha256 if evidence else None,
        title=evidence.title if evidence else None,
        suggestion=suggestion,
        checked_at=utc_now_iso(),
        detail=detail,
        uncertain=prepared.uncertain,
        alternatives=prepared.alternatives,
    )


def _with_input(result: Result, prepared: PreparedLink) -> Result:
    return replace(result, input=prepared.input, repairs=prepared.repairs, uncertain=prepared.uncertain,
                   alternatives=prepared.alternatives)
