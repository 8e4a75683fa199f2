"""The one HTTP session (archivecheck/http.py): Retry-After, rate limiting, retries, WAF detection,
size cap, cut-short bodies. Network cases use the real local archive's front on loopback."""
from __future__ import annotations

import email.utils
import hashlib
import time

import pytest

from archivecheck.config import NetworkPolicy
from archivecheck.errors import Blocked, IncompleteBody, NetworkError, RateLimited
from archivecheck.http import DEFAULT_USER_AGENT, INDEX, REPLAY, ArchiveSession, RateLimiter, retry_after_seconds
from tests.archive.cases import capture

FAST = NetworkPolicy(timeout=2, connect_timeout=2, retries=2, backoff=0.05, retry_after_default=0.2,
                     max_retry_after=5, rate_limit_retries=2, index_per_minute=100000, replay_per_minute=100000)
ICO = capture("ico_mps_ukgwa")


# -- Retry-After ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [("120", 120.0), (" 5 ", 5.0), ("0", 0.0), (None, None), ("", None),
                                             ("soon", None), ("-3", None), ("1.5", None)])
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date():
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 27 <= retry_after_seconds(future) <= 31
    past = email.utils.formatdate(time.time() - 3600, usegmt=True)
    assert retry_after_seconds(past) == 0.0


# -- rate limiter ---------------------------------------------------------------------------------
def test_rate_limiter_spaces_requests():
    limiter = RateLimiter(per_minute=600)  # one every 0.1 s
    start = time.monotonic()
    stamps = []
    for _ in range(6):
        limiter.acquire()
        stamps.append(time.monotonic() - start)
    assert stamps[0] < 0.05  # the first goes at once
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert all(g >= 0.08 for g in gaps), gaps
    assert 0.45 <= stamps[-1] < 1.5


def test_rate_limiter_burst():
    limiter = RateLimiter(per_minute=300, burst=2)  # 0.2 s spacing, two at once
    start = time.monotonic()
    for _ in range(3):
        limiter.acquire()
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 1.0


def test_rate_limiter_pause_holds_everyone():
    limiter = RateLimiter(per_minute=0)  # no spacing at all
    start = time.monotonic()
    limiter.acquire()
    assert time.monotonic() - start < 0.05
    limiter.pause(0.3)
    waited = limiter.acquire()
    assert 0.25 <= time.monotonic() - start < 1.5 and waited >= 0.25


def test_session_limiters_are_per_host_and_endpoint():
    with ArchiveSession(NetworkPolicy(index_per_minute=20, replay_per_minute=300)) as s:
        a = s.limiter("https://web.archive.org/cdx/search/cdx", INDEX)
        assert a is s.limiter("https://WEB.archive.org/web/x", INDEX)
        assert a is not s.limiter("https://web.archive.org/web/x", REPLAY)
        assert a.interval == pytest.approx(3.0)
        assert s.limiter("https://web.archive.org/web/x", REPLAY).interval == pytest.approx(0.2)


def test_user_agent_names_the_tool():
    assert DEFAULT_USER_AGENT.startswith("archivecheck/") and "+http" in DEFAULT_USER_AGENT
    with ArchiveSession(NetworkPolicy(user_agent="custom/1")) as s:
        assert s._session.headers["User-Agent"] == "custom/1"


# -- against the local archive --------------------------------------------------------------------
def fault_requests(archive, match):
    return [r for r in archive.front.requests if match in r.path]


def test_get_does_not_follow_redirects(local_archive):
    url = local_archive.wayback_base + "20150801000000id_/" + capture("inexact_web").url
    with ArchiveSession(FAST) as s:
        resp = s.get(url, endpoint=REPLAY)
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/web/20150722101500id_/" + capture("inexact_web").url)
        resp.close()


def test_read_body_hashes_whole_body(local_archive):
    with ArchiveSession(FAST) as s:
        body = s.read_body(s.get(local_archive.url(ICO.replay_path()), endpoint=REPLAY))
    assert body.complete and body.length == len(ICO.body)
    assert body.sha256 == hashlib.sha256(ICO.body).hexdigest()
    assert body.data == ICO.body and body.head.startswith(b"%PDF-")


def test_size_cap_stops_reading_without_a_checksum(local_archive):
    with ArchiveSession(NetworkPolicy(**{**FAST.__dict__, "max_bytes": 100})) as s:
        body = s.read_body(s.get(local_archive.url(ICO.replay_path()), endpoint=REPLAY))
    assert (body.complete, body.sha256, body.length, body.data) == (False, None, 100, None)
    assert body.head == ICO.body[:100]


@pytest.mark.parametrize("kind, params, error, sent", [
    ("503", {}, NetworkError, 3),
    ("reset", {}, NetworkError, 3),
    ("429", {"retry_after": None}, RateLimited, 3),
    ("captcha", {}, Blocked, 3),
    ("challenge", {}, Blocked, 3),
])
def test_persistent_faults_raise_after_bounded_attempts(local_archive, kind, params, error, sent):
    local_archive.front.inject("fault/503.pdf", kind, times=None, **params)
    url = local_archive.url(capture("fault_503_ukgwa").replay_path())
    with ArchiveSession(FAST) as s, pytest.raises(error) as err:
        s.get(url, endpoint=REPLAY)
    assert len(fault_requests(local_archive, "fault/503.pdf")) == sent
    assert "\n" not in str(err.value)


