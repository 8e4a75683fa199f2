"""When the archive a link cites cannot be asked (#20): find the same document verified elsewhere.

On a bad day the UK Government Web Archive answers every scripted request with an AWS WAF "human
verification" challenge, so every UKGWA link is `unverifiable` and the caseworker gets no answer.
The link stays `unverifiable` — it was not checked, and a capture elsewhere is not the capture the
letter cites — but the same original URL is looked up in the other archives, in `--prefer` order,
nearest the cited capture's date, and a capture verified there becomes the `suggestion`, with a
detail a caseworker can act on. When an earlier check (the watch history) verified the cited
capture itself, the detail says so and whether the bytes found elsewhere are the same (SHA-256).

Used for every transient answer (a challenge, a 429 that did not clear, an archive that keeps
failing): in each the link could not be checked, and another archive may well answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .answers import Answer
from .config import Settings
from .http import ArchiveSession
from .models import timestamp_to_datetime
from .resolve import resolve_original
from .verify import Verification


@dataclass(frozen=True)
class EarlierCheck:
    """The cited capture as an earlier check verified it (watch's history, say)."""

    checked_at: str  # ISO 8601 UTC
    sha256: str | None
    where: str = "an earlier check"

    @classmethod
    def from_record(cls, record: dict | None, where: str) -> "EarlierCheck | None":
        """From a stored result record: only an `ok` one verified the capture."""
        if not record or record.get("status") != "ok" or not record.get("checked_at"):
            return None
        return cls(record["checked_at"], record.get("sha256"), where)


@dataclass(frozen=True)
class Corroboration:
    """What the other archives said about the original of a link that could not be checked."""

    cited: Verification  # the link's own verification, unverifiable
    found: Verification | None  # a good capture of the same original elsewhere, or None
    others: str  # what the other archives said, when none verified it ("" when there are none)
    earlier: EarlierCheck | None = None

    @property
    def challenged(self) -> bool:
        return self.cited.answer is Answer.CHALLENGED

    def suggestion(self, modifier: str) -> str | None:
        """The verified capture elsewhere, as a person would open it (public form), or None."""
        v = self.found
        if v is None:
            return None
        return v.archive.replay_url(v.served_timestamp, v.served_original or v.original, modifier)

    def detail(self) -> str:
        """Sentences for the caseworker: why the link could not be checked, and what to cite."""
        cited = _label(self.cited.archive)
        if self.challenged:
            text = f"{_capital(cited)} asked for human verification, so this link could not be checked."
        else:
            text = f"{_capital(cited)} could not be asked ({self.cited.reason}), so this link could not be checked."
        v = self.found
        if v is None:
            text += f" No other archive could confirm the document: {self.others}." if self.others else ""
            return text + self._earlier_only()
        facts = [v.content_type or "unknown type"]
        if v.content_length is not None:
            facts.append(f"{v.content_length:,} bytes")
        title = f", titled \u201c{v.title}\u201d" if v.title else ""
        text += (f" {_capital(_label(v.archive))} holds the same document, verified: its capture of"
                 f" {v.memento_datetime[:10]} ({', '.join(facts)}){title}. Cite it instead, or check the link"
                 " again later.")
        return text + self._compared(v)

    def _compared(self, v: Verification) -> str:
        e = self.earlier
        if e is None:
            return ""
        text = f" {_capital(e.where)} on {e.checked_at[:10]} verified the cited capture itself"
        if not e.sha256 or not v.sha256:
            return text + "; its bytes could not be compared with this copy."
        if e.sha256 == v.sha256:
            return text + f"; this copy has the same bytes (SHA-256 {v.sha256[:16]}\u2026)."
        return (text + f" (SHA-256 {e.sha256[:16]}\u2026); this copy's bytes differ (SHA-256 {v.sha256[:16]}\u2026),"
                " so it may be another version of the document.")

    def _earlier_only(self) -> str:
        e = self.earlier
        if e is None:
            return ""
        sha = f" (SHA-256 {e.sha256[:16]}\u2026)" if e.sha256 else ""
        return f" {_capital(e.where)} on {e.checked_at[:10]} verified the cited capture{sha}."


def corroborate(session: ArchiveSession, settings: Settings, cited: Verification, *,
                earlier: EarlierCheck | None = None) -> Corroboration:
    """Look the original of `cited` (an unverifiable verification) up in the other archives, in
    --prefer order, nearest its timestamp. Never raises for network trouble."""
    others = tuple(name for name in settings.prefer if name != cited.archive.name)
    if not others:
        return Corroboration(cited, None, "", earlier)
    at = timestamp_to_datetime(cited.requested_timestamp) if cited.requested_timestamp else None
    resolution = resolve_original(session, settings, cited.original, at=at, archives=others)
    return Corroboration(cited, resolution.chosen, resolution.detail, earlier)


def _label(archive) -> str:
    return archive.label or archive.name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
