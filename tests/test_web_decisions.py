"""The caseworker's decisions per link and the re-check button (#19), without a browser."""

from __future__ import annotations

import re

from archivecheck.models import Kind, Result, Status
from archivecheck.web.decisions import letter_mapping, needs_decision, options
from archivecheck.web.store import Decision, LinkRow
from tests.reference import REFERENCE_LINK
from tests.test_web import _decide, _finished, _submit, web  # noqa: F401 - `web` is a fixture

DAMAGED = "https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121O413/https://x.gov.uk/a.pdf"
READING = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://x.gov.uk/a.pdf"
OTHER = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201204113/https://x.gov.uk/a.pdf"


def _result(status: Status, *, url=READING, uncertain=False, alternatives=(), suggestion=None) -> Result:
    return Result(input=DAMAGED, url=url, repairs=("letter-o",), kind=Kind.MEMENTO, original_url="https://x.gov.uk/a.pdf",
                  archive="ukgwa", memento_url=url if status is Status.OK else None, memento_datetime=None,
                  status=status, http_status=None, content_type=None, content_length=None, sha256=None, title=None,
                  suggestion=suggestion, checked_at="2026-12-06T17:00:00Z", detail="d", uncertain=uncertain,
                  alternatives=alternatives)


def test_an_uncertain_reading_offers_each_reading_and_needs_a_decision():
    result = _result(Status.OK, uncertain=True, alternatives=(OTHER,))
    assert [(o.choice, o.url) for o in options(DAMAGED, result)] == [
        ("accept", READING), ("reading", OTHER), ("keep", DAMAGED)]
    assert needs_decision(result)
    row = LinkRow(0, "letter.txt, line 1", DAMAGED, READING, ("letter-o",), result, None, None)
    # Not in the letter until someone chooses (citable's rule); then the choice is what is written.
    assert letter_mapping([DAMAGED], [row]) == {}
    chosen = LinkRow(0, "letter.txt, line 1", DAMAGED, READING, ("letter-o",), result, None, None,
                     Decision("reading", OTHER, "2026-12-06T17:01:00Z", "not signed in"))
    assert letter_mapping([DAMAGED], [chosen]) == {DAMAGED: OTHER}


def test_a_verified_repair_goes_into_the_letter_without_a_decision():
    result = _result(Status.OK)
    assert not needs_decision(result)
    row = LinkRow(0, "letter.txt, line 1", DAMAGED, READING, ("letter-o",), result, None, None)
    assert letter_mapping([DAMAGED], [row]) == {DAMAGED: READING}
    kept = LinkRow(0, "letter.txt, line 1", DAMAGED, READING, ("letter-o",), result, None, None,
                   Decision("keep", DAMAGED, "2026-12-06T17:01:00Z", "J. Smith"))
    assert letter_mapping([DAMAGED], [kept]) == {}


def test_an_unverifiable_link_can_be_checked_again_after_the_outage(web, local_archive):
    client, _ = web
    name = REFERENCE_LINK.rsplit("/", 1)[1]
    local_archive.front.inject(name, "503", times=None)
    location = _submit(client, text=f"See {REFERENCE_LINK} today.").headers["Location"]
    assert _finished(client, location)["results"][0]["status"] == "unverifiable"
    page = client.get(location).get_data(as_text=True)
    assert "Check link 1 again" in page
    form = re.search(r'<form method="post" action="([^"]+/recheck)">\s*<input type="hidden" name="csrf_token" value="([^"]+)">',
                     page)
    local_archive.front.clear_faults()  # the archive is back
    response = client.post(form.group(1), data={"csrf_token": form.group(2)})
    assert response.status_code == 303 and response.headers["Location"] == location + "#link-1"
    record = _finished(client, location)
    assert record["results"][0]["status"] == "ok"
    assert record["results"][0]["input"] == REFERENCE_LINK
    assert "Check link 1 again" not in client.get(location).get_data(as_text=True)
    # A link that works is not re-checked on request.
    assert client.post(form.group(1), data={"csrf_token": form.group(2)}).status_code == 400


def test_the_page_names_archives_in_words_not_codes(web):
    import html

    client, _ = web
    location = _submit(client, text="See https://www.gov.uk/never-archived-for-this-test.pdf today.").headers["Location"]
    record = _finished(client, location)
    assert "ukgwa holds no capture" in record["results"][0]["detail"]  # the machine's record keeps its codes
    page = html.unescape(client.get(location).get_data(as_text=True))
    assert "The National Archives' UK Government Web Archive holds no capture; the Internet Archive's Wayback Machine" in page
    assert "ukgwa holds no capture" not in page


def _tag_and_state(result: Result) -> str:
    """The status tag and the state words the page shows for a link with this result."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from archivecheck.check import is_doubted
    from archivecheck.web import app as web_app
    from archivecheck.web.present import CHOICE_WORDS

    env = Environment(loader=FileSystemLoader(web_app.__file__.rsplit("/", 1)[0] + "/templates"), autoescape=select_autoescape())
    env.globals.update(is_doubted=is_doubted, needs_decision=needs_decision, choice_words=CHOICE_WORDS)
    row = LinkRow(0, "letter.txt, line 1", READING, READING, (), result, None, None)
    return env.from_string('{% from "_macros.html" import status_tag, state_words with context %}'
                           "{{ status_tag(r) }}|{{ state_words(link) }}").render(r=result, link=row)


def test_a_doubted_capture_is_not_shown_as_plainly_working():
    """(#17) A capture the judge doubted is `ok` in the record, with 'Unsure: …' in its detail; the
    page does not give it the green 'Works' a caseworker stops reading at."""
    plain = _result(Status.OK, url=READING)
    doubted = Result(**{**plain.__dict__, "detail": "Retrieved the capture of 2022-02-01 (text/html, 3,120 bytes). "
                        "Unsure: it carries little content (19 words), so it may be an error or holding page rather "
                        "than the document; open it before citing it."})
    assert "govuk-tag--green\">Works<" in _tag_and_state(plain) and _tag_and_state(plain).endswith("|Works")
    shown = _tag_and_state(doubted)
    assert "Works: check it" in shown and "govuk-tag--green" not in shown
    assert shown.endswith("open it before citing it")
    assert not needs_decision(doubted)  # nothing in the letter changes: it is cited as verified, after a look
