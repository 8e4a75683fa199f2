"""archivecheck: keep links to withdrawn public documents honest.

The Python API mirrors the commands, one entry point each (archivecheck/api.py), named
`check_links` etc. since `archivecheck.check` is the module that does the work:

    >>> import archivecheck
    >>> results = archivecheck.check_links(["https://webarchive.nationalarchives.gov.uk/ukgwa/…"],
    ...                              archives={"ukgwa": "http://127.0.0.1:8080/ukgwa/"})
    >>> results[0].status, results[0].memento_datetime

They return typed records: contract `Result`s (check), `LetterScan`s of `ScannedLink`s (scan),
`RepairRecord`s (repair_letter), `AuditFinding`s (audit); see `archivecheck.models` and
`archivecheck.records`. Network trouble never raises, it becomes `Status.UNVERIFIABLE`. Bad input
or configuration raises `ArchiveCheckError`.
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = ("check_links", "repair_links", "repair_letter", "scan_letters", "scan_letter_bytes", "audit_urls",
        "correct_scanned_letter", "load_settings")
_MODELS = ("Result", "Status", "Kind")
_RECORDS = ("ScannedLink", "AuditFinding", "RepairRecord", "ProgressEvent", "Risk")

__all__ = ["__version__", *_API, *_MODELS, *_RECORDS, "ArchiveCheckError", "ExitStatus"]


def __getattr__(name: str):
    # Imported on first use so `import archivecheck` stays light (the CLI's --help, the web page).
    if name in _API:
        from . import api

        return getattr(api, name)
    if name in _MODELS:
        from . import models

        return getattr(models, name)
    if name in _RECORDS:
        from . import records

        return getattr(records, name)
    if name == "ArchiveCheckError":
        from .errors import ArchiveCheckError

        return ArchiveCheckError
    if name == "ExitStatus":
        from .exits import ExitStatus

        return ExitStatus
    raise AttributeError(f"module 'archivecheck' has no attribute {name!r}")
