"""Audit's renderers: one row per URL (verdict, risk, live status, holdings) and a summary with
counts per verdict, per risk and per archive. JSON/JSONL reuse report.py; CSV flattens the nested
fields (`archives`, `saves`) into one cell each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from .. import report
from ..models import Result, Status, utc_now_iso

VERDICT_WIDTH = 12
RISK_WIDTH = 15


def audit_summary(results: Sequence[Result]) -> dict:
    """Counts for the summary: verdicts, risks, live, archives holding a good capture, saves."""
    risks = Counter(r.extra.get("risk") or "none" for r in results)
    live = Counter(_live_word(r) for r in results)
    archives: Counter = Counter()
    verified: Counter = Counter()
    saves: Counter = Counter()
    for r in results:
        for name, h in r.extra.get("archives", {}).items():
            archives[name] += 0
            if h.get("good_captures"):
                archives[name] += 1
        if r.archive:
            verified[r.archive] += 1
        for job in r.extra.get("saves", []):
            saves[f"{job['archive']}: {job['status']}"] += 1
    return {
        "verdicts": {s.value: sum(1 for r in results if r.status is s) for s in Status if s is not Status.BROKEN},
        "risks": {k: risks.get(k, 0) for k in ("live-unarchived", "stale-capture", "none")},
        "live": {k: live.get(k, 0) for k in ("live", "gone", "unknown")},
        "archives_holding": dict(archives),
        "verified_in": dict(verified),
        "saves": dict(saves),
    }


def render_audit(results: Sequence[Result], fmt: str) -> str:
    summary = audit_summary(results)
    if fmt == "json":
        return report.render_json(results, summary_extra=summary)
    if fmt == "jsonl":
        return report.render_jsonl(results)
    if fmt == "csv":
        return report.render_csv([replace(r, extra=_flat(r.extra)) for r in results])
    if fmt == "markdown":
        return _markdown(results, summary)
    return _text(results, summary)


def _flat(extra: dict) -> dict:
    out = dict(extra)
    out["archives"] = "; ".join(_holding_text(n, h) for n, h in extra.get("archives", {}).items())
    out["saves"] = "; ".join(_save_text(j) for j in extra.get("saves", []))
    return out


def _holding_text(name: str, h: dict) -> str:
    if h.get("error"):
        return f"{name} ?"
    if not h.get("good_captures"):
        return f"{name} 0"
    return f"{name} {h['good_captures']} ({h['newest'][:10]})"


def _save_text(job: dict) -> str:
    bits = [job["archive"], job["status"]]
    bits += [job[k] for k in ("job_id", "timestamp") if job.get(k)]
    text = " ".join(bits)
    return f"{text}: {job['message']}" if job.get("message") and job["status"] != "success" else text


def _live_word(r: Result) -> str:
    live = r.extra.get("live")
    return "unknown" if live is None else "live" if live else "gone"


def _text(results: Sequence[Result], s: dict) -> str:
    held = [", ".join(_holding_text(n, h) for n, h in r.extra.get("archives", {}).items()) for r in results]
    width = max([len("ARCHIVES")] + [len(h) for h in held])
    lines = [f"{'VERDICT':<{VERDICT_WIDTH}} {'RISK':<{RISK_WIDTH}} {'LIVE':<4}  {'ARCHIVES':<{width}}  URL"]
    for r, holdings in zip(results, held):
        live = r.extra.get("live_status")
        lines.append(f"{r.status.value:<{VERDICT_WIDTH}} {r.extra.get('risk') or '-':<{RISK_WIDTH}} "
                     f"{live if live is not None else '?':<4}  {holdings:<{width}}  {r.original_url}")
        for job in r.extra.get("saves", []):
            lines.append(f"{'':<{VERDICT_WIDTH}} save: {_save_text(job)}")
    lines.append("")
    lines += _summary_lines(len(results), s)
    return "\n".join(lines) + "\n"


def _summary_lines(total: int, s: dict) -> list[str]:
    v, k, live = s["verdicts"], s["risks"], s["live"]
    out = [
        f"{total} URL{'s' if total != 1 else ''}: {v['ok']} ok, {v['not_archived']} not archived, "
        f"{v['unverifiable']} unverifiable",
        f"risk: {k['live-unarchived']} live-unarchived, {k['stale-capture']} stale-capture",
        f"live: {live['live']} live, {live['gone']} gone, {live['unknown']} unknown",
        "archives holding a good capture: " + ", ".join(f"{n} {c}" for n, c in s["archives_holding"].items()),
    ]
    if s["saves"]:
        out.append("saves: " + ", ".join(f"{n} {c}" for n, c in sorted(s["saves"].items())))
    return out


def _markdown(results: Sequence[Result], s: dict) -> str:
    out = ["# Archive coverage audit", "", f"Generated {utc_now_iso()} by archivecheck.", ""]
    out += [f"- {line}" for line in _summary_lines(len(results), s)]
    out += ["", "| verdict | risk | live | archives | URL | capture to cite |", "|---|---|---|---|---|---|"]
    for r in results:
        live = r.extra.get("live_status")
        holdings = ", ".join(_holding_text(n, h) for n, h in r.extra.get("archives", {}).items())
        out.append(f"| {r.status.value} | {r.extra.get('risk') or '—'} | {live if live is not None else '?'} | "
                   f"{holdings} | {_md(r.original_url)} | {_md(r.memento_url or '—')} |")
    saves = [(r, j) for r in results for j in r.extra.get("saves", [])]
    if saves:
        out += ["", "## Capture requests", ""]
        out += [f"- {_md(r.original_url)}: {_md(_save_text(j))}" for r, j in saves]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")
