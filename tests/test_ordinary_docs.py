"""Issue #17, session 4 (#17p): shapes of real ordinary documentation pages that the error-page rules
called `broken` (bench/bench_installed_docs.py over installed Debian documentation), each fixed at
its cause; and the error pages beside each fix, which must stay caught."""
from __future__ import annotations

import pytest

from archivecheck.judge import judge_document


def _page(title: str, heading: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{heading}</h1>"
            f"{body}</main></body></html>").encode()


def _broken(data: bytes) -> bool:
    return not judge_document("https://docs.example.org/page", data, data, "text/html").fits


@pytest.mark.parametrize("title, heading, body", [
    # a colon inside a name is no segment separator (ruby-kramdown 2.4.0-2, rdoc/Kramdown/Error.html)
    ("class Kramdown::Error - RDoc Documentation", "class Kramdown::Error",
     "<p>This error is raised when an error condition is encountered.</p>"),
    # a prefix word alone ("Status", "HTTP") is no status line (tomcat10-docs 10.1.60, docs/tribes/status.html)
    ("Apache Tribes - The Tomcat Cluster Communication Module - Apache Tribes - Status", "Apache Tribes - Status",
     "<h2>Status</h2><p>TODO</p>"),
    ("HTTP", "HTTP", "<p>The protocol module's reference.</p>"),
    # an instruction's purpose is not the reader's failed request (libreoffice-help-en-us 7.4.7, guide/doc_open.html)
    ("Opening Documents", "Opening Documents",
     "<p>Choose File - Open. Select the file you want to open and click Open.</p>"),
])
def test_a_documentation_page_is_not_an_error_page(title, heading, body):
    assert not _broken(_page(title, heading, body))


@pytest.mark.parametrize("title, heading, body", [
    ("UCR Extension: 404 Not Found", "Not Found", "<p>Sorry.</p>"),
    ("degewo :: Fehlerseite", "degewo", "<p>Leider.</p>"),
    ("Site: Error", "Error", "<p>Please try again later.</p>"),
    ("Status: 404", "Status: 404", "<p>Nothing here.</p>"),
    ("HTTP 500", "HTTP 500", "<p>Internal.</p>"),
    ("Sorry", "The page you wanted is not here", "<p>Go to the home page.</p>"),
])
def test_the_error_pages_beside_each_fix_stay_error_pages(title, heading, body):
    assert _broken(_page(title, heading, body))
