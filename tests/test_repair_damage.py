"""Each damage class of issue #10 as a general rule: made-up links (real ones are in
fixtures/realworld/), each shown with the rule's boundary — what must *not* be joined or changed.

Readings offline rules cannot settle are marked uncertain with their alternatives; an index settles
them; the scan report says so plainly.
"""
from __future__ import annotations

import pytest

from archivecheck.extract import extract_links
from archivecheck.models import Kind, Result, Status
from archivecheck.records import ScannedLink
from archivecheck.repair import repair_link, repair_text, rewrite_text
from archivecheck.report.scan import render_scan_text
from archivecheck.scan import LetterScan

from .repair_formats import FakeIndex

WB = "https://web.archive.org/web/20200101000000/"
GWA = "https://webarchive.nationalarchives.gov.uk/ukgwa/20200101000000/"


def only(text: str, index=None):
    [result] = repair_text(text, index)
    return result


@pytest.mark.parametrize("text", [
    f"available at https:\n//{WB[8:]}https://www.example.org/report.pdf and more",
    f"available at https:\r\n  //{WB[8:]}https://www.example.org/report.pdf and more",
    f"available at https:/\n/{WB[8:]}https://www.example.org/report.pdf and more",
])
def test_break_right_after_the_scheme_leaves_two_slashes(text):
    result = only(text)
    assert result.url == f"{WB}https://www.example.org/report.pdf"
    assert "line-break" in result.repairs


@pytest.mark.parametrize("text, url", [
    (f"(https://web.archive.org/web/\n\n20200101000000/https://www.example.org/a.pdf) then prose",
     f"{WB}https://www.example.org/a.pdf"),
    (f"(https://web.archive.\n\norg/web/20200101000000/https://www.example.org/a.pdf).", f"{WB}https://www.example.org/a.pdf"),
    (f"({WB}http\n\ns://www.example.org/a.pdf).", f"{WB}https://www.example.org/a.pdf"),
    (f"({WB}https://w\n\nww.example.org/a.pdf).", f"{WB}https://www.example.org/a.pdf"),
    (f"({WB}https://www.example.org/train\n\ning/handouts/a.pdf).", f"{WB}https://www.example.org/training/handouts/a.pdf"),
])
def test_a_paragraph_break_inside_a_link_that_cannot_end_there(text, url):
    assert only(text).url == url


def test_a_paragraph_break_after_a_whole_link_ends_it():
    text = f"See {WB}https://www.example.org/guidance/\n\nRegards, the team"
    assert only(text).url == f"{WB}https://www.example.org/guidance/"


@pytest.mark.parametrize("broken", ["www.washi ngton.edu", "www.example.o rg", "wwwimages.adob e.com"])
def test_a_space_inside_the_original_host(broken):
    whole = broken.replace(" ", "")
    result = only(f"Archived ({WB}https://{broken}/doit/pdf-accessible?1002=) from the original.")
    assert result.url == f"{WB}https://{whole}/doit/pdf-accessible?1002="


def test_a_host_space_is_not_prose_after_a_bare_host():
    assert only(f"See {WB}https://www.example.org and/or the guidance.").url == f"{WB}https://www.example.org"


def test_the_next_lines_word_after_a_file_name_is_prose():
    text = f"{WB}https://www.example.org/reports/annual-report.pdf\naccessed\n12 May 2024"
    assert only(text).url == f"{WB}https://www.example.org/reports/annual-report.pdf"
    assert only(text.replace(".pdf", ".htm").replace("accessed", "l")).url.endswith("annual-report.html")


def test_a_word_after_a_fragment_is_flagged_and_kept_in_a_rewrite():
    text = f"Section:\n{WB}https://www.example.org/page.html#section\nintro\n"
    result = only(text)
    assert result.uncertain, "a word joined onto a fragment is never silent"
    assert {result.url, *result.alternatives} == {f"{WB}https://www.example.org/page.html#section",
                                                  f"{WB}https://www.example.org/page.html#sectionintro"}
    # The shorter reading is given, and a rewrite keeps the word it cut off in the text.
    assert "glued-word" in result.repairs
    assert rewrite_text(text) == text


