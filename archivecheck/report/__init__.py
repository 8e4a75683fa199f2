"""Every renderer in one place: text, json, jsonl, csv, markdown for the result records here;
`report.scan`, `report.audit` (and `report.watch`) for the commands that add to them.

Renderers take records: a `Result`, or a command's typed record wrapping one (records.py), flattened
for output by `record_dict` alone. They return text and never print, so commands decide where output
goes (stdout or --output).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Sequence

from ..exits import ExitStatus, exit_status_for
from ..models import CONTRACT_FIELDS, Result, Status, utc_now_iso
from ..robustlinks import robust_link

FORMATS = ("text", "json", "jsonl", "csv", "markdown")

MARKS = {
    Status.OK: "\u2713 ok",
    Status.BROKEN: "\u2717 broken",
    Status.NOT_ARCHIVED: "\u2717 not_archived",
    Status.UNVERIFIABLE: "? unverifiable",
}
# An `ok` the judge doubted (Result.doubted, #17 item 5) is never shown as plainly working.
UNSURE_MARK = "\u2713 ok, unsure"


def mark(result: Result) -> str:
    """The status mark a person reads first: an ok the judge doubted says so."""
    return UNSURE_MARK if result.doubted else MARKS[result.status]


def ok_phrase(summary: dict) -> str:
    """'3 ok' or '3 ok (1 unsure: open it before citing)' for a summary's ok count."""
    unsure = summary.get("ok_unsure", 0)
    return f"{summary['ok']} ok" + (f" ({unsure} unsure: open {'it' if unsure == 1 else 'them'} before citing)"
                                    if unsure else "")



def record_dict(record) -> dict:
    """The one flattening of a record for output: the contract's fields in the contract's order,
    then the fields its command adds (never overriding a contract field)."""
    out = record.result.to_dict()
    for key, value in record.added_fields().items():
        out.setdefault(key, value)
    return out


def results_of(records: Sequence) -> list[Result]:
    return [r.result for r in records]


def summarise(records: Sequence) -> dict:
    results = results_of(records)
    counts = Counter(r.status.value for r in results)
    return {
        "total": len(results),
        **{s.value: counts.get(s.value, 0) for s in Status},
        # Of the ok links, those whose capture the judge doubted: counted apart so a nightly job or
        # a caseworker's summary never reads them as plainly working (#17 item 5).
        "ok_unsure": sum(r.doubted for r in results),
        "exit_code": int(exit_code(results)),
        "generated_at": utc_now_iso(),
    }


def exit_code(records: Sequence, *, fully_read: bool = True) -> ExitStatus:
    """The contract's exit status for a run's records (see exits.exit_status_for)."""
    return exit_status_for((r.result.status for r in records), fully_read=fully_read)


def render(results: Sequence, fmt: str, *, summary_extra: dict | None = None) -> str:
    """Any records in any of FORMATS."""
    if fmt == "json":
        return render_json(results, summary_extra=summary_extra)
    if fmt == "jsonl":
        return render_jsonl(results)
    if fmt == "csv":
        return render_csv(results)
    if fmt == "markdown":
        return render_markdown(results)
    return render_text(results)


def render_json(results: Sequence, *, summary_extra: dict | None = None) -> str:
    """The contract's `{"results": [...], "summary": {...}}`."""
    summary = summarise(results)
    if summary_extra:
        summary.update(summary_extra)
    doc = {"results": [record_dict(r) for r in results], "summary": summary}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_jsonl(results: Sequence) -> str:
    return "".join(json.dumps(record_dict(r), ensure_ascii=False) + "\n" for r in results)


def render_csv(results: Sequence) -> str:
    """One row a record; nested added fields (lists, mappings) go in one cell as JSON."""
    out = io.StringIO()
    rows = [record_dict(r) for r in results]
    extra = [k for row in rows for k in row if k not in CONTRACT_FIELDS]
    columns = list(CONTRACT_FIELDS) + list(dict.fromkeys(extra))
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row = dict(row)
        row["repairs"] = ";".join(row.get("repairs") or [])
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in _FORMULA:
        # A spreadsheet runs a cell starting with one of these as a formula: an archived page's
        # title like '=HYPERLINK(…)' is shown as text instead (the OWASP advice for CSV injection).
        return "'" + value
    return value


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def render_text(records: Sequence) -> str:
    """For a person: a mark, the working link, the capture date; detail on the next line."""
    results = results_of(records)
    lines = []
    width = max((len(m) for m in (*MARKS.values(), UNSURE_MARK)), default=0)
    for r in results:
        link = r.memento_url or r.url
        when = f"  (captured {r.memento_datetime[:10]})" if r.memento_datetime and r.status is Status.OK else ""
        lines.append(f"{mark(r):<{width}}  {link}{when}")
        if r.repairs:
            lines.append(f"{'':<{width}}  repaired ({', '.join(r.repairs)}) from: {_one_line(r.input)}")
        if r.uncertain:
            lines.append(f"{'':<{width}}  UNCERTAIN reading: check it before sending; other readings: "
                         + ", ".join(r.alternatives))
        lines.append(f"{'':<{width}}  {r.detail}")
        if r.suggestion:
            lines.append(f"{'':<{width}}  cite instead: {r.suggestion}")
    s = summarise(results)
    lines.append("")
    lines.append(
        f"{s['total']} link{'s' if s['total'] != 1 else ''}: {ok_phrase(s)}, {s['broken']} broken, "
        f"{s['not_archived']} not archived, {s['unverifiable']} unverifiable"
    )
    return printable("\n".join(lines) + "\n")


