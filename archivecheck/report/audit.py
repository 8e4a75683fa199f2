"""Audit's renderers: one row per URL (verdict, risk, live status, holdings) and a summary with
counts per verdict, per risk and per archive, over typed `AuditFinding` records. JSON/JSONL reuse
report.py; CSV flattens the nested fields (`archives`, `saves`) into one readable cell each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .. import report
from . import md_cell
from ..models import Status, utc_now_iso
from ..records import ArchiveHolding, AuditFinding, Risk
from ..save import SaveJob, SaveStatus

VERDICT_WIDTH = 12
RISK_WIDTH = 15


def audit_summary(findings: Sequence[AuditFinding]) -> dict:
    """Counts for the summary: verdicts, risks, live, archives holding a good capture, saves."""
    risks = Counter(f.risk.value if f.risk else "none" for f in findings)
    live = Counter(_live_word(f) for f in findings)
    archives: Counter = Counter()
    verified: Counter = Counter()
    saves: Counter = Counter()
    for f in findings:
        for name, h in f.archives.items():
            archives[name] += 1 if h.good_captures else 0
        if f.result.archive:
            verified[f.result.archive] += 1
        for job in f.saves:
            saves[f"{job.archive}: {job.status.value}"] += 1
    return {
        "verdicts": {s.value: sum(1 for f in findings if f.result.status is s) for s in Status if s is not Status.BROKEN},
        "risks": {k: risks.get(k, 0) for k in (Risk.LIVE_UNARCHIVED.value, Risk.STALE_CAPTURE.value, "none")},
        "live": {k: live.get(k, 0) for k in ("live", "gone", "unknown")},
        "archives_holding": dict(archives),
        "verified_in": dict(verified),
        "saves": dict(saves),
    }


def render_audit(findings: Sequence[AuditFinding], fmt: str) -> str:
    summary = audit_summary(findings)
    if fmt == "json":
        return report.render_json(findings, summary_extra=summary)
    if fmt == "jsonl":
        return report.render_jsonl(findings)
    if fmt == "csv":
        return report.render_csv([_Flat(f) for f in findings])
    if fmt == "markdown":
        return _markdown(findings, summary)
    return _text(findings, summary)


class _Flat:
    """A finding whose nested fields are one readable cell each, for CSV."""

    def __init__(self, finding: AuditFinding):
        self.result, self._finding = finding.result, finding

    def added_fields(self) -> dict:
        out = self._finding.added_fields()
        out["archives"] = "; ".join(_holding_text(n, h) for n, h in self._finding.archives.items())
        out["saves"] = "; ".join(_save_text(j) for j in self._finding.saves)
        return out


def _holding_text(name: str, h: ArchiveHolding) -> str:
    if h.error:
        return f"{name} ?"
    if not h.good_captures:
        return f"{name} 0"
    return f"{name} {h.good_captures} ({h.newest[:10]})"


def _save_text(job: SaveJob) -> str:
    bits = [job.archive, job.status.value]
    bits += [v for v in (job.job_id, job.timestamp) if v]
    text = " ".join(bits)
    return f"{text}: {job.message}" if job.message and job.status is not SaveStatus.SUCCESS else text


def _live_word(f: AuditFinding) -> str:
    live = f.live.live
    return "unknown" if live is None else "live" if live else "gone"


def _text(findings: Sequence[AuditFinding], s: dict) -> str:
    held = [", ".join(_holding_text(n, h) for n, h in f.archives.items()) for f in findings]
    width = max([len("ARCHIVES")] + [len(h) for h in held])
    lines = [f"{'VERDICT':<{VERDICT_WIDTH}} {'RISK':<{RISK_WIDTH}} {'LIVE':<4}  {'ARCHIVES':<{width}}  URL"]
    for f, holdings in zip(findings, held):
        live = f.live.status
        lines.append(f"{f.result.status.value:<{VERDICT_WIDTH}} {f.risk.value if f.risk else '-':<{RISK_WIDTH}} "
                     f"{live if live is not None else '?':<4}  {holdings:<{width}}  {f.result.original_url}")
        for job in f.saves:
            lines.append(f"{'':<{VERDICT_WIDTH}} save: {_save_text(job)}")
    lines.append("")
    lines += _summary_lines(len(findings), s)
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


def _markdown(findings: Sequence[AuditFinding], s: dict) -> str:
    out = ["# Archive coverage audit", "", f"Generated {utc_now_iso()} by archivecheck.", ""]
    out += [f"- {line}" for line in _summary_lines(len(findings), s)]
    out += ["", "| verdict | risk | live | archives | URL | capture to cite |", "|---|---|---|---|---|---|"]
    for f in findings:
        r, live = f.result, f.live.status
        holdings = ", ".join(_holding_text(n, h) for n, h in f.archives.items())
        out.append(f"| {r.status.value} | {f.risk.value if f.risk else '—'} | {live if live is not None else '?'} | "
                   f"{holdings} | {md_cell(r.original_url)} | {md_cell(r.memento_url or '—')} |")
    saves = [(f.result, j) for f in findings for j in f.saves]
    if saves:
        out += ["", "## Capture requests", ""]
        out += [f"- {md_cell(r.original_url)}: {md_cell(_save_text(j))}" for r, j in saves]
    return "\n".join(out) + "\n"

