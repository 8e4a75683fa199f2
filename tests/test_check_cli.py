"""`archivecheck check` end to end against the real local archive (pywb + fault-injecting front).

Every test remaps the archives to loopback and passes a fast network policy with --config, so no
test touches the real archives. Exit codes and record fields are asserted exactly.

The fault matrix (fault x archive -> status, exit code, requests to the front) is written to
bench/out/fault_matrix.md and printed at the end of the module (see it with -s).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.report import CONTRACT_FIELDS
from tests.archive.cases import BODIES, capture, link
from tests.conftest import FAST_NETWORK_POLICY as FAST_POLICY
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED

REPO = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = Path(sys.executable).parent / "archivecheck"


ICO = capture("ico_mps_ukgwa")
ICO_PDF = (BODIES / "ico-mps-executive-summary.pdf").read_bytes()
ICO_TITLE = "Metropolitan Police Service \u2013 ICO data protection audit executive summary"
# The seed link after repair, and as it appears in the letter (markdown escapes, a space in the
# timestamp, hyphens lost at line ends).
SEED_REPAIRED = REFERENCE_LINK
SEED_DAMAGED = REFERENCE_LINK_DAMAGED


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def config(fast_config) -> Path:
    return fast_config


def run(archive, *args, config, before=True, remap=True, input=None, env=None):
    """Invoke the CLI in-process; --config/--archive go before the command name unless before=False."""
    remaps = archive.cli_args() if remap else []
    glob = ["--config", str(config)] + remaps
    argv = (glob + ["check", "--no-progress", *args]) if before else (["check", "--no-progress", *args] + glob)
    result = CliRunner().invoke(cli, argv, input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def records(result) -> list[dict]:
    doc = json.loads(result.stdout)
    assert set(doc) == {"results", "summary"}
    for rec in doc["results"]:
        assert list(rec)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    return doc["results"]


def one(result) -> dict:
    recs = records(result)
    assert len(recs) == 1
    return recs[0]


# -- the seed link ------------------------------------------------------------------------
def test_repaired_seed_link_is_ok_with_public_urls_only(local_archive, config):
    result = run(local_archive, "--format", "json", SEED_REPAIRED, config=config)
    assert result.exit_code == 0, result.output
    rec = one(result)
    assert rec["status"] == "ok"
    assert rec["kind"] == "memento"
    assert rec["archive"] == "ukgwa"
    assert rec["repairs"] == []
    assert rec["input"] == SEED_REPAIRED
    assert rec["url"] == SEED_REPAIRED
    assert rec["original_url"] == ICO.url
    assert rec["memento_url"] == SEED_REPAIRED
    assert rec["memento_datetime"] == "2022-02-01T21:04:13Z"
    assert rec["http_status"] == 200
    assert rec["content_type"] == "application/pdf"
    assert rec["content_length"] == len(ICO_PDF)
    assert rec["sha256"] == sha256(ICO_PDF)
    assert rec["title"] == ICO_TITLE
    assert rec["suggestion"] is None
    assert "127.0.0.1" not in result.stdout
    summary = json.loads(result.stdout)["summary"]
    assert (summary["total"], summary["ok"], summary["exit_code"]) == (1, 1, 0)
    # and the tool really went to the local archive, raw (id_)
    assert any(r.path.startswith("/ukgwa/20220201210413id_/") for r in local_archive.front.requests)


def test_damaged_seed_link_is_repaired_and_ok(local_archive, config):
    result = run(local_archive, "--format", "json", SEED_DAMAGED, config=config)
    assert result.exit_code == 0, result.output
    rec = one(result)
    assert rec["status"] == "ok"
    assert rec["input"] == SEED_DAMAGED
    assert rec["url"] == SEED_REPAIRED
    assert "timestamp-space" in rec["repairs"] and "hyphen-restored" in rec["repairs"]
    assert rec["memento_datetime"] == "2022-02-01T21:04:13Z"
    assert rec["sha256"] == sha256(ICO_PDF)
    assert "127.0.0.1" not in result.stdout


def test_env_var_remap(local_archive, config):
    result = run(local_archive, "--format", "json", SEED_REPAIRED, config=config, remap=False,
                 env=local_archive.env())
    assert result.exit_code == 0, result.output
    rec = one(result)
    assert (rec["status"], rec["memento_datetime"], rec["sha256"]) == ("ok", "2022-02-01T21:04:13Z", sha256(ICO_PDF))
    assert "127.0.0.1" not in result.stdout
    assert local_archive.front.counts["replay"] >= 1


@pytest.mark.parametrize("before", [True, False], ids=["before-command", "after-command"])
def test_archive_option_either_side_of_command(local_archive, config, before):
    result = run(local_archive, "--format", "json", SEED_REPAIRED, config=config, before=before)
    assert result.exit_code == 0, result.output
    assert one(result)["status"] == "ok"
    assert local_archive.front.counts["replay"] >= 1


def test_without_remap_nothing_reaches_the_local_archive(local_archive, tmp_path):
    """The remap really is what sends requests to loopback: without it the public host is asked
    (unreachable here), so the link is unverifiable and the local front sees nothing."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(FAST_POLICY.replace("retries = 2", "retries = 0"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "check", "--no-progress", "--format", "json",
                                      "--archive", "wayback=http://127.0.0.1:9/web/", SEED_REPAIRED.replace(
                                          "https://webarchive.nationalarchives.gov.uk/ukgwa/", "https://web.archive.org/web/")],
                                 env={"ARCHIVECHECK_ARCHIVE_UKGWA": None, "ARCHIVECHECK_ARCHIVE_WAYBACK": None})
    assert result.exit_code == 3, result.output
    assert one(result)["status"] == "unverifiable"
    assert local_archive.front.requests == []


