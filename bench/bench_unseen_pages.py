"""Issue #17, third pass: how the judge does on real pages nobody labelled for it (a generalisation
estimate beside the development set's figures, which the rules were written with in view).

Reads HTML files straight out of git mirrors of public repositories (no network here; get the
mirrors first, e.g. `git clone --mirror`), judges each as verify would (an HTTP 200 capture of an
address naming no file type), and prints per repository: pages, called broken, called ok with
doubt, called plainly ok; and, for error-page repositories, every page missed.

    PYTHONPATH=. python bench/bench_unseen_pages.py \
        --ordinary <mirror of mozilla/readability>:test/test-pages/ \
        --ordinary <mirror of adbar/trafilatura>:tests/cache/ \
        --errors <mirror of justinhartman/Webserver-Error-Pages>: \
        --errors <mirror of ryochin/http-error-pages-ja>:

`--ordinary REPO:PREFIX`: every .html under PREFIX is a real page (news, blogs, government pages
kept as test inputs): anything called broken is a false-broken. Pages the development set already
holds (fixtures/errorpages/labels.json names their repository path) are skipped.
`--errors REPO:PREFIX`: the .html files under PREFIX whose name says a status (4xx/5xx, "error",
"maint", "offline") are error pages; unrendered templates ({{ }}, {% %}, <?php) are skipped.
Figures from the run on 2026-12-06 are in docs/errorpages.md ("Pages nobody labelled").
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivecheck.judge import judge_document  # noqa: E402

_ERROR_NAME = re.compile(r"(^|[^0-9])[45]\d\d([^0-9]|$)|error|maint|offline", re.IGNORECASE)
_TEMPLATE = (b"{{", b"{%", b"<?php")


def _files(repo: str, prefix: str) -> list[str]:
    out = subprocess.check_output(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD"], text=True)
    return [n for n in out.splitlines() if n.startswith(prefix) and n.endswith((".html", ".htm"))]


def _show(repo: str, name: str) -> bytes:
    return subprocess.check_output(["git", "-C", repo, "show", f"HEAD:{name}"])


def _known() -> str:
    labels = json.loads((ROOT / "fixtures" / "errorpages" / "labels.json").read_text(encoding="utf-8"))
    return json.dumps([(e.get("source_url"), e.get("retrieved_via")) for e in labels])


def run(spec: str, errors: bool, known: str) -> None:
    repo, _, prefix = spec.partition(":")
    pages = broken = doubted = 0
    missed = []
    for name in _files(repo, prefix):
        if errors and not _ERROR_NAME.search(name):
            continue
        if not errors and name in known:
            continue
        data = _show(repo, name)
        if errors and any(mark in data for mark in _TEMPLATE):
            continue
        j = judge_document("https://example.org/page", data, data, "text/html")
        pages += 1
        if not j.fits:
            broken += 1
        elif j.doubt:
            doubted += 1
        if errors and j.fits:
            missed.append(f"  missed: {name} ({'doubt said' if j.doubt else 'PLAIN ok'})")
    kind = "error pages" if errors else "ordinary pages"
    shown = Path(repo).parent.name if Path(repo).name == "repo" else Path(repo).name  # /work/.mirror/owner+name/repo
    print(f"{shown} {prefix or '/'}: {pages} {kind}; broken {broken}, ok with doubt {doubted}, "
          f"plain ok {pages - broken - doubted}")
    if missed:
        print("\n".join(missed[:20]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ordinary", action="append", default=[], metavar="REPO:PREFIX")
    parser.add_argument("--errors", action="append", default=[], metavar="REPO:PREFIX")
    args = parser.parse_args(argv)
    known = _known()
    for spec in args.ordinary:
        run(spec, False, known)
    for spec in args.errors:
        run(spec, True, known)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
