"""Issue #17 item 3: is "the archive as a witness" worth its cost? Measure, then decide.

The idea: a capture whose exact payload digest the archive also holds for many *other* URLs of the
same site is a template (an error, login or maintenance page), not the document one URL names; one
index query with a digest filter (CDX `url=<host>&matchType=domain&filter=digest:<sha1>`) can tell.

Two measurements, printed as one table:

1. What it could add to recall, on the labelled development set (fixtures/errorpages): of the
   error pages, how many the content rules already catch, and how many are byte-stable templates
   (no per-request token: request or ray IDs, challenge tokens, CSRF tokens, nonces, the requested
   address echoed back) — only those can share a digest across URLs. The witness adds recall only
   on a page that is both missed by the content rules and byte-stable. (The held-out set is not
   read here: it stays sealed.)
2. What it costs: every link recipe of the local test archive (tests/archive) checked through the
   fault front, counting index and replay requests; the witness adds one index request for every
   HTML capture judged with status 200 (the only captures it could speak about). At the index
   limit the project keeps to (config.NetworkPolicy.index_per_minute, below the Internet Archive's
   published 24/min shared by CDX and TimeMaps), those requests are minutes.

    PYTHONPATH=. python bench/bench_digest_witness.py
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archivecheck.check import Checker  # noqa: E402
from archivecheck.config import NetworkPolicy, load_settings  # noqa: E402
from tests.archive.cases import LINKS  # noqa: E402
from tests.archive.server import LocalArchive  # noqa: E402
from tests.errorpages import judged_error, load_pages  # noqa: E402

# Markers of bytes that differ from one request to the next, so one URL's error page cannot share
# its digest with another's: CDN request/ray/incident IDs, challenge tokens, form tokens, nonces.
PER_REQUEST = re.compile(
    rb"request id:|ray id|cray:|incident id|reference&#32;&#35;|reference #|__cf_chl_|cf_chl_opt|jschl_vc|"
    rb"authenticity_token|csrf|nonce=|_incapsula_resource\?|could not be found in this collection|"
    rb"collection not found:|errors\.edgesuite\.net/", re.IGNORECASE)

FAST = """[network]
timeout = 10
connect_timeout = 3
retries = 1
backoff = 0.05
index_per_minute = 100000
replay_per_minute = 100000
"""


def recall_side() -> dict:
    errors = [p for p in load_pages() if p.is_error]
    caught = [p for p in errors if judged_error(p)]
    stable = [p for p in errors if not PER_REQUEST.search(p.body)]
    gain = [p for p in stable if not judged_error(p)]
    return {"errors": len(errors), "caught by content": len(caught), "byte-stable templates": len(stable),
            "witness could add": len(gain)}


def cost_side() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "fast.toml"
        config.write_text(FAST, encoding="utf-8")
        with LocalArchive.start() as archive:
            settings = load_settings(str(config), remaps=tuple(archive.cli_args()[1::2]), environ={})
            archive.front.reset_log()
            judged_html = 0
            with Checker(settings) as checker:
                for item in LINKS.values():
                    result = checker.check(item.input)
                    if result.content_type == "text/html" and result.http_status == 200:
                        judged_html += 1
            counts = dict(archive.front.counts)
    links = len(LINKS)
    index, replay = counts.get("index", 0), counts.get("replay", 0)
    rate = NetworkPolicy().index_per_minute
    return {"links": links, "index requests": index, "replay requests": replay,
            "HTML captures judged (200)": judged_html,
            "index requests with witness": index + judged_html,
            "index minutes now": index / rate, "index minutes with witness": (index + judged_html) / rate,
            "index rate (per min)": rate}


def main() -> None:
    recall = recall_side()
    cost = cost_side()
    print("| measurement | value |\n|---|---|")
    for key, value in {**recall, **cost}.items():
        print(f"| {key} | {value:.2f} |" if isinstance(value, float) else f"| {key} | {value} |")


if __name__ == "__main__":
    main()
