"""archivecheck serve without a browser: Flask's test client against the real local archive, and
the corrected-letter writer on real .docx files. (The browser tests are in test_web_browser.py.)"""

from __future__ import annotations

import io
import re
import socket
import time
from datetime import datetime
from pathlib import Path

import docx
import pytest

import archivecheck
import archivecheck.extract
from archivecheck.web import CheckService, CheckStore, create_app
from archivecheck.web.letters import corrected_docx, corrected_text
from tests.archive import capture, link
from tests.corrected_proof import assert_proven
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED
from tests.repair_formats import build_docx

LETTERS = Path(__file__).resolve().parent.parent / "fixtures" / "letters"
REFERENCE = "ico-foi-response-IC-252019-Z2Y2"


@pytest.fixture
def web(local_archive, fast_config, tmp_path):
    """A test client on a service remapped to the local archive, with its store."""
    settings = archivecheck.load_settings(str(fast_config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base})
    with CheckService(settings, CheckStore(tmp_path / "checks.sqlite")) as service:
        app = create_app(service, max_upload=200_000)
        yield app.test_client(), service
        app.extensions["archivecheck"]["uploads"].close()


def _token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _submit(client, *, text=None, upload=None):
    data = {"csrf_token": _token(client), "text": text or ""}
    if upload is not None:
        data["letter"] = upload
    return client.post("/checks", data=data, content_type="multipart/form-data")


def _finished(client, location: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = client.get(location + ".json").get_json()
        if record["state"] != "running":
            return record
        time.sleep(0.1)
    raise AssertionError(f"check {location} still running after {timeout}s")


def test_upload_of_the_reference_docx_is_checked_and_corrected(web):
    client, _ = web
    data = (LETTERS / f"{REFERENCE}.docx").read_bytes()
    response = _submit(client, upload=(io.BytesIO(data), f"{REFERENCE}.docx"))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/checks/[A-Za-z0-9_-]{16}", location)
    record = _finished(client, location)
    assert record["state"] == "done"
    [result] = record["results"]
    assert (result["status"], result["url"]) == ("ok", REFERENCE_LINK)
    assert result["sentence"].endswith(REFERENCE_LINK)
    page = client.get(location).get_data(as_text=True)
    assert "The link works" in page and "Download the corrected letter (.docx)" in page
    corrected = client.get(location + "/letter")
    assert corrected.headers["Content-Disposition"] == f'attachment; filename="{REFERENCE}-corrected.docx"'
    [paragraph] = [p for p in docx.Document(io.BytesIO(corrected.data)).paragraphs if "webarchive" in p.text]
    assert [(h.address, h.text) for h in paragraph.hyperlinks] == [(REFERENCE_LINK, REFERENCE_LINK)]
    evidence = client.get(location + "/evidence.md").get_data(as_text=True)
    assert REFERENCE_LINK in evidence and capture("ico_mps_ukgwa").iso in evidence


def _decide(client, location: str, position: int, label: str, **kwargs):
    """Post the decision form of link `position` (0-based) as a browser without JavaScript would:
    the radio whose label starts with `label`, with the form's hidden fields."""
    page = client.get(location).get_data(as_text=True)
    form = re.search(rf'<form method="post" action="({re.escape(location)}/links/{position}/decision)".*?</form>', page, re.S)
    body = form.group(0)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body))
    radios = re.findall(r'name="pick" type="radio" value="(\d+)"[^>]*>\s*<label[^>]*>([^<]+)<', body)
    data["pick"] = next(value for value, text in radios if text.strip().startswith(label))
    data = {k: v.replace("&amp;", "&") for k, v in data.items()}
    return client.post(form.group(1), data=data, **kwargs)


