"""#20: what a night under an AWS WAF challenge costs the challenged archive, with and without the
cool-down. Counts requests (the front's log), not time: no network beyond loopback.

    python bench/bench_challenge.py [--links 200] [--concurrency 4]

A local archive (tests/archive) whose UKGWA answers every request with 405 + x-amzn-waf-action:
captcha; `watch` over N distinct UKGWA links (the ICO audit summary cited at N different dates, each
served as its nearest capture) with the Wayback Machine on a second loopback host. Printed: requests
sent to UKGWA, requests to the Wayback Machine (corroboration), links with a verified suggestion.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from archivecheck.cli import cli  # noqa: E402
from tests.archive import LocalArchive, capture  # noqa: E402

POLICY = """[network]
retries = 3
backoff = 0.05
index_per_minute = 100000
replay_per_minute = 100000
challenge_cooldown = {cooldown}
"""


def night(archive, links: list[str], cooldown: float, concurrency: int, work: Path) -> dict:
    config = work / f"c{cooldown:g}.toml"
    config.write_text(POLICY.format(cooldown=cooldown), encoding="utf-8")
    listfile = work / "links.txt"
    listfile.write_text("\n".join(links) + "\n", encoding="utf-8")
    archive.front.reset_log()
    start = time.monotonic()
    result = CliRunner().invoke(cli, [
        "--config", str(config), "--archive", "ukgwa=" + archive.ukgwa_base,
        "--archive", "wayback=" + archive.wayback_base.replace("127.0.0.1", "localhost"),
        "watch", str(listfile), "--db", str(work / f"w{cooldown:g}.db"), "--no-progress", "--format", "json",
        "--concurrency", str(concurrency)], env={"ARCHIVECHECK_BUDGET": str(work / f"b{cooldown:g}.sqlite")})
    elapsed = time.monotonic() - start
    doc = json.loads(result.stdout)
    log = archive.front.requests
    return {"cooldown": cooldown, "links": len(links), "exit": result.exit_code,
            "ukgwa_requests": sum(r.path.startswith("/ukgwa/") for r in log),
            "wayback_requests": sum(r.path.startswith("/web/") for r in log),
            "unverifiable": doc["summary"]["unverifiable"], "challenged": doc["summary"].get("challenged"),
            "with_suggestion": sum(bool(r["suggestion"]) for r in doc["results"]), "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    ico = capture("ico_mps_ukgwa")
    first = datetime(2022, 2, 1, 21, 4, 13)
    links = [f"https://webarchive.nationalarchives.gov.uk/ukgwa/{(first + timedelta(hours=i)):%Y%m%d%H%M%S}/{ico.url}"
             for i in range(args.links)]
    with tempfile.TemporaryDirectory() as tmp, LocalArchive.start() as archive:
        archive.front.inject("/ukgwa/", "captcha", times=None)
        rows = [night(archive, links, cooldown, args.concurrency, Path(tmp)) for cooldown in (900, 0)]
    print("| cool-down | links | requests to UKGWA | to Wayback | unverifiable | challenged | verified suggestion | exit | wall |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['cooldown']:g} s | {r['links']} | {r['ukgwa_requests']} | {r['wayback_requests']} | {r['unverifiable']}"
              f" | {r['challenged']} | {r['with_suggestion']} | {r['exit']} | {r['seconds']} s |")


if __name__ == "__main__":
    main()