# -- fault matrix -----------------------------------------------------------------------------------
FAULTS = {
    # name: (capture id stem, front kind, params)
    "429": ("fault_429", "429", {"retry_after": 1}),
    "429 no Retry-After": ("fault_429_no_retry_after", "429", {"retry_after": None}),
    "503": ("fault_503", "503", {}),
    "reset": ("fault_reset", "reset", {}),
    "slow body": ("fault_slow", "slow", {"interval": 0.5, "duration": 8}),
    "truncated": ("fault_truncated", "truncated", {}),
    "captcha (405 WAF)": ("fault_captcha", "captcha", {}),
    "challenge (202 WAF)": ("fault_challenge", "challenge", {}),
}
MATRIX: list[tuple[str, str, str, str, int, int]] = []


@pytest.fixture(scope="module", autouse=True)
def _write_fault_matrix():
    yield
    if not MATRIX:
        return
    lines = ["| fault | archive | times | status | exit | requests to front |", "|---|---|---|---|---|---|"]
    for fault, archive, times, status, code, n in sorted(MATRIX):
        lines.append(f"| {fault} | {archive} | {times} | {status} | {code} | {n} |")
    text = "\n".join(lines) + "\n"
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "fault_matrix.md").write_text(text, encoding="utf-8")
    print("\n" + text)


