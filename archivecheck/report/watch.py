"""watch's change report (text, json, markdown, csv) and `history`'s story of one link."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from ..models import Result
from ..watch import (CHANGES, NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED, SECTION_TITLES, STILL_OK,
                     WatchReport)
from . import CONTRACT_FIELDS, FORMATS, MARKS, md_cell, render_csv, render_json, render_jsonl


def render_watch(report: WatchReport, fmt: str) -> str:
    """The change report in `fmt` (text, json, jsonl, csv, markdown)."""
    if fmt == "json":
        summary = dict(report.summary)
        return render_json(report.results, summary_extra=summary)
    if fmt == "jsonl":
        return render_jsonl(report.results)
    if fmt == "csv":
        return render_csv([_flat_labels(r) for r in report.results])
    if fmt == "markdown":
        return _render_markdown(report)
    return _render_text(report)


def _flat_labels(r: Result) -> Result:
    extra = {k: v for k, v in r.extra.items() if k != "labels"}
    for key, value in (r.extra.get("labels") or {}).items():
        extra[key if key not in CONTRACT_FIELDS and key not in extra else f"label_{key}"] = value
    return replace(r, extra=extra)


def _sections(report: WatchReport) -> list[tuple[str, list[Result]]]:
    by_change: dict[str, list[Result]] = {c: [] for c in CHANGES}
    for r in report.results:
        by_change[r.extra["change"]].append(r)
    return [(c, by_change[c]) for c in CHANGES]


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


def _render_text(report: WatchReport) -> str:
    lines = [_headline(report)]
    s = report.summary
    lines.append(f"{s.get('checked', 0)} checked, {s.get('reused', 0)} reused from recent runs "
                 f"(ok within --max-age), {s.get('shared_duplicates', 0)} duplicates shared a check.")
    for change, results in _sections(report):
        if change == STILL_OK or not results:
            continue
        lines += ["", f"{SECTION_TITLES[change]} ({len(results)})"]
        for r in results:
            lines.append(f"  {MARKS[r.status]}  {r.memento_url or r.url}")
            labels = _labels_text(r)
            lines.append(f"      {_was(r)}{'; ' + labels if labels else ''}")
            lines.append(f"      {r.detail}")
            if r.suggestion:
                lines.append(f"      cite instead: {r.suggestion}")
    ok = dict(_sections(report))[STILL_OK]
    lines += ["", f"OK ({len(ok)}): not listed."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _render_markdown(report: WatchReport) -> str:
    out = ["# Archive link watch", "", f"Generated {report.summary['generated_at']} by archivecheck.", "",
           _headline(report), ""]
    for change, results in _sections(report):
        if change == STILL_OK or not results:
            continue
        out += [f"## {SECTION_TITLES[change]} ({len(results)})", "",
                "| link | status | before | labels | capture | finding |", "|---|---|---|---|---|---|"]
        for r in results:
            out.append(f"| {_md(r.memento_url or r.url)} | {r.status.value} | {_md(_was(r))} | "
                       f"{_md(_labels_text(r) or '—')} | {r.memento_datetime or '—'} | "
                       f"{_md(r.detail + (' Cite instead: ' + r.suggestion if r.suggestion else ''))} |")
        out.append("")
    ok = dict(_sections(report))[STILL_OK]
    out += [f"## OK ({len(ok)})", ""] + [f"- {_md(r.memento_url or r.url)}" for r in ok] + [""]
    return "\n".join(out)



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
