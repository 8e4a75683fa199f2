"""#20 on the page: a person confirms a link the machine could not check (UKGWA challenged, through
the local archive's front). The confirmation is recorded in the evidence record (markdown and
print) with who, when and what they were shown, apart from the verification; the verdict stays."""

from __future__ import annotations

import re

import pytest

import archivecheck
from archivecheck.web import CheckService, CheckStore, create_app
from tests.archive import capture
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED
from tests.test_web import _finished, _submit, _token

WAYBACK = f"https://web.archive.org/web/{capture('ico_mps_web').timestamp}mp_/{capture('ico_mps_ukgwa').url}"


def _app(local_archive, fast_config, tmp_path, **options):
    settings = archivecheck.load_settings(str(fast_config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base.replace("127.0.0.1", "localhost")})
    service = CheckService(settings, CheckStore(tmp_path / "checks.sqlite"))
    return service, create_app(service, max_upload=200_000, **options)


@pytest.fixture
def challenged(local_archive, fast_config, tmp_path):
    """A client on a service whose UKGWA answers every request with AWS WAF's captcha."""
    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    service, app = _app(local_archive, fast_config, tmp_path)
    with service:
        yield app.test_client()
        app.extensions["archivecheck"]["uploads"].close()


def _checked(client) -> tuple[str, dict]:
    response = _submit(client, text=f"The audit summary is at {REFERENCE_LINK_DAMAGED} for reference.")
    location = response.headers["Location"]
    record = _finished(client, location)
    assert [r["status"] for r in record["results"]] == ["unverifiable"]
    return location, record


def test_a_person_confirms_a_link_the_archive_would_not_let_the_machine_check(challenged):
    client = challenged
    location, record = _checked(client)
    assert record["results"][0]["suggestion"] == WAYBACK  # corroborated in the Wayback Machine
    page = client.get(location).get_data(as_text=True)
    assert "Check it yourself" in page and "the archive asked for human verification" in page
    assert f'href="{REFERENCE_LINK}" target="_blank"' in page  # the capture to open: the cited one

    token = _token(client)
    action = re.search(r'action="([^"]+/confirmation)"', page).group(1)
    response = client.post(action, data={"csrf_token": token, "answer": "opened", "name": "  Jane   Smith "})
    assert response.status_code == 303 and response.headers["Location"].endswith("#link-1")

    # The verdict stays: nothing the person said turns it into ok.
    after = client.get(location + ".json").get_json()
    assert after["results"][0]["status"] == "unverifiable" and after["summary"]["ok"] == 0

    markdown = client.get(location + "/evidence.md").get_data(as_text=True)
    row = next(line for line in markdown.splitlines() if line.startswith("| Human confirmation |"))
    assert re.search(rf"Jane Smith \(as entered\) opened {re.escape(REFERENCE_LINK)} at \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
                     r" and said it opened the document\. This is a person's confirmation, not a machine"
                     " verification", row.replace("\\|", "|")), row
    assert "## 1. unverifiable:" in markdown and "| SHA-256 | — |" in markdown  # the machine's part unchanged

    printed = client.get(location + "/evidence").get_data(as_text=True)
    assert "Human confirmation (a person’s statement, not a machine verification)" in printed
    assert "Jane Smith (as entered) opened" in printed and "Could not verify" in printed

    # A second person who could not open it is recorded too, after the first.
    client.post(action, data={"csrf_token": token, "answer": "not_opened", "name": "Sam Lee"})
    markdown = client.get(location + "/evidence.md").get_data(as_text=True)
    assert markdown.index("Jane Smith") < markdown.index("Sam Lee (as entered)")
    assert "said it did not open the document" in markdown


def test_a_confirmation_needs_a_name_a_known_answer_and_the_form_token(challenged):
    client = challenged
    location, _ = _checked(client)
    page = client.get(location).get_data(as_text=True)
    action = re.search(r'action="([^"]+/confirmation)"', page).group(1)
    token = _token(client)
    missing = client.post(action, data={"csrf_token": token, "answer": "opened", "name": " "})
    assert missing.status_code == 422 and "Enter your name" in missing.get_data(as_text=True)
    assert client.post(action, data={"csrf_token": token, "answer": "ok", "name": "Jane"}).status_code == 400
    assert client.post(action, data={"csrf_token": "forged", "answer": "opened", "name": "Jane"}).status_code == 403
    assert client.post(action.replace("/links/0/", "/links/7/"),
                       data={"csrf_token": token, "answer": "opened", "name": "Jane"}).status_code == 404
    assert "Human confirmation" not in client.get(location + "/evidence.md").get_data(as_text=True)


