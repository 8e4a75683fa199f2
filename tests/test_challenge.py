"""#20: when an archive asks "are you human?" — corroborate elsewhere, do not hammer, introduce
ourselves. Network cases go through the local archive's fault-injecting front, which answers like
AWS WAF: 405 + `x-amzn-waf-action: captcha` (with the interstitial page), or 202 + `challenge`.

The two archives share one loopback host in the other tests; here the Wayback Machine is remapped to
`localhost` and UKGWA to `127.0.0.1`, two hosts as in real life, since a cool-down (like a WAF) is
per host and kind of request.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.challenge import ChallengeState
from archivecheck.cli import cli
from archivecheck.config import NetworkPolicy, load_settings
from archivecheck.corroborate import Corroboration, EarlierCheck
from archivecheck.errors import Blocked, ConfigError
from archivecheck.history import History
from archivecheck.http import DEFAULT_USER_AGENT, INDEX, REPLAY, ArchiveSession
from tests.archive.cases import capture, link
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED

REPO = Path(__file__).resolve().parents[1]
LETTER = REPO / "fixtures" / "letters" / "ico-foi-response-IC-252019-Z2Y2.md"
ICO, ICO_WEB = capture("ico_mps_ukgwa"), capture("ico_mps_web")
WAYBACK_SUGGESTION = f"https://web.archive.org/web/{ICO_WEB.timestamp}mp_/{ICO.url}"
FORMS = {"captcha": "405 + x-amzn-waf-action: captcha", "challenge": "202 + x-amzn-waf-action: challenge"}

POLICY = """\
[network]
timeout = 2
connect_timeout = 2
retries = 2
backoff = 0.05
index_per_minute = 100000
replay_per_minute = 100000
challenge_cooldown = {cooldown}
contact = "foi-team@example.gov.uk"
"""


def config_file(tmp_path, cooldown=600, extra="") -> Path:
    path = tmp_path / "challenge.toml"
    path.write_text(POLICY.format(cooldown=cooldown) + extra, encoding="utf-8")
    return path


def two_hosts(archive) -> list[str]:
    return ["--archive", "ukgwa=" + archive.ukgwa_base,
            "--archive", "wayback=" + archive.wayback_base.replace("127.0.0.1", "localhost")]


def invoke(archive, config, command, *args):
    result = CliRunner().invoke(cli, ["--config", str(config), *two_hosts(archive), command, "--no-progress", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ukgwa_requests(archive, endpoint=None):
    return [r for r in archive.front.requests if r.path.startswith("/ukgwa/")
            and (endpoint is None or r.endpoint == endpoint)]


# -- the cool-down, on its own (a fake clock) ------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_cooldown_refuses_then_lets_one_probe_through():
    clock = Clock()
    state = ChallengeState(cooldown=900, clock=clock)
    url = "https://webarchive.nationalarchives.gov.uk/ukgwa/cdx?url=x"
    first = state.gate(url, INDEX)
    first.enter()
    assert first.probe is False
    assert first.strike("captcha (WAF)", allowed=1) is False  # one retry allowed
    assert first.strike("captcha (WAF)", allowed=1) is True  # the second challenge in a row: cool down
    with pytest.raises(Blocked, match="asked for human verification .*nothing is sent to it before"):
        state.gate(url, INDEX).enter()
    state.gate(url, REPLAY).enter()  # another kind of request to the same host: its own state
    state.gate("https://web.archive.org/cdx/search/cdx", INDEX).enter()  # another host
    clock.now += 899
    with pytest.raises(Blocked):
        state.gate(url, INDEX).enter()
    clock.now += 2
    probe = state.gate(url, INDEX)
    probe.enter()
    assert probe.probe is True
    with pytest.raises(Blocked):  # while the probe is out, nobody else goes
        state.gate(url, INDEX).enter()
    assert probe.strike("captcha (WAF)", allowed=3) is True  # a probe challenged: another full cool-down
    clock.now += 600
    with pytest.raises(Blocked):
        state.gate(url, INDEX).enter()
    clock.now += 301
    probe = state.gate(url, INDEX)
    probe.enter()
    assert probe.through("answer") == "answer"  # it got through: the endpoint is open again
    again = state.gate(url, INDEX)
    again.enter()
    assert again.probe is False and state.cooling() == {} and state.refused == 4


def test_a_request_admitted_before_the_challenge_sends_no_more_retries():
    """Workers share the session: one already retrying stops at its next attempt once another's
    challenge has started the cool-down."""
    state = ChallengeState(cooldown=900, clock=Clock())
    url = "https://webarchive.nationalarchives.gov.uk/ukgwa/2022/x"
    first, second = state.gate(url, REPLAY), state.gate(url, REPLAY)
    first.enter()
    second.enter()
    assert second.strike("captcha (WAF)", allowed=1) is False
    assert first.strike("captcha (WAF)", allowed=1) is True  # two in a row, whichever request met them
    with pytest.raises(Blocked):
        second.enter()


def test_cooldown_of_zero_is_off():
    state = ChallengeState(cooldown=0)
    gate = state.gate("https://example.org/x", REPLAY)
    gate.enter()
    assert gate.strike("captcha (WAF)", allowed=0) is False
    state.gate("https://example.org/x", REPLAY).enter()


# -- the session against the front: both forms, on index and on replay -----------------------------
@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("endpoint", [INDEX, REPLAY])
def test_session_cools_down_after_a_challenge(local_archive, form, endpoint):
    front = local_archive.front
    if endpoint == INDEX:
        challenged = local_archive.ukgwa_cdx_url + "?url=" + ICO.url
        same_endpoint = local_archive.ukgwa_cdx_url + "?url=" + capture("html_page_ukgwa").url
        other_endpoint = local_archive.url(ICO.replay_path("id_"))
        front.inject("/ukgwa/cdx", form, times=None)
    else:
        challenged = local_archive.url(ICO.replay_path("id_"))
        same_endpoint = local_archive.url(capture("html_page_ukgwa").replay_path("id_"))
        other_endpoint = local_archive.ukgwa_cdx_url + "?url=" + ICO.url
        front.inject("/ukgwa/2", form, times=None)
    policy = NetworkPolicy(timeout=2, retries=2, backoff=0.05, index_per_minute=1e5, replay_per_minute=1e5,
                           challenge_cooldown=0.6)
    def ours():
        # The front is shared by the session's tests: a slow-fault request another test gave up on
        # can be logged late, so count only the requests this test sends (all under /ukgwa/).
        return [r for r in front.requests if r.path.startswith("/ukgwa/")]

    with ArchiveSession(policy) as s:
        with pytest.raises(Blocked, match="instead of content"):
            s.get(challenged, endpoint=endpoint)
        assert len(ours()) == 3  # the first request and its two spaced retries, no more
        front.reset_log()
        # Inside the cool-down: refused at once, nothing sent, whatever the URL on that endpoint.
        for url in (challenged, same_endpoint):
            with pytest.raises(Blocked, match="asked for human verification"):
                s.get(url, endpoint=endpoint)
        assert ours() == []
        s.get(other_endpoint, endpoint=REPLAY if endpoint == INDEX else INDEX).close()  # the other kind still goes
        assert len(ours()) == 1
        front.reset_log()
        # After it: one request tries again. Still challenged: one request, then a new cool-down.
        time.sleep(0.7)
        with pytest.raises(Blocked, match=r"\(1 attempts\)"):
            s.get(same_endpoint, endpoint=endpoint)
        assert len(ours()) == 1
        with pytest.raises(Blocked, match="asked for human verification"):
            s.get(same_endpoint, endpoint=endpoint)
        assert len(ours()) == 1
        # The challenge lifts: the next probe gets through and the endpoint is open again.
        front.clear_faults()
        time.sleep(0.7)
        s.get(same_endpoint, endpoint=endpoint).close()
        s.get(challenged, endpoint=endpoint).close()
        assert [r.status for r in ours()][1:] == [200, 200]


# -- check and scan of the reference letter: unverifiable + the verified Wayback capture -----------
@pytest.mark.parametrize("form", list(FORMS))
def test_check_corroborates_the_reference_link_in_the_wayback_machine(local_archive, tmp_path, form):
    local_archive.front.inject("/ukgwa/", form, times=None)
    result = invoke(local_archive, config_file(tmp_path), "check", "--format", "json", REFERENCE_LINK_DAMAGED)
    assert result.exit_code == 3, result.output
    rec = json.loads(result.stdout)["results"][0]
    assert rec["url"] == REFERENCE_LINK
    assert rec["status"] == "unverifiable"
    assert rec["suggestion"] == WAYBACK_SUGGESTION
    assert rec["challenged_by"] == "ukgwa"
    assert rec["archive"] is None and rec["memento_url"] is None and rec["sha256"] is None  # not checked
    assert rec["detail"].startswith("The National Archives' UK Government Web Archive asked for human verification,"
                                    " so this link could not be checked. The Internet Archive's Wayback Machine holds"
                                    " the same document, verified: its capture of 2022-03-15 (application/pdf,")
    assert "127.0.0.1" not in result.stdout and "localhost" not in result.stdout
    # The Wayback capture was really fetched (its raw bytes), after UKGWA's challenge.
    web = [r for r in local_archive.front.requests if r.path.startswith("/web/") and r.status == 200]
    assert web and web[-1].path == f"/web/{ICO_WEB.timestamp}id_/{ICO.url}"


def test_text_report_says_what_to_cite(local_archive, tmp_path):
    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    result = invoke(local_archive, config_file(tmp_path), "check", REFERENCE_LINK)
    assert result.exit_code == 3
    assert "? unverifiable" in result.stdout
    assert f"cite instead: {WAYBACK_SUGGESTION}" in result.stdout


def test_scan_of_the_reference_letter_gives_a_sentence_citing_the_wayback_capture(local_archive, tmp_path):
    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    config = config_file(tmp_path)
    result = invoke(local_archive, config, "scan", "--format", "json", str(LETTER))
    assert result.exit_code == 3, result.output
    links = json.loads(result.stdout)["results"]
    ico = [r for r in links if r["url"] == REFERENCE_LINK]
    assert len(ico) == 1
    rec = ico[0]
    assert (rec["status"], rec["suggestion"]) == ("unverifiable", WAYBACK_SUGGESTION)
    assert rec["sentence"] == ("This information is available from the Internet Archive's Wayback Machine"
                               f" (captured 15 March 2022): {WAYBACK_SUGGESTION}")
    local_archive.front.reset_log()
    text = invoke(local_archive, config, "scan", str(LETTER))
    assert text.exit_code == 3
    assert f"send instead: {WAYBACK_SUGGESTION}" in text.stdout
    assert f"sentence: This information is available from the Internet Archive's Wayback Machine" in text.stdout


def test_nothing_to_corroborate_with_stays_plainly_unverifiable(local_archive, tmp_path):
    """Both archives challenged: no suggestion, and the detail says why."""
    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    local_archive.front.inject("/web/", "challenge", times=None)
    result = invoke(local_archive, config_file(tmp_path), "check", "--format", "json", REFERENCE_LINK)
    rec = json.loads(result.stdout)["results"][0]
    assert result.exit_code == 3
    assert rec["suggestion"] is None and rec["status"] == "unverifiable"
    assert "No other archive could confirm the document: wayback could not be checked" in rec["detail"]


@pytest.mark.parametrize("form", list(FORMS))
def test_challenged_index_moves_an_original_url_on_to_the_next_archive(local_archive, tmp_path, form):
    """On the index: UKGWA's nearest capture of this original is a soft 404, so its index is read
    for a better one — and it is challenged; the Wayback Machine's good capture is chosen, saying why."""
    local_archive.front.inject("/ukgwa/cdx", form, times=None)
    local_archive.front.inject("/ukgwa/timemap", form, times=None)
    result = invoke(local_archive, config_file(tmp_path), "check", "--format", "json", link("link_mixed_original").input)
    rec = json.loads(result.stdout)["results"][0]
    assert (rec["status"], rec["archive"]) == ("ok", "wayback"), rec["detail"]
    assert "ukgwa could not be checked" in rec["detail"] and f"{form} (WAF)" in rec["detail"]
    assert len(ukgwa_requests(local_archive, "index")) == 3


