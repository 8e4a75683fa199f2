"""`archivecheck scan FILE...`: a caseworker's pre-send check of letters."""

from __future__ import annotations

import sys

import click

from ..check import Checker
from ..report import exit_code, render, render_markdown
from ..scan import scan_letter
from .options import progress_enabled, report_options, settings_from, write_report


@click.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@report_options()
@click.pass_context
def command(ctx, files, fmt, output, at, prefer, timeout, no_progress, verbose, quiet,
            config_file, archive_remaps):
    """Check every link in letters (.txt .md .html .docx .pdf .eml) before they are sent.

    Links are extracted, repaired (ambiguous repairs confirmed against the archives' indexes) and
    checked. For each good link the report gives a sentence ready for the letter;
    --format markdown gives an evidence record for the case file.
    """
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout, at=at)
    show = progress_enabled(no_progress, quiet)
    scans = []
    with Checker(settings) as checker:
        for path in files:
            if show:
                click.echo(f"scanning {path} …", err=True)
            scans.append(scan_letter(path, checker))
    results = [r for s in scans for r in s.results]
    for s in scans:
        if not s.results and not quiet:
            click.echo(f"{s.path}: no links found", err=True)
    if fmt == "text":
        text = render_scan_text(scans)
    elif fmt == "markdown":
        text = render_markdown(results, heading="Evidence record: archive links in " + ", ".join(files))
    else:
        text = render(results, fmt)
    write_report(text, output)
    sys.exit(exit_code(results))


MARK = {"ok": "\u2713 OK", "broken": "\u2717 BROKEN", "not_archived": "\u2717 NOT ARCHIVED",
        "unverifiable": "? COULD NOT VERIFY"}


def render_scan_text(scans) -> str:
    """Per letter, per link: a clear mark, the link to send, and for ok links a ready sentence."""
    out = []
    for s in scans:
        out.append(f"{s.path} ({s.format}, {len(s.results)} link{'s' if len(s.results) != 1 else ''})")
        if not s.results:
            out.append("  no links found")
        for r in s.results:
            where = f"page {r.extra['page']}, line {r.extra['line']}" if r.extra.get("page") else f"line {r.extra.get('line')}"
            out.append(f"  {MARK[r.status.value]}  ({where})")
            if r.repairs:
                out.append(f"    as written: {' '.join(r.input.split())}")
                out.append(f"    repaired ({', '.join(r.repairs)})")
            if r.status.value == "ok":
                out.append(f"    send: {r.memento_url}")
                out.append(f"    sentence: {r.extra.get('sentence')}")
            else:
                out.append(f"    link: {r.url}")
                out.append(f"    {r.detail}")
                if r.suggestion:
                    out.append(f"    send instead: {r.suggestion}")
            if r.extra.get("warning"):
                out.append(f"    warning: {r.extra['warning']}")
        out.append("")
    total = [r for s in scans for r in s.results]
    ok = sum(r.status.value == "ok" for r in total)
    out.append(f"{len(total)} links in {len(scans)} letter{'s' if len(scans) != 1 else ''}: {ok} ok, "
               f"{len(total) - ok} need attention")
    return "\n".join(out) + "\n"
