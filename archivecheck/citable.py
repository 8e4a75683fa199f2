"""What may be written into a letter: the one rule, used by every writer of a corrected letter.

CONTRACT.md, "What may be written into a letter": only a link the archive confirmed, or one a
person chose on the page. A link showing no damage is never rewritten; an uncertain or unconfirmed
reading is never written without that choice; `repair --rewrite --offline` writes each unconfirmed
change but marks it.

Why one place: a corrected letter is what a caseworker sends. `repair --rewrite`, the web page's
corrected letter (and its per-link decisions, #19/#20) and anything else that edits a letter ask
`link_to_write` and write what it says, so a guess cannot reach a letter through a path that forgot
the rule.

The inputs are the repair (`repair.RepairedLink`, the seam with the repair engine: `input`, `url`,
`repairs`, `confirmed`, `uncertain`), the verification (`models.Result`, when the link was checked)
and a person's choice (the URL they picked on the page, or None). Either of the first two may be
missing, not both: the web page has only the Result of its scan; `repair --rewrite` has the repair
and, online, checks what the index did not settle.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Result, Status

# Repairs that change only how an archive link is written (a legacy base rewritten in the archive's
# current public form), not damage in the letter: such a link is kept as written.
FORM_ONLY = frozenset({"archive-form"})
# What `repair --rewrite --offline` writes right after each change no archive confirmed: plain
# ASCII in square brackets after a space, so no link finder takes it for part of the link, a reader
# sees it at once, and a search for "[unconfirmed" finds every one before the letter goes out.
UNCONFIRMED_MARK = "[unconfirmed repair]"


@dataclass(frozen=True)
class Citation:
    """What to write in place of one link as found.

    ``url``: the link to write, or None to keep the letter's text as written. ``reason``: one
    sentence a caseworker can read, saying why. ``chosen``: a person chose it. ``marked``: an
    unconfirmed change written on request (`--offline`): write `text`, which carries the mark.
    """

    url: str | None
    reason: str
    chosen: bool = False
    marked: bool = False

    @property
    def text(self) -> str | None:
        """What goes into the letter (None: keep the text as written)."""
        if self.url is None:
            return None
        return f"{self.url} {UNCONFIRMED_MARK}" if self.marked else self.url


def link_to_write(repaired=None, result: Result | None = None, choice: str | None = None, *,
                  offline: bool = False) -> Citation:
    """Decide what one link becomes in the corrected letter.

    ``repaired``: the link's `repair.RepairedLink` (or None); ``result``: its verification (or
    None); ``choice``: the URL a person chose for it on the page (or None/""). ``offline``: the
    caller asked for a syntax-only rewrite (`repair --rewrite --offline`): an unconfirmed change is
    then written, marked. Raises ValueError when neither ``repaired`` nor ``result`` is given.

    In order: a person's choice wins (choosing the text as found keeps it); a link with no damage is
    kept; a repaired link is written when its capture was verified `ok` at the repaired address
    (and the reading is not in doubt), or when the archive's index confirmed the reading; anything
    else is kept as written, with the reason.
    """
    if repaired is None and result is None:
        raise ValueError("link_to_write needs the link's repair or its verification")
    found = repaired.input if repaired is not None else result.input
    choice = (choice or "").strip()
    if choice:
        if choice == found:
            return Citation(None, "Kept as written, as chosen on the page.", chosen=True)
        return Citation(choice, "Chosen on the page.", chosen=True)

    if repaired is not None:
        repaired_url, repairs = repaired.url, set(repaired.repairs)
        uncertain = repaired.uncertain or bool(result is not None and result.uncertain)
    else:
        repaired_url, repairs, uncertain = result.url, set(result.repairs), result.uncertain
    # The Result gives the repaired link in public form; it is the same reading as the repair's.
    url = result.url if result is not None and result.input == found else repaired_url
    if url == found or not (repairs - FORM_ONLY):
        return Citation(None, "Shows no damage: kept as written.")
    if uncertain:
        if offline:
            return Citation(url, "Uncertain reading, not confirmed by any archive: written marked, as asked (--offline).",
                            marked=True)
        return Citation(None, "The damaged link reads more than one way and no archive settled which: "
                              "kept as written until a person chooses.")
    if result is not None and result.status is Status.OK and result.input == found:
        return Citation(url, "Repaired, and the archive served the capture it names.")
    if repaired is not None and repaired.confirmed is True:
        return Citation(url, "Repaired, and the archive's index holds this reading.")
    if offline:
        return Citation(url, "Repaired by syntax alone, not confirmed by any archive: written marked, as asked (--offline).",
                        marked=True)
    if result is not None and result.status is Status.UNVERIFIABLE:
        return Citation(None, "The repair could not be confirmed (the archive could not be asked): kept as written.")
    if result is not None:
        return Citation(None, "The archive does not hold the repaired link: kept as written.")
    return Citation(None, "The repair was not confirmed by any archive: kept as written.")