# -- watch: a night under a challenge ---------------------------------------------------------------
WATCHED = [link("link_ico_mps").input, link("link_html_page").input, link("link_inexact_ukgwa").input]


def test_a_night_under_a_challenge_changes_no_state_and_leaves_the_archive_alone(local_archive, tmp_path):
    front = local_archive.front
    listfile = tmp_path / "links.txt"
    listfile.write_text("\n".join(WATCHED) + "\n", encoding="utf-8")
    # A short cool-down (4 s) stands for the real 15 minutes, so the next night can come after it.
    db, config = tmp_path / "watch.db", config_file(tmp_path, cooldown=4)

    def night(fmt="json"):
        result = invoke(local_archive, config, "watch", str(listfile), "--db", str(db), "--max-age", "0",
                        "--concurrency", "1", "--format", fmt)
        assert result.exit_code in (0, 3), result.output
        return result

    first = json.loads(night().stdout)
    assert [r["status"] for r in first["results"]] == ["ok", "ok", "ok"]

    front.reset_log()
    front.inject("/ukgwa/", "captcha", times=None)
    text = night("text").stdout
    assert "3 links could not be checked: the archive asked for human verification." in text
    with History.open(db) as history:
        run = history.runs()[-1]
        tonight = history.results_of_run(run.id)
    assert [r.status for r in tonight] == ["unverifiable"] * 3
    assert run.summary["challenged"] == 3 and run.summary["changes"]["unverifiable"] == 3
    good = tonight[0].record
    assert good["suggestion"] == f"https://web.archive.org/web/{ICO_WEB.timestamp}/{ICO.url}"
    # The history verified the cited capture last night, and the Wayback copy has its very bytes.
    assert f"The watch history on {first['results'][0]['checked_at'][:10]} verified the cited capture itself;" \
           f" this copy has the same bytes (SHA-256 {hashlib.sha256(ICO.body).hexdigest()[:16]}" in good["detail"]
    # No hammering: the first link's request and its retries, then nothing to UKGWA's replay.
    log = front.requests
    to_ukgwa = ukgwa_requests(local_archive)
    assert len(to_ukgwa) == 3 and all(r.status == 405 for r in to_ukgwa)
    first_elsewhere = next(i for i, r in enumerate(log) if r.path.startswith("/web/"))
    assert all(not r.path.startswith("/ukgwa/") for r in log[first_elsewhere:])

    # The next night (after the cool-down) the archive answers: one request tries, gets through, and
    # the rest follow; ok against ok, nothing "recovered", nothing "broke".
    front.clear_faults()
    time.sleep(max(0.0, to_ukgwa[-1].at + 4.2 - time.time()))
    front.reset_log()
    third = json.loads(night().stdout)
    assert [(r["status"], r["change"], r["previous_status"]) for r in third["results"]] == [("ok", "ok", "ok")] * 3
    assert [r.status for r in ukgwa_requests(local_archive)] == [200, 200, 200]