def test_a_space_inside_a_word_of_a_slug():
    result = only(f"See {WB}https://www.example.org/how-to-a re-email-policy.pdf today.")
    assert result.url == f"{WB}https://www.example.org/how-to-are-email-policy.pdf"
    # Prose after a slug is not a file name or more path: left alone.
    assert only("See https://www.example.org/annual-report up-to-date figures").url == \
        "https://www.example.org/annual-report"


@pytest.mark.parametrize("word", ["from", "at", "here"])
def test_a_word_glued_to_the_front(word):
    result = only(f"The report is available {word}{WB}https://www.example.org/x.pdf.")
    assert result.url == f"{WB}https://www.example.org/x.pdf" and result.input.startswith("https://")


def test_pdf_ligatures():
    result = only(f"{WB}https://www.o\ufb03ce.example.org/\ufb01nance/\ufb02ow-e\ufb00ect-\ufb04e.pdf")
    assert result.url == f"{WB}https://www.office.example.org/finance/flow-effect-ffle.pdf"
    assert "ligature" in result.repairs


@pytest.mark.parametrize("wrapper", [
    "https://www.example.net/action/GoToLink?url={enc}",
    "https://news.example.com/redirect?u={enc}&sig=abc",
    "https://t.example.net/c?id=7&url={enc}",
    "https://t.example.net/c?url={twice}",
])
def test_generic_redirect_wrappers_holding_an_archive_link(wrapper):
    from urllib.parse import quote

    inner = f"{GWA}https://www.gov.uk/guidance/foi?page=2"
    result = only("See " + wrapper.format(enc=quote(inner, safe=""), twice=quote(quote(inner, safe=""), safe="")) + " now")
    assert result.url == inner and "redirect-wrapper" in result.repairs


def test_a_query_holding_a_plain_url_or_an_archive_links_own_query_is_left_alone():
    plain = "https://www.example.net/share?url=https%3A%2F%2Fwww.gov.uk%2Fx"
    assert only(plain).url == plain
    own = f"{WB}https://www.example.org/search?url=https%3A%2F%2Fweb.archive.org%2Fweb%2F2020%2Fhttps%3A%2F%2Fx.org"
    assert only(own).url == own


def test_a_br_inside_a_links_text_in_an_html_letter():
    html = (b"<html><body><ul>\n  <li>https://web.archive.org/web/<br>\n      20141218233819/"
            b"http://www.example.com/</li>\n</ul></body></html>")
    [found] = extract_links(html, "letter.html").links
    assert repair_link(found.text).url == "https://web.archive.org/web/20141218233819/http://www.example.com/"


def test_a_link_in_a_code_comment_continues_past_the_comment_marker():
    text = ("    // Reference: https://web.archive.org/web/\n    // 20200101000000/https://www.example.org/a.htm\n"
            "    // for more info.\n")
    assert only(text).url == f"{WB}https://www.example.org/a.htm"


def test_a_literal_backslash_n_inside_a_link():
    assert only(f'"[Bulletin]({GWA}https://www.gov.uk/statistics/alcohol-\\nbulletin) are"').url == \
        f"{GWA}https://www.gov.uk/statistics/alcohol-bulletin"


def test_the_broken_visible_copy_of_a_markdown_link_is_no_second_link():
    target = f"{WB}https://www.example.org/pdfs/pdf_reference_1-7.pdf"
    text = f'"PDF Reference" (https://web.archive.org/w\n\n[eb/20200101000000/https://www.example.org/pdfs/pdf\\_reference\\_1-7.pdf)]({target}) (PDF).'
    assert [r.url for r in repair_text(text)] == [target]
    whole = f"[{target}]({target})"  # a whole visible copy is left as it was: two links
    assert [r.url for r in repair_text(whole)] == [target, target]


