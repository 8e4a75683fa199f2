"""`archivecheck repair [FILE|-]`: every link in a text with its repaired form."""

from __future__ import annotations

import click

from ..api import repair_letter
from ..check import Checker
from ..citable import link_to_write
from ..errors import InputError
from ..exits import ExitStatus
from ..extract import extract_links
from ..grammar import compile_grammar
from ..inputs import read_input_bytes
from ..repair import rewrite_text
from ..report import FORMATS
from ..report.repair import render_repair
from .options import ProgressLine, global_options, progress_enabled, settings_from, write_report


@click.command("repair")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--rewrite", is_flag=True,
              help="Print the whole text with each link an archive confirmed repaired, nothing else changed.")
@click.option("--offline", is_flag=True,
              help="Repair by syntax alone; do not ask the archives' indexes (with --rewrite: each unconfirmed "
                   "change is written followed by [unconfirmed repair]).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format (ignored with --rewrite).")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Network timeout per index request [default: 30].")
@click.option("--no-progress", is_flag=True, help="No progress display on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr.")
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
    if rewrite:
        grammar = compile_grammar(settings.registry)
        extracted = extract_links(data, name, grammar=grammar)
        if extracted.format not in ("txt", "md"):
            raise InputError(f"{name}: --rewrite works on plain text and markdown, not {extracted.format}")
        with Checker(settings, confirm_repairs=not offline) as checker:
            def write(repaired):
                # The letter-writing rule (citable.py): online, a repair the index did not settle is
                # written only once its capture is verified; --offline writes it, marked.
                citation = link_to_write(repaired, offline=offline)
                if citation.url is None and not offline and not repaired.uncertain and repaired.url != repaired.input:
                    citation = link_to_write(repaired, checker.check(repaired.input))
                return citation.text

            write_report(rewrite_text(extracted.text, checker.index, grammar=grammar, write=write), output)
        return ExitStatus.OK
    progress = ProgressLine(progress_enabled(no_progress, quiet))
    try:
        records = repair_letter(data, name, offline=offline, settings=settings, progress=progress)
    finally:
        progress.close()
    if not records and not quiet:
        click.echo(f"{name}: no links found", err=True)
    write_report(render_repair(records, fmt), output)
    return ExitStatus.OK