# -- asking to be let in: the User-Agent and per-archive headers ------------------------------------
def test_contact_goes_into_the_user_agent_the_archive_receives(local_archive, tmp_path):
    result = invoke(local_archive, config_file(tmp_path), "check", "--format", "json", REFERENCE_LINK)
    assert result.exit_code == 0, result.output
    agents = {r.headers.get("User-Agent") for r in local_archive.front.requests}
    assert agents == {DEFAULT_USER_AGENT[:-1] + "; contact: foi-team@example.gov.uk)"}
    assert agents.pop().startswith("archivecheck/")


def test_archive_headers_go_to_that_archive_only_and_are_never_printed(local_archive, tmp_path):
    token = "s3cret-allow-list-token-4711"
    config = config_file(tmp_path, extra=f'\n[archives.ukgwa]\nheaders = {{ X-Allow-List = "{token}" }}\n')
    local_archive.front.inject("/ukgwa/", "captcha", times=None)  # and the messages about it
    result = CliRunner().invoke(cli, ["--config", str(config), *two_hosts(local_archive), "check", "-vv",
                                      "--no-progress", "--format", "json", REFERENCE_LINK])
    assert result.exit_code == 3
    sent = {r.path.split("/")[1]: r.headers.get("X-Allow-List") for r in local_archive.front.requests}
    assert sent == {"ukgwa": token, "web": None}
    assert token not in result.stdout and token not in result.stderr
    settings = load_settings(str(config), two_hosts(local_archive)[1::2])
    assert token not in repr(settings)


