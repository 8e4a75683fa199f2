"""--output never clobbers an input and is replaced whole (#11, failure 3)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.errors import InputError
from archivecheck.outputs import check_output, write_output

LETTER = "Dear requester,\n\nSee https://www.gov.uk/government/publications/foi-guidance for the guidance.\n"
OFFLINE = ["--archive", "ukgwa=http://127.0.0.1:9/ukgwa/", "--archive", "wayback=http://127.0.0.1:9/web/",
           "--timeout", "1"]


def _cases(tmp: Path):
    letter = tmp / "letter.md"
    links = tmp / "links.txt"
    config = tmp / "ac.toml"
    letter.write_text(LETTER)
    links.write_text("https://www.gov.uk/a.pdf\n")
    config.write_text("[network]\ntimeout = 5\n")
    link_to_letter = tmp / "alias.md"
    link_to_letter.symlink_to(letter)
    hard = tmp / "hard.md"
    os.link(letter, hard)
    return {
        "scan same file": (["scan", str(letter), "--output", str(letter)], letter),
        "scan via ./": (["scan", str(letter), "--output", str(tmp / "." / "letter.md")], letter),
        "scan via symlink": (["scan", str(letter), "--output", str(link_to_letter)], letter),
        "scan via hard link": (["scan", str(letter), "--output", str(hard)], letter),
        "scan second input": (["scan", str(hard), str(letter), "--output", str(letter)], letter),
        "repair": (["repair", str(letter), "--offline", "--output", str(letter)], letter),
        "repair rewrite": (["repair", str(letter), "--offline", "--rewrite", "--output", str(letter)], letter),
        "check --from": (["check", "--from", str(links), "--output", str(links)], links),
        "audit list": (["audit", str(links), "--output", str(links)], links),
        "audit --page": (["audit", "--page", str(letter), "--base", "https://x.org/", "--output", str(letter)], letter),
        "config": (["check", "https://www.gov.uk/a.pdf", "--config", str(config), "--output", str(config)], config),
        "config before the command": (["--config", str(config), "check", "https://www.gov.uk/a.pdf",
                                       "--output", str(config)], config),
    }


@pytest.mark.parametrize("case", [
    "scan same file", "scan via ./", "scan via symlink", "scan via hard link", "scan second input", "repair",
    "repair rewrite", "check --from", "audit list", "audit --page", "config", "config before the command"])
def test_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, case):
    argv, victim = _cases(tmp_path)[case]
    before = victim.read_bytes()
    result = CliRunner().invoke(cli, [*argv, *OFFLINE] if argv[0] != "--config" else argv)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("archivecheck: error: --output ") and "is the input file" in lines[0]
    assert victim.read_bytes() == before


def test_report_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old report")
    target.chmod(0o640)
    write_output("new report\n", str(target))
    assert target.read_text() == "new report\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temp file left behind


def test_a_failed_write_leaves_the_old_report(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("old report")

    def broken_replace(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)  # no server can make a disk full on cue
    with pytest.raises(InputError, match="No space left on device"):
        write_output("new report", str(target))
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.parametrize("output,message", [
    ("{tmp}/missing/report.txt", "no such directory"),
    ("{tmp}", "it is a directory"),
])
def test_bad_output_is_refused_before_any_work(tmp_path, output, message):
    with pytest.raises(InputError, match=message):
        check_output(output.format(tmp=tmp_path), [])
