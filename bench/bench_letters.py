"""Time and peak memory of reading the worst hostile letters (tests/hostile.py).

Run: .venv/bin/python bench/bench_letters.py [--only NAME] [--timeout 120] [--as-limit-mb 4096]

Each letter is written to a temp file and read by a fresh `python -c` child (extract_links, as
`scan` does), so the peak RSS reported (VmHWM of that child) is the letter's alone
plus the interpreter's baseline, which is measured first and printed. The child runs under an
address-space limit (--as-limit-mb) so that a regression shows up as a MemoryError, not as a host
driven out of memory. The ceiling archivecheck states is MEMORY_CEILING_MB for any single letter.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import HOSTILE_LETTERS  # noqa: E402

# Peak RSS is the child's VmHWM (kB), printed last: ru_maxrss would survive exec and report the
# size of this process at fork time when that is larger.
PEAK = "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
CHILD = """
import re, sys
from archivecheck.errors import ArchiveCheckError
from archivecheck.extract import extract_links
data = open(sys.argv[1], 'rb').read()
try:
    found = extract_links(data, sys.argv[2])
    print(f"read: {len(found.links)} links, {len(found.text):,} characters")
except ArchiveCheckError as error:
    print(f"refused: {error}")
""" + PEAK
BASELINE = "import re, archivecheck.extract, bs4, docx, pypdf, lxml.etree\n" + PEAK


def run_child(args: list[str], timeout: float, as_limit: int) -> tuple[str, float, float]:
    """(outcome line, seconds, peak RSS in MB) of one child run."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))

    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, preexec_fn=limit)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return f"still running after {timeout:.0f} s (killed)", time.perf_counter() - start, float("nan")
    seconds = time.perf_counter() - start
    lines = out.decode("utf-8", "replace").strip().splitlines()
    if child.returncode or not lines:
        last = (err or out).decode("utf-8", "replace").strip().splitlines()
        return f"exit {child.returncode}: {last[-1] if last else ''}"[:110], seconds, float("nan")
    peak = int(lines[-1]) / 1024
    outcome = lines[-2] if len(lines) > 1 else "imported"
    return outcome[:110], seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run only the letters whose name contains this")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--as-limit-mb", type=int, default=4096)
    args = parser.parse_args()
    as_limit = args.as_limit_mb * 1024 * 1024
    # Each letter is built by a fresh run of this script (BENCH_ONE), so one letter's build never
    # shares a process with another's.
    if os.environ.get("BENCH_ONE"):
        name = os.environ["BENCH_ONE"]
        if name == "baseline":
            outcome, seconds, peak = run_child([BASELINE], args.timeout, as_limit)
        else:
            build, filename = HOSTILE_LETTERS[name]
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / filename
                path.write_bytes(build())
                outcome, seconds, peak = run_child([CHILD, str(path), filename], args.timeout, as_limit)
                outcome = f"{path.stat().st_size / 1e6:.2f} MB on disk; {outcome}"
        print(f"| {name} | {seconds:.2f} s | {peak:.0f} MB | {outcome} |")
        return 0
    print("| letter | time | peak RSS | outcome |\n|---|---|---|---|")
    for name in ["baseline", *HOSTILE_LETTERS]:
        if args.only and args.only not in name and name != "baseline":
            continue
        subprocess.run([sys.executable, __file__, "--timeout", str(args.timeout), "--as-limit-mb",
                        str(args.as_limit_mb)], env={**os.environ, "BENCH_ONE": name}, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
