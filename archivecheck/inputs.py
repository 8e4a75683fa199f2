"""Reading the user's own files (letters, link lists) with one-line errors instead of tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError

# A letter or a link list is never this large; refusing it beats exhausting memory.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_input_bytes(path: str, *, limit: int = MAX_INPUT_BYTES) -> tuple[bytes, str]:
    """Read a file ('-' = standard input); returns (bytes, a name for messages). Raises InputError."""
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(limit + 1) if stream is not None else sys.stdin.read(limit + 1).encode()
        name = "standard input"
    else:
        name = path
        try:
            with Path(path).open("rb") as fh:
                data = fh.read(limit + 1)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory") from None
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: larger than {limit // (1024 * 1024)} MB; not a letter or a list of links")
    return data, name


def read_input_text(path: str, *, what: str = "text") -> str:
    """Read a text file ('-' = stdin) as str; raises InputError for missing, unreadable or binary input."""
    data, name = read_input_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with its byte-order mark, as Windows tools save lists: read like a UTF-16 letter.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Letters saved by Windows word processors are often cp1252, not UTF-8.
        return data.decode("cp1252", errors="replace")
