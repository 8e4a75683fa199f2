"""The command line: a thin Click layer over the library. Errors become one line and exit 2."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import ArchiveCheckError
from .options import global_options

EXIT_USAGE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.version_option(__version__, prog_name="archivecheck")
@click.pass_context
def cli(ctx, config_file, archive_remaps):
    """Repair, resolve and verify links to withdrawn documents in web archives.

    Archives: ukgwa (UK Government Web Archive) and wayback (Internet Archive), plus any pywb or
    Memento archive in the --config file. Remap one with --archive NAME=URL or
    ARCHIVECHECK_ARCHIVE_<NAME>=URL.

    Exit codes: 0 all ok; 1 something broken or not archived; 2 usage or input error;
    3 nothing broken but something unverifiable.
    """
    ctx.obj = {"config_file": config_file, "archive_remaps": archive_remaps}


def _register() -> None:
    from . import check

    for module in (check,):
        cli.add_command(module.command)
    for name in ("repair", "scan", "watch", "history", "audit"):
        try:
            module = __import__(f"{__name__}.{name}", fromlist=["command"])
        except ImportError:
            continue
        cli.add_command(module.command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every expected failure into one line on stderr and exit 2."""
    try:
        cli.main(args=argv, prog_name="archivecheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"archivecheck: error: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.Abort:
        click.echo("archivecheck: interrupted", err=True)
        sys.exit(130)
    except ArchiveCheckError as exc:
        click.echo(f"archivecheck: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("archivecheck: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)