def test_a_broken_link_is_left_as_written_until_the_caseworker_chooses_the_suggested_capture(web):
    client, _ = web
    broken = link("link_mixed_2023").input
    response = _submit(client, text=f"Dear requester,\n\nSee {broken} for the bulletin.\n")
    location = response.headers["Location"]
    record = _finished(client, location)
    [result] = record["results"]
    assert result["status"] == "broken"
    assert result["suggestion"] == capture("mixed_2021").public_url()
    page = client.get(location).get_data(as_text=True)
    # What to do comes first, then the link's decision, then the corrected letter.
    assert page.index("What you need to do") < page.index("1 link needs your decision") < \
        page.index("What should the letter cite for link 1?") < page.index("The corrected letter")
    assert client.get(location + "/letter").get_data(as_text=True) == f"Dear requester,\n\nSee {broken} for the bulletin.\n"

    decided = _decide(client, location, 0, "Cite the working capture suggested instead")
    assert decided.status_code == 303 and decided.headers["Location"] == location + "#link-1"
    suggested = capture("mixed_2021").public_url()
    assert client.get(location + "/letter").get_data(as_text=True) == f"Dear requester,\n\nSee {suggested} for the bulletin.\n"
    page = client.get(location).get_data(as_text=True)
    assert "1 link needs your decision" not in page and "Decided: cites the suggested capture instead" in page
    ts = capture("mixed_2021").timestamp
    day = datetime(int(ts[:4]), int(ts[4:6]), int(ts[6:8]))
    assert f"(captured {day.day} {day:%B %Y}): {suggested}" in page  # the sentence for the capture chosen
    assert f'href="{suggested}" target="_blank"' in page  # the capture opens in one click
    evidence = client.get(location + "/evidence.md").get_data(as_text=True)
    assert f"Cites the suggested capture instead: {suggested} (by not signed in, 20" in evidence

    # Changing one's mind: keep the link as written; the letter follows.
    _decide(client, location, 0, "Keep the link as written")
    assert client.get(location + "/letter").get_data(as_text=True) == f"Dear requester,\n\nSee {broken} for the bulletin.\n"
    assert "Kept the link as written" in client.get(location + "/evidence.md").get_data(as_text=True)


def test_a_decision_for_a_link_the_check_did_not_offer_is_refused(web):
    client, service = web
    location = _submit(client, text=link("link_mixed_2023").input).headers["Location"]
    _finished(client, location)
    page = client.get(location).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    forged = {"csrf_token": token, "pick": "0", "choice-0": "suggestion", "url-0": "https://evil.example/"}
    assert client.post(location + "/links/0/decision", data=forged).status_code == 400
    assert client.post(location + "/links/7/decision", data=forged).status_code == 404
    assert service.store.get(location.rsplit("/", 1)[1]).links[0].decision is None


