"""Benchmark `archivecheck watch` at scale against a real local archive, and LinkChecker beside it.

    python bench/bench_watch.py [--links 1000] [--factor 2] [--concurrency 32] [--big-gb 1] [--no-linkchecker]

Builds (in a temp dir) a pywb archive with 1,000+ generated captures through tests/archive's own
WARC writer and pywb's indexer, puts the fault-injecting front before it with the Internet
Archive's published limits (index 30/min, replay 600/min) x FACTOR, 50 ms latency and 429 beyond
the limit (60 s sliding window, as IA), then:

1. runs `archivecheck watch` over LINKS archive links (most healthy, some soft-404s, some never
   archived, some persistently faulty) with archivecheck's own limits set by a config file to the
   same scaled figures less 5% (a client should stay under a published limit, not on it: a request
   spaced exactly at the limit lands in the window on jitter alone) -- twice on one database:
   night 1 (no history) and night 2 (`--max-age 0`, so every link is fetched again, as a nightly
   job 24 h later would: ok results are reused only within 20 h);
2. runs LinkChecker over the same links (their replay URLs on the local front) with the same
   per-second cap, the same thread count and the same 30 s timeout;
3. verifies one 1 GB archived PDF (a WARC record streamed to disk, never held in memory) with
   max_bytes raised above 1 GB, and reports the checker's peak RSS.

Prints: wall time, the rate-limit floor (the least time the archive's limits allow for the
requests the run needed: max(replay requests / replay rate, index requests / index rate)), their
ratio, archive requests per link and per healthy link, 429s provoked, peak RSS, correctness.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.archive.build import write_warc  # noqa: E402
from tests.archive.cases import Capture  # noqa: E402
from tests.archive.server import Front, LocalArchive, _start_pywb  # noqa: E402

IA_INDEX_PER_MIN, IA_REPLAY_PER_MIN = 30, 600
CLIENT_MARGIN = 0.95
LATENCY = 0.05


def pdf_bytes(i: int) -> str:
    return (f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% bench document {i}\n"
            + "x" * (200 + i % 50) + "\n%%EOF\n")


SOFT_404_HTML = ("<!DOCTYPE html><html><head><title>Page not found - GOV.UK</title></head>"
                 "<body><h1>Page not found</h1><p>This page has been removed.</p></body></html>\n")


def make_cases(n: int, seed: int = 4):
    """(captures, links) where links are (public link, replay URL path, expected status, kind)."""
    rnd = random.Random(seed)
    n_soft, n_never_memento, n_never_original, n_faulty = n * 4 // 100, n * 15 // 1000, n * 15 // 1000, n * 3 // 100
    n_healthy = n - n_soft - n_never_memento - n_never_original - n_faulty
    captures, links = [], []
    faults = ("503", "reset", "truncated")

    def ts(i):
        return "20%02d%02d%02d%02d%02d%02d" % (15 + i % 8, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60)

    for i in range(n_healthy + n_faulty):
        coll = "ukgwa" if i % 3 else "web"
        faulty = i >= n_healthy
        url = f"https://www.gov.uk/government/uploads/attachment_data/file/{100000 + i}/{'fault-' if faulty else ''}report-{i}.pdf"
        cap = Capture(id=f"b{i}", collection=coll, url=url, timestamp=ts(i), status=200, mime="application/pdf",
                      expected="ok", tests="bench", body_text=pdf_bytes(i))
        captures.append(cap)
        links.append((cap.public_url(), cap.replay_path(""), "unverifiable" if faulty else "ok",
                      faults[i % 3] if faulty else None))
    for j in range(n_soft):
        i = 50000 + j
        coll = "ukgwa" if j % 2 else "web"
        url = f"https://example.gov.uk/documents/withdrawn-{i}.pdf"
        cap = Capture(id=f"s{i}", collection=coll, url=url, timestamp=ts(i), status=200, mime="text/html",
                      expected="broken", tests="bench soft 404", body_text=SOFT_404_HTML)
        captures.append(cap)
        links.append((cap.public_url(), cap.replay_path(""), "broken", None))
    for j in range(n_never_memento):
        url = f"https://example.gov.uk/never/archived-{j}.pdf"
        links.append((f"https://webarchive.nationalarchives.gov.uk/ukgwa/20200101000000/{url}",
                      f"/ukgwa/20200101000000/{url}", "broken", None))
    for j in range(n_never_original):
        url = f"https://example.gov.uk/never/original-{j}.pdf"
        links.append((url, f"/ukgwa/{url}", "not_archived", None))
    rnd.shuffle(links)
    return captures, links


def big_pdf_warc(path: Path, size: int) -> tuple[str, str]:
    """Write a gzipped WARC holding one `size`-byte PDF, streamed from a file on disk."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    url = "https://www.gov.uk/government/uploads/attachment_data/file/999999/huge-dataset.pdf"
    timestamp = "20230601120000"
    body_path = path.with_suffix(".body")
    head, tail = b"%PDF-1.4\n% large archived document\n", b"\n%%EOF\n"
    with open(body_path, "wb") as f:
        f.write(head)
        block = b" " * (1 << 20)
        remaining = size - len(head) - len(tail)
        while remaining > 0:
            f.write(block[:remaining])
            remaining -= len(block)
        f.write(tail)
    with open(path, "wb") as out, open(body_path, "rb") as body:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf"), ("Content-Length", str(size))],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=body, length=size, http_headers=headers,
                                           warc_headers_dict={"WARC-Date": "2023-06-01T12:00:00Z"})
        writer.write_record(record)
    body_path.unlink()
    return url, timestamp


