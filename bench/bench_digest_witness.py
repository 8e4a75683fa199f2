"""Issue #17 item 3: the archive as a witness (archivecheck/witness.py) — what it costs, what it can add.

The witness: a capture the judge read as the document but DOUBTED is put to the archive's index once
(`matchType=prefix` on its directory, `filter=digest:<sha1>`, `collapse=urlkey`, `limit=25`): when at
least 3 other addresses of the site hold the same bytes it is a site template (an error, login or
maintenance page), and the link is broken. The first session measured the idea without building it
("measured, not adopted", its figures kept in docs/errorpages.md); this bench measures what was built.

1. Cost, on the local test archive (tests/archive, pywb behind the fault-injecting front): every link
   recipe, checked with the witness off and on, counting index requests at the front (a witness
   question is the one with `filter=digest`). Then the rate that matters at scale: the witness asks
   about every HTML capture judged good WITH doubt, so its requests per judged HTML page are the
   judge's doubt rate, read off the labelled development set (pages judged good, ordinary and all).
   At the index limit the project keeps to (22 a minute, under the Internet Archive's 24, shared by
   CDX and TimeMaps), that is minutes of index budget per 100 HTML links.
2. Recall it can add: error pages the judge DOUBTS rather than catches — under today's rules (the
   untagged development set and batch 2026-12-06-s3), and as first seen (batch s2 under the rules of
   cc058c9, s3 under 7830310, s4's parts 1-3 under 426fed0, 3cadf56, 53806e3). Of those, how many are
   byte-stable templates: no per-request token (request or ray IDs, CSRF and login tokens, nonces,
   MediaWiki's request id and timing) and no echo of the address asked for (its last path segment or
   a query value in the page). Only a byte-stable page can share its digest across addresses; whether
   an archive crawled 3 other addresses of that site serving it is a fact about the archive's crawl
   that cannot be measured without the network. Pages kept as visible text only (no markup) cannot
   be told apart and are counted apart. The held-out sets are not read: they stay sealed.

    PYTHONPATH=. python bench/bench_digest_witness.py            # both
    PYTHONPATH=. python bench/bench_digest_witness.py --recall   # the labelled pages only (no archive)
"""
from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archivecheck.config import NetworkPolicy  # noqa: E402

ROOT = REPO / "fixtures" / "errorpages"
# Markers of bytes that differ from one request to the next, so one address's page cannot share its
# digest with another's: CDN request/ray/incident IDs, challenge tokens, form tokens, nonces, an
# application's per-request id and timing (MediaWiki: wgRequestId, wgBackendResponseTime).
PER_REQUEST = re.compile(
    rb"request id:|ray id|cray:|incident id|reference&#32;&#35;|reference #|__cf_chl_|cf_chl_opt|jschl_vc|"
    rb"authenticity_token|csrf|nonce=|nonce\"|_incapsula_resource\?|could not be found in this collection|"
    rb"collection not found:|errors\.edgesuite\.net/|wgRequestId|wgBackendResponseTime|wpLoginToken|"
    rb"name=\"[^\"]*token[^\"]*\"\s+value=|served by \S+ in [\d.]+ ?secs|page generated in", re.IGNORECASE)
# Each batch under the rules that first saw it (fixtures/errorpages/README.md): no archivecheck/ change
# landed between s3's parts 1 and 6 (44fdeeb..7830310), so the whole of s3 was first seen at 7830310.
FIRST_SEEN = (("2026-12-06-s2", None, "cc058c9"), ("2026-12-06-s3", None, "7830310"), ("2026-12-06-s4", 1, "426fed0"),
              ("2026-12-06-s4", 2, "3cadf56"), ("2026-12-06-s4", 3, "53806e3"))
FAST = """[network]
timeout = 10
connect_timeout = 3
retries = 1
backoff = 0.05
index_per_minute = 100000
replay_per_minute = 100000
shared_budget = "off"
"""


# -- recall ------------------------------------------------------------------------------------------
def _labels() -> list[dict]:
    return json.loads((ROOT / "labels.json").read_text(encoding="utf-8"))


