"""Every renderer escapes what it did not write (#19): an archived page's <title>, a letter's file
name and a link's text go through every format and stay inert — no markup in the markdown once
rendered, no formula in the CSV, no terminal escape in the text, valid JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from markdown_it import MarkdownIt

from archivecheck.models import Kind, Result, Status
from archivecheck.report import md_cell, render
from archivecheck.report.repair import render_repair
from tests.archive import capture
from tests.test_web import _finished, _submit, web  # noqa: F401 - `web` is a fixture

SCRIPT = "<script>window.pwned=1</script>"
TITLE = (f"{SCRIPT}<img src=x onerror=alert(2)> [click](javascript:alert(3)) ![i](http://evil.example/p.png) "
         "`tick` | pipe &lt;b&gt; \x1b[31mred\x1b[0m \\| <http://evil.example/auto>")
FORMULA_TITLE = '=HYPERLINK("http://evil.example","Minutes")'
LINK_TEXT = "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://x.gov.uk/a`<b>|[c](javascript:d)"
FILE_NAME = "<img src=x onerror=alert(1)>[x](javascript:alert(1))`|.txt"


def _result(title: str, link_input: str = LINK_TEXT) -> Result:
    return Result(input=link_input, url=link_input, repairs=(), kind=Kind.MEMENTO, original_url="https://x.gov.uk/a",
                  archive="ukgwa", memento_url=link_input, memento_datetime="2022-02-01T21:04:13Z", status=Status.OK,
                  http_status=200, content_type="text/html", content_length=10, sha256="0" * 64, title=title,
                  suggestion=None, checked_at="2026-12-06T17:00:00Z", detail=f"Retrieved, titled \u201c{title}\u201d.")


def _assert_inert_markdown(text: str) -> None:
    html = MarkdownIt("commonmark").enable("table").render(text)
    # Only the elements our own markdown makes: no script, image, link or anything else let in.
    assert set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)) <= {"h1", "h2", "p", "strong", "table", "thead", "tbody",
                                                                 "tr", "th", "td", "code", "em", "ul", "li"}, html
    # Every row of a table has as many cells as its header: no pipe in the text split one.
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        cells = {len(re.findall(r"<t[dh]", row)) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)}
        assert len(cells) == 1, table


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "csv", "markdown"])
def test_a_hostile_title_and_link_are_inert_in_every_format(fmt):
    results = [_result(TITLE), _result(FORMULA_TITLE)]
    out = render(results, fmt)
    if fmt == "markdown":
        _assert_inert_markdown(out)
    elif fmt == "csv":
        titles = [row["title"] for row in csv.DictReader(io.StringIO(out))]
        assert titles[1] == "'" + FORMULA_TITLE  # shown as text by a spreadsheet, not run
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(out)) for cell in row)
    elif fmt == "json":
        assert [r["title"] for r in json.loads(out)["results"]] == [TITLE, FORMULA_TITLE]  # exact, escaped by JSON
    elif fmt == "jsonl":
        assert [json.loads(line)["title"] for line in out.splitlines()] == [TITLE, FORMULA_TITLE]
    else:
        assert "\x1b" not in out and SCRIPT in out  # plain text: shown as it is, minus terminal control


def test_the_repair_report_escapes_a_hostile_link_text():
    from archivecheck.api import repair_letter

    records = list(repair_letter(f"See {LINK_TEXT} today.".encode(), "letter.txt", offline=True))
    assert records
    _assert_inert_markdown(render_repair(records, "markdown"))


@pytest.mark.parametrize("hostile", [TITLE, FORMULA_TITLE, LINK_TEXT, FILE_NAME, "a\nb\r\nc|d"])
def test_the_one_markdown_escaper_leaves_one_inert_line(hostile):
    cell = md_cell(hostile)
    assert "\n" not in cell and "\r" not in cell and "<" not in cell and "\x1b" not in cell
    _assert_inert_markdown(f"| a | b |\n|---|---|\n| {cell} | x |\n")


def test_the_web_records_escape_a_hostile_file_name_title_and_link(web):
    client, _ = web
    text = f"See {capture('xss_title_ukgwa').public_url()} and {LINK_TEXT} today."
    location = _submit(client, upload=(io.BytesIO(text.encode()), FILE_NAME)).headers["Location"]
    record = _finished(client, location)
    assert record["name"] == FILE_NAME and record["results"][0]["title"].startswith("<script>")
    _assert_inert_markdown(client.get(location + "/evidence.md").get_data(as_text=True))
    for path in (location, location + "/progress", location + "/evidence"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>window" not in page and "<img src=x" not in page and "<b>|" not in page, path
