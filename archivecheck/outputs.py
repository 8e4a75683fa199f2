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
from typing import Iterable

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
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(dir=_parent(target), prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode_for(target))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def _mode_for(target: Path) -> int:
    """The replaced file's own permissions, or a new file's usual ones (mkstemp's are 0600)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