def build_archive(root: Path, captures, big_gb: float):
    from pywb.manager.manager import CollectionsManager

    warcs = root / "warcs"
    warcs.mkdir(parents=True)
    big = None
    for coll in ("ukgwa", "web"):
        files = [write_warc(warcs / f"{coll}.warc.gz", [c for c in captures if c.collection == coll])]
        if coll == "ukgwa" and big_gb > 0:
            t = time.monotonic()
            big = big_pdf_warc(warcs / "big.warc.gz", int(big_gb * 1_000_000_000))
            print(f"  wrote a {big_gb:g} GB PDF record in {time.monotonic() - t:.1f}s", file=sys.stderr)
            files.append(warcs / "big.warc.gz")
        manager = CollectionsManager(coll, colls_dir=str(root / "collections"), must_exist=False)
        manager.add_collection()
        manager.add_archives([str(f) for f in files])
    return big


def run_measured(argv, *, env=None, stdin=None):
    """Run a child; returns (exit code, stdout, stderr, wall seconds, peak RSS in MB)."""
    # ru_maxrss from wait4 would count the pages this (large) process had when it forked the child,
    # so GNU time, a small process, forks it instead and reports its peak RSS.
    rss_file = tempfile.NamedTemporaryFile(prefix="rss-", delete=False).name
    argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file, *argv]
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
                            env=env, cwd=str(REPO))
    chunks = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda s, k: chunks[k].append(s.read()), args=(proc.stdout, "out")),
               threading.Thread(target=lambda s, k: chunks[k].append(s.read()), args=(proc.stderr, "err"))]
    for r in readers:
        r.start()
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kb = int(Path(rss_file).read_text().split()[-1])
    os.unlink(rss_file)
    return proc.returncode, b"".join(chunks["out"]), b"".join(chunks["err"]), wall, rss_kb / 1024


def front_figures(front: Front, n_links: int, rates: dict) -> dict:
    log = front.requests
    counts = Counter(r.endpoint for r in log if r.status != 429)
    floor = max(counts["replay"] / rates["replay"], counts["index"] / rates["index"]) * 60
    return {"requests": len(log), "index": counts["index"], "replay": counts["replay"],
            "429s": sum(1 for r in log if r.status == 429), "floor": floor,
            "per_link": len(log) / n_links}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=1000)
    ap.add_argument("--factor", type=float, default=2.0, help="x the Internet Archive's limits")
    # The archive's limits, not the pool, must set the pace. A worker on a persistently faulty link
    # sleeps through the session's whole retry chain (2 + 4 + 8 s), so a small pool spends much of
    # the run asleep and falls below the limits (ratio 1.38 at 8 workers, 1.25 at 16); 32 (the
    # CLI's maximum) leaves enough awake. More workers cannot send faster: the shared limiter spaces
    # every request.
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--big-gb", type=float, default=1.0)
    ap.add_argument("--no-linkchecker", action="store_true")
    args = ap.parse_args(argv)

    rates = {"index": IA_INDEX_PER_MIN * args.factor, "replay": IA_REPLAY_PER_MIN * args.factor}
    root = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    print(f"building the archive in {root} ...", file=sys.stderr)
    captures, links = make_cases(args.links)
    t = time.monotonic()
    big = build_archive(root, captures, args.big_gb)
    print(f"  {len(captures)} captures + {'1 big PDF' if big else 'no big PDF'} built in {time.monotonic() - t:.1f}s",
          file=sys.stderr)
    process, pywb_port = _start_pywb(root, 60)  # keeps draining pywb's stdout (see there)
    front = Front("127.0.0.1", pywb_port)
    front.serve()
    front.httpd.handle_error = lambda request, client_address: None  # resets are the point of some faults
    archive = LocalArchive(root, front, process, owns_root=True)
    try:
        return _bench(args, archive, front, links, rates, big, root)
    finally:
        archive.stop()


