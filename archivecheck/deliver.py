"""Delivering watch's change report (#11): the destination is checked before any work, and the
report is written whole or not at all, so a run only counts as delivered once someone can read it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import InputError
from .report.watch import write_watch


def check_report_file(output: str, *, inputs: list[str]) -> None:
    """Before any work (#11): the report's file must be creatable where it is named and must not
    be one of the run's own files. Raises InputError (one line, exit 2)."""
    target = Path(output)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"cannot write the report to {output}: it is a directory")
    if not parent.is_dir():
        raise InputError(f"cannot write the report to {output}: no such directory {str(parent)!r}")
    for name in inputs:
        if target.resolve() == Path(name).resolve() or (target.exists() and Path(name).exists()
                                                        and os.path.samefile(target, name)):
            raise InputError(f"--output {output} is the run's own file {name}; name another file for the report")
    try:  # the only sure test of "may I create a file here" (permissions, read-only mounts, quotas)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{target.name}.", suffix=".tmp"):
            pass
    except OSError as exc:
        raise InputError(f"cannot write the report to {output}: {exc.strerror or exc}") from None


def deliver_report(report, fmt: str, output: str | None) -> None:
    """stdout, or the named file replaced whole: written to a temp file beside it, flushed to disk,
    then renamed over it, so a reader never sees half a report and a failure leaves the old one."""
    if not output:
        write_watch(report, fmt, sys.stdout)
        sys.stdout.flush()  # a closed pipe must fail here, before the run counts as delivered
        return
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                write_watch(report, fmt, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write the report to {output}: {exc.strerror or exc}; "
                         "the run stays undelivered and its changes will be reported again") from None
