"""`python -m tests.archive serve` stopped by SIGTERM stops its pywb child and removes its temp
directory (#11, failure 6: both were left behind)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_sigterm_stops_pywb_and_removes_the_temp_directory():
    server = subprocess.Popen([sys.executable, "-m", "tests.archive", "serve"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        lines = {}
        deadline = time.monotonic() + 120
        while "ukgwa" not in lines and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            key, _, value = line.partition(" ")
            lines[key] = value.strip()
        root, pywb = Path(lines["root"]), int(lines["pywb"].split()[-1])
        assert root.is_dir() and _alive(pywb)
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 10
        while _alive(pywb) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pywb)
        assert not root.exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