@pytest.mark.parametrize("table, message", [
    ('[network]\ncontact = "a (b)"', r"\[network\].contact must be printable ASCII"),
    ('[network]\ncontact = 3', r"\[network\].contact must be a non-empty string"),
    ('[network]\nchallenge_cooldown = -1', r"challenge_cooldown must be a non-negative number"),
    ('[archives.ukgwa]\nheaders = { "Bad Name" = "x" }', "is not a header name"),
    ('[archives.ukgwa]\nheaders = { Host = "x" }', "is not a header name"),
    ('[archives.ukgwa]\nheaders = { X-Token = "line\\nbreak-secret" }', r"X-Token must be a string of printable ASCII"),
])
def test_bad_settings_are_refused_without_showing_values(tmp_path, table, message):
    path = tmp_path / "bad.toml"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(str(path))
    assert "secret" not in str(err.value)


# -- what the detail says about an earlier verification --------------------------------------------
def _corroboration(found_sha, earlier_sha):
    from archivecheck.answers import Answer
    from archivecheck.verify import Verdict, Verification

    registry = load_settings().registry
    cited = Verification(Verdict.UNVERIFIABLE, "blocked", registry.get("ukgwa"), ICO.url, ICO.timestamp,
                         answer=Answer.CHALLENGED)
    found = Verification(Verdict.GOOD, "retrieved", registry.get("wayback"), ICO.url, ICO.timestamp,
                         served_timestamp=ICO_WEB.timestamp, content_type="application/pdf", content_length=10,
                         sha256=found_sha)
    return Corroboration(cited, found, "", EarlierCheck("2026-11-30T01:00:00Z", earlier_sha, "the watch history"))