def test_an_archive_title_is_escaped_in_every_page(web):
    client, _ = web
    response = _submit(client, text=capture("xss_title_ukgwa").public_url())
    location = response.headers["Location"]
    assert _finished(client, location)["results"][0]["title"].startswith("<script>window.archivecheckXss=1")
    for path in (location, location + "/progress", location + "/evidence"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>window" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.archivecheckXss=1&lt;/script&gt;" in page


def test_a_post_without_the_csrf_token_is_refused_with_a_page(web):
    client, _ = web
    client.get("/")
    response = client.post("/checks", data={"text": REFERENCE_LINK_DAMAGED, "csrf_token": "forged"},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Your session has expired" in page and "Traceback" not in page


@pytest.mark.parametrize("body, name, message", [
    (b"\x00\x01\x02binary\xff" * 50, "photo.docx", "could not be read as a letter"),
    (b"Dear requester, there are no links here.", "letter.txt", "No web links were found in letter.txt"),
])
def test_a_bad_upload_gets_the_form_back_with_an_error_summary(web, body, name, message):
    client, _ = web
    response = _submit(client, upload=(io.BytesIO(body), name))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page and 'href="#letter"' in page


def test_an_empty_form_and_an_oversized_upload_get_their_pages(web):
    client, _ = web
    assert "Choose a letter to upload" in _submit(client).get_data(as_text=True)
    response = _submit(client, upload=(io.BytesIO(b"x" * 300_000), "big.txt"))
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_unknown_checks_and_pages_are_404_pages_with_security_headers(web):
    client, _ = web
    for path in ("/checks/does-not-exist-at-all", "/checks/../../etc/passwd", "/nowhere"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"


def test_uploads_leave_nothing_in_the_private_folder(web):
    client, service = web
    folder = Path(client.application.extensions["archivecheck"]["uploads"].folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    data = (LETTERS / f"{REFERENCE}.pdf").read_bytes()
    _finished(client, _submit(client, upload=(io.BytesIO(data), f"{REFERENCE}.pdf")).headers["Location"])
    assert list(folder.iterdir()) == []


def test_old_checks_are_purged_and_unfinished_ones_marked_failed(tmp_path):
    store = CheckStore(tmp_path / "c.sqlite")
    check_id = store.create("a.txt", "txt", [("a.txt", "x", "x", ())])
    store.fail_unfinished()
    assert store.get(check_id).state == "failed"
    assert store.purge(30) == 0
    assert store.purge(-1) == 0
    with store._connect() as db:
        db.execute("UPDATE checks SET created_at = '2001-01-01T00:00:00Z'")
    assert store.purge(30) == 1 and store.get(check_id) is None


def test_corrected_docx_keeps_formatting_and_retargets_an_existing_hyperlink():
    damaged_target = "https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121041 3/https://ico.org.uk/a.pdf"
    data = build_docx(f"Intro text.\n\nSee {REFERENCE_LINK_DAMAGED} today.", [(damaged_target, "the report")])
    document = docx.Document(io.BytesIO(data))
    for run in document.paragraphs[1].runs:
        run.bold = True
    source = io.BytesIO()
    document.save(source)
    fixed = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://ico.org.uk/a.pdf"
    mapping = {REFERENCE_LINK_DAMAGED: REFERENCE_LINK, damaged_target: fixed}
    written = corrected_docx(source.getvalue(), mapping)
    assert_proven(source.getvalue(), "letter.docx", written, mapping)
    out = docx.Document(io.BytesIO(written))
    assert out.paragraphs[0].text == "Intro text."
    assert out.paragraphs[1].text == f"See {REFERENCE_LINK} today."
    assert [(h.address, h.text) for h in out.paragraphs[1].hyperlinks] == [(REFERENCE_LINK, REFERENCE_LINK)]
    # The run formatting is kept, on the text around the link and on the link itself.
    assert [run.bold for run in out.paragraphs[1].runs] == [True, True]
    assert out.paragraphs[1].hyperlinks[0].runs[0].bold is True
    [shown] = [p for p in out.paragraphs if p.hyperlinks and p.hyperlinks[0].text == "the report"]
    assert shown.hyperlinks[0].address == fixed


def test_corrected_text_replaces_only_the_spans_that_changed():
    text = "a https://x.example/1 b https://x.example/2 c"
    spans = [(2, 21, "https://x.example/1"), (24, 43, "https://x.example/2")]
    assert corrected_text(text, spans, {"https://x.example/2": "https://y.example/2"}) == \
        "a https://x.example/1 b https://y.example/2 c"


def test_every_request_of_concurrent_checks_goes_through_the_one_shared_session(web, local_archive):
    client, service = web
    local_archive.front.reset_log()
    before = service.session.stats["index"] + service.session.stats["replay"]
    texts = [REFERENCE_LINK_DAMAGED, link("link_mixed_2023").input, capture("web_only_pdf").url]
    locations = [_submit(client, text=text).headers["Location"] for text in texts]
    assert [_finished(client, where)["results"][0]["status"] for where in locations] == ["ok", "broken", "ok"]
    sent = service.session.stats["index"] + service.session.stats["replay"] - before
    assert sent > len(texts)
    assert sum(local_archive.front.counts.values()) == sent


def test_unreachable_archives_give_a_plain_unverifiable_result(fast_config, tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    settings = archivecheck.load_settings(str(fast_config), archives={"ukgwa": closed + "ukgwa/", "wayback": closed + "web/"})
    with CheckService(settings, CheckStore(tmp_path / "checks.sqlite")) as service:
        client = create_app(service).test_client()
        record = _finished(client, _submit(client, text=REFERENCE_LINK).headers["Location"])
        assert record["results"][0]["status"] == "unverifiable"
        page = client.get(f"/checks/{record['id']}").get_data(as_text=True)
        assert "the archives could not be reached or did not answer" in page and "Traceback" not in page


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("192.0.2.10", False)])
def test_serve_knows_which_hosts_are_loopback(host, loopback):
    from archivecheck.cli.serve import _is_loopback

    assert _is_loopback(host) is loopback


def test_a_check_that_failed_says_so_and_an_internal_fault_is_a_plain_500_page(web, monkeypatch):
    client, service = web
    check_id = service.store.create("letter.txt", "txt", [("letter.txt, line 1", REFERENCE_LINK, REFERENCE_LINK, ())])
    service.store.fail(check_id, "Something went wrong while checking this letter. Please try again.")
    page = client.get(f"/checks/{check_id}").get_data(as_text=True)
    assert "The check did not finish" in page and "Please try again" in page

    # No server can make our own store fail on demand, so the fault is put there by hand.
    def broken_store(check_id):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(service.store, "get", broken_store)
    response = client.get(f"/checks/{check_id}")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "database is locked" not in page and "Traceback" not in page


def test_corrected_docx_puts_right_links_in_headers_and_footnotes():
    from tests.test_extract import _docx_with_header_and_footnote

    damaged_header = "https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121041 3/https://ico.org.uk/a.pdf"
    fixed_header = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://ico.org.uk/a.pdf"
    data = _docx_with_header_and_footnote(damaged_header, "See " + REFERENCE_LINK_DAMAGED.replace("\\_", "_"))
    found = [link.text for link in archivecheck.extract.extract_links(data, "letter.docx").links]
    out = corrected_docx(data, dict(zip(found, [fixed_header, REFERENCE_LINK])))
    assert_proven(data, "letter.docx", out, dict(zip(found, [fixed_header, REFERENCE_LINK])))
    assert [link.text for link in archivecheck.extract.extract_links(out, "letter.docx").links] == \
        [fixed_header, REFERENCE_LINK]
    document = docx.Document(io.BytesIO(out))
    assert [(h.address, h.text) for h in document.sections[0].header.paragraphs[0].hyperlinks] == \
        [(fixed_header, fixed_header)]
    notes = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml")
    assert [r.target_ref for r in notes.rels.values()] == [REFERENCE_LINK]
    assert b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' in notes.blob


def test_a_configured_archives_links_are_found_alike_for_the_corrected_letter(tmp_path):
    # The corrected letter pairs the letter's links with the scan's results by position: both must
    # be found with the run's grammar, so a configured archive's damaged link is one link, not a
    # truncated one in one list and a whole one in the other.
    from archivecheck.config import load_settings

    config = tmp_path / "arq.toml"
    config.write_text('[archives.arquivo]\nbase = "https://arquivo.pt/wayback/"\n', encoding="utf-8")
    text = ("See https://arquivo.pt/wayback/2019010 1000000/https://www.example.pt/relatorio-anual.pdf and "
            "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://www.gov.uk/a.pdf today.\n")
    with CheckService(load_settings(str(config)), CheckStore(tmp_path / "c.sqlite"), workers=1) as service:
        letter = service.read_letter(text.encode(), "letter.txt")
    (part,) = letter.parts
    assert [found.text for found in letter.main.links] == [r.repaired.input for r in part.records]
    assert part.records[0].repaired.url == (
        "https://arquivo.pt/wayback/20190101000000/https://www.example.pt/relatorio-anual.pdf")
