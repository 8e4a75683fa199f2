"""`archivecheck evidence verify FILE.wacz`: check an evidence pack's digests and signature (#22)."""

from __future__ import annotations

import click

from ..exits import ExitStatus
from ..report.evidence import render_pack_check


@click.group("evidence")
def command():
    """Evidence packs (WACZ) written by check --evidence and scan --evidence."""


@command.command("verify")
@click.argument("wacz", type=click.Path(dir_okay=False))
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False), default=None, metavar="PEM",
              help="The organisation's public key: the pack must be signed with it.")
def verify(wacz, public_key):
    """Check every digest in FILE.wacz, and its signature when signed.

    Each file against datapackage.json, datapackage.json against datapackage-digest.json, every
    WARC record against its block and payload digests, every index line against its record, and
    the signature. Prints what it checked. Exit 0 when all hold, 1 when any does not (the pack was
    changed after it was written, or signed with another key), 2 when FILE is not a WACZ.
    """
    from ..evidence import verify_wacz
    from ..evidence.signing import load_public_key

    key = load_public_key(public_key) if public_key else None
    check = verify_wacz(wacz, public_key=key)
    click.echo(render_pack_check(check), nl=False)
    return ExitStatus.OK if check.ok else ExitStatus.BROKEN