def test_detail_says_when_the_bytes_elsewhere_differ_from_the_earlier_verification():
    same = _corroboration("a" * 64, "a" * 64).detail()
    assert "The watch history on 2026-11-30 verified the cited capture itself; this copy has the same bytes" in same
    differ = _corroboration("b" * 64, "a" * 64).detail()
    assert "this copy's bytes differ" in differ and "another version" in differ
    assert _corroboration("b" * 64, None).detail().endswith("its bytes could not be compared with this copy.")
    assert EarlierCheck.from_record({"status": "unverifiable", "checked_at": "x"}, "w") is None


def test_an_evidence_pack_keeps_the_exchange_but_not_the_configured_token(local_archive, tmp_path):
    import gzip
    import zipfile

    token = "s3cret-allow-list-token-4711"
    config = config_file(tmp_path, extra=f'\n[archives.ukgwa]\nheaders = {{ X-Allow-List = "{token}" }}\n')
    evidence = tmp_path / "evidence"
    result = invoke(local_archive, config, "check", "--format", "json", "--evidence", str(evidence), REFERENCE_LINK)
    assert result.exit_code == 0, result.output
    assert {r.headers.get("X-Allow-List") for r in local_archive.front.requests} == {token}  # sent, on the wire
    packs = list(evidence.rglob("*.wacz"))
    assert packs
    for pack in packs:
        with zipfile.ZipFile(pack) as wacz:
            for name in wacz.namelist():
                data = wacz.read(name)
                if name.endswith(".gz"):
                    data = gzip.decompress(data)
                assert token.encode() not in data, name
                if name.endswith((".warc", ".warc.gz")):
                    assert b"X-Allow-List: [withheld: a header from the config file]" in data


def test_the_cooldown_holds_for_every_process_on_the_machine(local_archive, tmp_path):
    """Through #21's budget file: once one process has met the challenge, a caseworker's `check`
    started meanwhile (another process) sends UKGWA nothing, and still corroborates elsewhere."""
    import os
    import subprocess
    import sys

    local_archive.front.inject("/ukgwa/", "captcha", times=None)
    config = config_file(tmp_path)
    first = invoke(local_archive, config, "check", "--format", "json", REFERENCE_LINK)
    assert first.exit_code == 3 and len(ukgwa_requests(local_archive)) == 3
    local_archive.front.reset_log()
    done = subprocess.run([sys.executable, "-m", "archivecheck", "--config", str(config), *two_hosts(local_archive),
                           "check", "--no-progress", "--format", "json", REFERENCE_LINK],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=str(REPO))
    assert done.returncode == 3, done.stderr
    rec = json.loads(done.stdout)["results"][0]
    assert ukgwa_requests(local_archive) == []  # nothing sent: the other process's cool-down holds
    assert rec["challenged_by"] == "ukgwa" and rec["suggestion"] == WAYBACK_SUGGESTION