def _configure_front(front, rates):
    front.configure(latency=LATENCY, index_rpm=int(rates["index"]), replay_rpm=int(rates["replay"]), window=60.0)
    front.reset_log()


def _bench(args, archive, front, links, rates, big, root) -> int:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cfg = root / "bench.toml"
    cfg.write_text("[network]\nindex_per_minute = %g\nreplay_per_minute = %g\nmax_bytes = %d\n"
                   % (rates["index"] * CLIENT_MARGIN, rates["replay"] * CLIENT_MARGIN, 2_000_000_000))
    for public, replay_path, expected, fault in links:
        if fault:
            front.inject(replay_path.split("/", 3)[3], fault, times=None)
    listfile = root / "links.csv"
    with open(listfile, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["url", "expected"])
        for public, _, expected, _ in links:
            w.writerow([public, expected])
    n = len(links)
    expected_by_link = {public: expected for public, _, expected, _ in links}
    healthy_paths = {p for _, p, e, _ in links if e == "ok"}
    n_healthy = sum(1 for e in expected_by_link.values() if e == "ok")
    faulty_paths = {p for _, p, _, fault in links if fault}
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
          f"command: python bench/bench_watch.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"links: {n} ({Counter(expected_by_link.values())}); front: index {rates['index']:g}/min, "
          f"replay {rates['replay']:g}/min, {LATENCY * 1000:.0f} ms latency; client at {CLIENT_MARGIN:.0%} of that")

    # 1. archivecheck watch, night 1 then night 2 on the same database. Each run starts with the
    # front's windows empty (as after a quiet minute). Night 1 cannot know which links will fail,
    # so it ends on the retry chain of the last fault it meets (the "tail" line); night 2 checks
    # the links unverifiable on night 1 first, so their chains run while the rest is checked.
    for night, extra in ((1, []), (2, ["--max-age", "0"])):
        _configure_front(front, rates)
        code, out, err, wall, rss = run_measured(
            [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "watch", str(listfile),
             "--db", str(root / "watch.db"), "--no-progress", "--format", "json",
             "--concurrency", str(args.concurrency), *extra], env=env)
        doc = json.loads(out)
        got = {r["input"]: r["status"] for r in doc["results"]}
        correct = sum(got[k] == v for k, v in expected_by_link.items())
        wrong = Counter((v, got[k]) for k, v in expected_by_link.items() if got[k] != v)
        fig = front_figures(front, n, rates)
        healthy_requests = sum(1 for r in front.requests if _hits(r.path, healthy_paths))
        print("\narchivecheck watch --concurrency %d %s(exit %d): night %d, %s"
              % (args.concurrency, " ".join(extra) + " " if extra else "", code, night,
                 "a fresh database" if night == 1 else "the same database (night 1's results as history)"))
        _print_figures(wall, fig, rss, correct, n, healthy_requests / n_healthy, wrong)
        _print_tail(front.requests, faulty_paths)
        print("  stderr: " + err.decode().strip().splitlines()[-1])

    # 2. LinkChecker over the same links' replay URLs. Its settings are the fairest it offers: the
    # same thread count and per-second cap as archivecheck, its timeout set to archivecheck's read
    # timeout, -r0 (the listed URLs only), robots.txt honoured (its default: one request per host).
    # Its pace is not set by the cap, though: LinkChecker spaces requests to one host by a random
    # 0.1-0.6 s (linkcheck/director/aggregator.py, wait_for_host, under a lock shared by all threads)
    # unless the server opts in with a `LinkChecker` response header, which no archive sends. So it
    # runs at ~2.9 requests/s whatever the limits; that, not a stall, is why it takes minutes.
    # It has no "unverifiable": a 503/reset is invalid (counted as broken, so wrong), a truncated
    # body is not read (valid, so wrong), and a soft 404 answers 200 (valid, so wrong).
    if not args.no_linkchecker:
        _configure_front(front, rates)
        lcrc = root / "linkcheckerrc"
        lcrc.write_text("[checking]\nmaxrequestspersecond=%g\nthreads=%d\n"
                        % (rates["replay"] * CLIENT_MARGIN / 60, args.concurrency))
        urls = {archive.url(p): public for public, p, _, _ in links}
        code, out, err, wall, rss = run_measured(
            [str(Path(sys.executable).parent / "linkchecker"), "-f", str(lcrc), "--stdin", "-r", "0", "-o", "csv",
             "-v", "--no-status", "--timeout", "30"], env=env, stdin=" ".join(urls).encode())
        rows = [line for line in out.decode().splitlines() if line and not line.startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";")
        verdict = {}
        for row in reader:
            if row.get("urlname") in urls or row.get("url") in urls:
                key = urls.get(row.get("urlname")) or urls.get(row.get("url"))
                verdict[key] = "ok" if row.get("valid", "").strip().lower() in ("true", "1") else "broken"
        lc_correct = sum(verdict.get(k) == v or (verdict.get(k) == "broken" and v == "not_archived")
                         for k, v in expected_by_link.items())
        lc_wrong = Counter((v, verdict.get(k)) for k, v in expected_by_link.items()
                           if not (verdict.get(k) == v or (verdict.get(k) == "broken" and v == "not_archived")))
        fig = front_figures(front, n, rates)
        healthy_requests = sum(1 for r in front.requests if _hits(r.path, healthy_paths))
        print("\nLinkChecker %s -t %d --timeout 30 -r0 (exit %d; valid->ok, invalid->broken, invalid counts as right for not_archived)"
              % (_lc_version(), args.concurrency, code))
        _print_figures(wall, fig, rss, lc_correct, n, healthy_requests / n_healthy, lc_wrong)

    # 3. one 1 GB archived PDF
    if big:
        front.configure(latency=0.0)
        url, ts = big
        link = f"https://webarchive.nationalarchives.gov.uk/ukgwa/{ts}/{url}"
        code, out, err, wall, rss = run_measured(
            [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "check", link,
             "--no-progress", "--format", "json", "--timeout", "120"], env=env)
        rec = json.loads(out)["results"][0]
        print(f"\n{args.big_gb:g} GB PDF: status {rec['status']}, {rec['content_length']:,} bytes, sha256 "
              f"{(rec['sha256'] or 'none')[:16]}..., wall {wall:.1f}s, peak RSS {rss:.1f} MB (target < 80 MB)")
        # The same verification without the CLI's repair step (whose word-frequency table alone
        # is ~40 MB): what streaming the body costs.
        script = ("import json,sys; from archivecheck.config import load_settings; "
                  "from archivecheck.http import ArchiveSession; from archivecheck.verify import verify_capture; "
                  "s=load_settings(sys.argv[1], tuple(sys.argv[2:])); "
                  f"v=verify_capture(ArchiveSession(s.network), s.registry.get('ukgwa'), {url!r}, {ts!r}); "
                  "print(json.dumps([v.verdict.value, v.content_length, v.sha256]))")
        code, out, err, wall, rss = run_measured(
            [sys.executable, "-c", script, str(cfg), *[a.split("=", 1)[1] and a for a in archive.cli_args()[1::2]]],
            env=env)
        verdict, length, sha = json.loads(out)
        print(f"  verify_capture alone: {verdict}, {length:,} bytes, sha256 {(sha or 'none')[:16]}..., "
              f"wall {wall:.1f}s, peak RSS {rss:.1f} MB")
    return 0


