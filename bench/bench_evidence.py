"""What keeping evidence costs (#22): time and bytes per verified link, and peak RSS on a 1 GB document.

    python bench/bench_evidence.py [--links 200] [--rounds 3] [--big-gb 1]

Builds (in a temp dir) a pywb archive of generated PDF captures (bench_watch's builder) plus, with
--big-gb, one archived PDF of that size, and serves it through the local front with no latency and
no rate limits, so what is measured is archivecheck's own work. Then, in child processes (peak RSS
from GNU time, as bench_watch does):

1. `check --from LIST` over LINKS healthy archive links, without and with `--evidence DIR`,
   alternating, ROUNDS times each; the medians give the overhead per verified link (wall time) and
   the pack's bytes per link; `evidence verify` on one pack;
2. with --big-gb: `check` of the big PDF without and with `--evidence` (max_bytes raised past it,
   so the whole body is read, hashed and recorded), and `evidence verify` of its pack: wall time,
   peak RSS, pack size. The issue's bar: peak RSS under 100 MB with evidence on.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_watch import build_archive, make_cases, run_measured, start_archive  # noqa: E402


def _check(cfg, archive, env, args, evidence: Path | None):
    argv = [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "check",
            "--no-progress", "--format", "json", *args]
    if evidence is not None:
        argv += ["--evidence", str(evidence)]
    code, out, err, wall, rss = run_measured(argv, env=env)
    if code not in (0, 1, 3):
        raise SystemExit(f"check failed ({code}): {err.decode(errors='replace')[-2000:]}")
    return json.loads(out), wall, rss


def _verify(pack: Path, env):
    code, out, err, wall, rss = run_measured([sys.executable, "-m", "archivecheck", "evidence", "verify", str(pack)],
                                             env=env)
    return code, out.decode().splitlines()[-1], wall, rss


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--big-gb", type=float, default=1.0)
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    captures, links = make_cases(args.links * 2)
    healthy = [public for public, _, expected, _ in links if expected == "ok"][: args.links]
    print(f"building the archive in {root} ...", file=sys.stderr)
    big = build_archive(root, captures, args.big_gb)
    archive = start_archive(root)
    archive.front.configure(latency=0.0)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cfg = root / "bench.toml"
    cfg.write_text("[network]\nindex_per_minute = 1000000\nreplay_per_minute = 1000000\nmax_bytes = %d\n"
                   % 2_000_000_000)
    listfile = root / "links.txt"
    listfile.write_text("\n".join(healthy) + "\n")
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
          f"command: python bench/bench_evidence.py {' '.join(sys.argv[1:])}".rstrip())
    try:
        plain, kept, sizes, rss_plain, rss_kept = [], [], [], [], []
        pack = None
        for n in range(args.rounds):
            doc, wall, rss = _check(cfg, archive, env, ["--from", str(listfile)], None)
            plain.append(wall)
            rss_plain.append(rss)
            folder = root / f"evidence-{n}"
            doc_e, wall_e, rss_e = _check(cfg, archive, env, ["--from", str(listfile)], folder)
            kept.append(wall_e)
            rss_kept.append(rss_e)
            (pack,) = folder.glob("*.wacz")
            sizes.append(pack.stat().st_size)
            ok = sum(r["status"] == "ok" for r in doc_e["results"])
            assert ok == len(healthy) == sum(r["status"] == "ok" for r in doc["results"]), (ok, len(healthy))
            assert doc_e["summary"]["evidence"][0]["exchanges"] >= len(healthy)
        n = len(healthy)
        a, b = statistics.median(plain), statistics.median(kept)
        size = statistics.median(sizes)
        payload = sum(r["content_length"] for r in doc_e["results"])
        print(f"\n{n} verified links (PDFs of {payload / n:.0f} bytes on average), {args.rounds} rounds, medians:")
        print(f"  check without evidence: {a:.2f}s ({a / n * 1000:.1f} ms/link), peak RSS {max(rss_plain):.0f} MB")
        print(f"  check with --evidence:  {b:.2f}s ({b / n * 1000:.1f} ms/link), peak RSS {max(rss_kept):.0f} MB")
        print(f"  overhead: {(b - a) / n * 1000:+.1f} ms per verified link ({(b - a) / a:+.0%});"
              f" pack {size:,.0f} bytes = {size / n:,.0f} bytes per link"
              f" ({(size - payload) / n:,.0f} bytes per link beyond the documents' own bytes)")
        code, last, wall, rss = _verify(pack, env)
        print(f"  evidence verify: exit {code}, {wall:.2f}s, peak RSS {rss:.0f} MB: {last}")
        if big:
            archive.front.configure(latency=0.0)
            url, ts = big
            link = f"https://webarchive.nationalarchives.gov.uk/ukgwa/{ts}/{url}"
            doc, wall, rss = _check(cfg, archive, env, [link, "--timeout", "120"], None)
            rec = doc["results"][0]
            print(f"\n{args.big_gb:g} GB PDF without evidence: status {rec['status']}, {rec['content_length']:,} bytes,"
                  f" sha256 {(rec['sha256'] or 'none')[:16]}…, wall {wall:.1f}s, peak RSS {rss:.1f} MB")
            folder = root / "evidence-big"
            doc, wall, rss = _check(cfg, archive, env, [link, "--timeout", "120"], folder)
            rec = doc["results"][0]
            (big_pack,) = folder.glob("*.wacz")
            print(f"{args.big_gb:g} GB PDF with --evidence:    status {rec['status']}, {rec['content_length']:,} bytes,"
                  f" sha256 {(rec['sha256'] or 'none')[:16]}…, wall {wall:.1f}s, peak RSS {rss:.1f} MB"
                  f" (bar: under 100 MB); pack {big_pack.stat().st_size:,} bytes")
            code, last, wall, rss = _verify(big_pack, env)
            print(f"  evidence verify of it: exit {code}, {wall:.1f}s, peak RSS {rss:.1f} MB: {last}")
    finally:
        archive.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
