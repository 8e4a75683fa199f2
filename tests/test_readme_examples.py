"""Every README example that the repository can reproduce is run against the local archive and its
output compared with the README's (#11 item 8). The example files live in examples/.

Compared as printed, except: a date or timestamp from 2026 on is the time of the run (checked_at,
generated_at, a watch run's date, a capture Save Page Now just made) and matches any such one, as
a Save Page Now job id matches any; a line `...` in the README stands for any lines. The `audit`
example runs in the world of tests/audit_example.py (`python -m tests.archive serve
--audit-example` starts it for a person).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit_example import start_audit_example

REPO = Path(__file__).resolve().parent.parent
RUN_TIME = re.compile(r"20(?:2[6-9]|[3-9]\d)-\d\d-\d\d(?:T\d\d:\d\d:\d\dZ)?|20(?:2[6-9]|[3-9]\d)\d{10}"
                      r"|spn2-[0-9a-f]{32}")
RUNNABLE = ("archivecheck check", "archivecheck repair", "archivecheck scan", "archivecheck watch",
            "archivecheck history", "archivecheck audit", "cat ", "echo $?")


def console_blocks() -> list[list[tuple[str, list[str]]]]:
    """Each ```console block of the README as [(command, expected output lines)]."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, re.S):
        steps: list[tuple[str, list[str]]] = []
        lines = body.rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            if lines[i].startswith("$ "):
                command = lines[i][2:]
                while command.endswith("\\"):
                    i += 1
                    command = command[:-1] + " " + lines[i].strip()
                steps.append((command, []))
            elif steps:
                steps[-1][1].append(lines[i])
            i += 1
        blocks.append(steps)
    return [b for b in blocks if b and all(cmd.startswith(RUNNABLE) for cmd, _ in b)]


def _matches(expected: list[str], actual: list[str]) -> bool:
    norm = [RUN_TIME.sub("<now>", line.rstrip()) for line in actual]
    want = [RUN_TIME.sub("<now>", line.rstrip()) for line in expected]
    pattern = "\n".join(".*?" if line == "..." else re.escape(line) for line in want)
    return re.fullmatch(pattern.replace("\n.*?\n", "\n(?:.*\n)*?"), "\n".join(norm), re.S) is not None


BLOCKS = console_blocks()


def test_the_readme_examples_are_found():
    commands = [cmd.split()[1] for block in BLOCKS for cmd, _ in block if cmd.startswith("archivecheck")]
    assert {"check", "repair", "scan", "watch", "history", "audit"} <= set(commands)


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0][0][:60] for b in BLOCKS])
def test_readme_example_output(block, local_archive, tmp_path):
    for name in ("examples", "fixtures"):
        (tmp_path / name).symlink_to(REPO / name)
    env = {**os.environ, **local_archive.env()}
    env.pop("ARCHIVECHECK_LIVE_OVERRIDE", None)
    # The README types `archivecheck`: the one installed beside this interpreter, venv active or not.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if any(command.startswith("archivecheck audit") for command, _ in block):
        site, stand_in, example_env = start_audit_example(local_archive)
        env.update(example_env)
        try:
            _run_block(block, tmp_path, env)
        finally:
            site.close()
            stand_in.close()
        return
    _run_block(block, tmp_path, env)


def _run_block(block, tmp_path: Path, env: dict) -> None:
    last = None
    for command, expected in block:
        if command == "echo $?":
            assert [str(last)] == expected
            continue
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        last = proc.returncode
        actual = proc.stdout.rstrip("\n").split("\n")
        assert _matches(expected, actual), f"$ {command}\n--- README\n" + "\n".join(expected) + \
            "\n--- actual\n" + proc.stdout + proc.stderr
