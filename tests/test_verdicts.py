"""The verdict fixes of issue #9 that need more than one recorded answer: rate limits by budget, the
suggestion search, exclusions through `check`, and the taxonomy and dialects they rest on.

The 429 cases use the local archive's fault front: no recording holds an archive's own 429 followed
by the capture (the UK Web Archive's CDX 429 in fixtures/recorded is a lone answer, judged in
test_recorded.py). The front's 429 matches the documented one — status 429, `Retry-After` in
seconds, no Memento-Datetime.
"""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from archivecheck.answers import Answer, Excluded, answer_for_error
from archivecheck.archives import Archive, Dialect
from archivecheck.check import Checker
from archivecheck.config import NetworkPolicy, load_settings
from archivecheck.errors import Blocked, NetworkError, RateLimited
from archivecheck.http import ArchiveSession
from archivecheck.models import Status
from archivecheck.verify import Verdict, verify_capture
from tests.archive.cases import capture, link
from tests.recorded_server import RecordedArchive, load

QUICK = NetworkPolicy(timeout=5, connect_timeout=2, retries=2, backoff=0.05, index_per_minute=100000,
                      replay_per_minute=100000)
FAULT = capture("fault_429_ukgwa")


def _ukgwa(local_archive) -> Archive:
    return load_settings(remaps=(f"ukgwa={local_archive.ukgwa_base}",), environ={}).registry.get("ukgwa")


# -- 429 by budget ---------------------------------------------------------------------------------
def test_a_short_retry_after_is_waited_out_again_and_again(local_archive):
    """Two 429s with Retry-After: 1, then the capture: ok under the default budget (the old default
    gave up after one 429)."""
    local_archive.front.inject("fault/429.pdf", "429", times=2, retry_after=1)
    assert NetworkPolicy().rate_limit_retries >= 2 and NetworkPolicy().rate_limit_budget >= 2
    start = time.monotonic()
    with ArchiveSession(QUICK) as session:
        v = verify_capture(session, _ukgwa(local_archive), FAULT.url, FAULT.timestamp)
        assert session.stats["429"] == 2
    assert v.good and v.served_timestamp == FAULT.timestamp
    assert time.monotonic() - start >= 1.9  # both waits were sat out
    assert [r.status for r in local_archive.front.requests if "fault/429.pdf" in r.path] == [429, 429, 200]


def test_429s_beyond_the_wait_budget_are_unverifiable(local_archive):
    local_archive.front.inject("fault/429.pdf", "429", times=None, retry_after=1)
    with ArchiveSession(replace(QUICK, rate_limit_budget=1.5)) as session:
        v = verify_capture(session, _ukgwa(local_archive), FAULT.url, FAULT.timestamp)
    assert (v.verdict, v.answer, v.served_timestamp) == (Verdict.UNVERIFIABLE, Answer.RATE_LIMITED, None)
    # One wait of 1 s fits the 1.5 s budget; the second would not, so the third request is not sent.
    assert len([r for r in local_archive.front.requests if "fault/429.pdf" in r.path]) == 2


# -- the suggestion search -------------------------------------------------------------------------
def test_the_suggestion_reuses_the_first_fetch_and_asks_a_date_window(local_archive, fast_config):
    """A broken link (a captured 404 in 2020): its replay is walked once, the index is asked for
    captures within two years of the link's date, and the 2019/2021 good captures are offered."""
    settings = load_settings(str(fast_config), remaps=tuple(local_archive.cli_args()[1::2]), environ={})
    local_archive.front.reset_log()
    with Checker(settings) as checker:
        result = checker.check(link("link_mixed_2020").input)
    assert result.status is Status.BROKEN and result.suggestion
    assert "/20210315120000id_/" in result.suggestion or "/20190315120000id_/" in result.suggestion
    replays = [r.path for r in local_archive.front.requests if r.endpoint == "replay" and "20200315120000" in r.path]
    assert len(replays) == 1, replays
    cdx = [r.path for r in local_archive.front.requests if r.endpoint == "index" and "statistics-bulletin" in r.path]
    assert cdx and "from=2018" in cdx[0] and "to=2022" in cdx[0], cdx


# -- exclusions through check ----------------------------------------------------------------------
EXCLUDED = "ia-edgi-wayback--test-get-memento-raises-blocked-error"


