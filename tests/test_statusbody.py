"""Issue #17: a capture whose body is a server's bare error answer (a reason phrase as text, a JSON
error object) or nothing at all is no document, whatever the HTML rules would say.

The bodies are the real ones servers and frameworks send, recorded on loopback into
fixtures/errorpages (batches s3 and s4: see that README for each package and version). The
end-to-end case serves one through a loopback stand-in for a pywb replay, as tests/test_doubt.py does.
"""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from archivecheck.check import memento_result, prepare_link
from archivecheck.config import NetworkPolicy, load_settings
from archivecheck.http import ArchiveSession
from archivecheck.judge import EMPTY_BODY, STATUS_BODY, judge_document, sniff
from archivecheck.models import Status
from archivecheck.statusbody import status_body
from archivecheck.verify import verify_capture
from tests.errorpages import ROOT, load_pages
from tests.servers import serve_in_thread

PAGE = "https://www.example.gov.uk/government/publications/annual-report"
QUICK = NetworkPolicy(timeout=5, connect_timeout=2, retries=0, backoff=0.05, index_per_minute=100000,
                      replay_per_minute=100000)


def _bare_bodies():
    """Every labelled page whose body is not HTML: the real framework bodies."""
    return [p for p in load_pages() if sniff(p.body[:1024]) != "html"]


def test_the_labelled_set_holds_bare_bodies_of_many_servers():
    bodies = _bare_bodies()
    assert len(bodies) >= 25 and all(p.is_error for p in bodies)


@pytest.mark.parametrize("page", _bare_bodies(), ids=lambda p: p.file)
def test_every_real_bare_error_body_is_broken(page):
    judged = judge_document(PAGE, page.body[:1024], page.body, "text/plain")
    assert not judged.fits, page.file
    assert judged.family in (STATUS_BODY, EMPTY_BODY, "storage-xml-error")


@pytest.mark.parametrize("body", [
    # Short text and JSON that state no error: data, or a note.
    b'{"title": "Annual report 2019", "status": "published", "items": []}',
    b'[{"code": 404, "name": "Room 404"}, {"code": 405, "name": "Room 405"}]',
    b"Minutes of the meeting held on 4 May 2019. Present: the chair and four members.",
    b'{"title": "Error handling guidance", "description": "How the service reports a Bad Request"}',
    b'{"errcode": 0, "errmsg": "ok"}',  # WeChat's success
    b'{"errno": "0", "errmsg": "success", "data": {"tags": ["a"]}}',
])
def test_text_that_states_no_error_is_not_read_as_one(body):
    judged = judge_document(PAGE, body, body, "text/plain")
    assert judged.fits and judged.family is None
    # …but a page address answered by a few bytes of plain text is said with doubt.
    assert judged.doubt and "bytes of plain text" in judged.doubt


def test_a_long_text_that_mentions_an_error_is_a_document():
    text = ("Changelog. Version 2.1 fixes the 404 Not Found error some readers met on the archive "
            "pages, and an Internal Server Error when a search held an apostrophe. ") * 3
    assert status_body(text.encode()) is None
    assert judge_document(PAGE, text.encode(), text.encode(), "text/plain").fits


def test_a_text_file_the_link_names_is_not_doubted_for_being_short():
    judged = judge_document("https://www.example.gov.uk/data/codes.csv", b"code,name\n1,a\n", b"code,name\n1,a\n", "text/csv")
    assert judged.fits and judged.doubt is None


@pytest.mark.parametrize("body, said", [
    (b'{"type": "about:blank", "title": "Not Found", "status": 404}', "404 Not Found"),  # RFC 9457
    (b'{"error": {"code": 503, "message": "The service is currently unavailable."}}', "503"),
    (b'{"errors": [{"status": "410", "title": "Gone"}]}', "410 Gone"),  # JSON:API error object
    (b"HTTP/1.1 502 Bad Gateway", "HTTP/1.1 502 Bad Gateway"),
    (b"Cannot GET /guidance/annual-report", "Cannot GET /guidance/annual-report"),  # Express
    # APIs that answer every call with 200 and an error code beside a message, in any language
    (b'{"errcode": 40013, "errmsg": "invalid appid"}', "40013: invalid appid"),  # WeChat
    (b'{"error_code": 110, "error_msg": "Access token invalid"}', "110: Access token invalid"),  # Baidu
    (b'{"errno":99999,"errcode":"system_err","errmsg":"\xe7\xb3\xbb\xe7\xbb\x9f\xe6\x9a\x82\xe6\x97\xb6\xe4\xb8\x8d\xe5\x8f\xaf\xe7\x94\xa8"}',
     "system_err"),
])
def test_error_shapes_beyond_the_recorded_ones(body, said):
    assert said in status_body(body)


def _replay_serving(body: bytes, content_type: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Memento-Datetime", "Tue, 02 Jul 2024 12:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve_in_thread(Handler)


@pytest.mark.parametrize("file, content_type", [("pages/s4-hapi-404.html", "application/json; charset=utf-8"),
                                                ("pages/s3-aiohttp-404.html", "text/plain; charset=utf-8"),
                                                ("pages/s3-caddy-404-empty.html", "text/html")])
def test_a_capture_of_a_bare_error_body_is_broken_end_to_end(file, content_type):
    body = (ROOT / file).read_bytes()
    httpd, base = _replay_serving(body, content_type)
    try:
        settings = load_settings(remaps=(f"ukgwa={base.rstrip('/')}/ukgwa",), environ={})
        archive = settings.registry.get("ukgwa")
        url = archive.replay_url("20240702120000", PAGE, "")
        prepared = prepare_link(url, settings)
        with ArchiveSession(QUICK) as session:
            v = verify_capture(session, archive, prepared.link.original_url, prepared.link.timestamp)
        result = memento_result(prepared, v, None)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.status is Status.BROKEN
    record = json.loads(json.dumps(result.to_dict()))
    assert "error answer" in record["detail"] or "empty" in record["detail"]


def test_a_data_document_at_a_page_address_is_taken_only_with_doubt():
    """(#17) A JSON or XML body answering a link to a page, in no error shape statusbody knows and too
    long for a bare answer, is an API's answer: never a plain `ok`."""
    from archivecheck.judge import judge_document

    body = ('{"data": {"items": [' + ",".join(f'{{"id": {n}, "name": "record {n}"}}' for n in range(40)) + "]}}").encode()
    judged = judge_document("https://example.gov.uk/some/page", body, body, "application/json")
    assert judged.fits and judged.doubt and "JSON or XML" in judged.doubt
    named = judge_document("https://example.gov.uk/data/records.json", body, body, "application/json")
    assert named.fits and not named.doubt  # a link that names a JSON file gets one
