"""`archivecheck check URL...`: verify archive links, or find and verify captures of originals."""

from __future__ import annotations

import click

from ..api import check_links
from ..errors import InputError
from ..inputs import read_input_text
from ..report import exit_code, render
from .interrupts import INTERRUPTED, mark_incomplete, run_keeping
from .options import (evidence_from, evidence_options, progress_enabled, report_options, settings_from, url_lines,
                      with_packs, write_report)


@click.command("check")
@click.argument("urls", nargs=-1)
@click.option("--from", "from_file", default=None, metavar="FILE",
              help="Read URLs from FILE, one a line ('-' for stdin).")
@report_options()
@evidence_options
@click.pass_context
def command(ctx, urls, from_file, fmt, output, at, prefer, timeout, no_progress, verbose, quiet,
            config_file, archive_remaps, evidence_dir, sign_key):
    """Check archive links (repairing damaged ones) or find the best capture of original URLs.

    Each URL is an archive link (verified, and repaired if damaged) or an original URL (the best
    capture is found in the archives in --prefer order, then verified). '-' reads URLs from stdin.
    """
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout, at=at)
    inputs = list(urls)
    if "-" in inputs:
        inputs.remove("-")
        inputs += url_lines(read_input_text("-"))
    if from_file:
        inputs += url_lines(read_input_text(from_file))
    if not inputs:
        raise InputError("no URLs given (pass URLs, --from FILE, or - for stdin)")
    evidence = evidence_from(evidence_dir, sign_key)
    results, interrupted = run_keeping(
        lambda progress: check_links(inputs, settings=settings, progress=progress, evidence=evidence),
        show=progress_enabled(no_progress, quiet))
    if interrupted:  # Ctrl-C: report what finished (#11); an interrupted run writes no evidence pack
        write_report(mark_incomplete(render(interrupted.records, fmt), fmt, interrupted), output)
        return INTERRUPTED
    packs = evidence.packs if evidence else []
    write_report(with_packs(render(results, fmt, summary_extra=_packs_summary(packs)), fmt, packs), output)
    return exit_code(results)


def _packs_summary(packs) -> dict | None:
    return {"evidence": [p.to_dict() for p in packs]} if packs else None
