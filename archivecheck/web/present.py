"""How the page words things: dates as people write them, archives by name, choices in words."""

from __future__ import annotations

import re
from datetime import datetime

from ..models import timestamp_to_datetime
from ..scan import sentence_citing
from .store import CHOICE_WORDS  # noqa: F401 - the templates' one source for a choice in words


def _when(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def long_date(iso: str | None) -> str:
    """'2022-02-01T21:04:13Z' → '1 February 2022' (the GOV.UK style); '' for none."""
    when = _when(iso)
    return f"{when.day} {when:%B %Y}" if when else (iso or "")


def short_date(iso: str | None) -> str:
    """'2022-02-01T21:04:13Z' → '1 February 2022 at 21:04 UTC', for when something was done."""
    when = _when(iso)
    return f"{when.day} {when:%B %Y} at {when:%H:%M} UTC" if when else (iso or "")


def archive_name(registry, code: str | None, *, capital: bool = True) -> str:
    """An archive's name as a person knows it ('The National Archives' UK Government Web Archive'),
    not its code; the code itself for an archive without a label."""
    if not code:
        return ""
    archive = registry.archives.get(code)
    label = archive.label if archive is not None and archive.label else code
    return label[:1].upper() + label[1:] if capital else label


def sentence_for(registry, link) -> str | None:
    """The sentence to paste into the letter for a stored link (store.LinkRow): the check's own for
    a working link, or one for the capture the caseworker chose to cite instead; None otherwise."""
    r, decision = link.result, link.decision
    if r is None:
        return None
    if decision is None or (decision.choice != "suggestion" and r.status.value == "ok"):
        return link.sentence
    if decision.choice != "suggestion":
        return None
    if decision.url == r.memento_url and link.sentence:
        return link.sentence
    parsed = registry.parse(decision.url)
    if parsed is None or not parsed.timestamp or len(parsed.timestamp) < 8:
        return None
    return sentence_citing(parsed.archive, timestamp_to_datetime(parsed.timestamp), decision.url,
                           fallback=parsed.archive.name)


def in_words(registry, detail: str | None) -> str:
    """A finding with each archive's code ('ukgwa holds no capture') read as its name, for the
    page; codes inside URLs ('/ukgwa/', 'wayback.archive.org') are left alone."""
    if not detail:
        return detail or ""
    for name, archive in registry.archives.items():
        if archive.label:
            label = archive.label
            detail = re.sub(rf"(?<![\w/.:-]){re.escape(name)}(?![\w/.-])",
                            lambda m: label[:1].upper() + label[1:] if _starts_sentence(m.string, m.start()) else label,
                            detail)
    return detail


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before.endswith(".")
