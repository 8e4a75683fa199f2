"""CDX in both dialects (archivecheck/cdx.py): parsing, and queries with resumeKey paging against the
local archive's front (pywb NDJSON at {base}cdx, Internet Archive JSON at /cdx/search/cdx)."""
from __future__ import annotations

import json

import pytest

from archivecheck.archives import ArchiveRegistry
from archivecheck.cdx import parse_cdx, query_captures
from archivecheck.config import NetworkPolicy
from archivecheck.errors import NetworkError
from archivecheck.http import ArchiveSession
from archivecheck.models import CdxRecord
from tests.archive.cases import capture, captures_of

FAST = NetworkPolicy(timeout=2, connect_timeout=2, retries=1, backoff=0.05, retry_after_default=0.2,
                     index_per_minute=100000, replay_per_minute=100000)
MIXED = capture("mixed_2019").url
PDF = "https://example.gov.uk/a.pdf"


# -- parsing ----------------------------------------------------------------------------------------
def test_parse_ia_json_with_header():
    text = json.dumps([
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
        ["uk,gov,example)/a.pdf", "20200101000000", PDF, "application/pdf", "200", "ABC", "1234"],
        ["uk,gov,example)/a.pdf", "20210101000000", PDF, "warc/revisit", "-", "ABC", "-"],
    ])
    records, key = parse_cdx(text)
    assert key is None
    assert records == [
        CdxRecord(PDF, "20200101000000", "application/pdf", 200, "ABC", 1234),
        CdxRecord(PDF, "20210101000000", "warc/revisit", None, "ABC", None),
    ]


def test_parse_ia_json_with_resume_key_and_fl_order():
    text = json.dumps([["timestamp", "original", "statuscode"], ["20200101000000", PDF, "404"], [],
                       ["uk%2Cgov%2Cexample%29%2Fa.pdf+20200101000000"]])
    records, key = parse_cdx(text)
    assert key == "uk%2Cgov%2Cexample%29%2Fa.pdf+20200101000000"
    assert records == [CdxRecord(PDF, "20200101000000", None, 404, None, None)]


def test_parse_pywb_ndjson():
    lines = [
        {"urlkey": "uk,gov,example)/a.pdf", "timestamp": "20200101000000", "url": PDF, "mime": "application/pdf",
         "status": "200", "digest": "sha1:ABC", "length": "99"},
        {"urlkey": "uk,gov,example)/a.pdf", "timestamp": "20210101000000", "url": PDF, "mime": "text/html",
         "status": "404", "digest": "DEF"},
    ]
    records, key = parse_cdx("\n".join(json.dumps(obj) for obj in lines) + "\n")
    assert key is None
    assert records == [CdxRecord(PDF, "20200101000000", "application/pdf", 200, "sha1:ABC", 99),
                       CdxRecord(PDF, "20210101000000", "text/html", 404, "DEF", None)]


def test_parse_cdxj_and_ia_text_lines():
    cdxj = 'uk,gov,example)/a.pdf 20200101000000 {"url": "%s", "mime": "application/pdf", "status": "200"}' % PDF
    assert parse_cdx(cdxj)[0] == [CdxRecord(PDF, "20200101000000", "application/pdf", 200, None, None)]
    text = f"uk,gov,example)/a.pdf 20200101000000 {PDF} application/pdf 200 ABC 1234\n"
    assert parse_cdx(text)[0] == [CdxRecord(PDF, "20200101000000", "application/pdf", 200, "ABC", 1234)]


@pytest.mark.parametrize("text", ["", "  \n", "[]"])
def test_parse_empty(text):
    assert parse_cdx(text) == ([], None)


@pytest.mark.parametrize("text", ["<html><body>Error</body></html>", "{not json", "[[\"urlkey\"], ["])
def test_parse_garbage_is_a_network_error(text):
    with pytest.raises(NetworkError):
        parse_cdx(text)


# -- queries against the local archive --------------------------------------------------------------
@pytest.fixture
def registry(local_archive):
    reg = ArchiveRegistry.builtin()
    reg = reg.with_archive(reg.get("ukgwa").remap(local_archive.ukgwa_base))
    return reg.with_archive(reg.get("wayback").remap(local_archive.wayback_base))


def expected(url, collection):
    return [(c.timestamp, c.status, c.mime) for c in captures_of(url, collection)]


def test_pywb_dialect_query(local_archive, registry):
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get("ukgwa"), MIXED))
    assert [(r.timestamp, r.status, r.mime) for r in records] == expected(MIXED, "ukgwa")
    assert len(records) == 4 and all(r.original == MIXED for r in records)
    assert [r.path.split("?")[0] for r in local_archive.front.requests] == ["/ukgwa/cdx"]