SEVERAL = f"{GWA}https://www.example.gov.uk/media/fraudforce-fraud-detectionprevention-guide.pdf"
HELD = "https://www.example.gov.uk/media/fraudforce-fraud-detection-prevention-guide.pdf"


def test_several_lost_hyphens_offline_are_uncertain_with_alternatives():
    result = repair_link(SEVERAL)
    assert result.uncertain and result.confirmed is None
    assert f"{GWA}{HELD}" in (result.url, *result.alternatives)
    assert "uncertain" in result.note


def test_several_lost_hyphens_online_are_settled_by_the_index():
    result = repair_link(SEVERAL, FakeIndex([HELD]))
    assert result.url == f"{GWA}{HELD}" and result.confirmed is True and not result.uncertain
    assert result.alternatives == ()


def test_an_intact_link_is_kept_as_written_a_lost_hyphen_only_an_alternative():
    # Issue #16, class 3: nothing in the text shows damage, so word frequency rewrites nothing.
    written = f"{GWA}https://www.example.gov.uk/media/audits-andadvisory-visits.pdf"
    restored = f"{GWA}https://www.example.gov.uk/media/audits-and-advisory-visits.pdf"
    result = repair_link(written)
    assert result.url == written and result.repairs == ()
    assert result.uncertain and result.alternatives == (restored,)
    # Online the archive decides: the link as written when it holds it, else the other reading.
    assert repair_link(written, FakeIndex([written.split("000000/", 1)[1]])).url == written
    settled = repair_link(written, FakeIndex([restored.split("000000/", 1)[1]]))
    assert settled.url == restored and settled.confirmed and not settled.uncertain


def test_a_lost_hyphen_where_damage_shows_is_the_likelier_reading_but_never_certain_offline():
    damaged = f"{GWA}https://www.example.gov.uk/media/\naudits-andadvisory-visits.pdf"
    result = repair_link(damaged)
    assert result.url.endswith("audits-and-advisory-visits.pdf") and result.uncertain
    assert any(alt.endswith("audits-andadvisory-visits.pdf") for alt in result.alternatives)


def _scanned(uncertain: bool) -> LetterScan:
    result = Result(
        input=SEVERAL, url=f"{GWA}{HELD}", repairs=("hyphen-restored",), kind=Kind.MEMENTO, original_url=HELD,
        archive=None, memento_url=None, memento_datetime=None, status=Status.UNVERIFIABLE, http_status=None,
        content_type=None, content_length=None, sha256=None, title=None, suggestion=None,
        checked_at="2026-11-26T12:00:00Z", detail="Could not reach the archive.", uncertain=uncertain,
        alternatives=(SEVERAL,) if uncertain else (),
    )
    return LetterScan("letter.txt", "txt", (ScannedLink(result, "letter.txt", 3, None, "text"),))


def test_scan_report_says_plainly_when_a_repair_is_uncertain():
    text = render_scan_text([_scanned(True)])
    assert "UNCERTAIN" in text and f"      {SEVERAL}\n" in text
    assert "UNCERTAIN" not in render_scan_text([_scanned(False)])
    record = _scanned(True).links[0].result.to_dict()
    assert record["uncertain"] is True and record["alternatives"] == [SEVERAL]
    assert "uncertain" not in _scanned(False).links[0].result.to_dict()


def test_a_quoted_printable_mail_body():
    text = ("> see\n> =\nhttps://urldefense.proofpoint.com/v2/url?u=3Dhttps-3A__web.archive.org_web=\n"
            "_20200101000000_https-3A__www.example.org_annual-2Dre=\nport-5Ffinal_&d=3DDwIDAg&e=3D=20\n> thanks")
    result = only(text)
    assert result.url == f"{WB}https://www.example.org/annual-report_final/"
    assert {"quoted-printable", "proofpoint"} <= set(result.repairs)
    # An "=" at a line end in a link that is not quoted-printable is part of the link.
    assert only("https://www.example.org/search?page=\n2&q=foi").url == "https://www.example.org/search?page=2&q=foi"


