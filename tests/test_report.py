"""Renderers and exit codes (archivecheck/report.py). Pure functions over Result records."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from archivecheck.models import Kind, Result, Status
from archivecheck.report import CONTRACT_FIELDS, exit_code, render, summarise

LINK = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://ico.org.uk/a.pdf"
OK = Result(
    input="https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121041 3/https://ico.org.uk/a.pdf",
    url=LINK, repairs=("timestamp-space",), kind=Kind.MEMENTO, original_url="https://ico.org.uk/a.pdf",
    archive="ukgwa", memento_url=LINK, memento_datetime="2022-02-01T21:04:13Z", status=Status.OK,
    http_status=200, content_type="application/pdf", content_length=1061, sha256="ab" * 32,
    title="A | title", suggestion=None, checked_at="2026-01-01T00:00:00Z", detail="Retrieved the capture.",
)
BROKEN = replace(OK, input=LINK, repairs=(), status=Status.BROKEN, memento_url=None, http_status=404,
                 content_type="text/html", content_length=None, sha256=None, title=None,
                 suggestion=LINK.replace("20220201210413", "20210101000000"), detail="Captured 404.")
NOT_ARCHIVED = replace(OK, input="https://ico.org.uk/b.pdf", url="https://ico.org.uk/b.pdf", repairs=(),
                       kind=Kind.ORIGINAL, original_url="https://ico.org.uk/b.pdf", archive=None, memento_url=None,
                       memento_datetime=None, status=Status.NOT_ARCHIVED, http_status=None, content_type=None,
                       content_length=None, sha256=None, title=None, detail="No usable capture.")
UNVERIFIABLE = replace(NOT_ARCHIVED, status=Status.UNVERIFIABLE, archive="ukgwa", detail="Could not verify.")


@pytest.mark.parametrize("statuses, code", [
    ([], 0), ([OK], 0), ([OK, OK], 0), ([OK, UNVERIFIABLE], 3), ([UNVERIFIABLE], 3),
    ([OK, BROKEN], 1), ([UNVERIFIABLE, NOT_ARCHIVED], 1), ([BROKEN, UNVERIFIABLE, OK], 1),
])
def test_exit_codes(statuses, code):
    assert exit_code(statuses) == code
    assert summarise(statuses)["exit_code"] == code


def test_summary_counts():
    s = summarise([OK, BROKEN, BROKEN, NOT_ARCHIVED, UNVERIFIABLE])
    assert {k: s[k] for k in ("total", "ok", "broken", "not_archived", "unverifiable")} == \
        {"total": 5, "ok": 1, "broken": 2, "not_archived": 1, "unverifiable": 1}


def test_json_document():
    doc = json.loads(render([OK, BROKEN], "json"))
    assert list(doc) == ["results", "summary"]
    first = doc["results"][0]
    assert list(first) == list(CONTRACT_FIELDS)
    assert first["repairs"] == ["timestamp-space"] and first["kind"] == "memento" and first["status"] == "ok"
    assert doc["results"][1]["sha256"] is None and doc["results"][1]["suggestion"].endswith("/https://ico.org.uk/a.pdf")
    assert doc["summary"]["total"] == 2 and doc["summary"]["exit_code"] == 1


def test_json_with_no_results_is_valid():
    doc = json.loads(render([], "json"))
    assert doc["results"] == [] and doc["summary"]["total"] == 0


class _Added:
    """A command's record (records.py) adding fields, one of them clashing with the contract's."""

    def __init__(self, result, added):
        self.result, self._added = result, added

    def added_fields(self):
        return dict(self._added)


def test_extra_fields_follow_contract_fields():
    extra = _Added(OK, {"changed": True, "status": "must not override"})
    rec = json.loads(render([extra], "jsonl"))
    assert list(rec)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    assert rec["changed"] is True and rec["status"] == "ok"
    rows = list(csv.DictReader(io.StringIO(render([extra, OK], "csv"))))
    assert rows[0]["changed"] == "True" and rows[1]["changed"] == ""


def test_jsonl():
    out = render([OK, BROKEN, NOT_ARCHIVED], "jsonl")
    assert out.endswith("\n")
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["ok", "broken", "not_archived"]


def test_csv():
    out = render([OK, NOT_ARCHIVED], "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CONTRACT_FIELDS
    first = dict(zip(rows[0], rows[1]))
    assert first["repairs"] == "timestamp-space" and first["content_length"] == "1061"
    assert first["title"] == "A | title" and first["input"] == OK.input
    second = dict(zip(rows[0], rows[2]))
    assert (second["archive"], second["memento_url"], second["repairs"], second["status"]) == ("", "", "", "not_archived")


def test_text():
    lines = render([OK, BROKEN, UNVERIFIABLE], "text").splitlines()
    assert lines[0] == f"\u2713 ok{' ' * 12}{LINK}  (captured 2022-02-01)"
    assert lines[1] == f"{' ' * 16}repaired (timestamp-space) from: {OK.input}"
    assert lines[2] == f"{' ' * 16}Retrieved the capture."
    assert lines[3] == f"\u2717 broken{' ' * 8}{LINK}"
    assert lines[5] == f"{' ' * 16}cite instead: {BROKEN.suggestion}"
    assert lines[6].startswith("? unverifiable  https://ico.org.uk/b.pdf")
    assert lines[-1] == "3 links: 1 ok, 1 broken, 0 not archived, 1 unverifiable"


def test_text_input_spread_over_lines_shows_on_one():
    out = render([replace(OK, input="https://webarchive.nationalarchives.gov.uk/ukgwa/\n2022/x")], "text")
    assert "from: https://webarchive.nationalarchives.gov.uk/ukgwa/ 2022/x" in out


def test_markdown_escapes_pipes():
    out = render([OK, BROKEN], "markdown")
    assert out.startswith("# Archive link check\n")
    assert "**2 links:** 1 ok, 1 broken, 0 not archived, 0 unverifiable." in out
    assert "| Title | A \\| title |" in out
    assert f"| Cite instead | {BROKEN.suggestion} |" in out
    assert "| SHA-256 | `" + "ab" * 32 + "` |" in out