@pytest.mark.parametrize("given, status", [
    ("https://web.archive.org/web/20170929002712/https://nationalpost.com/health/", Status.BROKEN),
    ("https://nationalpost.com/health/", Status.NOT_ARCHIVED),
])
def test_an_excluded_url_is_a_verdict_not_unverifiable(given, status):
    """The Wayback Machine's real exclusion page (200, no Memento-Datetime): never ok, never
    unverifiable — so a nightly job does not report it as "could not decide" for ever."""
    interactions = load(EXCLUDED)
    with RecordedArchive(interactions) as replay:
        settings = load_settings(remaps=(f"wayback={replay.loopback('https://web.archive.org/web/')}",),
                                 environ={}, prefer="wayback")
        # For an original URL the first request is for the capture nearest `at`; the recording
        # answers the request made at its own timestamp, so ask at that date.
        at = datetime(2017, 9, 29, 0, 27, 12, tzinfo=timezone.utc) if status is Status.NOT_ARCHIVED else None
        with Checker(replace(settings, network=QUICK, at=at), confirm_repairs=False) as checker:
            result = checker.check(given)
        assert not replay.unmatched
    assert result.status is status, result.detail
    assert "excluded" in result.detail
    assert result.memento_datetime is None and result.sha256 is None and result.suggestion is None
    assert "127.0.0.1" not in result.detail


# -- the taxonomy and the dialects -----------------------------------------------------------------
@pytest.mark.parametrize("error, answer", [
    (Excluded("blocked"), Answer.EXCLUDED), (RateLimited("429"), Answer.RATE_LIMITED),
    (Blocked("captcha"), Answer.CHALLENGED), (NetworkError("reset"), Answer.FAILED),
])
def test_errors_map_to_answers(error, answer):
    assert answer_for_error(error) is answer


def test_only_transient_answers_are_transient():
    assert {a for a in Answer if a.transient} == {Answer.RATE_LIMITED, Answer.CHALLENGED, Answer.FAILED}


@pytest.mark.parametrize("dialect, places, pages, timemap_only", [
    (Dialect.PYWB, ["http://127.0.0.1:8080/coll/cdx", "http://127.0.0.1:8080/cdx/search/cdx"], False, False),
    (Dialect.WAYBACK, ["http://127.0.0.1:8080/cdx/search/cdx", "http://127.0.0.1:8080/coll/cdx"], True, False),
    (Dialect.MEMENTO, [], False, True),
])
def test_a_dialect_carries_its_behaviour(dialect, places, pages, timemap_only):
    archive = Archive("x", "https://archive.example.org/coll/", dialect.value, request_base="http://127.0.0.1:8080/coll/")
    assert archive.dialect is dialect  # a config file's string becomes the enum
    assert [p.url for p in archive.cdx_places()] == places
    assert [p.dialect.pages_by_resume_key for p in archive.cdx_places()][:1] == ([pages] if places else [])
    assert dialect.timemap_only is timemap_only


# -- served timestamps come from the archive only ---------------------------------------------------
@pytest.mark.parametrize("headers, verdict, served", [
    ({"Memento-Datetime": "Tue, 01 Jun 2021 12:00:00 GMT"}, Verdict.GOOD, "20210601120000"),
    ({"Memento-Datetime": "sometime in June"}, Verdict.BAD, None),  # names a capture, but not when
    ({}, Verdict.BAD, None),  # the archive speaking, not a capture: the URL's timestamp is not evidence
])
def test_the_served_timestamp_is_the_archives_word(local_archive, headers, verdict, served):
    pdf = FAULT.body
    local_archive.front.inject("fault/429.pdf", "status", times=None, status=200, body=pdf,
                               headers=headers, content_type="application/pdf")
    with ArchiveSession(QUICK) as session:
        v = verify_capture(session, _ukgwa(local_archive), FAULT.url, FAULT.timestamp)
    assert (v.verdict, v.served_timestamp) == (verdict, served), v


def test_a_refused_timemap_is_a_permanent_answer(local_archive):
    """A Memento-only archive whose TimeMap is refused with the Wayback software's blocked-site
    header (the header as recorded from web.archive.org's refusals): not_archived with the reason."""
    from archivecheck.resolve import resolve_original

    archive = Archive("tm", "https://archive.example.org/coll/", "memento", request_base=local_archive.ukgwa_base)
    settings = load_settings(environ={})
    settings = replace(settings, registry=settings.registry.with_archive(archive), prefer=("tm",), network=QUICK)
    local_archive.front.inject("/ukgwa/timemap/link/", "status", times=None, status=403, body=b"",
                               headers={"X-Archive-Wayback-Runtime-Error":
                                        "AdministrativeAccessControlException: Blocked Site Error"})
    with ArchiveSession(QUICK) as session:
        resolution = resolve_original(session, settings, FAULT.url)
    assert resolution.status is Status.NOT_ARCHIVED and resolution.chosen is None
    assert "tm refuses it (the archive has blocked this site" in resolution.detail