def _hits(path: str, replay_paths: set[str]) -> bool:
    """Whether a request path is for one of `replay_paths` (as replayed, or raw with id_)."""
    p = path.split("?")[0]
    if p in replay_paths:
        return True
    # archivecheck asks for the raw capture (id_) of the same timestamp
    coll, rest = p.lstrip("/").split("/", 1) if "/" in p.lstrip("/") else (p, "")
    ts, _, url = rest.partition("/")
    return f"/{coll}/{ts.removesuffix('id_')}/{url}" in replay_paths


def _print_tail(log, faulty_paths: set[str]) -> None:
    """When the last request for a link without a fault went, against the run's last request
    (the end of the retry chain of the last persistently faulty link met)."""
    if not log:
        return
    start = log[0].at
    clean = [r.at for r in log if not _hits(r.path, faulty_paths)]
    faulty_first = {}
    for r in log:
        if _hits(r.path, faulty_paths):
            faulty_first.setdefault(r.path.split("?")[0], r.at)
    print(f"  tail: last request for a link without a fault at +{max(clean) - start:.1f}s; last first attempt "
          f"at a faulty link at +{max(faulty_first.values(), default=start) - start:.1f}s; last request at "
          f"+{log[-1].at - start:.1f}s")


def _print_figures(wall, fig, rss, correct, n, per_healthy, wrong):
    print(f"  wall {wall:.1f}s; rate-limit floor {fig['floor']:.1f}s "
          f"(replay {fig['replay']}, index {fig['index']} requests); ratio {wall / fig['floor']:.3f} (target <= 1.15)")
    print(f"  archive requests: {fig['requests']} = {fig['per_link']:.3f}/link; "
          f"{per_healthy:.3f}/healthy link (target <= 1.1); 429s provoked: {fig['429s']} (target 0)")
    print(f"  peak RSS {rss:.1f} MB; correct {correct}/{n} = {100 * correct / n:.1f}% (target 100%)")
    if wrong:
        print("  wrong (expected, got): " + ", ".join(f"{k}: {v}" for k, v in wrong.most_common()))


def _lc_version() -> str:
    try:
        from importlib.metadata import version

        return version("linkchecker")
    except Exception:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
