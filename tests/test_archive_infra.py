"""Tests of the test archive itself (tests/archive): pywb replay, both CDX dialects, the Wayback-
versus-UKGWA redirect difference, and every injected fault. Plain ``requests``, real sockets."""
from __future__ import annotations

import json
import time

import pytest
import requests

from tests.archive.cases import BODIES, CASES, FIXTURES, LINKS, capture, captures_of

ICO = capture("ico_mps_ukgwa")
NEVER = "https://example.gov.uk/never-archived.pdf"
IA_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def get(archive, path, **kwargs):
    kwargs.setdefault("timeout", 10)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(archive.url(path), **kwargs)


# -- replay -------------------------------------------------------------------------------------
def test_ico_pdf_replays_raw_with_memento_datetime(local_archive):
    r = get(local_archive, ICO.replay_path("id_"))
    assert r.status_code == 200
    assert r.headers["Memento-Datetime"] == "Tue, 01 Feb 2022 21:04:13 GMT"
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.content == (BODIES / "ico-mps-executive-summary.pdf").read_bytes()
    assert 'rel="original"' in r.headers["Link"] and ICO.url in r.headers["Link"]


def test_fixture_pdf_is_valid_with_title():
    pypdf = pytest.importorskip("pypdf")
    import io

    reader = pypdf.PdfReader(io.BytesIO(ICO.body), strict=True)
    assert reader.metadata.title == "Metropolitan Police Service \u2013 ICO data protection audit executive summary"
    assert len(reader.pages) == 1


def test_inexact_timestamp_ukgwa_serves_nearest_directly(local_archive):
    cap = capture("inexact_ukgwa")
    r = get(local_archive, cap.replay_path("id_", timestamp="20150801000000"))
    assert r.status_code == 200
    assert r.headers["Memento-Datetime"] == cap.http_date
    assert r.content == cap.body


def test_inexact_timestamp_wayback_redirects_to_exact(local_archive):
    cap = capture("inexact_web")
    r = get(local_archive, cap.replay_path("id_", timestamp="20150801000000"))
    assert r.status_code == 302
    assert r.headers["Location"] == local_archive.url(cap.replay_path("id_"))
    followed = get(local_archive, cap.replay_path("id_", timestamp="20150801000000"), allow_redirects=True)
    assert followed.status_code == 200 and followed.content == cap.body
    assert followed.headers["Memento-Datetime"] == cap.http_date


def test_exact_timestamp_wayback_does_not_redirect(local_archive):
    cap = capture("ico_mps_web")
    r = get(local_archive, cap.replay_path("id_"))
    assert r.status_code == 200 and r.content == cap.body


def test_wayback_timegate_redirects_to_latest(local_archive):
    r = get(local_archive, "/web/" + capture("mixed_web_2022").url)
    assert r.status_code == 302
    assert "/web/20220401000000/" in r.headers["Location"]


def test_captured_redirect_and_404_replay_as_captured(local_archive):
    redirect = get(local_archive, capture("redirect_pdf_ukgwa").replay_path("id_"))
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == "https://www.gov.uk/page-not-found"
    assert redirect.headers["Memento-Datetime"] == capture("redirect_pdf_ukgwa").http_date
    missing = get(local_archive, capture("captured_404_ukgwa").replay_path("id_"))
    assert missing.status_code == 404
    assert "Memento-Datetime" in missing.headers and b"Page not found" in missing.content


@pytest.mark.parametrize("collection", ["ukgwa", "web"])
def test_never_archived_url_is_404_and_empty_in_cdx(local_archive, collection):
    r = get(local_archive, "/%s/20200101000000id_/%s" % (collection, NEVER))
    assert r.status_code == 404 and "Memento-Datetime" not in r.headers
    native = get(local_archive, "/%s/cdx" % collection, params={"url": NEVER, "output": "json"})
    assert native.status_code == 200 and native.text.strip() == ""
    ia = get(local_archive, "/cdx/search/cdx", params={"url": NEVER, "output": "json"})
    assert ia.json() == []
    assert get(local_archive, "/cdx/search/cdx", params={"url": NEVER}).text == ""


def test_timemap_is_link_format(local_archive):
    url = capture("mixed_2019").url
    r = get(local_archive, "/ukgwa/timemap/link/" + url)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/link-format"
    mementos = [line for line in r.text.splitlines() if 'rel="memento"' in line]
    assert len(mementos) == len(captures_of(url, "ukgwa")) == 4
    assert '/ukgwa/20210315120000mp_/%s>; rel="memento"; datetime="Mon, 15 Mar 2021 12:00:00 GMT"' % url in r.text


