"""What hosting and servers put where a document used to be (issue #17, session 4): directory
listings judged with the link's address, storage services' XML error documents, and placeholder
pages (fixtures/errorpages/, recorded on loopback by tools/serve_hosting_defaults.py)."""
from __future__ import annotations

import pytest

from archivecheck.judge import DIRECTORY_LISTING, STORAGE_ERROR, judge_document
from archivecheck.listing import listed_directory, names_directory
from tests.errorpages import ROOT

LISTINGS = ["f-apache2-autoindex", "f-nginx-autoindex", "f-lighttpd-dir-listing", "f-python-http-server-listing"]


def _page(name: str) -> bytes:
    return (ROOT / "pages" / f"{name}.html").read_bytes()


@pytest.mark.parametrize("name", LISTINGS)
def test_a_listing_where_a_link_named_a_document_is_broken(name):
    body = _page(name)
    for original in ("https://example.gov.uk/reports/annual-report-2019.html", "https://example.gov.uk/reports/annual-report-2019",
                     "https://example.gov.uk/", "https://example.gov.uk/reports/?page=2"):
        j = judge_document(original, body, body, "text/html")
        assert not j.fits and j.family == DIRECTORY_LISTING, (name, original)
        assert "directory listing" in j.problem


@pytest.mark.parametrize("name", LISTINGS)
def test_a_listing_of_the_directory_the_link_names_is_that_directory_said_with_doubt(name):
    """Apache names /reports, nginx, lighttpd and http.server /reports/: a link to either spelling of
    the folder (or its escaped form) names the listed directory."""
    body = _page(name)
    for original in ("https://example.gov.uk/reports/", "https://example.gov.uk/reports", "https://example.gov.uk/%72eports/"):
        j = judge_document(original, body, body, "text/html")
        assert j.fits and j.doubt and "the directory the link names" in j.doubt, (name, original)


@pytest.mark.parametrize("title, listed", [("Index of /reports/", "/reports/"), ("Directory listing for /", "/"),
                                           ("index of /a%20b", "/a%20b"), ("Index of things", None),
                                           ("The index of /proc explained", None), (None, None)])
def test_listed_directory(title, listed):
    assert listed_directory(title) == listed


@pytest.mark.parametrize("original, listed, names", [
    ("https://x.gov.uk/foi/2019/", "/foi/2019", True), ("https://x.gov.uk/foi/2019", "/foi/2019/", True),
    ("https://x.gov.uk/foi/2019/report.html", "/foi/2019/", False), ("https://x.gov.uk/?feed=rss2", "/", False),
    ("https://x.gov.uk", "/", True), ("https://x.gov.uk/foi/", "/", False)])
def test_names_directory(original, listed, names):
    assert names_directory(original, listed) is names


# The error document shapes of the storage services' own references: Amazon S3 API Reference "Error
# responses" (NoSuchKey, AccessDenied), Azure Blob Storage REST "Status and error codes" (BlobNotFound,
# a UTF-8 BOM and the request id in the message), Google Cloud Storage XML API (a <Details> member).
@pytest.mark.parametrize("body, code", [
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>'
     b'<Key>reports/annual-2019.pdf</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>', "NoSuchKey"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
     b'<RequestId>E2B6F7F1A4</RequestId><HostId>xyz=</HostId></Error>', "AccessDenied"),
    (b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\n'
     b'RequestId:6d2b3c1e-0001-0040-1e2a-000000000000\nTime:2026-12-07T00:00:00.0000000Z</Message></Error>', "BlobNotFound"),
    (b"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>records</BucketName>"
     b"<RequestId>TX1</RequestId></Error>", "NoSuchBucket"),   # no XML declaration: sniffed as text, read all the same
    (b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
     b"<Details>No such object: records-bucket/reports/annual-2019.html</Details></Error>", "NoSuchKey"),
])
def test_storage_services_xml_errors(body, code):
    for original, ctype in (("https://example.gov.uk/reports/annual-2019.html", "application/xml"),
                            ("https://example.gov.uk/reports/annual-2019", "text/html")):
        j = judge_document(original, body, body, ctype)
        assert not j.fits and j.family == STORAGE_ERROR and code in j.problem


def test_pages_about_placeholders_are_documents():
    """A guide that quotes a placeholder's words (in a quotation, at length) is about it, not one."""
    quote = "If you see this page, the nginx web server is successfully installed and working."
    para = ("After installing the package, open the server's address in a browser. The page you get is the "
            "server's own placeholder, which it serves from its default document root until you configure a site. ")
    body = (f"<html><head><title>How to replace the default nginx page on Debian</title></head><body><main>"
            f"<h1>How to replace the default nginx page on Debian</h1><p>{para * 2}</p><blockquote>{quote}</blockquote>"
            f"<p>{para * 2}</p><p>{para * 2}</p></main></body></html>").encode()
    assert judge_document("https://example.org/guides/nginx-default-page", body, body, "text/html").fits


@pytest.mark.parametrize("name, own", [("f-jekyll-new-site-home", "/"), ("s4-nikola-home", "/"),
                                       ("f-jekyll-welcome-post", "/jekyll/update/2026/12/07/welcome-to-jekyll.html"),
                                       ("s4-nikola-welcome-to-nikola", "/posts/welcome-to-nikola/")])
def test_a_new_sites_starter_page_is_the_document_only_at_the_address_it_names_itself(name, own):
    """A starter site's page (errorpages.toml [starter]) where the link names another address is not
    that document; at the address its canonical link names (an index file or .html aside) it is."""
    from archivecheck.judge import STARTER_PAGE

    body = _page(name)
    j = judge_document("https://example.gov.uk/reports/annual-report-2019", body, body, "text/html")
    assert not j.fits and j.family == STARTER_PAGE and "starter page" in j.problem
    for address in (own, own + "index.html" if own.endswith("/") else own.removesuffix(".html")):
        assert judge_document("https://example.gov.uk" + address, body, body, "text/html").fits, address


def test_a_starter_post_without_a_declared_address_is_only_doubted():
    body = (b"<html><head><title>Hello world!</title></head><body><main><h1>Hello world!</h1><p>Welcome to WordPress. "
            b"This is your first post. Edit or delete it, then start writing!</p></main></body></html>")
    j = judge_document("https://example.gov.uk/reports/annual-report-2019", body, body, "text/html")
    assert j.fits and j.doubt
