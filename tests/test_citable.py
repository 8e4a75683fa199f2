"""citable.link_to_write: the one rule for what may enter a corrected letter (CONTRACT.md)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from archivecheck.citable import UNCONFIRMED_MARK, link_to_write
from archivecheck.models import Kind, Result, Status
from archivecheck.repair import RepairedLink, repair_link
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED

INTACT = "https://assets.publishing.service.gov.uk/media/62b1/Greenbook-chapter-11-11Mar22.pdf"


def _result(text: str, url: str, status: Status, repairs=("timestamp-space",), **extra) -> Result:
    return Result(input=text, url=url, repairs=tuple(repairs), kind=Kind.MEMENTO, original_url=None, archive=None,
                  memento_url=None, memento_datetime=None, status=status, http_status=None, content_type=None,
                  content_length=None, sha256=None, title=None, suggestion=None, checked_at="2026-12-06T00:00:00Z",
                  detail="", **extra)


def test_a_verified_repair_is_written():
    citation = link_to_write(None, _result(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, Status.OK))
    assert (citation.url, citation.text, citation.chosen) == (REFERENCE_LINK, REFERENCE_LINK, False)


@pytest.mark.parametrize("status", [Status.BROKEN, Status.NOT_ARCHIVED, Status.UNVERIFIABLE])
def test_a_repair_the_archive_did_not_verify_is_kept_as_written(status):
    citation = link_to_write(None, _result(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, status))
    assert citation.url is None and citation.text is None and "kept as written" in citation.reason


def test_an_uncertain_reading_is_never_written_even_when_its_capture_works():
    result = _result(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, Status.OK, uncertain=True, alternatives=("x",))
    assert link_to_write(None, result).url is None


def test_a_link_with_no_damage_is_never_rewritten():
    # A form-only rewrite (legacy archive base) is not damage in the letter either.
    legacy = "http://webarchive.nationalarchives.gov.uk/20220201210413/https://ico.org.uk/a.pdf"
    assert link_to_write(None, _result(legacy, "https://x/", Status.OK, repairs=("archive-form",))).url is None
    plain = "https://www.gov.uk/government/publications/foi-guidance.pdf"
    assert link_to_write(repair_link(plain)).url is None
    assert link_to_write(repair_link(plain), offline=True).url is None


def test_a_reading_the_repair_guessed_for_an_intact_link_is_not_written_unconfirmed():
    # The repair reads "Greenbook" as "Green-book" by word frequency; no archive confirmed it.
    guessed = repair_link(INTACT)
    assert link_to_write(guessed).url is None
    assert link_to_write(None, _result(INTACT, guessed.url, Status.BROKEN, repairs=guessed.repairs)).url is None
    assert link_to_write(None, _result(INTACT, guessed.url, Status.UNVERIFIABLE, repairs=guessed.repairs)).url is None


def test_an_index_confirmed_reading_is_written_without_a_verification():
    confirmed = RepairedLink(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, ("timestamp-space",), True, 2)
    assert link_to_write(confirmed).url == REFERENCE_LINK
    assert link_to_write(replace(confirmed, confirmed=None)).url is None
    assert link_to_write(replace(confirmed, confirmed=False)).url is None
    assert link_to_write(replace(confirmed, uncertain=True)).url is None


def test_offline_writes_an_unconfirmed_change_marked():
    repaired = repair_link(REFERENCE_LINK_DAMAGED)
    citation = link_to_write(repaired, offline=True)
    assert citation.marked and citation.url == repaired.url
    assert citation.text == f"{repaired.url} {UNCONFIRMED_MARK}"


def test_a_persons_choice_wins_over_every_verdict():
    result = _result(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, Status.UNVERIFIABLE, uncertain=True)
    chosen = link_to_write(None, result, "https://webarchive.nationalarchives.gov.uk/ukgwa/2022/https://a/")
    assert chosen.chosen and chosen.url == "https://webarchive.nationalarchives.gov.uk/ukgwa/2022/https://a/"
    kept = link_to_write(None, _result(REFERENCE_LINK_DAMAGED, REFERENCE_LINK, Status.OK), REFERENCE_LINK_DAMAGED)
    assert kept.chosen and kept.url is None
    assert link_to_write(None, result, "  ").url is None  # an empty choice is no choice


def test_it_needs_something_to_decide_on():
    with pytest.raises(ValueError):
        link_to_write()
