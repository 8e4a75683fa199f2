"""watch's change report (text, json, markdown, csv) and `history`'s story of one link."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import TextIO

from ..models import Result
from ..watch import (CHANGES, NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED, SECTION_TITLES, STILL_OK,
                     WatchReport)
from . import CONTRACT_FIELDS, FORMATS, MARKS, md_cell


def render_watch(report: WatchReport, fmt: str) -> str:
    """The change report in `fmt` (text, json, jsonl, csv, markdown) as one string."""
    out = io.StringIO()
    write_watch(report, fmt, out)
    return out.getvalue()


def write_watch(report: WatchReport, fmt: str, out: TextIO) -> None:
    """Write the change report to `out` as it is read from the database: a report of 100,000
    links is never held in memory whole (#12)."""
    writers = {"json": _write_json, "jsonl": _write_jsonl, "csv": _write_csv, "markdown": _write_markdown}
    writers.get(fmt, _write_text)(report, out)


def _write_json(report: WatchReport, out: TextIO) -> None:
    # The same document json.dumps(indent=2) would print for {"results": [...], "summary": {...}},
    # written one record at a time.
    out.write('{\n  "results": [')
    first = True
    for r in report.results():
        out.write(("\n" if first else ",\n") + _indented(json.dumps(r.to_dict(), indent=2, ensure_ascii=False), 4))
        first = False
    out.write("]" if first else "\n  ]")
    summary = json.dumps(report.summary, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    out.write(f',\n  "summary": {summary}\n}}\n')


def _write_jsonl(report: WatchReport, out: TextIO) -> None:
    for r in report.results():
        out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")


def _indented(text: str, spaces: int) -> str:
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def _write_csv(report: WatchReport, out: TextIO) -> None:
    # Label columns come from the list and vary by row: one pass to learn them, one to write.
    extra: dict[str, None] = {}
    for r in report.results():
        extra.update((k, None) for k in _flat_labels(r).to_dict() if k not in CONTRACT_FIELDS)
    writer = csv.DictWriter(out, fieldnames=list(CONTRACT_FIELDS) + list(extra), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for r in report.results():
        row = _flat_labels(r).to_dict()
        row["repairs"] = ";".join(row.get("repairs") or [])
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _flat_labels(r: Result) -> Result:
    extra = {k: v for k, v in r.extra.items() if k != "labels"}
    for key, value in (r.extra.get("labels") or {}).items():
        extra[key if key not in CONTRACT_FIELDS and key not in extra else f"label_{key}"] = value
    return replace(r, extra=extra)


def _headline(report: WatchReport) -> str:
    s, ch = report.summary, report.summary["changes"]
    return (f"Watch run {report.run_id}{' (resumed)' if report.resumed else ''}: {s['total']} links \u2014 "
            f"{s['ok']} ok, {s['broken']} broken, {s['not_archived']} not archived, {s['unverifiable']} unverifiable. "
            f"Changes: {ch[NEWLY_BROKEN]} newly broken, {ch[NEWLY_NOT_ARCHIVED]} newly not archived, "
            f"{ch[RECOVERED]} recovered.")


def _labels_text(r: Result) -> str:
    labels = r.extra.get("labels") or {}
    return ", ".join(f"{k}: {v}" for k, v in labels.items() if v)


def _was(r: Result) -> str:
    prev = r.extra.get("previous_status")
    if not prev:
        return "new to the list"
    return f"was {prev} on {(r.extra.get('previous_checked_at') or '')[:10]}"


def _write_text(report: WatchReport, out: TextIO) -> None:
    out.write(_headline(report) + "\n")
    s = report.summary
    out.write(f"{s.get('checked', 0)} checked, {s.get('reused', 0)} reused from recent runs "
              f"(ok within --max-age), {s.get('shared_duplicates', 0)} duplicates shared a check.\n")
    for change in CHANGES:
        count = s["changes"].get(change, 0)
        if change == STILL_OK or not count:
            continue
        out.write(f"\n{SECTION_TITLES[change]} ({count})\n")
        for r in report.section(change):
            lines = [f"  {MARKS[r.status]}  {r.memento_url or r.url}"]
            labels = _labels_text(r)
            lines.append(f"      {_was(r)}{'; ' + labels if labels else ''}")
            lines.append(f"      {r.detail}")
            if r.suggestion:
                lines.append(f"      cite instead: {r.suggestion}")
            note = _suggestion_note(r)
            if note:
                lines.append(f"      {note}")
            out.write("\n".join(lines) + "\n")
    out.write(f"\nOK ({s['changes'].get(STILL_OK, 0)}): not listed.\n")


def _suggestion_note(r: Result) -> str | None:
    """(#12) What changed about the capture to cite instead since the last delivered report."""
    change, before = r.extra.get("suggestion_change"), r.extra.get("previous_suggestion")
    if change == "changed":
        return f"the capture to cite instead has changed (was {before})"
    if change == "new":
        return "a capture to cite instead has been found since the last report"
    if change == "withdrawn":
        return f"the capture to cite instead no longer works (was {before}); none found tonight"
    return None


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _write_markdown(report: WatchReport, out: TextIO) -> None:
    out.write("\n".join(["# Archive link watch", "", f"Generated {report.summary['generated_at']} by archivecheck.",
                         "", _headline(report), ""]) + "\n")
    for change in CHANGES:
        count = report.summary["changes"].get(change, 0)
        if change == STILL_OK or not count:
            continue
        out.write(f"## {SECTION_TITLES[change]} ({count})\n\n| link | status | before | labels | capture | finding |\n"
                  "|---|---|---|---|---|---|\n")
        for r in report.section(change):
            note = _suggestion_note(r)
            finding = r.detail + (" Cite instead: " + r.suggestion if r.suggestion else "") + (f" ({note})" if note else "")
            out.write(f"| {_md(r.memento_url or r.url)} | {r.status.value} | {_md(_was(r))} | "
                      f"{_md(_labels_text(r) or '—')} | {r.memento_datetime or '—'} | {_md(finding)} |\n")
        out.write("\n")
    out.write(f"## OK ({report.summary['changes'].get(STILL_OK, 0)})\n\n")
    for r in report.section(STILL_OK):
        out.write(f"- {_md(r.memento_url or r.url)}\n")
    out.write("\n")


STORY_FORMATS = FORMATS


def render_story(link: str, story: list[dict], fmt: str) -> str:
    """One link's history, run by run, in any of the contract's formats. json keeps the contract's
    shape: `results` are the runs (oldest first), `summary` names the link and counts them."""
    if fmt == "json":
        doc = {"results": story, "summary": {"link": link, "runs": len(story)}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps({"link": link, **s}, ensure_ascii=False) + "\n" for s in story)
    if fmt == "csv":
        buf = io.StringIO()
        columns = ["link", "run", "run_started_at", "checked_at", "status", "reused", "memento_url",
                   "memento_datetime", "http_status", "sha256", "detail"]
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for s in story:
            writer.writerow({"link": link, **{k: ("" if v is None else v) for k, v in s.items()}})
        return buf.getvalue()
    if fmt == "markdown":
        out = [f"# History of {md_cell(link)}", "", "| run | checked at | status | capture | finding |",
               "|---|---|---|---|---|"]
        out += [f"| {s['run']} | {s['checked_at']} | {s['status']}{' (reused)' if s['reused'] else ''} | "
                f"{s['memento_datetime'] or '—'} | {md_cell(s['detail'] or '')} |" for s in story]
        return "\n".join(out) + "\n"
    if not story:
        return f"{link}\n  no results in this database\n"
    lines = [link]
    for s in story:
        capture = s["memento_datetime"] or "no capture"
        reused = " (reused)" if s["reused"] else ""
        lines.append(f"  run {s['run']:<4} {s['checked_at']}  {s['status']:<13} {capture}{reused}")
        lines.append(f"           {s['detail']}")
    return "\n".join(lines) + "\n"
