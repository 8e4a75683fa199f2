"""judge.py, table by table: what bytes are, what a URL names, and when a page is an error page."""
from __future__ import annotations

import pytest

from archivecheck.judge import (error_page_phrase, expected_kind, index_row_fits, judge_document, kind_of_media_type,
                                kind_problem, media_type, site_entrance, sniff)

PDF = "https://ico.org.uk/media/report.pdf"
PAGE = "https://www.gov.uk/guidance/data-protection"


@pytest.mark.parametrize("head, kind", [
    (b"%PDF-1.7\n...", "pdf"),
    (b"\xef\xbb\xbf  %PDF-1.4", "pdf"),
    (b"PK\x03\x04\x14\x00", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf1\\ansi", "rtf"),
    (b"\n<!DOCTYPE html><html>", "html"),
    (b"<HTML><HEAD><TITLE>x</TITLE>", "html"),
    (b"<?xml version='1.0'?><feed/>", "xml"),
    (b"id,name\n1,a\n", "text"),
    (b"\x00\x01\x02", None),
    (b"", None),
])
def test_sniff(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize("url, label", [
    (PDF, "PDF"), ("https://x.gov.uk/a.PDF", "PDF"), ("https://x.gov.uk/a.docx", "Word document"),
    ("https://x.gov.uk/a.xls", "spreadsheet"), ("https://x.gov.uk/data.csv", "CSV file"),
    (PAGE, None), ("https://x.gov.uk/a.pdf?download=1", "PDF"), ("https://x.gov.uk/pdf/", None),
])
def test_expected_kind(url, label):
    found = expected_kind(url)
    assert (found[0] if found else None) == label


@pytest.mark.parametrize("url, kind, problem", [
    (PDF, "pdf", None),
    (PDF, "html", "an HTML page was captured instead of the PDF"),
    (PDF, "zip", "the capture is not a PDF (it looks like zip)"),
    (PDF, None, "the capture is not a PDF (it looks like unknown data)"),
    ("https://x.gov.uk/a.doc", "rtf", None),
    ("https://x.gov.uk/a.xlsx", "zip", None),
    (PAGE, "html", None), (PAGE, "pdf", None),
])
def test_kind_problem(url, kind, problem):
    assert kind_problem(url, kind) == problem


@pytest.mark.parametrize("value, kind", [
    ("text/html; charset=utf-8", "html"), ("application/pdf", "pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    ("application/msword", "ole"), ("text/csv", "text"), ("application/octet-stream", None), (None, None),
])
def test_kind_of_media_type(value, kind):
    assert kind_of_media_type(media_type(value)) == kind


@pytest.mark.parametrize("url, mime, fits", [
    (PDF, "application/pdf", True), (PDF, "text/html", False), (PDF, "application/octet-stream", False),
    (PDF, None, True), ("https://x.gov.uk/a.docx", "application/msword", True), (PAGE, "text/html", True),
])
def test_index_row_fits(url, mime, fits):
    assert index_row_fits(url, mime) is fits


def _page(title="Guidance", h1="Guidance", body="", chrome=""):
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"<header><nav>{chrome}</nav></header><main><h1>{h1}</h1>{body}</main>"
            f"<footer>Contact us. Page not found? Report it.</footer></body></html>").encode()


LONG = "<p>" + " ".join(["The department publishes its records under the Act."] * 120) + "</p>"

ERROR_PAGES = [
    ("title says so", _page(title="Page not found - GOV.UK", h1="Guidance")),
    ("first heading says so", _page(h1="Sorry, we can't find that page")),
    ("status code title", _page(title="404 - www.gov.uk", h1="Home")),
    ("reason phrase title", _page(title="Too Many Requests", h1="whoa there")),
    ("ordinary title, body says so", _page(title="Home | Example Council", h1="Welcome",
                                           body="<p>The page you were looking for has moved or no longer exists.</p>")),
    ("body: check the address", _page(title="Example NHS Trust", h1="Oops",
                                      body="<p>If you entered a web address, check it is correct.</p>")),
    ("site moved", _page(title="VOA", h1="VOA", body="<p>This website has moved to gov.uk</p>")),
    ("maintenance", _page(title="NHS Digital Website", h1="NHS Digital",
                          body="<p>Sorry! We're doing some essential work on the website.</p>")),
    ("wayback notice behind chrome", _page(title="Wayback Machine", h1="Wayback Machine",
                                           body="<p>" + "Donate " * 800 + "</p><p>Hrm. The Wayback Machine has not archived that URL.</p>")),
    ("curly apostrophe", _page(title="Directgov", h1="Directgov",
                               body="<p>We\u2019re sorry, but the page you\u2019re trying to reach is currently unavailable.</p>")),
]

DOCUMENTS = [
    ("FOI response: not held", _page(title="FOI response 2021/123", h1="Your request",
                                     body="<p>The information you asked for is not held by the department.</p>")),
    ("page about 404 pages", _page(title="Design patterns", h1="GOV.UK page not found pages",
                                   body="<p>How to write the copy for a page not found page.</p>")),
    ("article quoting the message", _page(title="Understanding errors", h1="Understanding a 404 Not Found Error",
                                          body='<p>Seeing an "Error 404 - Page Not Found" message is common.</p>')),
    ("error words only in the footer", _page(title="Annual report", h1="Annual report 2019", body="<p>Figures.</p>")),
    ("a long page that mentions removal late", _page(title="Records policy", h1="Records policy",
                                                     body=LONG + "<p>This page has been removed from the index.</p>")),
    ("removed content as a topic", _page(title="Takedown policy", h1="Takedown and reclosure",
                                         body="<p>We may remove content that was published in error.</p>")),
]


@pytest.mark.parametrize("name, html", ERROR_PAGES, ids=[n for n, _ in ERROR_PAGES])
def test_error_pages_are_found(name, html):
    assert error_page_phrase(html) is not None
    assert not judge_document(PAGE, html, html, "text/html").fits


@pytest.mark.parametrize("name, html", DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_documents_are_not_error_pages(name, html):
    assert error_page_phrase(html) is None
    assert judge_document(PAGE, html, html, "text/html").fits


def test_judgement_of_a_pdf_served_as_html():
    html = _page(title="Annual accounts", h1="Annual accounts")
    j = judge_document(PDF, html, html, "text/html")
    assert (j.sniffed, j.title, j.problem) == ("html", "Annual accounts",
                                               "an HTML page (Annual accounts) was captured instead of the PDF")


@pytest.mark.parametrize("original, target, entrance", [
    ("https://www.gov.uk/government/publications/x", "https://www.gov.uk/", "home page"),
    ("https://www.gov.uk/government/publications/x", "https://gov.uk/index.html", "home page"),
    ("https://www.gov.uk/a/b", "https://www.gov.uk/search?q=b", "search page"),
    ("https://www.gov.uk/a/b", "https://www.gov.uk/search/all", "search page"),
    ("https://www.gov.uk/a/b", "https://www.gov.uk/a/c", None),
    ("https://www.gov.uk/", "https://www.gov.uk/", None),
    ("https://www.gov.uk/a", "https://www.example.com/", None),
])
def test_site_entrance(original, target, entrance):
    assert site_entrance(original, target) == entrance
