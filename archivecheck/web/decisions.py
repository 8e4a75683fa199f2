"""The caseworker's choice per link: what the page offers, and what the corrected letter cites.

What may enter the letter is decided by the one rule, `citable.link_to_write` (#18), given the
link's Result and the caseworker's choice. The choices offered here are only links the check itself
produced (the repaired link, another reading, the suggested capture, the link as written), so a
forged form cannot put an arbitrary address into a letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..citable import link_to_write
from ..models import Kind, Result, Status

CHOICES = ("accept", "reading", "suggestion", "keep")


@dataclass(frozen=True)
class Option:
    """One choice on a link's form: `choice` (one of CHOICES), the link it cites, and its label."""

    choice: str
    url: str
    label: str


def options(link_input: str, result: Result | None) -> list[Option]:
    """What the caseworker may choose for one link, most useful first; [] while it is checked."""
    if result is None:
        return []
    found = " ".join(link_input.split())
    out: list[Option] = []
    if result.status is Status.BROKEN and result.suggestion:
        out.append(Option("suggestion", result.suggestion, "Cite the working capture suggested instead"))
    if result.status is Status.UNVERIFIABLE and result.suggestion:
        # (#20) Only ever a capture verified in another archive (corroborate.py), offered, not imposed.
        out.append(Option("suggestion", result.suggestion, "Cite the capture verified in another archive instead"))
    if result.kind is Kind.ORIGINAL and result.status is Status.OK and result.memento_url:
        out.append(Option("suggestion", result.memento_url, "Cite the archived capture instead of the original address"))
    if result.url != found:
        label = "Accept the repaired link" if not result.uncertain else "Accept the likeliest reading"
        out.append(Option("accept", result.url, label))
    for other in result.alternatives:
        if other not in (result.url, found):
            out.append(Option("reading", other, "Cite this other reading"))
    out.append(Option("keep", found, "Keep the link as written"))
    return out


def needs_decision(result: Result | None) -> bool:
    """A link the letter cannot go out with as the machine left it: not verified, or an unsettled reading."""
    return result is not None and (result.status is not Status.OK or result.uncertain)


def cited(link_input: str, result: Result | None, decision) -> str | None:
    """The link the corrected letter cites in place of `link_input`, or None to leave it as written."""
    if result is None:
        return decision.url if decision is not None else None
    return link_to_write(None, result, decision.url if decision is not None else None).url


def letter_mapping(found_links, rows) -> dict[str, str]:
    """Link text as found in the letter → the link to write in its place, pairing the letter's own
    links (in order) with the stored rows by position."""
    mapping: dict[str, str] = {}
    for text, row in zip(found_links, rows):
        target = cited(row.input, row.result, row.decision)
        if target and target != text:
            mapping[text] = target
    return mapping