def test_a_timestamp_goes_on_with_digits_not_another_columns_words():
    result = only("URL https://webarchive.nationalarchives.gov.uk/ukgwa/2003\nland classification of Great Britain")
    assert result.url == "https://webarchive.nationalarchives.gov.uk/ukgwa/2003"
    assert result.uncertain and "incomplete" in result.note  # cut short, and said so


def test_a_redirectors_signature_after_the_link_is_settled_by_the_archive():
    from urllib.parse import quote

    page = "http://www.example.org/wiki/API_Design_Principles"
    wrapped = f"http://disq.example/url?url={quote(WB + page, safe='')}%3AyvjjifTnVLG2TvrwNwDmx-3l2PI&cuid=12"
    offline = only(wrapped)
    assert offline.uncertain and WB + page in (offline.url, *offline.alternatives)
    online = only(wrapped, FakeIndex([page]))
    assert online.url == WB + page and online.confirmed and not online.uncertain
    # A shortened visible copy ("[…/web/...](wrapper)") is no link of its own.
    assert [r.url for r in repair_text(f"[http://web.archive.org/web/...]({wrapped})")] == [offline.url]


def test_a_percent_encoded_scheme_inside_an_archive_link():
    result = only("Resolves to `https://web.archive.org/web/20230000000000*/https%3A//www.example.org/a/`")
    assert result.url == "https://web.archive.org/web/20230000000000*/https://www.example.org/a/"
    assert "encoded-scheme" in result.repairs
    query = "https://www.example.net/share?url=https%3A%2F%2Fwww.example.org%2Fa"
    assert only(query).url == query  # in a query value the escaping is right


def test_a_wiki_title_that_lost_its_underscore_is_uncertain_and_settled_by_the_archive():
    eaten = f"{WB}https://en.wikipedia.org/wiki/MainPage"
    offline = only(f"turns into\n{eaten}.\n\nHope")
    assert offline.url == eaten and offline.uncertain
    assert offline.alternatives == (f"{WB}https://en.wikipedia.org/wiki/Main_Page",)
    online = only(eaten, FakeIndex(["https://en.wikipedia.org/wiki/Main_Page"]))
    assert online.url.endswith("/wiki/Main_Page") and "underscore-restored" in online.repairs
    assert not only(f"{WB}https://en.wikipedia.org/wiki/Main_Page").uncertain


def test_a_url_cut_at_a_bracket_with_the_rest_glued_after_the_markdown_link():
    text = f"[(Archived)]({WB}https://en.wikipedia.org/wiki/Erica_)(plant) (Accessed: 28 April 2022)."
    result = only(text)
    assert result.url == f"{WB}https://en.wikipedia.org/wiki/Erica_(plant)" and result.uncertain
    assert result.alternatives == (f"{WB}https://en.wikipedia.org/wiki/Erica_",)
    assert only(f"({WB}https://en.wikipedia.org/wiki/Erica_(plant)) ok").url == \
        f"{WB}https://en.wikipedia.org/wiki/Erica_(plant)"


def test_a_plain_word_ending_a_link_after_a_line_break_may_be_prose():
    text = f"See {WB}https://www.example.org/guidance/foi\nand\nmore\n"
    offline = only(text)
    assert offline.uncertain and f"{WB}https://www.example.org/guidance/foi" in offline.alternatives
    online = only(text, FakeIndex(["https://www.example.org/guidance/foi"]))
    assert online.url == f"{WB}https://www.example.org/guidance/foi" and online.confirmed
    assert rewrite_text(text, FakeIndex(["https://www.example.org/guidance/foi"])) == text
    # A word wrapped inside the link is still joined, its hyphen weighed as before.
    wrapped = only(f"See {WB}https://www.example.org/publications/annual\nreport\n")
    assert wrapped.url == f"{WB}https://www.example.org/publications/annual-report"
