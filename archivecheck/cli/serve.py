"""`archivecheck serve`: the caseworkers' web page (see archivecheck/web)."""

from __future__ import annotations

import ipaddress
import re
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
              help="Delete checks (links, results, decisions) older than this, every 5 minutes (0 keeps them for ever).")
@click.option("--keep-letter-days", type=FiniteNumber(zero_ok=True), default=0, show_default=True,
              help="Also keep the letter itself in the database this long, so the corrected letter can be "
                   "rebuilt later (0: the letter is only held in memory for an hour, never written to disk).")
@click.option("--max-links", type=click.IntRange(1, 100_000), default=200, show_default=True,
              help="Most links checked in one letter.")
@click.option("--public-url", default=None, metavar="URL",
              help="The service's address as colleagues reach it, for the check's link shown on the page "
                   "(never taken from the request) [default: no full address is shown].")
@click.option("--user-header", default=None, metavar="NAME",
              help="Header in which the signing-in reverse proxy (--trusted-proxy) names the user, recorded with each decision.")
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
def command(ctx, host, port, db_path, keep_days, keep_letter_days, max_links, public_url, user_header, max_upload_mb,
            threads, prefer, timeout, trusted_proxy, config_file, archive_remaps):
    """Serve the web page where caseworkers check a letter's links.

    Paste or upload a letter (.txt .md .html .docx .pdf .eml) and get every link repaired and
    verified, decide per link, and get the corrected letter and an evidence record. Links,
    results and decisions are kept in SQLite (--db) for --keep-days days; the letter itself is
    not written to disk unless --keep-letter-days says so. Runs on 127.0.0.1:8000 unless told.
    """
    import waitress

    from ..errors import ConfigError
    from ..web import CheckService, CheckStore, create_app
    from ..web.retention import RetentionTimer
    from ..web.service import tune_malloc

    if user_header and not trusted_proxy:
        # Anyone could send the header to a service reached directly: it names users only behind
        # the proxy that sets it (and strips what the client sent).
        raise ConfigError("--user-header needs --trusted-proxy: only a signing-in reverse proxy may name the user")
    if public_url is not None and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", public_url):
        raise ConfigError(f"--public-url: {public_url!r} is not an http(s) address")

    settings = settings_from(ctx, config_file=config_file, archive_remaps=archive_remaps,
                             prefer=prefer, timeout=timeout)
    tune_malloc()
    store = CheckStore(db_path or default_db())
    store.fail_unfinished()
    if not _is_loopback(host):
        click.echo(f"archivecheck: warning: listening on {host}: anyone who can reach it can use it and open "
                   "checks by their link; put it behind a reverse proxy with sign-in", err=True)
    with CheckService(settings, store, max_links=max_links, keep_letter_days=keep_letter_days) as service, \
            RetentionTimer(service, keep_days, interval=300):
        app = create_app(service, max_upload=int(max_upload_mb * 1_000_000), keep_days=keep_days,
                         public_url=public_url, user_header=user_header)
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
