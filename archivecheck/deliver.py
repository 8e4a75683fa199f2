"""Delivering watch's change report (#11): the destination is checked before any work, and the
report is written whole or not at all, so a run only counts as delivered once someone can read it.
"""

from __future__ import annotations

import sys

from .outputs import check_output, replacing
from .report.watch import write_watch


def check_report_file(output: str, *, inputs: list[str]) -> None:
    """Before any work (#11): the report's file must be creatable where it is named and must not
    be one of the run's own files (the list, the database and its companions). Raises InputError."""
    check_output(output, inputs)


def deliver_report(report, fmt: str, output: str | None) -> None:
    """stdout, or the named file replaced whole (outputs.replacing), so a reader never sees half a
    report and a failure leaves the old one. Only when this returns does the run count as delivered."""
    if not output:
        write_watch(report, fmt, sys.stdout)
        sys.stdout.flush()  # a closed pipe must fail here, before the run counts as delivered
        return
    with replacing(output) as fh:
        write_watch(report, fmt, fh)
