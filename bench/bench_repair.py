"""Throughput of extraction + offline repair, and peak memory on a 50 MB letter file.

Run: .venv/bin/python bench/bench_repair.py [--mb 3] [--big-mb 50]

Letter text is the reference letter (damaged link included) plus its plain-text rendering,
repeated. Peak memory is measured in a fresh subprocess (ru_maxrss) so the interpreter's own
baseline is included and nothing else in this process inflates it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTERS = ROOT / "fixtures" / "letters"


def letter_bytes(megabytes: float) -> bytes:
    unit = b"\n\n".join((LETTERS / f"ico-foi-response-IC-252019-Z2Y2.{s}").read_bytes() for s in ("md", "txt"))
    unit += b"\n\n" + (LETTERS / "clean-letter.md").read_bytes() + b"\n\n"
    return unit * max(1, int(megabytes * 1_000_000 / len(unit)))


def throughput(megabytes: float) -> None:
    from archivecheck.extract import extract_links
    from archivecheck.repair import repair_link

    data = letter_bytes(megabytes)
    cpu_start, start = time.process_time(), time.perf_counter()
    links = extract_links(data, "letters.md").links
    extracted = time.perf_counter()
    repaired = [repair_link(link.text) for link in links]  # no cache: every link repaired afresh
    cpu_done, done = time.process_time(), time.perf_counter()
    size = len(data) / 1e6
    print(f"text: {size:.1f} MB, {len(links)} links ({sum(1 for r in repaired if r.repairs)} repaired)")
    print(f"extraction:        {extracted - start:6.2f} s  {size / (extracted - start):7.1f} MB/s")
    print(f"offline repair:    {done - extracted:6.2f} s  {len(links) / (done - extracted):7.0f} links/s")
    print(f"extract + repair:  {done - start:6.2f} s  {size / (done - start):7.1f} MB/s")
    # Wall time counts whatever else the machine runs; CPU time is what this code costs. Both
    # include loading the word-frequency table (about a second), once per process.
    print(f"  (CPU time:       {cpu_done - cpu_start:6.2f} s  {size / (cpu_done - cpu_start):7.1f} MB/s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


def peak_child(megabytes: float) -> None:
    from archivecheck.extract import extract_links
    from archivecheck.repair import repair_link

    data = letter_bytes(megabytes)
    cpu_start, start = time.process_time(), time.perf_counter()
    # The scan pipeline: bytes -> extracted text + links -> a repair per distinct link.
    links = extract_links(data, "letters.md").links
    cache: dict = {}
    results = [cache.get(link.text) or cache.setdefault(link.text, repair_link(link.text)) for link in links]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(data) / 1e6:.1f} MB: {len(links)} links extracted, {len(results)} repaired in {seconds:.1f} s "
          f"({cpu:.1f} s CPU, {len(data) / 1e6 / cpu:.1f} MB/s); peak RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of the throughput text (MB)")
    parser.add_argument("--big-mb", type=float, default=50.0, help="size of the memory test text (MB)")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        peak_child(args.child)
        return
    throughput(args.mb)
    baseline = subprocess.run([sys.executable, "-c", "import resource, archivecheck.extract, archivecheck.repair;"
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"], capture_output=True, text=True, check=True)
    print(f"interpreter + modules baseline RSS: {int(baseline.stdout) / 1024:.0f} MB")
    subprocess.run([sys.executable, __file__, "--child", str(args.big_mb)], check=True)


if __name__ == "__main__":
    main()
