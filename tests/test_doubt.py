"""Issue #17 item 5: a good capture the judge was unsure about says so in its detail (and so in
the evidence record), rather than a plain `ok`.

The capture is served by a loopback stand-in for a pywb replay (200, Memento-Datetime, the page's
real bytes): the page is MDN's reference page on HTTP 404 (fixtures/errorpages), whose title and
heading are "404 Not Found" and whose text explains the status code. No archive holds such a
capture in the local test archive, and adding one there would change the indexes other tests
count, so a one-answer server is the smaller stand-in.
"""
from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from archivecheck.check import memento_result, prepare_link
from archivecheck.config import NetworkPolicy, load_settings
from archivecheck.http import ArchiveSession
from archivecheck.models import Status
from archivecheck.history import History
from archivecheck.records import ScannedLink
from archivecheck.report.scan import render_scan_text
from archivecheck.scan import LetterScan
from archivecheck.report import render_json, render_markdown, render_text, summarise
from archivecheck.verify import Verdict, verify_capture
from tests.errorpages import ROOT
from tests.servers import serve_in_thread

QUICK = NetworkPolicy(timeout=5, connect_timeout=2, retries=0, backoff=0.05, index_per_minute=100000,
                      replay_per_minute=100000)


def _replay_serving(body: bytes):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Memento-Datetime", "Tue, 02 Jul 2024 12:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve_in_thread(Handler)


def _check(body: bytes):
    httpd, base = _replay_serving(body)
    try:
        settings = load_settings(remaps=(f"ukgwa={base.rstrip('/')}/ukgwa",), environ={})
        archive = settings.registry.get("ukgwa")
        url = archive.replay_url("20240702120000", "https://developer.example/docs/404", "")
        prepared = prepare_link(url, settings)
        with ArchiveSession(QUICK) as session:
            v = verify_capture(session, archive, prepared.link.original_url, prepared.link.timestamp)
        return v, memento_result(prepared, v, None)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_page_explaining_errors_is_ok_with_its_doubt_said():
    v, result = _check((ROOT / "pages/mdn-http-status-404.html").read_bytes())
    assert v.verdict is Verdict.GOOD and v.doubt
    assert result.status is Status.OK
    assert "Unsure: its title reads like an error page (\u201c404 Not Found - HTTP | MDN\u201d)" in result.detail
    assert "Unsure:" in render_markdown([result])  # the evidence record's Finding row


def test_a_plain_document_has_no_doubt():
    v, result = _check((ROOT / "pages/govuk-frontend-bank-holidays.html").read_bytes())
    assert v.good and v.doubt is None
    assert "Unsure" not in result.detail


def test_an_error_page_is_broken_not_doubted():
    v, result = _check((ROOT / "pages/govuk-ds-service-unavailable-pages--service-replaced--4e3cf21.html").read_bytes())
    assert result.status is Status.BROKEN and v.doubt is None
    assert "error page" in result.detail


def test_every_report_counts_and_marks_a_doubted_ok_apart():
    """A doubted `ok` keeps the contract's status, but no report shows or counts it as plainly
    working: the text mark, every summary line and the evidence record's heading say 'unsure'."""
    _, doubted = _check((ROOT / "pages/mdn-http-status-404.html").read_bytes())
    _, plain = _check((ROOT / "pages/govuk-frontend-bank-holidays.html").read_bytes())
    assert doubted.status is Status.OK and doubted.doubted and not plain.doubted
    summary = summarise([doubted, plain])
    assert (summary["ok"], summary["ok_unsure"]) == (2, 1)
    assert summarise([plain])["ok_unsure"] == 0
    text = render_text([doubted, plain])
    assert text.splitlines()[0].startswith("\u2713 ok, unsure  ")
    assert any(line.startswith("\u2713 ok  ") for line in text.splitlines())
    assert "2 links: 2 ok (1 unsure: open it before citing), 0 broken" in text
    markdown = render_markdown([doubted, plain])
    assert "**2 links:** 2 ok (1 unsure: open it before citing)" in markdown
    assert "## 1. ok, unsure: " in markdown and "## 2. ok: " in markdown
    assert '"ok_unsure": 1' in render_json([doubted, plain])


def test_a_nightly_run_counts_its_doubted_ok_links(tmp_path):
    _, doubted = _check((ROOT / "pages/mdn-http-status-404.html").read_bytes())
    _, plain = _check((ROOT / "pages/govuk-frontend-bank-holidays.html").read_bytes())
    with History.open(tmp_path / "watch.db") as history:
        run = history.start_run(started_at="2026-12-07T00:00:00Z", list_path="links.txt", total=2, options={})
        history.add_results(run, [(0, doubted.input, {}, doubted.to_dict(), None),
                                  (1, plain.input, {}, plain.to_dict(), None)])
        assert history.doubted_count(run) == 1
        assert history.status_counts(run) == {"ok": 2}


def test_the_caseworkers_scan_report_shows_the_doubt_before_the_link_to_send():
    _, doubted = _check((ROOT / "pages/mdn-http-status-404.html").read_bytes())
    scanned = LetterScan("letter.txt", "txt", (ScannedLink(doubted, "letter.txt", 3, None, "text", sentence="…"),))
    lines = render_scan_text([scanned]).splitlines()
    assert lines[1] == "  \u2713 OK, CHECK IT  (line 3)"
    unsure = next(i for i, line in enumerate(lines) if line.startswith("    unsure: "))
    assert lines[unsure].startswith("    unsure: its title reads like an error page") and lines[unsure + 1].startswith("    send: ")
    assert lines[-1] == "1 link in 1 letter: 1 ok (1 unsure: open before sending), 0 need attention"
