"""repair_link / repair_text / rewrite_text: the reference letter, the archive settling ambiguity,
round-tripping, and odd input."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivecheck.repair import MAX_CANDIDATES, ArchiveIndex, RepairedLink, repair_link, repair_text, rewrite_text

from .reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED
from .repair_formats import FakeIndex, wrap

LETTERS = Path(__file__).parent.parent / "fixtures" / "letters"
REF_IN = REFERENCE_LINK_DAMAGED
REF_OUT = REFERENCE_LINK
REF_ORIGINAL = REF_OUT.split("mp_/", 1)[1]


def test_reference_link_offline():
    result = repair_link(REF_IN)
    assert result == RepairedLink(
        input=REF_IN,
        url=REF_OUT,
        repairs=("markdown-escape", "timestamp-space", "hyphen-restored"),
        confirmed=None,
        candidates=4,
        note=result.note,
    )
    assert "unconfirmed" in result.note


@pytest.mark.parametrize("width", range(17, 210))
def test_reference_link_wrapped_at_any_width(width):
    text = "This can be found by following this link:\n\n" + wrap(REF_IN, width) + "\n\nAs this information is available."
    [result] = repair_text(text)
    assert result.url == REF_OUT
    assert result.line == 3


@pytest.mark.parametrize("word", ["audits-and", "executive", "metropolitan-police-service-", "action-"])
def test_reference_link_broken_after_a_word_hyphen_lost(word):
    text = REF_OUT.replace(word, word + "\n", 1) if word.endswith("-") else REF_OUT.replace(word + "-", word + "\n", 1)
    assert repair_link(text).url == REF_OUT


def test_archive_confirms_the_best_reading():
    index = FakeIndex([REF_ORIGINAL])
    result = repair_link(REF_IN, index)
    assert result.url == REF_OUT and result.confirmed is True and result.note is None
    assert index.asked[0] == REF_OUT  # exact lookup of the likeliest reading first


def test_archive_prefers_a_less_likely_reading():
    held = "https://ico.org.uk/media/action-weve-taken/audits-andadvisory-visits/4018997/metropolitan-police-service-executive-summary-v1_0.pdf"
    result = repair_link(REF_IN, FakeIndex([held]))
    assert result.url.endswith(held) and result.confirmed is True
    assert "reading" in result.note


def test_prefix_query_settles_spelling_beyond_the_candidates():
    held = "https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/Metropolitan-Police-Service-Executive-Summary-v1_0.pdf"
    index = FakeIndex([held, "https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/other.pdf"])
    result = repair_link(REF_IN, index)
    assert result.url.endswith(held) and result.confirmed is True
    assert "archive-match" in result.repairs
    assert any(asked.startswith("prefix:") for asked in index.asked)


def test_archive_holding_nothing_is_never_claimed():
    result = repair_link(REF_IN, FakeIndex(["https://ico.org.uk/something-else.pdf"]))
    assert result.url == REF_OUT  # best offline reading kept …
    assert result.confirmed is False  # … but not claimed
    assert "none of the 4 readings" in result.note


def test_unreachable_index_leaves_repair_unconfirmed():
    result = repair_link(REF_IN, FakeIndex([], reachable=False))
    assert result.url == REF_OUT and result.confirmed is None
    assert "could not be asked" in result.note


def test_undamaged_link_is_not_changed_and_costs_no_index_request():
    # A link with one reading is not put to the index: verification fetches it anyway, and index
    # requests are the archives' scarcest allowance.
    url = "https://www.gov.uk/government/publications/foi-guidance"
    assert repair_link(url) == RepairedLink(url, url, (), None, 1, None)
    for held in ([url], []):
        index = FakeIndex(held)
        assert repair_link(url, index) == RepairedLink(url, url, (), None, 1, None)
        assert index.asked == []


def test_fake_index_satisfies_protocol():
    assert isinstance(FakeIndex([]), ArchiveIndex)


def test_candidate_bound_is_reported():
    slug = "-".join(["andadvisory", "executivesummary", "annualreport", "policyframework", "datasharing", "publicinterest", "riskassessment", "recordsmanagement"])
    result = repair_link(f"https://ico.org.uk/media/{slug}.pdf")
    assert result.candidates == MAX_CANDIDATES
    assert "bound" in result.note


def test_rewrite_round_trips_an_undamaged_letter_byte_for_byte():
    text = (LETTERS / "clean-letter.md").read_text("utf-8")
    assert rewrite_text(text) == text
    assert [r.repairs for r in repair_text(text)] == [()] * 6


def test_rewrite_repairs_the_reference_letter_and_nothing_else():
    text = (LETTERS / "ico-foi-response-IC-252019-Z2Y2.md").read_text("utf-8")
    rewritten = rewrite_text(text)
    assert rewritten == text.replace(REF_IN, REF_OUT)


def test_rewrite_keeps_surrounding_punctuation():
    text = "See <https://www.gov.uk/government/\npublications/foi-guidance>, or (hxxps://www.gov.uk/guidance/foi).\n"
    assert rewrite_text(text) == "See <https://www.gov.uk/government/publications/foi-guidance>, or (https://www.gov.uk/guidance/foi).\n"


def test_prose_after_a_link_is_not_swallowed():
    text = "The guidance is at https://www.gov.uk/guidance/foi\nand/or the code at https://www.gov.uk/\nfor details.\nThen https://www.gov.uk/x. Next"
    assert [r.input for r in repair_text(text)] == ["https://www.gov.uk/guidance/foi", "https://www.gov.uk/", "https://www.gov.uk/x"]


@pytest.mark.parametrize("text", ["", "no links here", "https://", "\x00\x01\x02", "www.", "hxxp://", "<u></u>", "\\" * 1000])
def test_odd_text_never_raises(text):
    repair_text(text)
    repair_link(text)