def test_ia_dialect_query_on_remapped_wayback(local_archive, registry):
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get("wayback"), MIXED))
    assert [(r.timestamp, r.status, r.mime) for r in records] == expected(MIXED, "web")
    assert [r.path.split("?")[0] for r in local_archive.front.requests] == ["/cdx/search/cdx"]


def test_a_missing_cdx_server_is_looked_for_in_the_other_dialects_place(local_archive, registry):
    """A remapped wayback that is a plain pywb has no /cdx/search/cdx: its index is at {base}cdx."""
    local_archive.front.inject("/cdx/search/cdx", "status", times=None, status=404, body=b"<html>Not Found</html>")
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get("wayback"), MIXED))
    assert [(r.timestamp, r.status, r.mime) for r in records] == expected(MIXED, "web")
    assert [r.path.split("?")[0] for r in local_archive.front.requests] == ["/cdx/search/cdx", "/web/cdx"]


def test_ia_resume_key_paging(local_archive, registry):
    """Page size 1 over wayback's captures of the audits prefix: every page asks with the previous
    page's resumeKey, and together the pages list every capture exactly once."""
    prefix = "https://ico.org.uk/media/"
    with ArchiveSession(FAST) as s:
        paged = list(query_captures(s, registry.get("wayback"), prefix, match_type="prefix", page_size=1))
        local_archive.front.reset_log()
        whole = list(query_captures(s, registry.get("wayback"), prefix, match_type="prefix"))
    assert len(whole) >= 3
    assert paged == whole
    assert len({(r.original, r.timestamp) for r in paged}) == len(paged)


def test_ia_resume_key_requests(local_archive, registry):
    prefix = "https://ico.org.uk/media/"
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get("wayback"), prefix, match_type="prefix", page_size=1))
    sent = local_archive.front.requests
    assert len(sent) in (len(records), len(records) + 1)  # one page per record (+ an empty last page)
    assert "resumeKey" not in sent[0].path
    assert all("resumeKey=" in r.path for r in sent[1:])
    assert all(r.status == 200 for r in sent)


def test_limit_stops_paging(local_archive, registry):
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get("wayback"), "https://ico.org.uk/media/", match_type="prefix",
                                      page_size=1, limit=2))
    assert len(records) == 2
    assert len(local_archive.front.requests) == 2


IA_BODY = json.dumps([["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                      ["x", "20200101000000", PDF, "application/pdf", "200", "ABC", "10"]]).encode()
PYWB_BODY = (json.dumps({"urlkey": "x", "timestamp": "20200101000000", "url": PDF, "mime": "application/pdf",
                         "status": "200", "digest": "ABC", "length": "10"}) + "\n").encode()


@pytest.mark.parametrize("name, path, body", [("ukgwa", "/ukgwa/cdx", IA_BODY),
                                              ("wayback", "/cdx/search/cdx", PYWB_BODY)])
def test_either_dialect_from_either_place(local_archive, registry, name, path, body):
    """CONTRACT.md: a remapped archive can be anything, so answers are parsed by their shape."""
    local_archive.front.inject(path, "status", times=None, status=200, body=body)
    with ArchiveSession(FAST) as s:
        records = list(query_captures(s, registry.get(name), PDF))
    assert records == [CdxRecord(PDF, "20200101000000", "application/pdf", 200, "ABC", 10)]


def test_never_archived_is_empty(local_archive, registry):
    with ArchiveSession(FAST) as s:
        assert list(query_captures(s, registry.get("ukgwa"), "https://example.gov.uk/never-archived.pdf")) == []
        assert list(query_captures(s, registry.get("wayback"), "https://example.gov.uk/never-archived.pdf")) == []


def test_index_failure_raises(local_archive, registry):
    local_archive.front.inject("/ukgwa/cdx", "503", times=None)
    with ArchiveSession(FAST) as s, pytest.raises(NetworkError):
        list(query_captures(s, registry.get("ukgwa"), MIXED))
    assert len(local_archive.front.requests) == 2  # retries = 1


def test_index_error_status_raises(local_archive, registry):
    local_archive.front.inject("/cdx/search/cdx", "status", times=None, status=400, body=b"bad query")
    with ArchiveSession(FAST) as s, pytest.raises(NetworkError, match="HTTP 400"):
        list(query_captures(s, registry.get("wayback"), MIXED))


def test_unknown_charset_does_not_crash(local_archive, registry):
    local_archive.front.inject("/ukgwa/cdx", "status", times=None, status=200, body=PYWB_BODY,
                               headers={"Content-Type": "application/json; charset=x-no-such-charset"})
    with ArchiveSession(FAST) as s:
        assert [r.timestamp for r in query_captures(s, registry.get("ukgwa"), PDF)] == ["20200101000000"]