def render_markdown(records: Sequence, *, heading: str = "Archive link check", not_read: Sequence[str] = ()) -> str:
    """An evidence record for a case file: what was checked, when, and what the capture was.
    `not_read`: what of the letters could not be read (one sentence each): the record then says
    the letters were not fully checked."""
    results = results_of(records)
    out = [f"# {md_cell(heading)}", "", f"Generated {utc_now_iso()} by archivecheck.", ""]
    s = summarise(results)
    out.append(f"**{s['total']} link{'s' if s['total'] != 1 else ''}:** {ok_phrase(s)}, {s['broken']} broken, {s['not_archived']} not archived, "
               f"{s['unverifiable']} unverifiable.")
    out.append("")
    if not_read:
        out.append("**Not fully checked:** part of the letter could not be read, so links in it are not listed:")
        out.append("")
        out += [f"- {md_cell(problem)}" for problem in not_read]
        out.append("")
    for i, (record, r) in enumerate(zip(records, results), 1):
        out.append(f"## {i}. {r.status.value}{', unsure' if r.doubted else ''}: {md_cell(r.memento_url or r.url)}")
        out.append("")
        out.append("| | |")
        out.append("|---|---|")
        rows = [
            ("Link as found", md_cell(_one_line(r.input))),
            ("Link to cite", md_cell(r.memento_url or r.suggestion or r.url)),
            ("Repairs", md_cell(", ".join(r.repairs) or "none")),
            ("Original URL", md_cell(r.original_url or "")),
            ("Archive", md_cell(r.archive or "—")),
            ("Capture date", md_cell(r.memento_datetime or "—")),
            ("HTTP status", str(r.http_status) if r.http_status is not None else "—"),
            ("Type", md_cell(r.content_type or "—")),
            ("Size", f"{r.content_length:,} bytes" if r.content_length is not None else "—"),
            ("SHA-256", f"`{r.sha256}`" if r.sha256 else "—"),
            ("Title", md_cell(r.title or "—")),
            ("Checked at", r.checked_at),
            ("Finding", md_cell(r.detail)),
        ]
        if r.suggestion:
            rows.append(("Cite instead", md_cell(r.suggestion)))
        robust = robust_link(r)
        if robust:  # for an HTML letter: falls back to the original or another archive (#22)
            rows.append(("Robust Link", _code_cell(robust)))
        for key, value in record.added_fields().items():
            if key == "sentence_html":
                continue  # the Robust Link row above says it
            if value not in (None, "", [], {}):
                rows.append((key.replace("_", " ").capitalize(), md_cell(str(value))))
        out += [f"| {k} | {v} |" for k, v in rows]
        out.append("")
    return "\n".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


def _code_cell(html: str) -> str:
    """HTML shown as code in a table cell: inert as it is (a code span renders no HTML, so md_cell's
    entities would show as text); only the table's pipe is escaped, and a backtick lengthens the fence."""
    code = html.replace("|", "\\|")
    return f"`` {code} ``" if "`" in code else f"`{code}`"


def md_cell(text) -> str:
    """Text safe inside a markdown table cell: pipes escaped, line breaks folded. The one escaper
    every markdown renderer uses.

    Also inert when the record is rendered (#19): an archived page's <title>, a file's name or a
    link's text is not ours, and markdown passes raw HTML through and builds links from brackets.
    So '<' becomes '&lt;', '&' before an entity name becomes '&amp;', and backslash, brackets and
    backticks are backslash-escaped. A plain URL's '&', '_' and '*' are left as they are."""
    text = str(text).replace("\\", "\\\\")
    for char in "|[]`":
        text = text.replace(char, "\\" + char)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    return _CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Control characters (a terminal escape sequence in a <title>, say) are never ours to print.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(text) -> str:
    """`text` with control characters other than tab and line breaks replaced by spaces, for the
    text format: an archived page's title must not drive the caseworker's terminal."""
    return _CONTROL.sub(" ", str(text))