@pytest.mark.parametrize("collection", ["ukgwa", "web"])
@pytest.mark.parametrize("times", [None, 1, 2], ids=["persists", "clears-after-1", "clears-after-2"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_matrix(local_archive, config, fault, times, collection):
    stem, kind, params = FAULTS[fault]
    cap = capture(f"{stem}_{'ukgwa' if collection == 'ukgwa' else 'web'}")
    match = cap.url.split("example.gov.uk/", 1)[1]  # "fault/429.pdf"
    local_archive.front.inject(match, kind, times=times, **params)
    local_archive.front.reset_log()
    result = run(local_archive, "--format", "json", cap.public_url(), config=config)
    rec = one(result)
    # Requests to the cited archive; (#20) a link it could not answer is then looked up in the other
    # archive (corroboration), which the fault hits too: each archive's share is bounded alike.
    prefix = "/ukgwa/" if collection == "ukgwa" else "/web/"
    sent = [r for r in local_archive.front.requests if match in r.path and r.path.startswith(prefix)]
    elsewhere = [r for r in local_archive.front.requests if match in r.path and not r.path.startswith(prefix)]
    MATRIX.append((fault, cap.archive, "always" if times is None else f"{times}x", rec["status"],
                   result.exit_code, len(sent)))
    assert "127.0.0.1" not in result.stdout
    if times is None:
        assert (rec["status"], result.exit_code) == ("unverifiable", 3), rec["detail"]
        assert rec["suggestion"] is None
        assert rec["memento_datetime"] is None and rec["sha256"] is None
        assert rec["archive"] is None  # nothing was verified
    else:
        assert (rec["status"], result.exit_code) == ("ok", 0), rec["detail"]
        assert rec["sha256"] == sha256(cap.body)
        assert rec["memento_datetime"] == cap.iso
        assert len(sent) == times + 1
    # Never hammer: a persistent fault costs a bounded number of requests, in each archive.
    assert 1 <= len(sent) <= 4
    # (the other archive is asked at the cited capture's date: each attempt may take a redirect to its nearest)
    assert len([r for r in elsewhere if r.status != 302]) <= 4 and (times is None or not elsewhere)


def test_429_retry_after_is_waited_out(local_archive, config):
    cap = capture("fault_429_ukgwa")
    local_archive.front.inject("fault/429.pdf", "429", times=1, retry_after=1)
    result = run(local_archive, "--format", "json", cap.public_url(), config=config)
    assert one(result)["status"] == "ok"
    hits = [r for r in local_archive.front.requests if "fault/429.pdf" in r.path]
    assert [r.status for r in hits] == [429, 200]
    assert hits[1].at - hits[0].at >= 0.9  # Retry-After: 1 honoured


def test_429_without_retry_after_uses_default(local_archive, config):
    cap = capture("fault_429_no_retry_after_web")
    local_archive.front.inject("fault/429-no-retry-after.pdf", "429", times=1, retry_after=None)
    result = run(local_archive, "--format", "json", cap.public_url(), config=config)
    assert one(result)["status"] == "ok"
    hits = [r for r in local_archive.front.requests if "fault/429-no-retry-after.pdf" in r.path]
    assert [r.status for r in hits] == [429, 200]
    assert 0.15 <= hits[1].at - hits[0].at < 5  # retry_after_default = 0.2, not the real 60


def test_long_retry_after_is_not_waited_out(local_archive, config):
    cap = capture("fault_429_ukgwa")
    local_archive.front.inject("fault/429.pdf", "429", times=None, retry_after=3600)
    result = run(local_archive, "--format", "json", cap.public_url(), config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("unverifiable", 3)
    assert "429" in rec["detail"]
    assert len([r for r in local_archive.front.requests if "fault/429.pdf" in r.path]) == 1


def test_index_fault_on_original_url_is_unverifiable_not_not_archived(local_archive, config):
    """The mixed original's latest ukgwa capture is a soft-404, so the index must be read; when the
    index keeps failing and wayback is not asked, the answer is unverifiable."""
    local_archive.front.inject("/ukgwa/cdx", "503", times=None)
    result = run(local_archive, "--format", "json", "--prefer", "ukgwa", link("link_mixed_original").input,
                 config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("unverifiable", 3), rec["detail"]


# -- soft 404s and broken memento links -------------------------------------------------------------
@pytest.mark.parametrize("case", ["captured_404_ukgwa", "captured_404_web", "redirect_pdf_ukgwa",
                                  "redirect_pdf_web", "soft404_pdf_ukgwa", "soft404_pdf_web"])
def test_broken_captures(local_archive, config, case):
    cap = capture(case)
    result = run(local_archive, "--format", "json", cap.public_url(), config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("broken", 1), rec["detail"]
    assert rec["archive"] == cap.archive
    assert rec["memento_url"] is None
    assert rec["suggestion"] is None  # no good capture of these anywhere
    assert "127.0.0.1" not in result.stdout


def test_captured_404_reports_the_captured_status(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_captured_404").input, config=config)
    rec = one(result)
    assert rec["status"] == "broken"
    assert rec["http_status"] == 404
    assert rec["memento_datetime"] == "2019-07-04T12:00:00Z"


def test_soft404_pdf_says_html_was_captured(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_soft404_pdf").input, config=config)
    rec = one(result)
    assert rec["status"] == "broken"
    assert rec["http_status"] == 200 and rec["content_type"] == "text/html"
    assert "HTML page" in rec["detail"]


def test_redirect_to_not_found_page_is_broken(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_redirect_pdf").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("broken", 1)
    assert "redirect" in rec["detail"]
    assert "127.0.0.1" not in result.stdout


def test_broken_link_suggests_the_good_capture_in_public_form(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_mixed_2023").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("broken", 1)
    assert rec["suggestion"] == capture("mixed_2021").public_url()
    assert "127.0.0.1" not in result.stdout


def test_broken_id_link_suggestion_keeps_its_modifier(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_mixed_2020").input, config=config)
    rec = one(result)
    assert (rec["status"], rec["http_status"]) == ("broken", 404)
    assert rec["suggestion"] == capture("mixed_2021").public_url("id_")


def test_never_archived_memento_is_broken(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_never_archived_memento").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("broken", 1)
    assert rec["suggestion"] is None


# -- inexact timestamps --------------------------------------------------------------------------
def test_inexact_timestamp_ukgwa_serves_nearest(local_archive, config):
    cap = capture("inexact_ukgwa")
    result = run(local_archive, "--format", "json", link("link_inexact_ukgwa").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("ok", 0)
    assert rec["memento_datetime"] == cap.iso == "2015-07-20T14:30:00Z"
    assert rec["memento_url"] == cap.public_url()
    assert rec["url"] == link("link_inexact_ukgwa").input  # the link itself is not rewritten
    assert "20150720143000" in rec["detail"] and "nearest" in rec["detail"]
    assert rec["sha256"] == sha256(cap.body)


def test_inexact_timestamp_wayback_redirects_to_nearest(local_archive, config):
    cap = capture("inexact_web")
    result = run(local_archive, "--format", "json", link("link_inexact_web").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("ok", 0)
    assert rec["memento_datetime"] == "2015-07-22T10:15:00Z"
    assert rec["memento_url"] == cap.public_url()
    assert rec["sha256"] == sha256(cap.body)
    assert "127.0.0.1" not in result.stdout
    assert [r.status for r in local_archive.front.requests if "annual-report-2014-15" in r.path] == [302, 200]


# -- original URLs ----------------------------------------------------------------------------------
MIXED = link("link_mixed_original").input


def test_original_default_picks_latest_good_ukgwa(local_archive, config):
    cap = capture("mixed_2021")
    result = run(local_archive, "--format", "json", MIXED, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("ok", 0)
    assert rec["kind"] == "original"
    assert rec["archive"] == "ukgwa"
    assert rec["memento_datetime"] == "2021-03-15T12:00:00Z"
    assert rec["memento_url"] == cap.public_url()
    assert rec["sha256"] == sha256(cap.body)
    assert rec["url"] == MIXED and rec["original_url"] == MIXED


def test_original_at_date_picks_nearest_good(local_archive, config):
    cap = capture("mixed_2019")
    result = run(local_archive, "--format", "json", "--at", "2019-06-01", MIXED, config=config)
    rec = one(result)
    assert (rec["status"], rec["archive"], rec["memento_datetime"]) == ("ok", "ukgwa", "2019-03-15T12:00:00Z")
    assert rec["sha256"] == sha256(cap.body)


def test_original_prefer_wayback(local_archive, config):
    cap = capture("mixed_web_2019")
    result = run(local_archive, "--format", "json", "--prefer", "wayback,ukgwa", MIXED, config=config)
    rec = one(result)
    assert (rec["status"], rec["archive"], rec["memento_datetime"]) == ("ok", "wayback", "2019-04-01T00:00:00Z")
    assert rec["memento_url"] == cap.public_url()
    assert "127.0.0.1" not in result.stdout


def test_original_ukgwa_wins_over_wayback(local_archive, config):
    result = run(local_archive, "--format", "json", link("link_ico_mps_original").input, config=config)
    rec = one(result)
    assert (rec["status"], rec["archive"], rec["memento_datetime"]) == ("ok", "ukgwa", "2022-02-01T21:04:13Z")
    assert rec["memento_url"] == ICO.public_url()


def test_original_falls_back_to_wayback(local_archive, config):
    cap = capture("web_only_pdf")
    result = run(local_archive, "--format", "json", link("link_web_only_original").input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("ok", 0)
    assert rec["archive"] == "wayback"
    assert rec["memento_datetime"] == cap.iso
    assert rec["memento_url"] == cap.public_url()
    assert rec["sha256"] == sha256(cap.body)


@pytest.mark.parametrize("link_id", ["link_never_archived", "link_captured_404_original", "link_soft404_original"])
def test_original_not_archived(local_archive, config, link_id):
    result = run(local_archive, "--format", "json", link(link_id).input, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("not_archived", 1), rec["detail"]
    assert rec["archive"] is None and rec["memento_url"] is None and rec["memento_datetime"] is None
    assert "127.0.0.1" not in result.stdout


# -- formats and output --------------------------------------------------------------------------
MIX = [SEED_REPAIRED, link("link_captured_404").input, capture("fault_503_ukgwa").public_url()]


def _inject_persistent_503(archive):
    archive.front.inject("fault/503.pdf", "503", times=None)


def test_json_stays_valid_when_links_fail(local_archive, config):
    _inject_persistent_503(local_archive)
    result = run(local_archive, "--format", "json", *MIX, config=config)
    assert result.exit_code == 1  # broken beats unverifiable
    recs = records(result)
    assert [r["status"] for r in recs] == ["ok", "broken", "unverifiable"]
    assert [r["input"] for r in recs] == MIX
    summary = json.loads(result.stdout)["summary"]
    assert {k: summary[k] for k in ("total", "ok", "broken", "not_archived", "unverifiable", "exit_code")} == \
        {"total": 3, "ok": 1, "broken": 1, "not_archived": 0, "unverifiable": 1, "exit_code": 1}


def test_jsonl_one_record_a_line(local_archive, config):
    _inject_persistent_503(local_archive)
    result = run(local_archive, "--format", "jsonl", *MIX, config=config)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert [json.loads(line)["status"] for line in lines] == ["ok", "broken", "unverifiable"]


def test_csv_header_and_rows(local_archive, config):
    result = run(local_archive, "--format", "csv", SEED_DAMAGED, link("link_captured_404").input, config=config)
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CONTRACT_FIELDS
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1]))
    assert first["status"] == "ok" and first["sha256"] == sha256(ICO_PDF)
    assert first["input"] == SEED_DAMAGED
    assert "timestamp-space" in first["repairs"].split(";")
    second = dict(zip(rows[0], rows[2]))
    assert (second["status"], second["suggestion"], second["memento_url"]) == ("broken", "", "")


def test_text_line_per_link(local_archive, config):
    _inject_persistent_503(local_archive)
    result = run(local_archive, *MIX, config=config)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"\u2713 ok{' ' * 12}{SEED_REPAIRED}  (captured 2022-02-01)"
    status_lines = [ln for ln in lines if ln and not ln.startswith(" ")]
    assert [ln.split("  ")[0].strip() for ln in status_lines[:3]] == ["\u2713 ok", "\u2717 broken", "? unverifiable"]
    assert lines[-1] == "3 links: 1 ok, 1 broken, 0 not archived, 1 unverifiable"
    assert "127.0.0.1" not in result.stdout


def test_output_file_and_nothing_on_stdout(local_archive, config, tmp_path):
    out = tmp_path / "report.json"
    result = run(local_archive, "--format", "json", "--output", str(out), SEED_REPAIRED, config=config)
    assert result.exit_code == 0
    assert result.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["results"][0]["status"] == "ok"
    assert "127.0.0.1" not in out.read_text(encoding="utf-8")


def test_exit_3_when_only_unverifiable(local_archive, config):
    _inject_persistent_503(local_archive)
    result = run(local_archive, "--format", "json", SEED_REPAIRED, capture("fault_503_ukgwa").public_url(),
                 config=config)
    assert result.exit_code == 3
    assert [r["status"] for r in records(result)] == ["ok", "unverifiable"]


# -- input ------------------------------------------------------------------------------------------
def test_from_file_skips_comments_and_blank_lines(local_archive, config, tmp_path):
    listing = tmp_path / "links.txt"
    listing.write_text(f"# links from the letter\n\n{SEED_REPAIRED}\n   \n  # indented comment\n"
                       f"{link('link_inexact_web').input}\n", encoding="utf-8")
    result = run(local_archive, "--format", "json", "--from", str(listing), config=config)
    assert result.exit_code == 0, result.output
    assert [r["input"] for r in records(result)] == [SEED_REPAIRED, link("link_inexact_web").input]


def test_stdin_dash(local_archive, config):
    result = run(local_archive, "--format", "json", "-", config=config,
                 input=f"{SEED_REPAIRED}\n# comment\n\n{MIXED}\n")
    assert result.exit_code == 0, result.output
    assert [r["input"] for r in records(result)] == [SEED_REPAIRED, MIXED]


def test_from_dash_reads_stdin(local_archive, config):
    result = run(local_archive, "--format", "jsonl", "--from", "-", config=config, input=SEED_REPAIRED + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "ok"


def test_repeated_link_checked_once(local_archive, config):
    result = run(local_archive, "--format", "json", SEED_REPAIRED, SEED_REPAIRED, config=config)
    assert [r["status"] for r in records(result)] == ["ok", "ok"]
    assert local_archive.front.counts == {"index": 0, "replay": 1}


# -- bad input: the installed console script, exit 2, one line on stderr, no traceback -------------
def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    binary = tmp / "binary.bin"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    bad_toml = tmp / "bad.toml"
    bad_toml.write_text("[network\ntimeout = ", encoding="utf-8")
    unknown_key = tmp / "unknown.toml"
    unknown_key.write_text("[network]\ntimeuot = 3\n", encoding="utf-8")
    url = SEED_REPAIRED
    return {
        "no urls": ["check"],
        "not a url": ["check", "not a url at all"],
        "missing --from": ["check", "--from", str(tmp / "missing.txt")],
        "binary --from": ["check", "--from", str(binary)],
        "--archive without =": ["--archive", "ukgwa", "check", url],
        "--archive not http": ["--archive", "ukgwa=ftp://127.0.0.1/ukgwa/", "check", url],
        "--archive unknown name": ["--archive", "nosuch=http://127.0.0.1:9/x/", "check", url],
        "--archive after command, bad": ["check", url, "--archive", "ukgwa"],
        "--config missing": ["--config", str(tmp / "missing.toml"), "check", url],
        "--config invalid toml": ["--config", str(bad_toml), "check", url],
        "--config unknown key": ["--config", str(unknown_key), "check", url],
        "--at bad": ["check", "--at", "yesterday", url],
        "--at bad month": ["check", "--at", "2022-13-01", url],
        "--prefer unknown": ["check", "--prefer", "ukgwa,nosuch", url],
        "--format unknown": ["check", "--format", "xml", url],
        "env remap not http": ["check", url],
    }


def test_bad_input_exits_2_with_one_line(tmp_path):
    cases = _bad_inputs(tmp_path)
    failures = []
    for name, argv in cases.items():
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        if name == "env remap not http":
            env["ARCHIVECHECK_ARCHIVE_UKGWA"] = "not-a-url"
        proc = subprocess.run([str(CONSOLE_SCRIPT), *argv], capture_output=True, text=True, env=env,
                              timeout=60, stdin=subprocess.DEVNULL)
        lines = proc.stderr.splitlines()
        ok = (proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("archivecheck: error: ")
              and "Traceback" not in proc.stderr and proc.stdout == "")
        if not ok:
            failures.append(f"{name}: rc={proc.returncode} stdout={proc.stdout!r} stderr={proc.stderr!r}")
    assert not failures, "\n".join(failures)


# -- size cap, TimeGate-form links ---------------------------------------------------------------
def test_size_cap_gives_a_clean_result_without_sha256(local_archive, tmp_path):
    cfg = tmp_path / "capped.toml"
    cfg.write_text(FAST_POLICY + "max_bytes = 100\n", encoding="utf-8")
    result = run(local_archive, "--format", "json", SEED_REPAIRED, config=cfg)
    assert result.exit_code == 0, result.output
    rec = one(result)
    assert rec["status"] == "ok"
    assert rec["sha256"] is None
    assert rec["content_type"] == "application/pdf"
    assert rec["content_length"] == len(ICO_PDF)  # from Content-Length, not the 100 bytes read
    assert rec["title"] is None
    assert "100-byte cap" in rec["detail"]


def test_timegate_form_link_checks_the_latest_and_prints_public(local_archive, config):
    url = "https://web.archive.org/web/" + ICO.url
    result = run(local_archive, "--format", "json", url, config=config)
    rec = one(result)
    assert (rec["status"], result.exit_code) == ("ok", 0)
    assert rec["url"] == url
    assert rec["memento_url"] == capture("ico_mps_web").public_url()
    assert rec["memento_datetime"] == capture("ico_mps_web").iso
    assert "127.0.0.1" not in result.stdout


def test_legacy_ukgwa_form_is_recognised_and_printed_in_current_public_form(local_archive, config):
    legacy = SEED_REPAIRED.replace("https://webarchive.nationalarchives.gov.uk/ukgwa/",
                                   "http://webarchive.nationalarchives.gov.uk/")
    result = run(local_archive, "--format", "json", legacy, config=config)
    assert result.exit_code == 0
    rec = one(result)
    assert rec["input"] == legacy
    assert rec["url"] == SEED_REPAIRED
    assert rec["repairs"] == ["archive-form"]
    assert rec["status"] == "ok"


def test_a_configured_memento_only_archive_is_resolved_through_its_timemap(local_archive, tmp_path):
    """An archive declared with dialect "memento" has no CDX: its TimeMap lists the captures, and
    the newest good one is verified (the newest capture of this URL is a soft 404)."""
    cfg = tmp_path / "memento.toml"
    cfg.write_text('prefer = ["other"]\n' + FAST_POLICY
                   + f'\n[archives.other]\nbase = "{local_archive.ukgwa_base}"\n'
                   + 'public_base = "https://archive.example.org/coll/"\ndialect = "memento"\nlabel = "Other"\n',
                   encoding="utf-8")
    mixed = capture("mixed_2021")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "check", "--no-progress", "--format", "json", mixed.url])
    assert result.exit_code == 0, result.output
    rec = one(result)
    assert (rec["status"], rec["archive"], rec["memento_datetime"]) == ("ok", "other", mixed.iso)
    assert rec["memento_url"] == f"https://archive.example.org/coll/{mixed.timestamp}/{mixed.url}"
    paths = [r.path.split("?")[0] for r in local_archive.front.requests]
    assert any("/timemap/link/" in p for p in paths) and not any(p.endswith("/cdx") for p in paths)
