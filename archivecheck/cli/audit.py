"""`archivecheck audit LIST`: archive coverage of (removed) publications, and Save Page Now."""

from __future__ import annotations

import click

from ..audit import Auditor, require_original
from ..report.audit import render_audit
from ..errors import InputError
from ..http import ArchiveSession
from ..live import LiveHosts
from ..report import exit_code
from ..save import SavePageNow
from ..sources import read_source, urls_from_list, urls_from_page, urls_from_sitemap
from ..inputs import read_input_text
from .options import progress_enabled, report_options, settings_from, write_report


@click.command("audit")
@click.argument("list_file", required=False, metavar="[LIST]")
@click.option("--sitemap", metavar="URL|FILE", help="Audit every URL of a sitemap or sitemap index (gzip too).")
@click.option("--page", metavar="URL|FILE", help="Audit the document links of a listing page.")
@click.option("--base", "page_base", metavar="URL", help="Address of a --page FILE, to resolve its relative links.")
@click.option("--match", metavar="REGEX",
              help="With --page: keep links whose URL matches REGEX (instead of document suffixes).")
@click.option("--save", is_flag=True, help="Ask the Wayback Machine to capture live URLs with no good capture.")
@click.option("--dry-run", is_flag=True, help="With --save: list what would be saved, save nothing.")
@click.option("--save-poll", type=float, default=6.0, show_default=True, metavar="SECONDS",
              help="Seconds between Save Page Now status polls.")
@click.option("--save-timeout", type=float, default=300.0, show_default=True, metavar="SECONDS",
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
    hosts = LiveHosts.parse(live_override)
    show = progress_enabled(no_progress, quiet)
    with ArchiveSession(settings.network) as session:
        if list_file is not None:
            urls = urls_from_list(read_input_text(list_file))
        elif sitemap:
            urls = urls_from_sitemap(session, hosts, sitemap)
        else:
            html, url = read_source(session, hosts, page)
            urls = urls_from_page(html, page_base or url, match=match)
        if not urls:
            raise InputError("no URLs to audit")
        for text in urls:
            require_original(text)
        auditor = Auditor(settings, session, hosts)
        done = [0]

        def tick(_result):
            done[0] += 1
            if show:
                click.echo(f"\r[{done[0]}/{len(urls)}]", err=True, nl=False)

        results = auditor.audit_many(urls, workers=workers, progress=tick)
        if show:
            click.echo("", err=True)
        if save:
            spn = None
            if not dry_run:
                spn = SavePageNow(session, settings.registry.get("wayback"), poll_interval=save_poll,
                                  timeout=save_timeout)
            results = auditor.save_unarchived(results, spn, dry_run=dry_run)
    write_report(render_audit(results, fmt), output)
    return exit_code(results)