def _batch_files(batch: str, part: int | None) -> set[str]:
    files = set()
    for spec_path in sorted((ROOT / "tools").glob("batch_*.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        if spec.get("batch") == batch:
            files |= {p["file"] if "file" in p else f"pages/{p['name']}.html"
                      for p in spec["pages"] if part is None or p.get("part") == part}
    return files


def echoes_request(entry: dict, body: bytes) -> bool:
    """Does the page repeat the address it was asked for (its last path segment or a query value)?"""
    parts = urlsplit(entry.get("source_url") or "")
    if parts.netloc in ("github.com", "raw.githubusercontent.com"):
        return False  # a template file from a repository: no request to echo
    words = [unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])] + [v for _, v in parse_qsl(parts.query)]
    text = body.lower()
    for word in words:
        word = word.strip().lower()
        if len(word) >= 4 and any(form.encode() in text for form in {word, word.replace("_", " ")}):
            return True
    return False


def stability(entry: dict, body: bytes) -> str:
    if entry["content"] == "visible-text":
        return "text only"
    if PER_REQUEST.search(body):
        return "per-request token"
    if echoes_request(entry, body):
        return "echoes the address"
    return "byte-stable"


def _doubted_misses(judge_mod, entries: list[dict]) -> list[tuple[dict, bytes]]:
    """Error pages the given rules call ok with doubt."""
    out = []
    for entry in entries:
        if entry["label"] != "error":
            continue
        raw = (ROOT / entry["file"]).read_bytes()
        if entry["content"] == "visible-text":
            body = judge_mod._as_html(raw.decode("utf-8", "replace"))
        elif entry["content"] == "html-fragment":
            body = b"<!DOCTYPE html><html><body>" + raw + b"</body></html>"
        else:
            body = raw
        judged = judge_mod.judge(type("P", (), {"body": body})())
        if judged.fits and judged.doubt:
            out.append((entry, raw))
    return out


def _rules_at(commit: str | None):
    """tests.errorpages (and the archivecheck under it) of a commit, or of the working tree."""
    for name in [m for m in sys.modules if m == "archivecheck" or m.startswith("archivecheck.") or m.startswith("tests")]:
        del sys.modules[name]
    if commit is None:
        sys.path.insert(0, str(REPO))
    else:
        tmp = tempfile.mkdtemp(prefix="witness-rules-")
        data = subprocess.run(["git", "-C", str(REPO), "archive", commit, "archivecheck", "tests/errorpages.py",
                               "tests/__init__.py"], check=True, capture_output=True).stdout
        tarfile.open(fileobj=io.BytesIO(data)).extractall(tmp)
        sys.path.insert(0, tmp)
    import tests.errorpages as module  # noqa: PLC0415 - the rules under test, imported fresh
    sys.path.pop(0)
    return module


def recall_side() -> list[tuple[str, int, int, dict]]:
    labels = _labels()
    rows = []
    sets = [("development set, untagged, today's rules", None, [e for e in labels if not e.get("batch")]),
            ("batch 2026-12-06-s3, today's rules", None, [e for e in labels if e["file"] in _batch_files("2026-12-06-s3", None)])]
    sets += [(f"batch {b[-2:]}{' part ' + str(p) if p else ''}, first seen (rules at {c})", c,
              [e for e in labels if e["file"] in _batch_files(b, p)]) for b, p, c in FIRST_SEEN]
    for name, commit, entries in sets:
        module = _rules_at(commit)
        misses = _doubted_misses(module, entries)
        kinds: dict[str, list[str]] = {}
        for entry, raw in misses:
            kinds.setdefault(stability(entry, raw), []).append(Path(entry["file"]).stem)
        errors = sum(1 for e in entries if e["label"] == "error")
        rows.append((name, errors, len(misses), kinds))
    _rules_at(None)
    return rows


# -- cost --------------------------------------------------------------------------------------------
def doubt_rate() -> tuple[dict, dict]:
    """Of the development pages judged good (HTML, as an HTTP 200 capture), the share judged with doubt:
    the witness's index requests per judged HTML page. And the doubted ORDINARY pages by stability: the
    witness can only call a page a template if its bytes can repeat at other addresses, so the byte-stable
    ones are the exposure to a false `broken` (if a site served one document at 4+ paths)."""
    from tests.errorpages import judge, load_pages
    entries = {e["file"]: e for e in _labels()}
    good = {"ordinary": [0, 0], "all": [0, 0]}
    exposure: dict[str, int] = {}
    for page in load_pages():
        judged = judge(page)
        if not judged.fits:
            continue
        for key in (("ordinary", "all") if not page.is_error else ("all",)):
            good[key][0] += 1
            good[key][1] += bool(judged.doubt)
        if judged.doubt and not page.is_error:
            entry = entries[page.file]
            kind = stability(entry, (ROOT / entry["file"]).read_bytes())
            exposure[kind] = exposure.get(kind, 0) + 1
    return {k: (n, d) for k, (n, d) in good.items()}, exposure


