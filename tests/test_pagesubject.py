"""The lexicon of what error pages are (archivecheck/pagesubject.py, requestsubject.toml), on its own.

Real pages are measured in tests/test_errorpages.py; these are the shapes the lexicon must tell
apart, written out so that a rule which starts confusing them fails here by name: a document that
uses an error page's words about something else (a notice on a real page, an FOI answer, a news
item set in time, a correction, a guide) against pages whose subject is the reader's failed request.
"""
from __future__ import annotations

import pytest

from archivecheck.judge import judge_document, read_page
from archivecheck.pagesubject import read_subject


def _page(title: str, h1: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><header><nav><a>Home</a> "
            f"<a>Services</a></nav></header><main><h1>{h1}</h1>{body}</main><footer>Report a broken link. "
            f"Contact the webmaster.</footer></body></html>").encode()


DOCUMENTS = [
    ("withdrawn guidance", _page("Guidance on X - GOV.UK", "Guidance on X",
                                 "<p>This guidance was withdrawn on 3 March 2020. This page is no longer being updated.</p>"
                                 "<p>The rules for applying changed in 2019. Read the current guidance on Y instead.</p>")),
    ("notice on a task page", _page("Pay your council tax", "Pay your council tax",
                                    "<p>Our online payment service is currently unavailable. Please try again later or pay "
                                    "by phone.</p><p>You can pay council tax by direct debit, online or by phone.</p>")),
    ("news of an outage", _page("Website maintenance", "Website maintenance",
                                "<p>Our website will be unavailable on Saturday 12 March from 8am while we carry out "
                                "maintenance.</p>")),
    ("FOI answer: not held", _page("FOI 2021/123", "Response to your request",
                                   "<p>The information you requested is not held by the council.</p>")),
    ("FOI answer about removed documents", _page("FOI response", "Documents removed from website",
                                                 "<p>You asked why documents have been removed from our website. They were "
                                                 "out of date.</p>")),
    ("a guide to 404s", _page("What is a 404 error?", "What is a 404 error?",
                              "<p>A 404 error means the page could not be found on the server.</p>")),
    ("a correction", _page("Correction: annual report", "Correction to the annual report",
                           "<p>An error occurred in table 3 of the annual report. The corrected figures are below.</p>")),
    ("a missing person", _page("Missing person", "Missing man could not be found",
                               "<p>Police are appealing for help to find a man who has not been seen since Monday.</p>")),
    ("documents in other formats", _page("Local plan", "Local plan documents",
                                         "<p>Some documents are not available in an accessible format. Contact us if you "
                                         "need one.</p>")),
    ("a design-system form with errors", _page("Error: What is your name?", "What is your name?",
                                               "<p>There is a problem. Enter your full name.</p>")),
]

ERROR_PAGES = [
    ("a 404 in chrome", _page("Page not found | Borough Council", "Page not found",
                              "<p>If you typed the web address, check it is correct. Go to the home page.</p>")),
    ("a status title only", _page("404", "Borough Council", "<p>Sorry, the page you requested could not be found.</p>")),
    ("a maintenance page", _page("Down for maintenance", "We'll be back soon",
                                 "<p>The site is undergoing scheduled maintenance. Please try again later.</p>")),
    ("a German 404", _page("Seite nicht gefunden", "Die gesuchte Seite existiert leider nicht",
                           "<p>Zur Startseite</p>")),
    ("a request named without a headline", _page("Borough Council", "",
                                                  "<p>Sorry, the page you were looking for has been removed or renamed.</p>")),
]


@pytest.mark.parametrize("name, body", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_documents_are_not_read_as_failed_requests(name, body):
    assert not read_subject(read_page(body)).is_error


@pytest.mark.parametrize("name, body", ERROR_PAGES, ids=[e[0] for e in ERROR_PAGES])
def test_failed_requests_are(name, body):
    reading = read_subject(read_page(body))
    assert reading.is_error and reading.said


def test_a_claim_below_the_threshold_is_kept_for_doubt():
    reading = read_subject(read_page(DOCUMENTS[4][1]))
    assert reading.said and not reading.is_error


def test_a_help_line_asking_is_not_a_claim():
    """'Can't find the page you're looking for? Use our A to Z' sits above many councils' content:
    a question offering help, not a page saying the request failed (lexicon and generic-opening)."""
    from archivecheck.judge import judge_document

    body = _page("Planning applications | Borough Council", "Planning applications",
                 "<p>Can't find the page you're looking for? Use our A to Z of services.</p>"
                 "<p>You can search and comment on planning applications online.</p>")
    assert not read_subject(read_page(body)).said
    assert judge_document("https://example.gov.uk/planning", body, body, "text/html").family is None


def test_a_search_page_that_found_nothing_is_said_as_doubt():
    """A search's empty answer is the page a search link names, or where a retired document's link
    lands: the words cannot tell which (batch s3's empty Mezzanine, MediaWiki and DokuWiki searches
    are labelled ordinary), so the judge says it is unsure rather than calling it broken."""
    body = _page("Search results | Borough Council", "Search results",
                 "<p>Your search for 'annual report 2012' did not match any documents.</p><p>Try different keywords.</p>")
    reading = read_subject(read_page(body))
    assert reading.said and not reading.is_error
    judged = judge_document("https://example.gov.uk/search?q=annual+report", body, body, "text/html")
    assert judged.fits and "did not match any documents" in (judged.doubt or "")


@pytest.mark.parametrize("headline", ["Crime is down 10% in the borough", "There is a problem with housing in the north",
                                      "Technical problems delay new bin rounds", "Paper bus tickets no longer available",
                                      "Highway maintenance"])
def test_news_headlines_with_error_words_are_not_claims(headline):
    """A page kept as text has its first line for title and heading: a news headline must not read
    as a status ("is down" as a fall, "a problem" as a topic, tickets "no longer available") — to
    the lexicon or to any family of errorpages.toml."""
    from archivecheck.pagefamilies import find_family

    body = _page(headline, headline, "<p>The figures were published by the council on Tuesday.</p>")
    assert not read_subject(read_page(body)).is_error
    assert find_family(read_page(body)) is None


def test_a_claim_after_the_menus_of_a_page_without_main_is_its_lead():
    """An old site's 404 with no <main>: forty menu links, then the message. The first sentence is
    where its content starts (PageView.content_lead), so the claim weighs as the lead's."""
    menu = "".join(f"<div class=m><a href=/{i}>Menu item {i} link</a></div>" for i in range(40))
    body = (f"<html><head><title>Borough Council</title></head><body><div id=top>{menu}</div><div id=c><p>Sorry, "
            f"the page you requested could not be found on our website.</p><p>Please check the address.</p></div>"
            f"</body></html>").encode()
    view = read_page(body)
    assert view.content_lead.startswith("Sorry, the page you requested")
    assert read_subject(view).is_error
