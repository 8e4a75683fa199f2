"""Structure over phrases (issue #17, third pass, precision): where an error page's words sit and how
much the page carries. A page carrying a body of prose (errorpages.toml [document]) is a document,
whatever its headline says; a headline whose claim goes on into a sentence, or opens with a count,
is news. Constructed shapes, so a rule that starts confusing them fails here by name; the real
pages are measured in tests/test_errorpages.py and bench/bench_unseen_pages.py.
"""
from __future__ import annotations

import pytest

from archivecheck import pagemodel
from archivecheck.judge import judge_document, read_page
from archivecheck.pagefamilies import find_family
from archivecheck.pagesubject import read_subject

PAGE = "https://www.example.gov.uk/news/item"
SENTENCE = "The council's cabinet met on Tuesday evening to discuss the proposals, which residents had raised at three public meetings over the summer. "


def _page(title: str, h1: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><header><nav><a>Home</a> "
            f"<a>News</a></nav></header><main><h1>{h1}</h1>{body}</main><footer>Contact us.</footer></body></html>").encode()


ARTICLE = "<p class='byline'>By a reporter, 3 March 2024</p>" + "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(4))
ERROR_BODY = "<p>Sorry, we could not find that page. Check the web address or go to the home page.</p>"
HEADLINES = ["Access denied", "Page not found", "Service unavailable", "Forbidden", "Internal server error", "404"]


# The rules alone: a learned score with no weights (scores every page low), so these tests say what
# the families and the lexicon do; the learned score is pagemodel.py's (tests/test_pagemodel.py).
SILENT_MODEL = pagemodel.Model(bias=-9.0, weights={}, broken_at=0.95, unsure_at=0.5, trained_on={})


@pytest.fixture
def rules_only(monkeypatch):
    monkeypatch.setattr(pagemodel, "load", lambda: SILENT_MODEL)


@pytest.mark.parametrize("headline", HEADLINES)
def test_an_article_under_an_error_headline_is_the_document_with_doubt(headline, rules_only):
    html = _page(headline, headline, ARTICLE)
    view = read_page(html)
    assert view.carries_document and view.prose[:2] == (4, 4 * 3 * len(SENTENCE.split()))
    j = judge_document(PAGE, html, html, "text/html")
    assert j.fits, j.problem
    assert j.doubt and "carries a document" in j.doubt


@pytest.mark.parametrize("headline", HEADLINES)
def test_the_same_headline_over_an_error_message_is_an_error_page(headline):
    html = _page(headline, headline, ERROR_BODY)
    assert not read_page(html).carries_document
    assert not judge_document(PAGE, html, html, "text/html").fits


def test_teasers_in_cards_of_their_own_are_not_a_body():
    """A site's 404 inside full chrome lists its news in cards: each teaser its own run."""
    cards = "".join(f"<div class='card'><h3>Story {i}</h3><p>{SENTENCE}</p></div>" for i in range(6))
    html = _page("Page not found | Borough Council", "Page not found", ERROR_BODY + f"<section>{cards}</section>")
    assert not read_page(html).carries_document
    assert not judge_document(PAGE, html, html, "text/html").fits


def test_one_long_paragraph_is_a_body():
    html = _page("Forbidden", "Forbidden", f"<p>{SENTENCE * 8}</p>")
    assert read_page(html).carries_document
    assert judge_document(PAGE, html, html, "text/html").fits


def test_links_are_not_prose():
    links = "".join(f"<p><a href='/s{i}'>{SENTENCE}</a></p>" for i in range(5))
    html = _page("Page not found", "Page not found", ERROR_BODY + links)
    assert not read_page(html).carries_document
    assert not judge_document(PAGE, html, html, "text/html").fits


NEWS = "<p>Councillors approved the plans on Tuesday after a long debate.</p>"


@pytest.mark.parametrize("headline", [
    "404 new homes approved for town centre site",            # a count, not a status
    "500 service jobs to go at council",
    "Bus pass service no longer available at libraries",      # the claim goes on: a sentence about something
    "Document was withdrawn after complaint",
    "We seem to be having a problem with recycling",
])
def test_news_headlines_are_not_the_generic_headline(headline):
    view = read_page(_page(f"{headline} | Borough News", headline, NEWS))
    found = find_family(view)
    assert found is None or found.family.id != "generic-headline", found


@pytest.mark.parametrize("headline", [
    "Site no longer exists, says owner", "Records could not be found, council admits",
    "404 new homes approved for town centre site", "Document was withdrawn after complaint",
])
def test_news_headlines_are_not_error_pages_by_the_rules(headline):
    """Neither a family nor the lexicon (the learned score is pagemodel.py's own)."""
    view = read_page(_page(f"{headline} | Borough News", headline, NEWS))
    assert find_family(view) is None
    assert not read_subject(view).is_error


@pytest.mark.parametrize("headline", [
    "404 - Page not found", "503 Service Temporarily Unavailable", "Page not found at /annual-report-2019.pdf",
    "The page you're looking for is no longer available", "410 Gone", "Sorry, we can't find that page",
    "We seem to be having a problem", "This document has been removed",
])
def test_error_headlines_are_still_the_generic_headline(headline):
    view = read_page(_page(f"{headline} | Borough Council", headline, ERROR_BODY))
    found = find_family(view)
    assert found is not None and found.family.id == "generic-headline", (headline, found)


def test_a_notice_of_maintenance_to_come_is_not_the_maintenance_page(rules_only):
    """A family's words in a sentence set in the future are a notice (batch s3: a council's news item)."""
    notice = "Our payments system will be unavailable due to planned maintenance from 12 November"
    html = _page(notice, notice, "<p>You can still pay by phone.</p>")
    found = find_family(read_page(html))
    assert found is None or found.family.id != "govuk-scheduled-maintenance", found
    for now in ("Sorry, this service is unavailable due to scheduled maintenance",
                "This service is unavailable due to scheduled maintenance and will be back at 9am"):
        found = find_family(read_page(_page(now, now, "<p>You can still pay by phone.</p>")))
        assert found is not None and found.family.id == "govuk-scheduled-maintenance", now


def test_a_past_date_does_not_make_a_signpost_a_notice():
    html = _page("Help finding information", "Help finding information",
                 "<p>We want to help you find what you are looking for. You can view an archived version of this "
                 "content on the January 19, 2017 Web Snapshot.</p>")
    found = find_family(read_page(html))
    assert found is not None and found.family.id == "generic-opening"