def test_429_raises_with_retry_after(local_archive):
    local_archive.front.inject("fault/429.pdf", "429", times=None, retry_after=3600)
    with ArchiveSession(FAST) as s, pytest.raises(RateLimited) as err:
        s.get(local_archive.url(capture("fault_429_ukgwa").replay_path()), endpoint=REPLAY)
    assert err.value.retry_after == 3600.0
    assert len(fault_requests(local_archive, "fault/429.pdf")) == 1  # too long to wait: give up at once


def test_5xx_retries_then_answers(local_archive):
    local_archive.front.inject("fault/503.pdf", "503", times=2)
    with ArchiveSession(FAST) as s:
        resp = s.get(local_archive.url(capture("fault_503_ukgwa").replay_path()), endpoint=REPLAY)
        assert resp.status_code == 200
        resp.close()
        assert s.stats["5xx"] == 2 and s.stats[REPLAY] == 3


def test_captured_error_is_an_answer_not_a_failure(local_archive):
    """A 4xx is returned to the caller to judge; only the archive's own 5xx/429/WAF are retried."""
    url = local_archive.url(capture("captured_404_ukgwa").replay_path())
    with ArchiveSession(FAST) as s:
        resp = s.get(url, endpoint=REPLAY)
        assert resp.status_code == 404 and "Memento-Datetime" in resp.headers
        resp.close()
    assert len(local_archive.front.requests) == 1


def test_challenge_page_without_waf_header_is_detected(local_archive):
    body = b"<html><body><div id='challenge-container'></div><script>awsWaf</script></body></html>"
    local_archive.front.inject("fault/captcha.pdf", "status", times=None, status=403, body=body,
                               headers={"Content-Type": "text/html"})
    with ArchiveSession(FAST) as s, pytest.raises(Blocked, match="captcha challenge"):
        s.get(local_archive.url(capture("fault_captcha_ukgwa").replay_path()), endpoint=REPLAY)


def test_plain_403_is_returned(local_archive):
    local_archive.front.inject("fault/captcha.pdf", "status", times=None, status=403, body=b"Forbidden",
                               headers={"Content-Type": "text/plain"})
    with ArchiveSession(FAST) as s:
        resp = s.get(local_archive.url(capture("fault_captcha_ukgwa").replay_path()), endpoint=REPLAY)
        assert resp.status_code == 403
        assert resp.content == b"Forbidden"  # the peeked body is still readable


def test_truncated_body_raises_incomplete(local_archive):
    local_archive.front.inject("fault/truncated.pdf", "truncated", times=None)
    with ArchiveSession(FAST) as s:
        resp = s.get(local_archive.url(capture("fault_truncated_ukgwa").replay_path()), endpoint=REPLAY)
        with pytest.raises(IncompleteBody, match="cut short"):
            s.read_body(resp)


def test_stalled_body_raises_within_timeout(local_archive):
    local_archive.front.inject("fault/slow.pdf", "slow", times=None, interval=0.5, duration=10)
    policy = NetworkPolicy(**{**FAST.__dict__, "timeout": 1.0})
    with ArchiveSession(policy) as s:
        resp = s.get(local_archive.url(capture("fault_slow_ukgwa").replay_path()), endpoint=REPLAY)
        start = time.monotonic()
        with pytest.raises(IncompleteBody, match="stalled"):
            s.read_body(resp)
        assert time.monotonic() - start < 4


def test_slow_headers_time_out_and_retry(local_archive):
    local_archive.front.inject("fault/slow.pdf", "slow", times=1, header_delay=2, interval=0.01, duration=5)
    policy = NetworkPolicy(**{**FAST.__dict__, "timeout": 0.5})
    with ArchiveSession(policy) as s:
        resp = s.get(local_archive.url(capture("fault_slow_ukgwa").replay_path()), endpoint=REPLAY)
        assert s.read_body(resp).sha256 == hashlib.sha256(capture("fault_slow_ukgwa").body).hexdigest()
        assert s.stats["network_errors"] == 1


def test_connection_refused_is_a_network_error():
    policy = NetworkPolicy(**{**FAST.__dict__, "retries": 1})
    with ArchiveSession(policy) as s, pytest.raises(NetworkError, match="after 2 attempts"):
        s.get("http://127.0.0.1:9/ukgwa/2020id_/https://example.org/", endpoint=REPLAY)


def test_a_long_retry_after_stops_requests_to_that_archive_until_it_passes(local_archive):
    """Retry-After beyond max_retry_after: the link is unverifiable at once, and the next request to
    the same archive is not sent at all (the archive asked us to wait), rather than stalling the run."""
    from archivecheck.config import NetworkPolicy
    from archivecheck.errors import RateLimited

    local_archive.front.inject("fault/429.pdf", "429", times=None, retry_after=3600)
    policy = NetworkPolicy(max_retry_after=5, retry_after_default=0.1, backoff=0.01)
    url = local_archive.ukgwa_base + "20210601120000id_/https://example.gov.uk/fault/429.pdf"
    other = local_archive.ukgwa_base + "20220201210413id_/https://ico.org.uk/"
    with ArchiveSession(policy) as session:
        with pytest.raises(RateLimited):
            session.get(url, endpoint=REPLAY)
        local_archive.front.reset_log()
        with pytest.raises(RateLimited) as info:
            session.get(other, endpoint=REPLAY)
    assert info.value.retry_after > 3000
    assert local_archive.front.requests == []
