"""Every damaged-link case in fixtures/repair/cases.json, through its input format.

A letter is built in the case's format around the damaged link, links are extracted from it, and
the first link found is repaired — offline, and against a fake index when the case needs the
archive to settle it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivecheck.extract import extract_links
from archivecheck.repair import repair_link

from .repair_formats import FakeIndex, build_letter

CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "repair" / "cases.json").read_text("utf-8"))["cases"]

LETTER = (
    "Dear Ms Smith,\n\nThe document you asked for was published and has since been withdrawn. "
    "It can be found in the archive by following this link:\n\n{link}\n\n"
    "As this information is available to you by other means, it is exempt under section 21.\n\n"
    "Yours sincerely,\nInformation Access Team\n"
)


def found_link_text(case: dict) -> str:
    if case["format"] == "link":
        return case["input"]
    data, name = build_letter(LETTER.format(link=case["input"]), case["format"])
    links = [link for link in extract_links(data, name).links if link.source == "text"]
    assert links, "no link extracted"
    return links[0].text


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    text = found_link_text(case)
    index = FakeIndex(case["index_holds"]) if case["needs_index"] else None
    result = repair_link(text, index)
    assert result.url == case["expected"], text
    if case["format"] == "link" or case["repairs"] and not set(case["repairs"]) & {
        "html-tag", "angle-brackets", "quotes", "trailing-punctuation"
    }:
        if case["format"] in ("link", "txt", "md", "stdin"):
            assert set(case["repairs"]) <= set(result.repairs), result.repairs
    if index is not None:
        assert result.confirmed is True
        if "offline_expected" in case:
            offline = repair_link(text)
            assert offline.url == case["offline_expected"]
            assert offline.confirmed is None


def test_corpus_is_large_and_covers_every_format():
    assert len(CASES) >= 40
    assert {c["format"] for c in CASES} == {"txt", "md", "stdin", "html", "docx", "pdf", "eml", "link"}
    assert sum(c["needs_index"] for c in CASES) >= 2
