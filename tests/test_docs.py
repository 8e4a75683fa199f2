"""Docs that cannot drift: every command has help text and a README section, and CI runs the
README's own install and test commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(name):
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, f"{name} has no help text"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert f"`{name}" in README, f"README does not document `{name}`"


def test_the_contract_commands_are_all_there():
    assert {"check", "repair", "scan", "watch", "audit"} <= set(cli.commands)


def _fenced_commands(section: str) -> list[str]:
    body = README.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for block in re.findall(r"```sh\n(.*?)```", body, re.S) for line in block.splitlines()
            if line.strip()]


def test_ci_runs_the_readme_install_and_test_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = _fenced_commands("Install")
    test_command = _fenced_commands("Run the tests")[0]
    assert "pip install -e '.[dev]'" in install
    assert test_command == "python -m pytest -q"
    for command in ["pip install -e '.[dev]'", test_command]:
        assert command in ci, f".ci/run does not run the README's {command!r}"


def test_readme_lists_every_exit_code():
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in README


def test_readme_option_reference_is_the_help_of_every_command():
    # The option reference is generated from --help (tools/readme_help.py), so it cannot drift.
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import readme_help
    finally:
        sys.path.pop(0)
    assert readme_help.rewrite(README) == README, "README option reference is stale: run python tools/readme_help.py"
    for name in cli.commands:
        assert f"`archivecheck {name} --help`" in README