def local_archive_cost() -> dict:
    from archivecheck.check import Checker
    from archivecheck.config import load_settings
    from tests.archive.cases import LINKS
    from tests.archive.server import LocalArchive

    out = {}
    with tempfile.TemporaryDirectory() as tmp, LocalArchive.start() as archive:
        for witness in (False, True):
            config = Path(tmp) / f"fast-{witness}.toml"
            config.write_text(FAST + f"template_witness = {str(witness).lower()}\n", encoding="utf-8")
            settings = load_settings(str(config), remaps=tuple(archive.cli_args()[1::2]), environ={})
            archive.front.reset_log()
            html = 0
            with Checker(settings) as checker:
                for item in LINKS.values():
                    result = checker.check(item.input)
                    html += result.content_type == "text/html" and result.http_status == 200
            log = archive.front.requests
            out[witness] = {"links": len(LINKS), "index": sum(r.endpoint == "index" for r in log),
                            "witness": sum("filter=digest" in r.path for r in log), "html": html}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recall", action="store_true", help="only the labelled pages (no local archive)")
    args = ap.parse_args()
    rate = NetworkPolicy().index_per_minute
    print("## Recall the witness can add: error pages the judge doubts rather than catches\n")
    print("| set | error pages | doubted misses | byte-stable | per-request token | echo the address | text only |")
    print("|---|---|---|---|---|---|---|")
    total = {"misses": 0, "byte-stable": 0, "known": 0}
    for name, errors, misses, kinds in recall_side():
        n = {k: len(kinds.get(k, [])) for k in ("byte-stable", "per-request token", "echoes the address", "text only")}
        print(f"| {name} | {errors} | {misses} | {n['byte-stable']} | {n['per-request token']} | "
              f"{n['echoes the address']} | {n['text only']} |")
        if "today" not in name or "s3" not in name:
            total["misses"] += misses
            total["byte-stable"] += n["byte-stable"]
            total["known"] += misses - n["text only"]
        for kind, files in sorted(kinds.items()):
            print(f"|  {kind}: {', '.join(sorted(files))} | | | | | | |")
    print(f"\nfirst-seen + untagged totals: {total['byte-stable']} byte-stable of {total['misses']} doubted misses "
          f"({total['known']} with markup)\n")
    if args.recall:
        return
    print("## Cost\n")
    rates, exposure = doubt_rate()
    print("| measurement | value |\n|---|---|")
    for key, (n, d) in rates.items():
        print(f"| development pages judged good ({key}) | {n} |")
        print(f"| … of them judged with doubt = witness requests per judged HTML page ({key}) | {d} ({d / n:.3f}) |")
        print(f"| minutes of index budget per 100 judged HTML links at {rate:g}/min ({key}) | {100 * d / n / rate:.2f} |")
    print(f"| doubted ordinary pages by stability (exposure to a false template call) | "
          f"{', '.join(f'{k} {v}' for k, v in sorted(exposure.items()))} |")
    cost = local_archive_cost()
    off, on = cost[False], cost[True]
    print(f"| local test archive: links checked | {on['links']} |")
    print(f"| … HTML captures judged with status 200 | {on['html']} |")
    print(f"| … index requests, witness off / on | {off['index']} / {on['index']} |")
    print(f"| … witness questions (filter=digest) | {on['witness']} |")
    print(f"| … witness requests per link / per judged HTML capture | {on['witness'] / on['links']:.3f} / "
          f"{on['witness'] / max(1, on['html']):.3f} |")
    print(f"| … minutes of index budget at {rate:g}/min, witness off / on | {off['index'] / rate:.2f} / {on['index'] / rate:.2f} |")


if __name__ == "__main__":
    main()
