"""SIGINT to a long check / scan / audit prints the report of what finished, marked incomplete,
and exits 130 (#11, failure 6: every finished result was discarded)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
URLS = [f"https://www.gov.uk/government/publications/interrupt-{i:02d}.pdf" for i in range(40)]


def _interrupt(argv, env, wait_for: float = 4.0):
    proc = subprocess.Popen([sys.executable, "-m", "archivecheck", *argv], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(wait_for)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
def slow_archive(local_archive):
    local_archive.front.configure(latency=0.3)
    yield local_archive
    local_archive.front.configure(latency=0.0)


@pytest.mark.parametrize("command", ["check", "scan", "audit"])
def test_sigint_keeps_finished_results(slow_archive, fast_config, tmp_path, command):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if command == "check":
        argv = ["check", *URLS]
    elif command == "scan":
        letter = tmp_path / "letter.md"
        letter.write_text("Links:\n\n" + "\n\n".join(URLS) + "\n")
        argv = ["scan", str(letter)]
    else:
        listed = tmp_path / "list.txt"
        listed.write_text("\n".join(URLS) + "\n")
        argv = ["audit", str(listed), "--workers", "1", "--live-override",
                "www.gov.uk=" + slow_archive.ukgwa_base.replace("/ukgwa/", "/live/")]
    code, out, err = _interrupt([*argv, "--format", "json", "--no-progress", "--config", str(fast_config),
                                 *slow_archive.cli_args()], env)
    assert code == 130, err
    doc = json.loads(out)
    assert doc["summary"]["incomplete"] is True
    assert 0 < len(doc["results"]) < len(URLS)
    assert doc["summary"]["finished"] == len(doc["results"])
    assert "Traceback" not in err and "interrupted" in err