# -- CDX ----------------------------------------------------------------------------------------
def test_ukgwa_native_cdx_is_ndjson(local_archive):
    r = get(local_archive, "/ukgwa/cdx", params={"url": ICO.url, "output": "json"})
    assert r.headers["Content-Type"] == "text/x-ndjson"
    (record,) = [json.loads(line) for line in r.text.splitlines()]
    assert record["url"] == ICO.url and record["timestamp"] == ICO.timestamp
    assert record["mime"] == "application/pdf" and record["status"] == "200"
    assert len(record["digest"]) == 32 and record["length"].isdigit()


def test_ukgwa_native_cdx_prefix(local_archive):
    prefix = "https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/"
    r = get(local_archive, "/ukgwa/cdx", params={"url": prefix, "matchType": "prefix", "output": "json"})
    urls = {json.loads(line)["url"] for line in r.text.splitlines()}
    # pywb indexes ".../4018997/" under the key ".../4018997" (SURT drops the trailing slash), so a
    # prefix query ending in "/" does not include the folder page itself: only its 3 children.
    assert urls == {c.url for c in CASES.values()
                    if c.collection == "ukgwa" and c.url.startswith(prefix) and c.url != prefix}
    assert len(urls) == 3


def test_ia_cdx_json_and_text(local_archive):
    cap = capture("ico_mps_web")
    rows = get(local_archive, "/cdx/search/cdx", params={"url": cap.url, "output": "json"}).json()
    assert rows[0] == IA_HEADER
    assert rows[1][1:5] == [cap.timestamp, cap.url, "application/pdf", "200"]
    text = get(local_archive, "/cdx/search/cdx", params={"url": cap.url}).text
    assert text.splitlines() == [" ".join(rows[1])]


def test_ia_cdx_prefix_filters_limit_collapse(local_archive):
    def query(**params):
        params.setdefault("output", "json")
        return get(local_archive, "/cdx/search/cdx", params=params).json()[1:]

    url = capture("mixed_web_2019").url
    assert [r[1] for r in query(url=url)] == ["20190401000000", "20220401000000"]
    assert [r[1] for r in query(url=url, filter="mimetype:application/pdf")] == ["20190401000000"]
    assert [r[1] for r in query(url=url, filter="!mimetype:application/pdf")] == ["20220401000000"]
    assert [r[1] for r in query(url=url, **{"from": "2020"})] == ["20220401000000"]
    assert [r[1] for r in query(url=url, to="2020")] == ["20190401000000"]
    assert [r[1] for r in query(url=url, limit="-1")] == ["20220401000000"]
    fault_urls = query(url="example.gov.uk/fault/", matchType="prefix", filter="statuscode:200")
    assert len(fault_urls) == 8
    assert len(query(url="example.gov.uk/fault/*", collapse="digest")) == 1
    assert {r[2] for r in query(url="ico.org.uk", matchType="host")} == {
        c.url for c in CASES.values() if c.collection == "web" and "//ico.org.uk/" in c.url}


def test_ia_cdx_resume_key_paging(local_archive):
    params = {"url": "example.gov.uk/", "matchType": "prefix", "output": "json", "limit": "3",
              "showResumeKey": "true"}
    everything = get(local_archive, "/cdx/search/cdx", params={**params, "limit": ""}).json()[1:]
    pages, seen, key = 0, [], None
    while pages < 20:
        page = get(local_archive, "/cdx/search/cdx", params={**params, **({"resumeKey": key} if key else {})}).json()
        pages += 1
        if len(page) >= 2 and page[-2] == []:
            rows, key = page[1:-2], page[-1][0]
        else:
            rows, key = page[1:], None
        assert len(rows) <= 3
        seen += rows
        if key is None:
            break
    assert seen == everything and pages == -(-len(everything) // 3)


# -- faults -------------------------------------------------------------------------------------
FAULT_PATH = capture("fault_429_ukgwa").replay_path("id_")


def test_fault_429_with_retry_after_then_clears(local_archive):
    fault = local_archive.front.inject("fault/429.pdf", "429", times=2, retry_after=7)
    for _ in range(2):
        r = get(local_archive, FAULT_PATH)
        assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert get(local_archive, FAULT_PATH).status_code == 200
    assert fault.hits == 2


@pytest.mark.parametrize("kind,status", [("429_no_retry_after", 429), ("503", 503)])
def test_fault_status_without_retry_after(local_archive, kind, status):
    cap = capture("fault_%s_web" % kind)
    local_archive.front.inject(cap.url.rsplit("/", 1)[1], "429" if status == 429 else kind,
                               times=1, retry_after=None)
    r = get(local_archive, cap.replay_path("id_"))
    assert r.status_code == status and "Retry-After" not in r.headers
    assert get(local_archive, cap.replay_path("id_")).status_code == 200


def test_fault_reset(local_archive):
    cap = capture("fault_reset_ukgwa")
    local_archive.front.inject("fault/reset.pdf", "reset", times=1)
    with pytest.raises(requests.ConnectionError):
        get(local_archive, cap.replay_path("id_"))
    assert get(local_archive, cap.replay_path("id_")).content == cap.body
    assert [r.status for r in local_archive.front.requests] == [None, 200]


def test_fault_slow_times_out_and_stops_by_itself(local_archive):
    cap = capture("fault_slow_ukgwa")
    local_archive.front.inject("fault/slow.pdf", "slow", times=1)
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):  # ReadTimeout while streaming the body
        get(local_archive, cap.replay_path("id_"), timeout=(2, 0.3)).content
    assert time.monotonic() - started < 3
    # a short trickle ends on its own with a truncated body
    local_archive.front.inject("fault/slow.pdf", "slow", times=1, interval=0.05, duration=0.5)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(local_archive, cap.replay_path("id_")).content
    assert time.monotonic() - started < 2


