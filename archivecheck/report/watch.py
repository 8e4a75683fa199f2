"""watch's change report (text, json, markdown, csv) and `history`'s story of one link."""

from __future__ import annotations

import csv
import io
import json
from typing import TextIO

from ..records import SuggestionChange, WatchedLink
from ..watch import (CHANGES, NEWLY_BROKEN, NEWLY_NOT_ARCHIVED, RECOVERED, SECTION_TITLES, STILL_OK,
                     WatchReport)
from . import CONTRACT_FIELDS, FORMATS, mark, md_cell, ok_phrase, record_dict


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
        out.write(("\n" if first else ",\n") + _indented(json.dumps(record_dict(r), indent=2, ensure_ascii=False), 4))
        first = False
    out.write("]" if first else "\n  ]")
    summary = json.dumps(report.summary, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    out.write(f',\n  "summary": {summary}\n}}\n')


def _write_jsonl(report: WatchReport, out: TextIO) -> None:
    for r in report.results():
        out.write(json.dumps(record_dict(r), ensure_ascii=False) + "\n")


def _indented(text: str, spaces: int) -> str:
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def _write_csv(report: WatchReport, out: TextIO) -> None:
    # Label columns come from the list and vary by row: one pass to learn them, one to write.
    extra: dict[str, None] = {}
    for r in report.results():
        extra.update((k, None) for k in _flat_row(r) if k not in CONTRACT_FIELDS)
    writer = csv.DictWriter(out, fieldnames=list(CONTRACT_FIELDS) + list(extra), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for r in report.results():
        row = _flat_row(r)
        row["repairs"] = ";".join(row.get("repairs") or [])
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _flat_row(r: WatchedLink) -> dict:
    """A CSV row: the record with each list label as a column of its own."""
    row = record_dict(r)
    labels = row.pop("labels", None) or {}
    for key, value in labels.items():
        row[key if key not in row else f"label_{key}"] = value
    return row


def _headline(report: WatchReport) -> str:
    s, ch = report.summary, report.summary["changes"]
    return (f"Watch run {report.run_id}{' (resumed)' if report.resumed else ''}: {s['total']} links \u2014 "
            f"{ok_phrase(s)}, {s['broken']} broken, {s['not_archived']} not archived, {s['unverifiable']} unverifiable. "
            f"Changes: {ch[NEWLY_BROKEN]} newly broken, {ch[NEWLY_NOT_ARCHIVED]} newly not archived, "
            f"{ch[RECOVERED]} recovered.")


def challenged_line(summary: dict) -> str | None:
    """(#20) "N links could not be checked: the archive asked for human verification", or None."""
    n = summary.get("challenged", 0)
    if not n:
        return None
    return (f"{n} link{'s' if n != 1 else ''} could not be checked: the archive asked for human verification."
            " Their states are unchanged; each was looked up in the other archives (see below), and the"
            " archive will be asked again on the next run.")


def _labels_text(r: WatchedLink) -> str:
    labels = r.labels or {}
    return ", ".join(f"{k}: {v}" for k, v in labels.items() if v)


def _was(r: WatchedLink) -> str:
    if not r.previous_status:
        return "new to the list"
    return f"was {r.previous_status} on {(r.previous_checked_at or '')[:10]}"


def _write_text(report: WatchReport, out: TextIO) -> None:
    out.write(_headline(report) + "\n")
    if challenged_line(report.summary):
        out.write(challenged_line(report.summary) + "\n")
    s = report.summary
    out.write(f"{s.get('checked', 0)} checked, {s.get('reused', 0)} reused from recent runs "
              f"(ok within --max-age), {s.get('shared_duplicates', 0)} duplicates shared a check.\n")
    if s.get("coverage"):  # (#21) the rolling schedule: tonight's share of the list
        out.write(f"Coverage: {s['coverage']['sentence']}\n")
    for change in CHANGES:
        count = s["changes"].get(change, 0)
        if change == STILL_OK or not count:
            continue
        out.write(f"\n{SECTION_TITLES[change]} ({count})\n")
        for w in report.section(change):
            r = w.result
            lines = [f"  {mark(r)}  {r.memento_url or r.url}"]
            labels = _labels_text(w)
            lines.append(f"      {_was(w)}{'; ' + labels if labels else ''}")
            lines.append(f"      {r.detail}")
            if r.suggestion:
                lines.append(f"      cite instead: {r.suggestion}")
            note = _suggestion_note(w)
            if note:
                lines.append(f"      {note}")
            out.write("\n".join(lines) + "\n")
    out.write(f"\nOK ({s['changes'].get(STILL_OK, 0)}): not listed.\n")


def _suggestion_note(w: WatchedLink) -> str | None:
    """(#12) What changed about the capture to cite instead since the last delivered report."""
    change, before = w.suggestion_change, w.previous_suggestion
    if change is SuggestionChange.CHANGED:
        return f"the capture to cite instead has changed (was {before})"
    if change is SuggestionChange.NEW:
        return "a capture to cite instead has been found since the last report"
    if change is SuggestionChange.WITHDRAWN:
        return f"the capture to cite instead no longer works (was {before}); none found tonight"
    return None


def _write_markdown(report: WatchReport, out: TextIO) -> None:
    out.write("\n".join(["# Archive link watch", "", f"Generated {report.summary['generated_at']} by archivecheck.",
                         "", _headline(report), ""]) + "\n")
    if challenged_line(report.summary):
        out.write(challenged_line(report.summary) + "\n\n")
    if report.summary.get("coverage"):
        out.write(f"Coverage: {report.summary['coverage']['sentence']}\n\n")
    for change in CHANGES:
        count = report.summary["changes"].get(change, 0)
        if change == STILL_OK or not count:
            continue
        out.write(f"## {SECTION_TITLES[change]} ({count})\n\n| link | status | before | labels | capture | finding |\n"
                  "|---|---|---|---|---|---|\n")
        for w in report.section(change):
            r, note = w.result, _suggestion_note(w)
            finding = r.detail + (" Cite instead: " + r.suggestion if r.suggestion else "") + (f" ({note})" if note else "")
            out.write(f"| {md_cell(r.memento_url or r.url)} | {r.status.value} | {md_cell(_was(w))} | "
                      f"{md_cell(_labels_text(w) or '—')} | {r.memento_datetime or '—'} | {md_cell(finding)} |\n")
        out.write("\n")
    out.write(f"## OK ({report.summary['changes'].get(STILL_OK, 0)})\n\n")
    for w in report.section(STILL_OK):
        out.write(f"- {md_cell(w.result.memento_url or w.result.url)}\n")
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
