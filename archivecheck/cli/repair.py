"""`archivecheck repair [FILE|-]`: every link in a text with its repaired form."""

from __future__ import annotations

import csv
import io
import json
import click

from ..check import Checker
from ..errors import InputError
from ..exits import ExitStatus
from ..extract import extract_links
from ..inputs import read_input_bytes
from ..repair import repair_link, rewrite_text
from .options import global_options, settings_from, write_report


@click.command("repair")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--rewrite", is_flag=True, help="Print the whole text with its links repaired, nothing else changed.")
@click.option("--offline", is_flag=True, help="Repair by syntax alone; do not ask the archives' indexes.")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "jsonl", "csv")), default="text",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
@click.option("--timeout", type=float, default=None, metavar="SECONDS")
@click.option("--no-progress", is_flag=True, hidden=True)
@click.option("-v", "--verbose", count=True, hidden=True)
@click.option("-q", "--quiet", is_flag=True, help="No 'no links found' note on stderr.")
@global_options
@click.pass_context
def command(ctx, source, rewrite, offline, fmt, output, timeout, no_progress, verbose, quiet,
            config_file, archive_remaps):
    """Find links in a letter and print each with its repaired form.

    Reading a link more than one way (a hyphen lost at a line end, or added by hyphenation) is
    settled by asking the archives' indexes which reading they hold; --offline ranks the readings
    by syntax and word frequency alone and marks them unconfirmed.
    """
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps, timeout=timeout)
    data, name = read_input_bytes(source)
    extracted = extract_links(data, name)
    with Checker(settings, confirm_repairs=not offline) as checker:
        index = checker.index
        if rewrite:
            if extracted.format not in ("txt", "md"):
                raise InputError(f"{name}: --rewrite works on plain text and markdown, not {extracted.format}")
            write_report(rewrite_text(extracted.text, index), output)
            return ExitStatus.OK
        rows = []
        for found in extracted.links:
            fixed = repair_link(found.text, index)
            rows.append({
                "input": found.text, "url": fixed.url, "repairs": list(fixed.repairs),
                "confirmed": fixed.confirmed, "candidates": fixed.candidates, "note": fixed.note,
                "line": found.line, "page": found.page, "source": found.source,
            })
    if not rows and not quiet:
        click.echo(f"{name}: no links found", err=True)
    write_report(_render(rows, fmt), output)
    return ExitStatus.OK


def _render(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"links": rows}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["input", "url"], lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "repairs": ";".join(r["repairs"]),
                             **{k: ("" if v is None else v) for k, v in r.items() if k != "repairs"}})
        return buf.getvalue()
    out = []
    for r in rows:
        where = f"page {r['page']} line {r['line']}" if r["page"] else f"line {r['line']}"
        state = {True: "confirmed by the archive", False: "NOT confirmed: the archive holds no such link",
                 None: "unconfirmed"}[r["confirmed"]]
        if not r["repairs"]:
            out.append(f"{where}: {r['url']}  (no repair needed)")
            continue
        out.append(f"{where}: {' '.join(r['input'].split())}")
        out.append(f"  -> {r['url']}")
        out.append(f"     repairs: {', '.join(r['repairs'])}; {state}" + (f"; {r['note']}" if r["note"] else ""))
    return "\n".join(out) + ("\n" if out else "")
