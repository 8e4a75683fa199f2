"""PHP's own report of the error that stopped a page's script (errorpages.toml php-fatal-error; pages
recorded from Debian 12's PHP 8.2 by fixtures/errorpages/tools/serve_php_errors.py)."""
from __future__ import annotations

import pytest

from archivecheck.judge import judge_document
from tests.errorpages import ROOT

ADDRESS = "https://records.example.gov.uk/reports/annual-report-2019"


def _judge(body: bytes):
    return judge_document(ADDRESS, body, body, "text/html")


@pytest.mark.parametrize("name", ["r-php82-fatal-undefined-function", "r-php82-fatal-after-heading", "r-php82-parse-error",
                                  "s5-ganglia-webfrontend-config-error"])
def test_a_script_stopped_by_a_fatal_or_parse_error_is_broken(name):
    j = _judge((ROOT / "pages" / f"{name}.html").read_bytes())
    assert not j.fits and j.family == "php-fatal-error"


def test_a_document_printed_after_a_warning_is_the_document():
    """A warning does not stop the script: the page follows it, whole."""
    j = _judge((ROOT / "pages" / "r-php82-warning-above-document.html").read_bytes())
    assert j.fits and j.family is None


@pytest.mark.parametrize("body", [
    # a tutorial quotes the report in code, as tutorials do
    b"<html><body><h1>Fixing PHP errors</h1><p>If you see this:</p><pre><b>Fatal error</b>: Uncaught Error: Call to undefined "
    b"function foo() in /var/www/index.php:3</pre><p>then the function is not defined or its file was not included.</p></body></html>",
    # a sentence that only names the kind of error
    b"<html><body><h1>Release notes</h1><p>Fatal error: fixed a crash when the cache directory is missing.</p></body></html>",
])
def test_words_about_php_errors_are_not_the_report(body):
    assert _judge(body).family != "php-fatal-error"