def test_fault_truncated(local_archive):
    cap = capture("fault_truncated_web")
    local_archive.front.inject("fault/truncated.pdf", "truncated", times=1)
    r = requests.get(local_archive.url(cap.replay_path("id_")), stream=True, timeout=5)
    assert r.status_code == 200 and int(r.headers["Content-Length"]) == len(cap.body)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        r.content
    assert get(local_archive, cap.replay_path("id_")).content == cap.body


def test_fault_captcha_and_challenge(local_archive):
    local_archive.front.inject("fault/captcha.pdf", "captcha", times=None)
    local_archive.front.inject("fault/challenge.pdf", "challenge", times=1)
    for _ in range(2):  # times=None: forever
        r = get(local_archive, capture("fault_captcha_ukgwa").replay_path("id_"))
        assert r.status_code == 405 and r.headers["x-amzn-waf-action"] == "captcha"
        assert b"Human Verification" in r.content
    r = get(local_archive, capture("fault_challenge_ukgwa").replay_path("id_"))
    assert r.status_code == 202 and r.headers["x-amzn-waf-action"] == "challenge" and r.content == b""
    local_archive.front.clear_faults()
    assert get(local_archive, capture("fault_captcha_ukgwa").replay_path("id_")).status_code == 200


def test_faults_target_cdx_queries(local_archive):
    local_archive.front.inject("/cdx/search/cdx", "503", times=1)
    local_archive.front.inject("/ukgwa/cdx", "429", times=1)
    assert get(local_archive, "/cdx/search/cdx", params={"url": ICO.url}).status_code == 503
    assert get(local_archive, "/ukgwa/cdx", params={"url": ICO.url}).status_code == 429
    assert get(local_archive, "/cdx/search/cdx", params={"url": ICO.url}).status_code == 200


def test_unknown_fault_kind_is_refused(local_archive):
    with pytest.raises(ValueError):
        local_archive.front.inject("x", "teapot")


# -- benchmark knobs, log, remapping ------------------------------------------------------------
def test_rate_limits_per_endpoint_class_and_counts(local_archive):
    local_archive.front.configure(index_rpm=2)
    for _ in range(2):
        assert get(local_archive, "/ukgwa/cdx", params={"url": ICO.url}).status_code == 200
    limited = get(local_archive, "/ukgwa/timemap/link/" + ICO.url)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert get(local_archive, ICO.replay_path("id_")).status_code == 200  # replay unaffected
    assert local_archive.front.counts == {"index": 3, "replay": 1}
    assert [r.status for r in local_archive.front.requests] == [200, 200, 429, 200]
    local_archive.front.reset_log()
    assert local_archive.front.requests == []


def test_added_latency(local_archive):
    local_archive.front.configure(latency=0.1)
    started = time.monotonic()
    get(local_archive, ICO.replay_path("id_"))
    assert time.monotonic() - started >= 0.1


def test_remapping_helpers(local_archive):
    assert local_archive.ukgwa_base.endswith("/ukgwa/") and local_archive.wayback_base.endswith("/web/")
    assert local_archive.cli_args() == ["--archive", "ukgwa=" + local_archive.ukgwa_base,
                                        "--archive", "wayback=" + local_archive.wayback_base]
    assert local_archive.env() == {"ARCHIVECHECK_ARCHIVE_UKGWA": local_archive.ukgwa_base,
                                   "ARCHIVECHECK_ARCHIVE_WAYBACK": local_archive.wayback_base}


def test_every_case_is_documented_and_built(local_archive):
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for case_id in list(CASES) + list(LINKS):
        assert "`%s`" % case_id in readme, case_id
    for cap in CASES.values():
        r = get(local_archive, "/%s/cdx" % cap.collection, params={"url": cap.url, "output": "json"})
        assert cap.timestamp in r.text, cap.id