def test_an_ok_link_is_not_offered_for_confirmation(local_archive, fast_config, tmp_path):
    service, app = _app(local_archive, fast_config, tmp_path)
    with service:
        client = app.test_client()
        location = _submit(client, text=REFERENCE_LINK).headers["Location"]
        assert _finished(client, location)["results"][0]["status"] == "ok"
        page = client.get(location).get_data(as_text=True)
        assert "Check it yourself" not in page and "/confirmation" not in page
        token = _token(client)
        refused = client.post(location + "/links/0/confirmation", data={"csrf_token": token, "answer": "opened",
                                                                          "name": "Jane"})
        assert refused.status_code == 404
        app.extensions["archivecheck"]["uploads"].close()


def test_the_trusted_proxys_user_header_names_who_confirmed(local_archive, fast_config, tmp_path):
    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    service, app = _app(local_archive, fast_config, tmp_path, user_header="X-Remote-User")
    with service:
        client = app.test_client()
        location, _ = _checked(client)
        headers = {"X-Remote-User": "jsmith@example.gov.uk"}
        page = client.get(location, headers=headers).get_data(as_text=True)
        assert "Recorded as jsmith@example.gov.uk." in page and 'name="name"' not in page
        response = client.post(location + "/links/0/confirmation", headers=headers,
                               data={"csrf_token": _token(client), "answer": "not_opened", "name": "someone else"})
        assert response.status_code == 303
        markdown = client.get(location + "/evidence.md").get_data(as_text=True)
        assert "jsmith@example.gov.uk (as signed in) opened" in markdown and "someone else" not in markdown
        app.extensions["archivecheck"]["uploads"].close()


def test_the_capture_verified_elsewhere_is_offered_but_enters_the_letter_only_when_chosen(challenged):
    client = challenged
    location, _ = _checked(client)
    letter = client.get(location + "/letter").get_data(as_text=True)
    # Not chosen: the letter keeps what it cited (as written: no archive could confirm the repair).
    assert REFERENCE_LINK_DAMAGED in letter and WAYBACK not in letter
    page = client.get(location).get_data(as_text=True)
    assert "Cite the capture verified in another archive instead" in page
    fields = dict(re.findall(r'<input type="hidden" name="((?:choice|url)-\d+)" value="([^"]*)">', page))
    pick = next(k.split("-")[1] for k, v in fields.items() if k.startswith("url-") and v == WAYBACK)
    data = {"csrf_token": _token(client), "pick": pick, **fields}
    assert client.post(location + "/links/0/decision", data=data).status_code == 303
    assert WAYBACK in client.get(location + "/letter").get_data(as_text=True)
    assert client.get(location + ".json").get_json()["results"][0]["status"] == "unverifiable"


def test_an_earlier_check_on_the_page_that_verified_the_capture_is_recalled(local_archive, fast_config, tmp_path):
    """First the archive answers (ok, hashed); a later letter citing the same capture meets the
    challenge: its finding names the earlier verification and compares the bytes found elsewhere."""
    service, app = _app(local_archive, fast_config, tmp_path)
    with service:
        client = app.test_client()
        first = _finished(client, _submit(client, text=REFERENCE_LINK).headers["Location"])
        assert first["results"][0]["status"] == "ok"
        local_archive.front.inject("/ukgwa/", "captcha", times=None)
        later = _finished(client, _submit(client, text=f"See {REFERENCE_LINK}.").headers["Location"])
        rec = later["results"][0]
        assert (rec["status"], rec["suggestion"]) == ("unverifiable", WAYBACK)
        assert (f"An earlier check on this page on {first['results'][0]['checked_at'][:10]} verified the cited capture"
                f" itself; this copy has the same bytes (SHA-256 {first['results'][0]['sha256'][:16]}") in rec["detail"]
        app.extensions["archivecheck"]["uploads"].close()
