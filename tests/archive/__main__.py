"""``python -m tests.archive serve [--port N] [--latency S] [--index-rpm N] [--replay-rpm N] [--window S]
[--audit-example]`` builds the local archive and serves it in the foreground, printing the bases and
the environment to export; with --audit-example, also the README audit example's world
(tests/audit_example.py).

``python -m tests.archive readme`` prints the case tables of fixtures/archive/README.md.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time

from tests.archive.cases import CASES, LINKS


def _stop_on_signal(signum, frame):
    # SIGTERM's default ends the process on the spot, skipping the finally below: pywb was left
    # running and the temp directory behind (#11). Raising unwinds through it like Ctrl-C does.
    raise SystemExit(128 + signum)


def serve(args) -> int:
    from tests.archive.server import LocalArchive

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    archive = None
    try:
        archive = LocalArchive.start(args.root, port=args.port)
        return _serve_until_stopped(archive, args)
    except KeyboardInterrupt:
        return 130
    finally:
        if archive is not None:
            archive.stop()  # the pywb child, and the build directory unless --root named it


def _serve_until_stopped(archive, args) -> int:
    archive.front.configure(latency=args.latency, index_rpm=args.index_rpm,
                            replay_rpm=args.replay_rpm, window=args.window)
    print("root    %s" % archive.root)
    print("pywb    pid %d" % archive._process.pid)
    print("ukgwa   %s" % archive.ukgwa_base)
    print("wayback %s" % archive.wayback_base)
    print("ia cdx  %s" % archive.ia_cdx_url)
    print("args    %s" % " ".join(archive.cli_args()))
    env = archive.env()
    if args.audit_example:
        from tests.audit_example import start_audit_example

        # The stand-ins are daemon threads of this process: they go when it goes.
        _site, _stand_in, env = start_audit_example(archive)
    for name, value in env.items():
        print("export %s=%s" % (name, value))
    sys.stdout.flush()
    while True:
        time.sleep(3600)


def readme_tables() -> str:
    lines = ["| id | collection | timestamp | URL | status / mime | tests | expected |",
             "|---|---|---|---|---|---|---|"]
    for c in CASES.values():
        lines.append("| `%s` | %s | %s | %s | %d %s | %s | %s |"
                     % (c.id, c.collection, c.timestamp, c.url, c.status, c.mime, c.tests, c.expected))
    lines += ["", "| id | link (public form) | tests | expected |", "|---|---|---|---|"]
    for link in LINKS.values():
        lines.append("| `%s` | %s | %s | %s |" % (link.id, link.input, link.tests, link.expected))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.archive")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="build and serve the local archive in the foreground")
    s.add_argument("--root", help="build directory (default: a temp dir, removed on exit)")
    s.add_argument("--port", type=int, default=0, help="front port (default: any free port)")
    s.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    s.add_argument("--index-rpm", type=int, help="CDX+TimeMap requests allowed per window")
    s.add_argument("--replay-rpm", type=int, help="replay requests allowed per window")
    s.add_argument("--window", type=float, default=60.0, help="rate-limit window in seconds")
    s.add_argument("--audit-example", action="store_true",
                   help="also the README audit example's captures, live-site and Save Page Now stand-ins")
    sub.add_parser("readme", help="print the case tables for fixtures/archive/README.md")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    sys.stdout.write(readme_tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
