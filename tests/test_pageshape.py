"""Error pages by their shape, in any language (issue #17, session 5): pageshape.py and pageshape.toml,
on the real pages each rule names, and on the ordinary shapes each rule must leave alone."""
from __future__ import annotations

import pytest

from archivecheck.judge import judge_document, read_page
from archivecheck.pageshape import BARE_HEADING, ERROR_ALERT, ONLY_WAY_HOME, rule
from tests.errorpages import load_pages

ADDRESS = "https://example.gov.uk/reports/annual-report-2019"
ARTICLE = "".join(f"<p>{'The council has published its annual report on the condition of the county roads. ' * 3}</p>"
                  for _ in range(5))


def _judge(html: str):
    body = html.encode("utf-8")
    return judge_document(ADDRESS, body, body, "text/html")


@pytest.mark.parametrize("family", [BARE_HEADING, ERROR_ALERT, ONLY_WAY_HOME])
def test_each_shape_has_real_examples_judged_by_it(family):
    """pageshape.toml's examples: labelled error pages, in many languages, that the shape alone calls
    broken (no family of errorpages.toml nor the lexicon claims them)."""
    pages = {p.file: p for p in load_pages()}
    examples = rule().examples[family]
    assert len(examples) >= 5
    for name in examples:
        page = pages[f"pages/{name}.html"]
        j = judge_document(page.address or ADDRESS, page.body, page.body, "text/html")
        assert page.is_error and not j.fits and j.family == family, name


def test_a_bare_status_heading_in_any_language_is_broken():
    for heading in ("Nicht autorisiert", "認証されていません", "Доступ запрещён"):
        j = _judge(f"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><head></head><body><h1>{heading}</h1></body></html>")
        # (a catalog's headline may know it first: translated-headline)
        assert not j.fits and heading in j.problem
        assert read_page(f"<html><body><h1>{heading}</h1></body></html>".encode()).shape.bare_heading == heading


@pytest.mark.parametrize("html", [
    "<html><head><title>Annual report</title></head><body><h1>Annual report</h1></body></html>",  # its name alone
    "<html><body><h1>Annual report</h1><script src='/app.js'></script></body></html>",  # a script may draw it
    "<html><body><h1>Annual report</h1><a href='/report.pdf'>PDF</a></body></html>",
    "<html><body><h1>Annual report</h1><img src='/chart.png' alt=''></body></html>",
    "<html><body><h1>Annual report 2019</h1><p>The report is published below.</p></body></html>",
    "<html><body><h1>The county council's annual report on the condition of the roads in 2019</h1></body></html>",
])
def test_a_page_that_is_more_than_one_short_heading_is_not_bare(html):
    assert read_page(html.encode()).shape.bare_heading == ""
    assert _judge(html).family != BARE_HEADING


PAGE = ("<html><head><title>Library | Books</title></head><body><nav role='navigation'><a href='/'>Library</a></nav>"
        "{before}<div class='container'>{heading}{alert}<div class='books'><a href='/book/1'><p>Apache License</p></a>"
        "<a href='/book/2'><p>Mozilla Public License</p></a></div></div>{after}</body></html>")


@pytest.mark.parametrize("alert", ["<div id='flash_danger' class='alert alert-danger'>Η βιβλιοθήκη δεν βρέθηκε</div>",
                                   "<div class='alert alert-error'>打开书架出错。书架不存在或不可访问</div>",
                                   "<p class='error'>Η βιβλιοθήκη δεν βρέθηκε</p>",
                                   "<div class='autofocus error-message'>書架が見つかりません</div>",
                                   "<div class='typo3-message message-error'>Регал не найден</div>"])
@pytest.mark.parametrize("heading", ["", "<h1>Etwas ging schief</h1>"])
def test_an_error_alert_opening_the_content_is_broken(alert, heading):
    html = PAGE.format(before="", heading=heading, alert=alert, after="")
    j = _judge(html)
    # (the lexicon may read the heading first: request-subject)
    assert not j.fits and read_page(html.encode()).shape.alert in alert


@pytest.mark.parametrize("before, alert, after", [
    # an announcement points somewhere
    ("", "<div class='alert alert-danger'>Phone lines are down. <a href='/news/phones'>Read more</a></div>", ""),
    # a notice of something to come
    ("", "<div class='alert alert-danger'>The catalogue will be unavailable on Monday for maintenance.</div>", ""),
    # a field's validation message inside its form
    ("<form action='/contact'><div class='alert alert-danger'>Enter your name</div><input name='name'>"
     "<textarea name='message'></textarea></form>", "", ""),
    # an empty alert a script fills
    ("", "<div class='alert alert-danger' role='alert'></div>", ""),
    # not the first thing the content says
    ("<p>Welcome to the county library catalogue.</p>", "<div class='alert alert-danger'>Some covers could not be loaded</div>", ""),
    # a warning or a notice is not the site's word that it failed
    ("", "<div class='alert alert-warning'>Η βιβλιοθήκη κλείνει νωρίς σήμερα</div>", ""),
    ("", "<div class='notice'>Η βιβλιοθήκη κλείνει νωρίς σήμερα</div>", ""),
    # a long notice
    ("", "<div class='alert alert-danger'>" + "Please note that the opening hours of the branch libraries change. " * 6 + "</div>", ""),
    # a page carrying a document
    ("", "<div class='alert alert-danger'>Cookies are blocked</div>", ARTICLE),
])
def test_an_alert_that_is_not_the_page_s_failure_is_not_broken_by_it(before, alert, after):
    j = _judge(PAGE.format(before=before, heading="", alert=alert, after=after))
    assert j.family != ERROR_ALERT


def test_the_only_way_home_is_broken():
    html = ("<html><head><title>— Gestor de cuentas</title></head><body><header><h2>Lo sentimos, no pudimos encontrar "
            "la página</h2></header><main><a href='/'>Lo mejor que puede hacer es volver a la página de inicio.</a></main></body></html>")
    j = _judge(html)
    assert not j.fits and j.family == ONLY_WAY_HOME


@pytest.mark.parametrize("main", [
    "<a href='/'>Home</a>",  # a breadcrumb's lone link is not a sentence
    "<a href='/'>Back to the home page</a><p>Our opening hours are listed below.</p>",
    "<a href='/reports/2019.pdf'>Download the annual report for 2019</a>",
    "<a href='/#top'>Back to the top of the page</a>",
    "<a href='javascript:'><p>abc</p><p>def</p>ghi</a>",  # readability's test-pages/js-link-replacement
])
def test_a_main_content_that_says_more_or_leads_elsewhere_is_not_only_the_way_home(main):
    html = f"<html><head><title>Reports</title></head><body><main>{main}</main></body></html>"
    assert read_page(html.encode()).shape.way_home == ""
    assert _judge(html).family != ONLY_WAY_HOME


def test_real_ordinary_pages_with_an_error_alert_in_their_markup_stay_ordinary():
    """An alert in an old-browser conditional comment (eza.gv.at) and an empty login-error alert in a
    form (intel.com's terms page): neither is the page's message."""
    pages = {p.file: p for p in load_pages()}
    for name in ("htmldate-eza-gv-at", "htmldate-intel-com-tos"):
        page = pages[f"pages/{name}.html"]
        assert not page.is_error and read_page(page.body).shape.alert == "", name
