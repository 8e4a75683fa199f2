"""Benchmark `archivecheck watch` against a real local archive at the archives' pace, and LinkChecker.

    python bench/bench_watch.py [--links 1000] [--factor 2] [--concurrency 32] [--no-linkchecker] [--big-gb 0]
    python bench/bench_watch.py --scale 100000       # limits lifted: memory, database size, history time

Builds (in a temp dir) a pywb archive of generated captures through tests/archive's own WARC writer
and pywb's indexer and puts the fault-injecting front before it, enforcing the Internet Archive's
limits (index 24/min, CDX and TimeMaps together; replay 480/min; README "Politeness" gives the
sources) x FACTOR, with 50 ms latency and 429 beyond the limit (60 s sliding window). The list is
LINKS archive links, 85 % healthy PDFs and 15 % broken: a third captured 404s whose earlier capture
is good (the right answer includes that capture as the suggestion), a third "page not found" HTML
captured instead of the PDF (no good capture anywhere), a third links to nothing. Then, in one run:

1. `archivecheck watch` with archivecheck's DEFAULT rate limits (NetworkPolicy()) x FACTOR, the
   same factor as the front, written to a config file by this script, not chosen by hand: night 1 on
   a fresh database, night 2 on the same database with `--max-age 0` (every link fetched again, as
   24 h later);
2. LinkChecker over the same links' replay URLs, at the same per-second cap and thread count;
3. optionally (--big-gb) one large archived PDF through `check`, for peak RSS.

Floor (as issue #12 defines it): max(links / replay limit, index requests a suggestion search needs /
index limit), counting one index request per broken link on night 1 and none on night 2. The floor
of the requests actually sent is printed beside it.
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

# The Internet Archive's limits (README, "Politeness"): CDX + TimeMaps 24 a minute, replay about 480.
IA_INDEX_PER_MIN, IA_REPLAY_PER_MIN = 24, 480
LATENCY = 0.05
BROKEN_SHARE = 0.15


def pdf_bytes(i: int, mean_size: int = 0) -> str:
    """A small PDF; with `mean_size`, padded to between 0.5 and 1.5 x that (mean: mean_size)."""
    pad = 200 + i % 50
    if mean_size:
        pad = max(pad, int(mean_size * (0.5 + (i % 11) / 10)) - 60)
    return (f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% bench document {i}\n"
            + "x" * pad + "\n%%EOF\n")


SOFT_404_HTML = ("<!DOCTYPE html><html><head><title>Page not found - GOV.UK</title></head>"
                 "<body><h1>Page not found</h1><p>This page has been removed.</p></body></html>\n")


def make_cases(n: int, seed: int = 12, doc_bytes: int = 0):
    """(captures, links): links are (public link, replay path, expected status, expected suggestion)."""
    rnd = random.Random(seed)
    n_broken = -(-n * int(BROKEN_SHARE * 100) // 100)
    n_moved, n_soft = n_broken // 3, n_broken // 3
    n_never = n_broken - n_moved - n_soft
    n_healthy = n - n_broken
    captures, links = [], []

    def ts(i, year=None):
        return "%04d%02d%02d%02d%02d%02d" % (year or 2015 + i % 8, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60)

    def pdf(cid, coll, url, stamp, i):
        return Capture(id=cid, collection=coll, url=url, timestamp=stamp, status=200, mime="application/pdf",
                       expected="ok", tests="bench", body_text=pdf_bytes(i, doc_bytes))

    for i in range(n_healthy):
        coll = "ukgwa" if i % 3 else "web"
        cap = pdf(f"b{i}", coll, f"https://www.gov.uk/government/uploads/attachment_data/file/{100000 + i}/report-{i}.pdf",
                  ts(i), i)
        captures.append(cap)
        links.append((cap.public_url(), cap.replay_path(""), "ok", None))
    for j in range(n_moved):  # a good capture, then the server's 404 captured later: cite the good one
        coll = "ukgwa" if j % 2 else "web"
        url = f"https://www.gov.uk/government/publications/moved-{j}.pdf"
        good = pdf(f"m{j}", coll, url, ts(j, 2016), j)
        gone = Capture(id=f"g{j}", collection=coll, url=url, timestamp=ts(j, 2021), status=404, mime="text/html",
                       expected="broken", tests="bench captured 404", body_text=SOFT_404_HTML)
        captures += [good, gone]
        links.append((gone.public_url(), gone.replay_path(""), "broken", good.public_url()))
    for j in range(n_soft):
        coll = "ukgwa" if j % 2 else "web"
        cap = Capture(id=f"s{j}", collection=coll, url=f"https://example.gov.uk/documents/withdrawn-{j}.pdf",
                      timestamp=ts(50000 + j), status=200, mime="text/html", expected="broken",
                      tests="bench soft 404", body_text=SOFT_404_HTML)
        captures.append(cap)
        links.append((cap.public_url(), cap.replay_path(""), "broken", None))
    for j in range(n_never):
        url = f"https://example.gov.uk/never/archived-{j}.pdf"
        if j % 2:
            links.append((f"https://webarchive.nationalarchives.gov.uk/ukgwa/20200101000000/{url}",
                          f"/ukgwa/20200101000000/{url}", "broken", None))
        else:
            links.append((f"https://web.archive.org/web/20200101000000/{url}", f"/web/20200101000000/{url}",
                          "broken", None))
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


def front_figures(front: Front, rates: dict) -> dict:
    log = front.requests
    counts = Counter(r.endpoint for r in log if r.status != 429)
    return {"requests": len(log), "index": counts["index"], "replay": counts["replay"],
            "429s": sum(1 for r in log if r.status == 429),
            "actual_floor": max(counts["replay"] / rates["replay"], counts["index"] / rates["index"]) * 60}


def scaled_defaults(factor: float) -> dict:
    """archivecheck's own default limits x factor: the client's side of the comparison."""
    from archivecheck.config import NetworkPolicy

    policy = NetworkPolicy()
    return {"index": policy.index_per_minute * factor, "replay": policy.replay_per_minute * factor}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=1000)
    ap.add_argument("--factor", type=float, default=2.0, help="x the Internet Archive's limits, for both sides")
    # The archive's limits, not the pool, must set the pace; 32 (the CLI's maximum) keeps enough
    # replay workers awake while others wait on 50 ms of latency. More cannot send faster: the
    # shared limiter spaces every request.
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--big-gb", type=float, default=0.0)
    ap.add_argument("--no-linkchecker", action="store_true")
    ap.add_argument("--scale", type=int, default=0, help="run N links with the rate limits lifted instead")
    ap.add_argument("--scale-alone", action="store_true", help="with --scale: skip the run at a tenth of N")
    ap.add_argument("--doc-kb", type=float, default=0, help="healthy documents' mean size in KB (0: ~300 bytes)")
    ap.add_argument("--serve", action="store_true",
                    help="then serve + watch together against the front at the archive's own limits, counting 429s")
    args = ap.parse_args(argv)
    if args.scale:
        from bench.bench_watch_scale import run_scale

        return run_scale(args.scale, args.concurrency, with_tenth=not args.scale_alone)

    rates = {"index": IA_INDEX_PER_MIN * args.factor, "replay": IA_REPLAY_PER_MIN * args.factor}
    root = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    print(f"building the archive in {root} ...", file=sys.stderr)
    captures, links = make_cases(args.links, doc_bytes=int(args.doc_kb * 1024))
    t = time.monotonic()
    big = build_archive(root, captures, args.big_gb)
    print(f"  {len(captures)} captures built in {time.monotonic() - t:.1f}s", file=sys.stderr)
    archive = start_archive(root)
    try:
        return _bench(args, archive, archive.front, links, rates, big, root)
    finally:
        archive.stop()


def start_archive(root: Path) -> LocalArchive:
    process, pywb_port = _start_pywb(root, 600)  # keeps draining pywb's stdout (see there)
    front = Front("127.0.0.1", pywb_port)
    front.serve()
    front.httpd.handle_error = lambda request, client_address: None
    return LocalArchive(root, front, process, owns_root=True)


def _configure_front(front, rates):
    front.configure(latency=LATENCY, index_rpm=int(rates["index"]), replay_rpm=int(rates["replay"]), window=60.0)
    front.reset_log()


def _bench(args, archive, front, links, rates, big, root) -> int:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    client = scaled_defaults(args.factor)
    cfg = root / "bench.toml"
    cfg.write_text("[network]\nindex_per_minute = %r\nreplay_per_minute = %r\nmax_bytes = %d\n"
                   % (client["index"], client["replay"], 2_000_000_000))
    listfile = root / "links.csv"
    with open(listfile, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["url", "expected"])
        for public, _, expected, _ in links:
            w.writerow([public, expected])
    n = len(links)
    expected = {public: (status, suggestion) for public, _, status, suggestion in links}
    healthy_paths = {p for _, p, e, _ in links if e == "ok"}
    n_healthy = len(healthy_paths)
    mean_doc = sum(len(pdf_bytes(i, int(args.doc_kb * 1024)).encode()) for i in range(n_healthy)) / n_healthy
    n_broken = n - n_healthy
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
          f"command: python bench/bench_watch.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"links: {n} ({n_healthy} healthy, {n_broken} broken = {n_broken / n:.0%}: "
          f"{sum(1 for s in expected.values() if s[1])} with a good earlier capture to suggest); "
          f"front: index {rates['index']:g}/min, replay {rates['replay']:g}/min, {LATENCY * 1000:.0f} ms latency; "
          f"archivecheck: its defaults x {args.factor:g} = index {client['index']:g}/min, replay {client['replay']:g}/min")
    rows = []
    for night, extra in ((1, []), (2, ["--max-age", "0"])):
        _configure_front(front, rates)
        code, out, err, wall, rss = run_measured(
            [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "watch", str(listfile),
             "--db", str(root / "watch.db"), "--no-progress", "--format", "json",
             "--concurrency", str(args.concurrency), *extra], env=env)
        doc = json.loads(out)
        got = {r["input"]: (r["status"], r["suggestion"]) for r in doc["results"]}
        wrong = Counter((want, got[k]) for k, want in expected.items() if got[k] != want)
        fig = front_figures(front, rates)
        floor = max(n / rates["replay"], (n_broken if night == 1 else 0) / rates["index"]) * 60
        healthy = sum(1 for r in front.requests if _hits(r.path, healthy_paths))
        healthy_bytes = sum(b for path, b in front.bytes_by_path.items() if _hits(path, healthy_paths))
        rows.append(dict(name=f"archivecheck night {night}", wall=wall, floor=floor, fig=fig, rss=rss,
                         right=n - sum(wrong.values()), per_healthy=healthy / n_healthy,
                         per_broken=fig["index"] / n_broken, bytes_per_healthy=healthy_bytes / n_healthy,
                         mean_doc=mean_doc, summary=doc["summary"]))
        print(f"\narchivecheck watch --concurrency {args.concurrency} {' '.join(extra)} (exit {code}): night {night}, "
              + ("a fresh database" if night == 1 else "the same database, night 1's results as history"))
        _print_figures(rows[-1], n, wrong)
        print(f"  body bytes per healthy link {healthy_bytes / n_healthy:,.0f} = {healthy_bytes / n_healthy / mean_doc:.3f} x "
              f"the mean document ({mean_doc:,.0f} bytes); re-checked by range {doc['summary'].get('rechecked_by_range', 0)}, "
              f"differed {doc['summary'].get('recheck_differed', 0)}")
        print("  stderr: " + err.decode().strip().splitlines()[-1])

    # LinkChecker over the same links' replay URLs, its fairest settings: the same thread count and
    # per-second cap as archivecheck's replay limit, -r0 (the listed URLs only), robots.txt
    # honoured (its default). It spaces requests to one host by a random 0.1-0.6 s under a lock
    # shared by all threads (linkcheck/director/aggregator.py, wait_for_host) unless the server
    # sends a `LinkChecker` header, which no archive does: ~2.9 requests/s whatever the cap. It has
    # no "unverifiable" and no suggestion; it is right for a link when valid<->ok, invalid<->broken.
    if not args.no_linkchecker:
        _configure_front(front, rates)
        lcrc = root / "linkcheckerrc"
        lcrc.write_text("[checking]\nmaxrequestspersecond=%g\nthreads=%d\n" % (client["replay"] / 60, args.concurrency))
        urls = {archive.url(p): public for public, p, _, _ in links}
        code, out, err, wall, rss = run_measured(
            [str(Path(sys.executable).parent / "linkchecker"), "-f", str(lcrc), "--stdin", "-r", "0", "-o", "csv",
             "-v", "--no-status", "--timeout", "30"], env=env, stdin=" ".join(urls).encode())
        rows_csv = [line for line in out.decode().splitlines() if line and not line.startswith("#")]
        verdict = {}
        for row in csv.DictReader(io.StringIO("\n".join(rows_csv)), delimiter=";"):
            key = urls.get(row.get("urlname")) or urls.get(row.get("url"))
            if key:
                verdict[key] = "ok" if row.get("valid", "").strip().lower() in ("true", "1") else "broken"
        wrong = Counter((want[0], verdict.get(k)) for k, want in expected.items() if verdict.get(k) != want[0])
        fig = front_figures(front, rates)
        healthy = sum(1 for r in front.requests if _hits(r.path, healthy_paths))
        rows.append(dict(name=f"LinkChecker {_lc_version()}", wall=wall, floor=n / rates["replay"] * 60, fig=fig,
                         rss=rss, right=n - sum(wrong.values()), per_healthy=healthy / n_healthy,
                         per_broken=fig["index"] / n_broken))
        print(f"\nLinkChecker -t {args.concurrency} --timeout 30 -r0 (exit {code})")
        _print_figures(rows[-1], n, wrong)

    print("\n| | wall | floor | wall / floor | req / healthy link | body bytes / healthy link | index req / broken link "
          "| 429s | right | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        per_bytes = (f"{r['bytes_per_healthy']:,.0f} ({r['bytes_per_healthy'] / r['mean_doc']:.3f} x mean doc)"
                     if "bytes_per_healthy" in r else "-")
        print(f"| {r['name']} | {r['wall']:.1f} s | {r['floor']:.1f} s | {r['wall'] / r['floor']:.3f} | "
              f"{r['per_healthy']:.3f} | {per_bytes} | {r['per_broken']:.3f} | {r['fig']['429s']} | {r['right']}/{n} | {r['rss']:.0f} MB |")
    if args.serve:
        _serve_and_watch(archive, root, listfile, links, env)
    if big:
        _big_pdf(big, archive, cfg, env, args.big_gb)
    return 0


def _serve_and_watch(archive, root, listfile, links, env, letters: int = 8, per_letter: int = 5) -> None:
    """(#21) `serve` and a `watch` night on one machine, the front at the archive's own limits (not
    x factor), both at archivecheck's default limits, sharing the machine's budget file: 429s, and
    how long a caseworker's letter takes with the nightly job running against without it."""
    import re
    import socket
    import statistics

    import requests

    front = archive.front
    front.configure(latency=LATENCY, index_rpm=IA_INDEX_PER_MIN, replay_rpm=IA_REPLAY_PER_MIN, window=60.0)
    time.sleep(60)  # the nights before filled the front's 60 s window: start from an empty one
    front.reset_log()
    env = dict(env, ARCHIVECHECK_BUDGET=str(root / "budget.sqlite"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    serve = subprocess.Popen([sys.executable, "-m", "archivecheck", *archive.cli_args(), "serve", "--port", str(port)],
                             env=env, cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    healthy = [public for public, _, e, _ in links if e == "ok"]
    try:
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)

        def letter(k: int) -> float:
            web = requests.Session()
            token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(base + "/").text).group(1)
            chosen = healthy[(k * per_letter) % len(healthy):][:per_letter]
            text = "Dear requester,\n\n" + "".join(f"See {u} for the document.\n" for u in chosen)
            start = time.monotonic()
            resp = web.post(base + "/checks", data={"csrf_token": token, "text": text}, allow_redirects=False)
            check_id = resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
            while web.get(f"{base}/checks/{check_id}.json").json()["state"] != "done":
                time.sleep(0.1)
            return time.monotonic() - start

        alone = [letter(k) for k in range(3)]
        front.reset_log()
        start = time.monotonic()
        watch = subprocess.Popen([sys.executable, "-m", "archivecheck", *archive.cli_args(), "watch", str(listfile),
                                  "--db", str(root / "watch.db"), "--no-progress", "--max-age", "0", "--concurrency", "32",
                                  "--output", str(root / "night3.txt")], env=env, cwd=str(REPO),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        together = []
        for k in range(3, 3 + letters):
            time.sleep(5)
            together.append(letter(k))
        _, err = watch.communicate()
        wall = time.monotonic() - start
    finally:
        serve.terminate()
        serve.wait(10)
    log = front.requests
    replay = sum(1 for r in log if r.endpoint == "replay" and r.status != 429)
    print(f"\nserve + watch on one machine, front at the archive's own limits (replay {IA_REPLAY_PER_MIN}/min, index "
          f"{IA_INDEX_PER_MIN}/min, {LATENCY * 1000:.0f} ms), both at archivecheck's defaults, one budget file:")
    print(f"  429s: {sum(1 for r in log if r.status == 429)} (0); watch night 3 {wall:.1f}s for {len(links)} links while "
          f"{letters} letters of {per_letter} links were checked; {replay} replay requests in all = floor "
          f"{replay / IA_REPLAY_PER_MIN * 60:.1f}s at the archive's limit")
    print(f"  a letter of {per_letter} links, submit to done: alone median {statistics.median(alone):.2f}s (max "
          f"{max(alone):.2f}s); with the nightly job running median {statistics.median(together):.2f}s (max "
          f"{max(together):.2f}s)")
    print("  watch: " + err.decode().strip().splitlines()[-1])


def _big_pdf(big, archive, cfg, env, gb) -> None:
    archive.front.configure(latency=0.0)
    url, ts = big
    link = f"https://webarchive.nationalarchives.gov.uk/ukgwa/{ts}/{url}"
    code, out, err, wall, rss = run_measured(
        [sys.executable, "-m", "archivecheck", "--config", str(cfg), *archive.cli_args(), "check", link,
         "--no-progress", "--format", "json", "--timeout", "120"], env=env)
    rec = json.loads(out)["results"][0]
    print(f"\n{gb:g} GB PDF: status {rec['status']}, {rec['content_length']:,} bytes, sha256 "
          f"{(rec['sha256'] or 'none')[:16]}..., wall {wall:.1f}s, peak RSS {rss:.1f} MB")


def _hits(path: str, replay_paths: set[str]) -> bool:
    """Whether a request path is for one of `replay_paths` (as replayed, or raw with id_)."""
    p = path.split("?")[0]
    if p in replay_paths:
        return True
    coll, rest = p.lstrip("/").split("/", 1) if "/" in p.lstrip("/") else (p, "")
    ts, _, url = rest.partition("/")
    return f"/{coll}/{ts.removesuffix('id_')}/{url}" in replay_paths


def _print_figures(row, n, wrong):
    fig = row["fig"]
    print(f"  wall {row['wall']:.1f}s; floor {row['floor']:.1f}s; ratio {row['wall'] / row['floor']:.3f} (target <= 1.15); "
          f"floor of the requests actually sent {fig['actual_floor']:.1f}s (replay {fig['replay']}, index {fig['index']})")
    print(f"  {row['per_healthy']:.3f} requests/healthy link (<= 1.1); {row['per_broken']:.3f} index requests/broken "
          f"link; 429s provoked: {fig['429s']} (0); peak RSS {row['rss']:.1f} MB (<= 120); right {row['right']}/{n}")
    if wrong:
        print("  wrong (expected, got): " + ", ".join(f"{k}: {v}" for k, v in wrong.most_common(5)))


def _lc_version() -> str:
    try:
        from importlib.metadata import version

        return version("linkchecker")
    except Exception:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
