"""`archivecheck scan FILE...`: a caseworker's pre-send check of letters."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import correct_scanned_letter, scan_letters
from ..report import exit_code, render, render_markdown
from ..report.scan import render_scan_text
from .interrupts import INTERRUPTED, letters_so_far, mark_incomplete, run_keeping
from .options import evidence_from, evidence_options, progress_enabled, report_options, settings_from, with_packs, write_report


@click.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--corrected", "corrected_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write each letter's corrected version to DIR as NAME-corrected.EXT: the same .docx, .html, "
                   ".eml, .md or .txt with each link the archive confirmed put right (a PDF's text instead).")
@report_options()
@evidence_options
@click.pass_context
def command(ctx, files, corrected_dir, fmt, output, at, prefer, timeout, no_progress, verbose, quiet,
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
    # A page, part or attachment not read: its links were never checked, so the run is not an "all ok".
    not_read = [f"{s.path}: {s.note}" for s in scans if s.note]
    status = exit_code(links, fully_read=not not_read)
    if fmt == "text":
        text = render_scan_text(scans)
    elif fmt == "markdown":
        text = render_markdown(links, heading="Evidence record: archive links in " + ", ".join(files),
                               not_read=not_read)
    else:
        extra = {"fully_checked": not not_read, "not_read": not_read, "exit_code": int(status)}
        if packs:
            extra["evidence"] = [p.to_dict() for p in packs]
        text = render(links, fmt, summary_extra=extra)
    text = with_packs(text, fmt, packs)
    if interrupted:
        write_report(mark_incomplete(text, fmt, interrupted), output)
        return INTERRUPTED
    write_report(text, output)
    if corrected_dir:
        write_corrected(scans, files, corrected_dir, settings)
    return status


def write_corrected(scans, files, folder: str, settings) -> None:
    """Each letter named on the command line, corrected, into `folder`; what was done on stderr."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for scan in scans:
        if scan.path not in files or scan.extracted is None:
            continue  # an e-mail's attachment travels inside the corrected e-mail
        corrected = correct_scanned_letter(scan, Path(scan.path).read_bytes(), settings=settings)
        if corrected.data is None:
            click.echo(f"{scan.path}: no corrected letter written. {corrected.refused}", err=True)
            continue
        target = out / f"{Path(scan.path).stem}-corrected.{corrected.kind}"
        target.write_bytes(corrected.data)
        count = len(corrected.changes)
        what = "letter" if corrected.in_place else "text (a PDF cannot be edited in place)"
        click.echo(f"{scan.path}: corrected {what} written to {target}, "
                   f"{count} link{'s' if count != 1 else ''} changed", err=True)
        for found, written in corrected.changes:
            click.echo(f"  {' '.join(found.split())}\n    -> {written}", err=True)
