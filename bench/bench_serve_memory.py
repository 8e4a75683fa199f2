"""Memory and queueing of `archivecheck serve` under twenty large letters at once (#19).

Run: /work/venv/bin/python bench/bench_serve_memory.py [--letters 20] [--mb 8] [--workers-note]

Starts the local test archive (tests/archive: pywb on loopback) and `archivecheck serve` against it
in a child process, checks one small letter to warm it up and reads the server's RSS (VmRSS of
/proc/PID/status) as its baseline; then uploads LETTERS large letters at once from as many threads
— half Word files carrying MB megabytes of incompressible media, half plain-text letters of MB/2
megabytes — each citing the reference link. For each upload it records whether the page showed its
queue position, then waits until every check is done, lets the server idle, and prints the RSS
again. The issue's bar: no 500, every waiting page shows its position, RSS back within 50 MB of
the baseline.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.archive.server import LocalArchive  # noqa: E402
from tests.conftest import FAST_NETWORK_POLICY  # noqa: E402
from tests.reference import REFERENCE_LINK  # noqa: E402

LETTERS = ROOT / "fixtures" / "letters"
REFERENCE = "ico-foi-response-IC-252019-Z2Y2"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def big_docx(mb: float) -> bytes:
    """The reference .docx with `mb` megabytes of random bytes added as a media part."""
    source = zipfile.ZipFile(LETTERS / f"{REFERENCE}.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            z.writestr(item, source.read(item.filename))
        z.writestr("word/media/scan.bin", os.urandom(int(mb * 1_000_000)), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def big_text(mb: float) -> bytes:
    line = "Paragraph of the reply that says nothing in particular about anything at all.\n"
    body = line * int(mb * 1_000_000 / len(line))
    return f"Dear requester,\n\nThe report is at {REFERENCE_LINK}.\n\n{body}Yours sincerely\n".encode()


def multipart(fields: dict, file_field: str, name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----bench" + os.urandom(8).hex()
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def submit(base: str, name: str, data: bytes) -> tuple[int, str | None]:
    """Post one letter as a browser would (start page for the CSRF cookie and token); returns
    (status, the check's address)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body, kind = multipart({"csrf_token": token}, "letter", name, data)
    request = urllib.request.Request(base + "/checks", data=body, headers={"Content-Type": kind})
    try:
        response = opener.open(request, timeout=300)
        return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")


def get(url: str) -> str:
    return urllib.request.urlopen(url, timeout=60).read().decode()


def wait_done(base: str, location: str, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = re.search(r'"state": ?"(\w+)"', get(base + location + ".json")).group(1)
        if state != "running":
            return state
        time.sleep(0.5)
    return "timeout"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--mb", type=float, default=8, help="size of each Word letter (text letters: half)")
    parser.add_argument("--idle", type=float, default=5, help="seconds to let the server idle before the last reading")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    archive = LocalArchive.start(work / "archive")
    config = work / "fast.toml"
    config.write_text(FAST_NETWORK_POLICY, encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "archivecheck", "--config", str(config), *archive.cli_args(), "serve",
                               "--port", str(port), "--db", str(work / "db" / "checks.sqlite"), "--max-upload", str(args.mb + 2)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(150):
            try:
                get(base + "/")
                break
            except OSError:
                time.sleep(0.2)
        print(f"RSS after start-up: {rss_mb(server.pid):.0f} MB")
        # The baseline is the server once it has read each kind of letter the run sends: the first
        # Word letter imports python-docx and lxml (tens of MB that stay, as any import does).
        for name, data in (("warm-up.txt", f"See {REFERENCE_LINK}.".encode()),
                           ("warm-up.docx", (LETTERS / f"{REFERENCE}.docx").read_bytes())):
            status, location = submit(base, name, data)
            assert status == 303 and wait_done(base, location) == "done"
        time.sleep(1)
        baseline = rss_mb(server.pid)
        print(f"baseline RSS after one small .txt and one small .docx letter: {baseline:.0f} MB")

        letters = [(f"letter-{i}.docx", big_docx(args.mb)) if i % 2 == 0 else (f"letter-{i}.txt", big_text(args.mb / 2))
                   for i in range(args.letters)]
        print(f"{args.letters} letters, {sum(len(d) for _, d in letters) / 1e6:.0f} MB in all, posted at once")
        outcomes: list = [None] * args.letters
        peak = [baseline]

        def post(i: int) -> None:
            name, data = letters[i]
            status, location = submit(base, name, data)
            queued = None
            if location:
                page = get(base + location)
                found = re.search(r"Waiting to start: (\d+) letters? ahead of yours", page)
                queued = int(found.group(1)) if found else ("checking" if "Checking:" in page else "done")
            outcomes[i] = (status, location, queued)

        def watch_peak(stop: threading.Event) -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mb(server.pid))
                time.sleep(0.1)

        stop = threading.Event()
        threading.Thread(target=watch_peak, args=(stop,), daemon=True).start()
        started = time.monotonic()
        threads = [threading.Thread(target=post, args=(i,)) for i in range(args.letters)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        states = [wait_done(base, o[1]) if o[1] else f"HTTP {o[0]}" for o in outcomes]
        seconds = time.monotonic() - started
        stop.set()
        statuses = sorted({o[0] for o in outcomes})
        positions = [o[2] for o in outcomes]
        print(f"HTTP statuses of the uploads: {statuses}; checks: "
              + ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states))) + f"; all done in {seconds:.0f} s")
        print("page right after each upload: " + ", ".join(
            f"{p} ahead" if isinstance(p, int) else str(p) for p in positions))
        time.sleep(args.idle)
        after = rss_mb(server.pid)
        print(f"peak RSS during the run: {peak[0]:.0f} MB")
        print(f"RSS {args.idle:.0f} s after the run: {after:.0f} MB ({after - baseline:+.0f} MB on the baseline; bar: +50 MB)")
        return 0 if (after - baseline) <= 50 and 500 not in statuses and set(states) == {"done"} else 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        archive.stop()


if __name__ == "__main__":
    sys.exit(main())
