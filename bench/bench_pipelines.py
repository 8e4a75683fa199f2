"""Every generated pipeline case (fixtures/pipelines/, tools/damage_pipelines.py), offline and online.

Run: python bench/bench_pipelines.py [--offline-only] [--per-pipeline N]

Offline: syntax, hyphenation patterns and word frequency alone. Online: against a local pywb
archive (tests/archive) holding a capture of every intended link **and decoys** — other captures
under the same prefix whose spelling differs by a hyphen (at a hyphenation point of the last path
segment's longest word), a letter, or case. Prints one table per mode, one row per pipeline, and
the held-out split (links from sources nobody looked at while writing rules) as its own row.

Verdicts (tests/pipeline_cases.py): right; listed (uncertain, the intended link among the
readings); lost (the record says the pipeline destroyed part of the link); flagged (uncertain, the
intended link not listed); silent (the tool's output is another valid spelling — a hyphen dropped
with no trace, pdftotext's dehyphenation — which no reader can undo); wrong (anything else given as
certain).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivecheck.grammar import compile_grammar  # noqa: E402
from tests.pipeline_cases import captures_for, load_cases, sample, score, table  # noqa: E402
from tests.test_realworld_repair import _settings  # noqa: E402


def _details(counts, limit: int = 3) -> None:
    for pipeline, items in sorted(counts["details"].items()):
        for case_id, verdict, given in items[:limit]:
            if verdict != "silent":
                print(f"  {verdict:8} {case_id}: {given[:160]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offline-only", action="store_true")
    parser.add_argument("--per-pipeline", type=int, default=0, help="a fixed sample per pipeline (0: all cases)")
    args = parser.parse_args(argv)
    cases = load_cases()
    if args.per_pipeline:
        cases = sample(cases, args.per_pipeline)
    work = Path(tempfile.mkdtemp(prefix="bench-pipelines-"))
    settings = _settings(work)
    grammar = compile_grammar(settings.registry)
    print(f"{len(cases)} cases, {len({c['link'] for c in cases})} links, "
          f"{len({c['pipeline'] for c in cases})} pipelines")
    started = time.perf_counter()
    offline = score(cases, None, grammar)
    print(table(offline, f"offline ({time.perf_counter() - started:.1f} s)"))
    _details(offline)
    if args.offline_only:
        return 0

    from archivecheck.http import ArchiveSession
    from archivecheck.index import CdxIndex
    from tests.archive import LocalArchive

    captures, decoys = captures_for(cases, settings.registry, grammar)
    archive = LocalArchive.start(work / "archive", extra_captures=captures)
    try:
        base = archive.base
        online_settings = _settings(work, f"{base}ukwa/", (f"ukgwa={base}ukgwa/", f"wayback={base}web/"))
        grammar = compile_grammar(online_settings.registry)
        started = time.perf_counter()
        with ArchiveSession(online_settings.network) as session:
            online = score(cases, CdxIndex(session, online_settings), grammar)
        print(table(online, f"online, local archive with {len(captures) - decoys} intended captures and "
                            f"{decoys} decoys ({time.perf_counter() - started:.1f} s, "
                            f"{archive.front.counts.get('index', 0)} index requests)"))
        _details(online)
    finally:
        archive.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
