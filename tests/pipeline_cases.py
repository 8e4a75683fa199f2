"""Scoring the generated pipeline cases (fixtures/pipelines/, made by tools/damage_pipelines.py).

A case is scored on every link repair finds in its text, as the real-world corpus is:
**right** (the intended link, given as certain), **listed** (uncertain, the intended link among the
reading and its alternatives), **held2** (online: listed, and the archive holds the intended link and
another reading — a decoy the damage makes indistinguishable, "man-" / "agement" when "man-agement" is
held beside "management"), **silent** (the tool's output holds, where the link was, another valid
spelling differing only by a hyphen it dropped without trace: no reading can bring it back, and the
case is counted apart, not as repaired), **lost** (the record says the pipeline destroyed part of the link:
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
VERDICTS = ("right", "listed", "held2", "lost", "flagged", "silent", "wrong")


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


def _as_written(record: RepairedLink, intended: str) -> RepairedLink:
    """A link whose text held no scheme at all ("webarchive.nationalarchives.gov.uk/+/…" after a
    PDF text layer lost "http://") is given "https://": the archive serves the same capture on both,
    and the text cannot say which the author typed. Compared as the intended one's scheme."""
    if "scheme-added" in record.repairs and intended.startswith("http://") and record.url == "https://" + intended[7:]:
        return RepairedLink(record.input, intended, record.repairs, record.confirmed, record.candidates, record.note,
                            uncertain=record.uncertain, alternatives=record.alternatives, lost=record.lost)
    return record


def judge(intended: str, repaired: list[RepairedLink]) -> tuple[str, str]:
    """(verdict, what was given) for one case."""
    repaired = [_as_written(r, intended) for r in repaired]
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
        if "cannot decide" in (best.note or ""):
            return "held2", best.url  # online: the archive holds the intended link and another reading
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
        if verdict == "wrong" and silent_loss(case, given):
            verdict = "silent"
        for key in (case["pipeline"], "*", f"split:{case['split']}"):
            counts[key][verdict] += 1
        if verdict in ("wrong", "flagged", "silent"):
            details[case["pipeline"]].append((case["id"], verdict, given))
    counts_out = dict(counts)
    counts_out["details"] = details  # type: ignore[assignment]
    return counts_out


def table(counts: dict[str, Counter], label: str) -> str:
    lines = [f"{label}", f"{'pipeline':<22}{'cases':>7}{'right':>8}{'listed':>8}{'held2':>7}{'lost':>6}{'flagged':>9}{'silent':>8}{'wrong':>7}  right+listed"]
    for key in sorted(k for k in counts if k != "details"):
        c = counts[key]
        total = sum(c[v] for v in VERDICTS)
        ok = c["right"] + c["listed"] + c["held2"]
        lines.append(f"{key:<22}{total:>7}{c['right']:>8}{c['listed']:>8}{c['held2']:>7}{c['lost']:>6}{c['flagged']:>9}{c['silent']:>8}{c['wrong']:>7}"
                     f"  {100 * ok / max(total, 1):.1f} %")
    return "\n".join(lines)


# ----- online: a local archive holding every intended capture and decoys beside them -------------

def silent_loss(case: dict, given: str) -> bool:
    """Whether the pipeline's own output holds, where the link was, another valid spelling of it
    that differs only by hyphens (pdftotext's default mode drops a line-end hyphen, the link's own
    included): no reading can bring the hyphen back and nothing in the text marks the loss."""
    import re

    intended = case["link"]
    return (given != intended and given.replace("-", "") == intended.replace("-", "")
            and given.count("-") < intended.count("-") and given in re.sub(r"\s+", "", case["text"]))


def decoys(original: str) -> list[str]:
    """Other originals under the same prefix whose spelling differs from ``original`` by a hyphen
    (one a typesetter's pattern would allow, inside the path's longest word), a letter, or case."""
    import re

    import pyphen

    head, _, path = original.partition("://")
    host, slash, rest = path.partition("/")
    if not slash or not re.search(r"[A-Za-z]", rest):
        return []
    out = []
    # The last path segment that holds letters: where a reader's eye and a typesetter's breaks fall.
    segments = [m for m in re.finditer(r"[^/?#]+", rest.split("?", 1)[0]) if re.search(r"[A-Za-z]", m.group())]
    where = segments[-1] if segments else re.search(r".+", rest)
    words = sorted(re.finditer(r"[A-Za-z]{5,}", where.group()), key=lambda m: -len(m.group()))
    dictionary = pyphen.Pyphen(lang="en_GB")
    for word in words[:1]:
        positions = dictionary.positions(word.group())
        if positions:
            at = where.start() + word.start() + positions[0]
            out.append(f"{head}://{host}/{rest[:at]}-{rest[at:]}")
        middle = where.start() + word.start() + len(word.group()) // 2
        if rest[middle].isalpha():
            swap = "e" if rest[middle].lower() == "a" else "a"
            out.append(f"{head}://{host}/{rest[:middle]}{swap}{rest[middle + 1:]}")
    letters = [where.start() + m.start() for m in re.finditer(r"[a-z]", where.group())]
    if letters:
        first = letters[0]
        out.append(f"{head}://{host}/{rest[:first]}{rest[first].upper()}{rest[first + 1:]}")
    return [d for d in dict.fromkeys(out) if d != original]


def captures_for(cases: list[dict], registry, grammar) -> tuple[list, int]:
    """The local archive's captures: each intended link's original, and its decoys (same archive,
    same timestamp). Returns (captures, number of decoys)."""
    from urllib.parse import quote

    from archivecheck.models import pad_timestamp
    from tests.archive import Capture
    from tests.test_realworld_repair import LOCAL_COLLECTION, PDF_BODY

    captures: dict = {}
    decoy_count = 0
    for link_text in dict.fromkeys(c["link"] for c in cases):
        link = registry.parse(link_text)
        if link is None:
            parts = grammar.archive_link.match(link_text)
            if parts is None:
                continue
            link = registry.parse(f"{parts.group('base')}{parts.group('ts')}/{parts.group('orig')}")
            if link is None:
                continue
        original = quote(link.original_url.split("#", 1)[0], safe=":/?&=+;,@!$'()*%~[]")
        for number, url in enumerate([original, *decoys(original)]):
            key = (link.archive.name, url)
            if key in captures:
                continue
            pdf = url.split("?", 1)[0].lower().endswith(".pdf")
            captures[key] = Capture(
                id=f"pipeline-{len(captures)}", collection=LOCAL_COLLECTION[link.archive.name], url=url,
                timestamp=pad_timestamp(link.timestamp or "2020"), status=200,
                mime="application/pdf" if pdf else "text/html", expected="ok",
                tests="pipeline case" if number == 0 else "pipeline decoy",
                body_file=PDF_BODY if pdf else None,
                body_text=None if pdf else "<html><head><title>capture</title></head><body>archived</body></html>",
            )
            decoy_count += number > 0
    return list(captures.values()), decoy_count


def sample(cases: list[dict], per_pipeline: int, seed: int = 16) -> list[dict]:
    """A fixed sample: ``per_pipeline`` cases of each pipeline, both splits, chosen by a seeded shuffle."""
    import random

    by_pipeline: dict[str, list[dict]] = defaultdict(list)
    for case in cases:
        by_pipeline[case["pipeline"]].append(case)
    rng = random.Random(seed)
    out = []
    for pipeline in sorted(by_pipeline):
        group = by_pipeline[pipeline][:]
        rng.shuffle(group)
        out += group[:per_pipeline]
    return out
