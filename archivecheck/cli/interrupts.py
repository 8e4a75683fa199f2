"""Ctrl-C keeps finished work (#11): a long `check`, `scan` or `audit` interrupted prints the
report of what had finished, marked incomplete, and exits 130.

The entry points report each finished record to their `progress` callback; `Keeper` wraps that
callback and keeps the records, so when KeyboardInterrupt arrives the command still has them.
"""

from __future__ import annotations

import json

import click

from ..exits import ExitStatus
from .options import ProgressLine


class Keeper:
    """A progress callback that keeps every finished record, then passes the event on."""

    def __init__(self, progress):
        self.progress = progress
        self.records: list = []
        self.total: int | None = None

    def __call__(self, event) -> None:
        self.records.append(event.record)
        self.total = event.total
        self.progress(event)

    def note(self) -> str:
        total = self.total if self.total is not None else "?"
        return f"INCOMPLETE: interrupted after {len(self.records)} of {total}; only those are reported"


def run_keeping(call, *, show: bool):
    """Run `call(progress)` with the progress line on stderr (when `show`). Returns (its value,
    None), or, on Ctrl-C, (None, the Keeper holding every record that had finished)."""
    line = ProgressLine(show)
    kept = Keeper(line)
    try:
        return call(kept), None
    except KeyboardInterrupt:
        return None, kept
    finally:
        line.close()


def mark_incomplete(text: str, fmt: str, keeper: Keeper) -> str:
    """The rendered report with its incompleteness said inside it where the format has room: a
    last line in text and markdown, `summary.incomplete` in json. csv and jsonl are one record a
    line, so for them (as for every format) stderr says it."""
    click.echo(f"archivecheck: interrupted: {keeper.note()}", err=True)
    if fmt == "json":
        doc = json.loads(text)
        doc["summary"].update(incomplete=True, finished=len(keeper.records), total=keeper.total)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("text", "markdown"):
        return text.rstrip("\n") + "\n\n" + keeper.note() + "\n"
    return text


def letters_so_far(links: list) -> list:
    """`scan`'s finished ScannedLinks grouped back into letters, in the order they were met."""
    from ..scan import LetterScan

    by_file: dict[str, list] = {}
    for link in links:
        by_file.setdefault(link.file, []).append(link)
    return [LetterScan(file, "interrupted", tuple(found)) for file, found in by_file.items()]


INTERRUPTED = ExitStatus.INTERRUPTED
