"""`archivecheck serve`: the caseworkers' web page (see archivecheck/web)."""

from __future__ import annotations

import ipaddress
import signal
import sys

import click

from .options import FiniteNumber, global_options, settings_from


def default_db() -> str:
    import platformdirs

    return str(platformdirs.user_data_path("archivecheck") / "checks.sqlite")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this machine can connect unless you change it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="SQLite file keeping the checks [default: checks.sqlite in the user's data folder].")
@click.option("--keep-days", type=FiniteNumber(zero_ok=True), default=30, show_default=True,
              help="Delete checks older than this (0 keeps them for ever).")
@click.option("--max-upload", "max_upload_mb", type=FiniteNumber(minimum=0.1), default=10, show_default=True,
              metavar="MB", help="Largest letter accepted.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests served at once.")
@click.option("--prefer", default=None, metavar="A,B",
              help="Archive order, first holding a good capture wins [default: ukgwa,wayback].")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Network timeout per request and for a stalled body [default: 30].")
@click.option("--trusted-proxy", default=None, metavar="ADDRESS",
              help="The reverse proxy's address: trust its X-Forwarded-* headers.")
@global_options
@click.pass_context
def command(ctx, host, port, db_path, keep_days, max_upload_mb, threads, prefer, timeout, trusted_proxy,
            config_file, archive_remaps):
    """Serve the web page where caseworkers check a letter's links.

    Paste or upload a letter (.txt .md .html .docx .pdf .eml) and get every link repaired and
    verified, the corrected letter and an evidence record. Checks are kept in SQLite (--db) for
    --keep-days days; uploads are deleted once checked. Runs on 127.0.0.1:8000 unless told.
    """
    import waitress

    from ..web import CheckService, CheckStore, create_app

    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout)
    store = CheckStore(db_path or default_db())
    store.fail_unfinished()
    store.purge(keep_days)
    if not _is_loopback(host):
        click.echo(f"archivecheck: warning: listening on {host}: anyone who can reach it can use it and open "
                   "checks by their link; put it behind a reverse proxy with sign-in", err=True)
    with CheckService(settings, store) as service:
        app = create_app(service, max_upload=int(max_upload_mb * 1_000_000), keep_days=keep_days)
        click.echo(f"archivecheck: serving on http://{_url_host(host)}:{port}/ (checks kept in {store.path}; "
                   "Ctrl+C to stop)", err=True)
        proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host"} \
            if trusted_proxy else {}
        body_cap = int(max_upload_mb * 1_000_000) + 100_000
        # A service manager stops us with SIGTERM: leave through `finally`, so the private upload
        # folder is removed and the check workers stop, as on Ctrl+C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            # inbuf_overflow = the cap: waitress keeps a request body in memory rather than spooling
            # it to the system's temp folder, so an upload touches disk only in the private folder.
            waitress.serve(app, host=host, port=port, threads=threads, ident="archivecheck",
                           max_request_body_size=body_cap, inbuf_overflow=body_cap, **proxy)
        finally:
            app.extensions["archivecheck"]["uploads"].close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
