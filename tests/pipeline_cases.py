"""Scoring the generated pipeline cases (fixtures/pipelines/, made by tools/damage_pipelines.py).

A case is scored on every link repair finds in its text, as the real-world corpus is:
**right** (the intended link, given as certain), **listed** (uncertain, the intended link among the
reading and its alternatives), **lost** (the record says the pipeline destroyed part of the link:
no reading can bring it back, and none is given as certain), **flagged** (uncertain, the intended
link not listed) or **wrong** (anything else given as certain, a link cut short included).
Used by tests/test_pipelines.py (a sample, offline and online) and bench/bench_pipelines.py (all).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from archivecheck.repair import RepairedLink, repair_text

CASES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "pipelines"
VERDICTS = ("right", "listed", "lost", "flagged", "wrong")


def load_cases() -> list[dict]:
    cases: list[dict] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        cases += json.loads(path.read_text("utf-8"))
    return cases


def _shared(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def judge(intended: str, repaired: list[RepairedLink]) -> tuple[str, str]:
    """(verdict, what was given) for one case."""
    if not repaired:
        return "wrong", "no link found"
    truncated = [r for r in repaired if r.url != intended and intended.startswith(r.url) and not r.uncertain
                 and not r.lost and intended[len(r.url)] not in "/?#"]
    if truncated:
        return "wrong", f"cut short with confidence: {truncated[0].url}"
    best = max(repaired, key=lambda r: _shared(r.url, intended))
    if best.url == intended and not best.uncertain:
        return "right", best.url
    if best.uncertain and intended in (best.url, *best.alternatives):
        return "listed", best.url
    if best.lost:
        return "lost", f"{best.url} ({best.note})"
    if best.uncertain:
        return "flagged", f"{best.url} ({best.note})"
    return "wrong", best.url


def score(cases: list[dict], index=None, grammar=None) -> dict[str, Counter]:
    """Verdict counts per pipeline (and ``"*"`` for all), plus each wrong or flagged case in
    ``details`` (pipeline -> list of (case id, given))."""
    counts: dict[str, Counter] = defaultdict(Counter)
    details: dict[str, list] = defaultdict(list)
    for case in cases:
        verdict, given = judge(case["link"], repair_text(case["text"], index, grammar=grammar))
        for key in (case["pipeline"], "*", f"split:{case['split']}"):
            counts[key][verdict] += 1
        if verdict in ("wrong", "flagged"):
            details[case["pipeline"]].append((case["id"], verdict, given))
    counts_out = dict(counts)
    counts_out["details"] = details  # type: ignore[assignment]
    return counts_out


def table(counts: dict[str, Counter], label: str) -> str:
    lines = [f"{label}", f"{'pipeline':<22}{'cases':>7}{'right':>8}{'listed':>8}{'lost':>6}{'flagged':>9}{'wrong':>7}  right+listed"]
    for key in sorted(k for k in counts if k != "details"):
        c = counts[key]
        total = sum(c[v] for v in VERDICTS)
        ok = c["right"] + c["listed"]
        lines.append(f"{key:<22}{total:>7}{c['right']:>8}{c['listed']:>8}{c['lost']:>6}{c['flagged']:>9}{c['wrong']:>7}"
                     f"  {100 * ok / max(total, 1):.1f} %")
    return "\n".join(lines)
