"""The contract's exit codes, in one place (CONTRACT.md, "Exit codes").

Every command returns an `ExitStatus`; the CLI group (cli/__init__.py) turns it, and every error
the library raises on purpose, into the process's exit code. Nothing else calls `sys.exit`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from .models import Status


class ExitStatus(enum.IntEnum):
    OK = 0               # every link ok
    BROKEN = 1           # at least one broken or not_archived
    USAGE = 2            # usage error, unreadable input or config: one line on stderr
    UNVERIFIABLE = 3     # none broken, but at least one unverifiable, or a letter not fully read
    INTERRUPTED = 130    # SIGINT: the shell's convention (128 + signal 2)


FAILING = frozenset({Status.BROKEN, Status.NOT_ARCHIVED})


def exit_status_for(statuses: Iterable[Status], *, fully_read: bool = True) -> ExitStatus:
    """BROKEN if anything is broken or not archived, else UNVERIFIABLE if anything could not be
    decided or a letter was not fully read (a page, part or attachment that could not be read: its
    links were never checked), else OK (an empty run is OK: nothing failed)."""
    seen = set(statuses)
    if seen & FAILING:
        return ExitStatus.BROKEN
    if Status.UNVERIFIABLE in seen or not fully_read:
        return ExitStatus.UNVERIFIABLE
    return ExitStatus.OK
