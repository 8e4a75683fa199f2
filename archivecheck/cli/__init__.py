"""The command line: a thin Click layer over the library.

The one exit boundary lives here, inside Click (so `CliRunner` sees exactly what a shell sees):
every command returns an `ExitStatus`; `ArchiveCheckError` and Click's usage errors become one line
on stderr and exit 2; an interrupt exits 130. Commands are registered explicitly: a command module
that fails to import is an error at import time, never a command silently missing from --help.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import ArchiveCheckError
from ..exits import ExitStatus
from . import audit, check, evidence, history, repair, scan, serve, watch
from .options import global_options

COMMANDS = (check, repair, scan, watch, history, audit, serve, evidence)


class ArchiveCheckCLI(click.Group):
    """A Click group whose `main` maps results and errors to the contract's exit codes."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name or "archivecheck", complete_var=complete_var,
                              standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:  # --help, --version, ctx.exit()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _one_line(exc.format_message())
            sys.exit(ExitStatus.USAGE)
        except ArchiveCheckError as exc:
            _one_line(str(exc))
            sys.exit(ExitStatus.USAGE)
        except (click.Abort, KeyboardInterrupt):
            click.echo("archivecheck: interrupted", err=True)
            sys.exit(ExitStatus.INTERRUPTED)
        except BrokenPipeError:
            # stdout closed early (`archivecheck … | head`): not our failure, and nothing left to say.
            sys.exit(ExitStatus.OK)
        sys.exit(int(rv) if isinstance(rv, int) else ExitStatus.OK)


def _one_line(message: str) -> None:
    click.echo(f"archivecheck: error: {' '.join(message.split())}", err=True)


@click.group(cls=ArchiveCheckCLI, context_settings={"help_option_names": ["-h", "--help"]})
@global_options
@click.version_option(__version__, prog_name="archivecheck")
@click.pass_context
def cli(ctx, config_file, archive_remaps):
    """Repair, resolve and verify links to withdrawn documents in web archives.

    Archives: ukgwa (UK Government Web Archive) and wayback (Internet Archive), plus any pywb or
    Memento archive in the --config file. Remap one with --archive NAME=URL or
    ARCHIVECHECK_ARCHIVE_<NAME>=URL.

    Exit codes: 0 all ok; 1 something broken or not archived; 2 usage or input error;
    3 nothing broken but something unverifiable; 130 interrupted.
    """
    ctx.obj = {"config_file": config_file, "archive_remaps": archive_remaps}


for _module in COMMANDS:
    cli.add_command(_module.command)


def main(argv: list[str] | None = None) -> None:
    """Console entry point (`archivecheck`, `python -m archivecheck`)."""
    cli.main(args=argv)
