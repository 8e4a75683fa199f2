"""`archivecheck scan FILE...`: a caseworker's pre-send check of letters."""

from __future__ import annotations

import click

from ..api import scan_letters
from ..report import exit_code, render, render_markdown
from ..report.scan import render_scan_text
from .interrupts import INTERRUPTED, letters_so_far, mark_incomplete, run_keeping
from .options import evidence_from, evidence_options, progress_enabled, report_options, settings_from, with_packs, write_report


@click.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@report_options()
@evidence_options
@click.pass_context
def command(ctx, files, fmt, output, at, prefer, timeout, no_progress, verbose, quiet,
            config_file, archive_remaps, evidence_dir, sign_key):
    """Check every link in letters (.txt .md .html .docx .pdf .eml) before they are sent.

    Links are extracted, repaired (ambiguous repairs confirmed against the archives' indexes) and
    checked. For each good link the report gives a sentence ready for the letter;
    --format markdown gives an evidence record for the case file.
    """
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout, at=at)
    evidence = evidence_from(evidence_dir, sign_key)
    show = progress_enabled(no_progress, quiet)
    if show:
        click.echo(f"scanning {len(files)} letter{'s' if len(files) != 1 else ''} …", err=True)
    scans, interrupted = run_keeping(
        lambda progress: scan_letters(files, settings=settings, progress=progress, evidence=evidence), show=show)
    packs = evidence.packs if evidence else []  # an interrupted run keeps the packs of the letters it finished
    if interrupted:  # Ctrl-C: report what finished (#11)
        scans = letters_so_far(interrupted.records)
    links = [link for s in scans for link in s.links]
    for s in scans:
        if not quiet and (s.note or not s.links):
            click.echo(f"{s.path}: {s.note or 'no links found'}", err=True)
    if fmt == "text":
        text = render_scan_text(scans)
    elif fmt == "markdown":
        text = render_markdown(links, heading="Evidence record: archive links in " + ", ".join(files))
    else:
        text = render(links, fmt, summary_extra={"evidence": [p.to_dict() for p in packs]} if packs else None)
    text = with_packs(text, fmt, packs)
    if interrupted:
        write_report(mark_incomplete(text, fmt, interrupted), output)
        return INTERRUPTED
    write_report(text, output)
    return exit_code(links)
