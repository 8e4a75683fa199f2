"""The corrected letter: the caseworker's own file with the links `citable` allows put right.

`correct_letter` writes it in the letter's own format where the format can be edited faithfully —
a Word document (`docx.py`), an HTML page (`markup.py`), an e-mail with its parts and attachments
(`mail.py`), plain text and markdown — and then proves it (`proof.py`): the file is read back with
the scan's readers, and only a file whose every written link reads back as intended is offered.
A PDF cannot be edited in place: its text is given with the links put right, and the list of
changes, for pasting into the reply.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from ..citable import link_to_write
from ..extract import ExtractedText
from ..models import Result
from .docx import corrected_docx
from .markup import corrected_html
from .mail import corrected_eml
from .proof import link_part, prove

__all__ = ["CorrectedLetter", "correct_letter", "corrected_docx", "corrected_eml", "corrected_html",
           "corrected_text", "links_to_write", "prove"]

log = logging.getLogger("archivecheck.corrected")

# The formats edited in place; any other letter is handed back as text.
IN_PLACE = ("docx", "html", "eml", "md", "txt")


@dataclass(frozen=True)
class CorrectedLetter:
    """A corrected letter, or why there is none.

    ``data``: the file to offer (None when the read-back proof refused it: ``refused`` says which
    link and why in one sentence). ``kind``: its file suffix. ``in_place``: False when the letter's
    own format cannot be edited (a PDF): ``data`` is then its text. ``changes``: (as found, written)
    for each link changed, in the order found.
    """

    kind: str
    data: bytes | None
    in_place: bool
    changes: tuple[tuple[str, str], ...]
    refused: str | None = None


def links_to_write(found_and_results: Iterable[tuple[str, Result | None]]) -> dict[str, str]:
    """Link text as found → the link to put in its place, as `citable.link_to_write` allows with
    no person's choice: a repaired link the archive confirmed; every other link is left out."""
    mapping = {}
    for text, result in found_and_results:
        if result is None:
            continue
        target = link_to_write(None, result).url
        if target and target != text:
            mapping[text] = target
    return mapping


def corrected_text(text: str, spans: list[tuple[int, int, str]], mapping: dict[str, str]) -> str:
    """`text` with each (start, end, found) span whose found text is in `mapping` replaced."""
    out, last = [], 0
    for start, end, found in sorted(spans):
        if found not in mapping or start < last:
            continue
        out += [text[last:start], mapping[found]]
        last = end
    out.append(text[last:])
    return "".join(out)


def correct_letter(data: bytes, name: str, extracted: ExtractedText, mapping: dict[str, str], *,
                   grammar=None) -> CorrectedLetter:
    """The letter `data` (read as `extracted`) with each link of `mapping` (text as found → link to
    write, as `citable.link_to_write` allowed) put right, proven by reading it back."""
    mapping = {found: url for found, url in mapping.items() if url and url != found}
    changes = tuple(dict.fromkeys((link.text, mapping[link.text]) for link in extracted.links if link.text in mapping))
    # A word of the next line that the link finder took for the link's end (the repair's
    # "glued-word") is prose: only the link's own text is replaced, the word stays in the letter.
    written = {link_part(found, url): url for found, url in mapping.items()}
    fmt = extracted.format
    in_place = fmt in IN_PLACE
    try:
        if fmt == "docx":
            out, kind = corrected_docx(data, written), "docx"
        elif fmt == "html":
            out, kind = corrected_html(data, written), "html"
        elif fmt == "eml":
            out, kind = corrected_eml(data, written), "eml"
        else:
            spans = [(f.start, f.start + len(link_part(f.text, mapping[f.text])), f.text)
                     for f in extracted.links if f.source == "text" and f.start is not None and f.text in mapping]
            out = corrected_text(extracted.text, spans, mapping).encode("utf-8")
            kind = "md" if fmt == "md" else "txt"
    except Exception as error:  # a letter the writer cannot handle is refused, never a 500 page or a half-written file
        log.warning("corrected letter not written for %s", name, exc_info=True)
        return CorrectedLetter(fmt, None, in_place, changes,
                               f"The corrected file could not be written ({type(error).__name__}), so it is not offered.")
    # The proof reads a PDF's corrected text as the text it is.
    proof_name = name if in_place else f"{name}.txt"
    refused = prove(extracted, out, proof_name, mapping, grammar=grammar)
    return CorrectedLetter(kind, None if refused else out, in_place, changes, refused)
