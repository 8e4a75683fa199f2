"""`archivecheck audit LIST`: archive coverage of (removed) publications, and Save Page Now."""

from __future__ import annotations

import click

from ..api import audit_urls
from ..errors import InputError
from ..inputs import read_input_text
from ..live import LiveHosts
from ..report import exit_code
from ..report.audit import render_audit
from ..sources import urls_from_list
from .interrupts import INTERRUPTED, mark_incomplete, run_keeping
from .options import FiniteNumber, progress_enabled, report_options, settings_from, write_report


@click.command("audit")
@click.argument("list_file", required=False, metavar="[LIST]")
@click.option("--sitemap", metavar="URL|FILE", help="Audit every URL of a sitemap or sitemap index (gzip too).")
@click.option("--page", metavar="URL|FILE", help="Audit the document links of a listing page.")
@click.option("--base", "page_base", metavar="URL", help="Address of a --page FILE, to resolve its relative links.")
@click.option("--match", metavar="REGEX",
              help="With --page: keep links whose URL matches REGEX (instead of document suffixes).")
@click.option("--save", is_flag=True, help="Ask the Wayback Machine to capture live URLs with no good capture.")
@click.option("--dry-run", is_flag=True, help="With --save: list what would be saved, save nothing.")
@click.option("--save-poll", type=FiniteNumber(), default=6.0, show_default=True, metavar="SECONDS",
              help="Seconds between Save Page Now status polls.")
@click.option("--save-timeout", type=FiniteNumber(), default=300.0, show_default=True, metavar="SECONDS",
              help="Give up waiting for a capture job after this long.")
@click.option("--live-override", multiple=True, metavar="HOST=URL",
              help="Send live checks for HOST to URL (a mirror or test server). Repeatable; also "
                   "ARCHIVECHECK_LIVE_OVERRIDE=HOST=URL,...")
@click.option("--workers", type=click.IntRange(1, 16), default=4, show_default=True,
              help="URLs audited at once (rate limits still apply per host).")
@report_options()
@click.pass_context
def command(ctx, list_file, sitemap, page, page_base, match, save, dry_run, save_poll, save_timeout,
            live_override, workers, fmt, output, at, prefer, timeout, no_progress, verbose, quiet,
            config_file, archive_remaps):
    """Audit archive coverage of original URLs: live or gone, which archives hold a good capture,
    whether the newest capture still matches the live document.

    LIST is a text or CSV file of URLs ('-' for stdin); or use --sitemap or --page. Verdicts: ok,
    not_archived, unverifiable; risk: live-unarchived, stale-capture. --save asks the Wayback
    Machine (Save Page Now 2; keys from ARCHIVECHECK_IA_ACCESS_KEY/_SECRET_KEY) to capture the
    live-unarchived ones and re-verifies the new captures.
    """
    if sum(x is not None for x in (list_file, sitemap, page)) != 1:
        raise InputError("give exactly one of LIST, --sitemap or --page")
    if dry_run and not save:
        raise InputError("--dry-run goes with --save")
    if (match or page_base) and not page:
        raise InputError("--match and --base go with --page")
    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout, at=at)
    urls = urls_from_list(read_input_text(list_file)) if list_file is not None else None
    def audit(progress):
        return audit_urls(urls, sitemap=sitemap, page=page, page_base=page_base, match=match,
                          settings=settings, live_hosts=LiveHosts.parse(live_override), workers=workers,
                          save=save, dry_run=dry_run, save_poll=save_poll, save_timeout=save_timeout,
                          progress=progress)

    findings, interrupted = run_keeping(audit, show=progress_enabled(no_progress, quiet))
    if interrupted:  # Ctrl-C: report what finished (#11)
        write_report(mark_incomplete(render_audit(interrupted.records, fmt), fmt, interrupted), output)
        return INTERRUPTED
    write_report(render_audit(findings, fmt), output)
    return exit_code(findings)
