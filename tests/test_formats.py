"""Every command × every format the contract lists (CONTRACT.md, "Common options"): accepted,
and json is always `{"results": [...], "summary": {...}}` — against the real local archive."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.report import FORMATS
from tests.archive.cases import capture
from tests.livesite import LiveSite

CONTRACT_FORMATS = ("text", "json", "jsonl", "csv", "markdown")


def test_the_renderers_know_the_contract_formats():
    assert FORMATS == CONTRACT_FORMATS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, local_archive):
    """One good link, as a letter, a link list, a watch database with one run, an audit list."""
    root = tmp_path_factory.mktemp("formats")
    good = capture("ico_mps_ukgwa").public_url()
    letter = root / "letter.md"
    letter.write_text(f"The document is at {good} (archived).\n", encoding="utf-8")
    links = root / "links.txt"
    links.write_text(good + "\n", encoding="utf-8")
    site = LiveSite()
    original = capture("ico_mps_ukgwa").url
    site.add(original, b"%PDF-1.4 live", status=200)
    audit_list = root / "audit.txt"
    audit_list.write_text(original + "\n", encoding="utf-8")
    db = root / "watch.db"
    common = ["--config", str(root / "fast.toml"), *local_archive.cli_args()]
    (root / "fast.toml").write_text("[network]\ntimeout = 5\nindex_per_minute = 100000\n"
                                    "replay_per_minute = 100000\n", encoding="utf-8")
    first = CliRunner().invoke(cli, [*common, "watch", str(links), "--db", str(db), "--no-progress", "-q"])
    assert first.exit_code == 0, first.output
    yield {"good": good, "letter": str(letter), "links": str(links), "db": str(db), "common": common,
           "audit": str(audit_list), "live": [a for o in site.overrides() for a in ("--live-override", o)]}
    site.close()


def _argv(command: str, i: dict) -> list[str]:
    return {
        "check": [*i["common"], "check", "--no-progress", i["good"]],
        "repair": [*i["common"], "repair", i["letter"]],
        "scan": [*i["common"], "scan", "--no-progress", i["letter"]],
        "watch": [*i["common"], "watch", i["links"], "--db", i["db"], "--no-progress", "-q"],
        "history": ["history", i["good"], "--db", i["db"]],
        "audit": [*i["common"], "audit", "--no-progress", i["audit"], *i["live"]],
    }[command]


@pytest.mark.parametrize("fmt", CONTRACT_FORMATS)
@pytest.mark.parametrize("command", ["check", "repair", "scan", "watch", "history", "audit"])
def test_every_command_speaks_every_format(command, fmt, inputs):
    result = CliRunner().invoke(cli, _argv(command, inputs) + ["--format", fmt])
    assert result.exit_code == 0, (result.exit_code, result.output)
    out = result.stdout
    assert out.strip(), "empty report"
    if fmt == "json":
        doc = json.loads(out)
        assert set(doc) == {"results", "summary"}
        assert isinstance(doc["results"], list) and len(doc["results"]) >= 1
        assert isinstance(doc["summary"], dict)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows and all(isinstance(r, dict) for r in rows)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows
    elif fmt == "markdown":
        assert out.startswith("# ")
