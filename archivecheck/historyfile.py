"""The watch database as a file: one writer at a time, the usual --db mistakes in words, and every
SQLite failure as one line (#11).

`WriterLock` holds an exclusive `flock` on `FILE.lock` for the whole run (the OS drops it when the
process dies, even by kill -9, so there is no stale lock to clean up). `history_errors` turns any
SQLite error into a `HistoryError` that names the file and says what is wrong with it: read-only,
locked by another program, not a database, missing directory.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ArchiveCheckError, ConfigError


class DatabaseBusy(ArchiveCheckError):
    """Another process holds the database's writer lock."""


class HistoryError(ConfigError):
    """The history database cannot be used: not ours, read-only, locked, missing, unreadable."""


# SQLite's primary result codes, as a person would say them about the file.
_SQLITE_PROBLEMS = {
    "SQLITE_READONLY": "is read-only (watch writes its history there; give it a file it may write)",
    "SQLITE_BUSY": "is locked by another program; try again when it has finished with the file",
    "SQLITE_LOCKED": "is locked by another program; try again when it has finished with the file",
    "SQLITE_CANTOPEN": "cannot be opened (check the directory exists and may be written)",
    "SQLITE_PERM": "may not be opened (permission denied)",
    "SQLITE_NOTADB": "not a usable watch database (not an SQLite file at all)",
    "SQLITE_CORRUPT": "is damaged (SQLite reports it corrupt)",
    "SQLITE_FULL": "cannot grow: the disk is full",
    "SQLITE_IOERR": "could not be read or written (input/output error)",
}


def describe_sqlite_error(path: str, exc: sqlite3.Error) -> str:
    """One line naming the file and what is wrong with it, from SQLite's error code."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    problem = next((text for code, text in _SQLITE_PROBLEMS.items() if name.startswith(code)), None)
    return f"{path}: {problem}" if problem else f"{path}: not a usable watch database ({exc})"


@contextmanager
def history_errors(path: str | os.PathLike) -> Iterator[None]:
    """Turn any SQLite failure inside the block into one HistoryError line about `path`."""
    try:
        yield
    except sqlite3.Error as exc:
        raise HistoryError(describe_sqlite_error(str(path), exc)) from None


def check_db_path(path: str, *, create: bool) -> None:
    """The usual mistakes with --db, in words, before SQLite meets them. Raises HistoryError."""
    if Path(path).is_dir():
        raise HistoryError(f"{path}: is a directory, not a database file")
    if not create and not Path(path).exists():
        raise HistoryError(f"{path}: no such database")
    if create and not Path(path).parent.is_dir():
        raise HistoryError(f"{path}: no such directory {str(Path(path).parent)!r}")


class WriterLock:
    """An exclusive, non-blocking `flock` on `<db>.lock`; raises DatabaseBusy when held elsewhere."""

    def __init__(self, db_path: str | os.PathLike):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> "WriterLock":
        import fcntl

        check_db_path(str(self.path)[:-5], create=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # A missing or read-only directory: the database could not be written there either.
            raise HistoryError(f"{self.path.name[:-5]}: cannot create its lock file {self.path} "
                               f"({exc.strerror or exc})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise DatabaseBusy(f"{self.path.name[:-5]} is in use by another watch run (pid {holder}); "
                               "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> "WriterLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
