"""The web page's corrected letter: which links go in (`citable`), written by `archivecheck.corrected`.

The letter is handed back in its own format — the same .docx, HTML page or e-mail with only its
links' text and targets changed — and proven by reading it back; a PDF, which cannot be edited in
place, comes back as its text with the links put right.
"""

from __future__ import annotations

from ..corrected import corrected_docx, corrected_text, links_to_write  # noqa: F401  (the page's writers)
from ..models import Result


def replacements(inputs_and_results: list[tuple[str, Result | None]], *, accept_suggestions: bool) -> dict[str, str]:
    """Link text as found → the link to put in its place (`corrected.links_to_write`)."""
    return links_to_write(inputs_and_results, accept_suggestions=accept_suggestions)
