"""The read-back proof: a corrected letter is offered only when it reads back as intended.

After writing, the corrected file is read again with the readers the scan uses (`extract`), and
every link is compared with what was meant: each link written must show as written, in its text
and in its hyperlink's target; no damaged link of the mapping may remain; no other link may have
changed. The first difference found is the one sentence the caseworker reads, and no file is offered.
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import InputError
from ..extract import ExtractedText, extract_links
from ..extract.textscan import comparable


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())[-12:]


def link_part(found: str, url: str) -> str:
    """`found` up to where the link `url` ends in it: without the lines of prose the link finder
    glued on after a link cut over lines (the repair's "glued-word"), else `found` whole."""
    if _letters(found) == _letters(url):
        return found
    cut = len(found)
    while (cut := found.rfind("\n", 0, cut)) > 0:
        if _letters(found[:cut]) == _letters(url):
            return found[:cut]
    return found


def _short(url: str) -> str:
    url = " ".join(url.split())
    return url if len(url) <= 110 else url[:75] + "\u2026" + url[-30:]


def prove(before: ExtractedText, corrected: bytes, name: str, mapping: dict[str, str], *, grammar=None) -> str | None:
    """None when `corrected` (the letter `before` was read from, with `mapping` applied: text as
    found → link written) reads back with every link as intended; else one sentence saying which
    link is wrong and how."""
    try:
        after = extract_links(corrected, name, grammar=grammar)
    except InputError as error:
        return f"The corrected file could not be read back ({error}), so it is not offered."
    expected = Counter(mapping.get(link.text, link.text) for link in before.links if link.source == "text")
    # A link written in place of one the finder had glued a word onto is followed by that word
    # again; the finder may glue it on again: that is the link as written.
    glued = {url + found[len(link_part(found, url)):]: url for found, url in mapping.items()}
    shown = Counter(glued.get(link.text, link.text) for link in after.links if link.source == "text")
    for found, url in mapping.items():
        if shown[url] < expected[url]:
            if shown[found] and found not in expected:
                return f"The link {_short(found)} could not be put right in the corrected file: it still reads as written."
            return f"The link {_short(url)} could not be written in place of {_short(found)}: the corrected file reads otherwise."
    for text in shown - expected:
        return f"The corrected file shows a link the letter did not have, {_short(text)}: it was not corrected safely."
    for text in expected - shown:
        return f"The link {_short(text)} is missing from the corrected file: it was not corrected safely."
    written = {comparable(url) for url in mapping.values()}
    for link in after.links:
        if link.source == "text":
            continue
        if link.text in mapping and mapping[link.text] != link.text:
            where = f" on \u201c{_short(link.target_mismatch)}\u201d" if link.target_mismatch else ""
            return (f"The hyperlink{where} still opens {_short(link.text)}, not {_short(mapping[link.text])}, "
                    f"so the corrected file is not offered.")
        if link.target_mismatch and comparable(re.sub(r"\s+", "", link.target_mismatch)) in written:
            return (f"The hyperlink on {_short(link.target_mismatch)} opens {_short(link.text)} instead, "
                    f"so the corrected file is not offered.")
    return None
