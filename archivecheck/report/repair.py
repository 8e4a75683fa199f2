"""The `repair` command's report, in every format: each link found with its repaired form.

`repair` checks nothing, so its records (records.RepairRecord) carry the repair and where the link
was found, not a verdict; json is still the contract's `{"results": [...], "summary": {...}}`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ..models import utc_now_iso
from ..records import RepairRecord
from . import md_cell

STATE = {True: "confirmed by the archive", False: "NOT confirmed: the archive holds no such link",
         None: "unconfirmed"}


def repair_summary(records: Sequence[RepairRecord]) -> dict:
    rows = [r.to_dict() for r in records]
    return {
        "total": len(rows),
        "repaired": sum(bool(r["repairs"]) for r in rows),
        "confirmed": sum(bool(r["repairs"]) and r["confirmed"] is True for r in rows),
        "contradicted": sum(bool(r["repairs"]) and r["confirmed"] is False for r in rows),
        "unconfirmed": sum(bool(r["repairs"]) and r["confirmed"] is None for r in rows),
        "uncertain": sum(bool(r.get("uncertain")) for r in rows),
        "generated_at": utc_now_iso(),
    }


def render_repair(records: Sequence[RepairRecord], fmt: str) -> str:
    rows = [r.to_dict() for r in records]
    if fmt == "json":
        return json.dumps({"results": rows, "summary": repair_summary(records)}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        return _csv(rows)
    if fmt == "markdown":
        return _markdown(rows)
    return _text(rows)


def _where(r: dict) -> str:
    return f"page {r['page']} line {r['line']}" if r["page"] else f"line {r['line']}"


def _text(rows: list[dict]) -> str:
    out = []
    for r in rows:
        if not r["repairs"]:
            out.append(f"{_where(r)}: {r['url']}  (no repair needed)")
            continue
        out.append(f"{_where(r)}: {' '.join(r['input'].split())}")
        out.append(f"  -> {r['url']}")
        out.append(f"     repairs: {', '.join(r['repairs'])}; {STATE[r['confirmed']]}" + (f"; {r['note']}" if r["note"] else ""))
        if r.get("uncertain"):
            out.append("     UNCERTAIN: check the link before sending it; other readings:")
            out += [f"       {alt}" for alt in r.get("alternatives") or ()]
    return "\n".join(out) + ("\n" if out else "")


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    columns = list(rows[0]) if rows else ["input", "url", "repairs"]
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def _markdown(rows: list[dict]) -> str:
    out = ["# Links and their repairs", "", f"Generated {utc_now_iso()} by archivecheck.", "",
           "| where | as written | repaired | repairs | state |", "|---|---|---|---|---|"]
    for r in rows:
        state = "no repair needed" if not r["repairs"] else STATE[r["confirmed"]]
        if r.get("uncertain"):
            state += "; UNCERTAIN, other readings: " + ", ".join(r.get("alternatives") or ())
        out.append(f"| {_where(r)} | `{md_cell(' '.join(r['input'].split()))}` | {md_cell(r['url'])} | "
                   f"{', '.join(r['repairs']) or '—'} | {md_cell(state)} |")
    return "\n".join(out) + "\n"
