"""Writing a report to the file the user named, without ever destroying what they gave us.

Two rules (#11): an --output that is the same file as any input (the letter, the link list, the
config) is refused before any work, in one line; and a report is written to a temp file in the
same directory, flushed to disk and renamed over the target, so a reader never sees half a report
and a failure (full disk, interrupt) leaves the previous file as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import Iterable, Iterator, TextIO

from .errors import InputError


def _parent(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:  # a path we cannot even stat cannot be the file we are about to write
        return False


def check_output(output: str | None, inputs: Iterable[str | None] = ()) -> None:
    """Before any work: the report's file must be creatable where it is named and must not be one
    of ``inputs`` (None and '-' are skipped). Raises InputError (one line, exit 2)."""
    if not output:
        return
    target = Path(output)
    for name in inputs:
        if name and name != "-" and _same_file(target, Path(name)):
            raise InputError(f"--output {output} is the input file {name}; name another file for the report")
    if target.is_dir():
        raise InputError(f"cannot write {output}: it is a directory")
    parent = _parent(target)
    if not parent.is_dir():
        raise InputError(f"cannot write {output}: no such directory {str(parent)!r}")
    try:  # the only sure test of "may I create a file here" (permissions, read-only mounts, quotas)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{target.name}.", suffix=".tmp"):
            pass
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def write_output(text: str, output: str) -> None:
    """Replace ``output`` with ``text`` (UTF-8) atomically. Raises InputError (one line)."""
    with replacing(output) as fh:
        fh.write(text)


@contextmanager
def replacing(output: str) -> Iterator[TextIO]:
    """A text file to write a report into; on leaving the block it is flushed to disk and renamed
    over ``output`` (keeping the old file's permissions). If the block raises, ``output`` is left
    as it was. Streaming writers (watch's report of 100,000 links) use it directly. Raises
    InputError (one line) when the file cannot be written."""
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(dir=_parent(target), prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The replaced file's own permissions, or a new file's usual ones (mkstemp's are 0600)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
