"""The one exit boundary: every command's ExitStatus and every expected error, seen through CliRunner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archivecheck.cli import COMMANDS, cli
from archivecheck.exits import ExitStatus, exit_status_for
from archivecheck.models import Status


@pytest.mark.parametrize("statuses, expected", [
    ([], ExitStatus.OK),
    ([Status.OK], ExitStatus.OK),
    ([Status.OK, Status.UNVERIFIABLE], ExitStatus.UNVERIFIABLE),
    ([Status.UNVERIFIABLE, Status.NOT_ARCHIVED], ExitStatus.BROKEN),
    ([Status.BROKEN], ExitStatus.BROKEN),
])
def test_exit_status_for(statuses, expected):
    assert exit_status_for(statuses) is expected


def test_contract_codes():
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 3, 130]


def test_library_error_is_one_line_and_exit_2_inside_click(tmp_path):
    # ConfigError raised deep in the library, mapped by the group itself: CliRunner sees it.
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(bad), "repair", "--offline", "-"], input="x\n")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("archivecheck: error: ")
    assert "Traceback" not in result.output


def test_usage_error_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--format", "yaml", "https://example.org/"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--format" in result.stderr


def test_every_command_module_is_registered():
    names = {m.command.name for m in COMMANDS}
    assert names <= set(cli.commands) and len(names) == len(COMMANDS)
