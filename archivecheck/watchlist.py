"""watch's LIST, read lazily: each pass reads the file again, one entry at a time (#12).

A nightly list can hold 100,000 links; holding them all (with their labels) would make watch's
memory grow with the list. `WatchList` checks the file's shape once and then yields `WatchEntry`s
from the file on every iteration, so a run keeps only the links in flight.

    entries = read_watch_list("links.csv")   # raises InputError for an unreadable file or bad CSV
    for entry in entries: ...                # reads the file again each time
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .inputs import MAX_INPUT_BYTES

_SNIFF = 65536


@dataclass(frozen=True)
class WatchEntry:
    """One line (or CSV row) of the list: its 0-based position, the link as written, its labels."""

    position: int
    link: str
    labels: dict = field(default_factory=dict)


class WatchList:
    """LIST: a CSV with a `url` column (other columns become labels) when the file ends in .csv or
    its first line names a `url` column; otherwise one URL a line, `#` comments and blank lines
    skipped. Iterating yields WatchEntry objects, reading the file afresh each time."""

    def __init__(self, path: str):
        self.path = path
        self.encoding = _encoding(path)
        first = next(self._lines(), None)
        if first is None:
            raise InputError(f"{path}: the list has no links")
        header = next(csv.reader([first]))
        self.is_csv = path.lower().endswith(".csv") or any(h.strip().lower() == "url" for h in header)
        self._url_column: str | None = None
        if self.is_csv:
            names = {(n or "").strip().lower(): n for n in header}
            if "url" not in names:
                raise InputError(f"{path}: a CSV list needs a 'url' column")
            self._url_column = names["url"]

    def _lines(self) -> Iterator[str]:
        """The file's lines that are neither blank nor `#` comments, without their line ends."""
        try:
            with open(self.path, encoding=self.encoding, errors="replace", newline="") as fh:
                for line in fh:
                    if line.strip() and not line.lstrip().startswith("#"):
                        yield line.rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"{self.path}: {exc.strerror or exc}") from None

    def __iter__(self) -> Iterator[WatchEntry]:
        if not self.is_csv:
            for i, line in enumerate(self._lines()):
                yield WatchEntry(i, line.strip())
            return
        reader = csv.DictReader(self._lines())
        position = 0
        for row in reader:
            url = (row.get(self._url_column) or "").strip()
            if not url:
                continue
            labels = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                      if k is not None and k != self._url_column and not isinstance(v, list)}
            yield WatchEntry(position, url, labels)
            position += 1


def read_watch_list(path: str) -> WatchList:
    """The list at `path`, checked for shape now and read lazily later. Raises InputError for a
    missing, unreadable, binary or oversized file, an empty list or a CSV without a url column."""
    return WatchList(path)


def _encoding(path: str) -> str:
    """The file's encoding from its first bytes: a BOM (UTF-8, UTF-16), else UTF-8 if the start
    decodes as UTF-8, else cp1252 (lists saved by Windows spreadsheets often are)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{path}: is a directory")
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(_SNIFF)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; not a list of links")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise InputError(f"{path}: looks like a binary file, not a list of links")
    try:
        # incremental, so a character cut in two at the end of the sniffed block is not an error
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < _SNIFF)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"
