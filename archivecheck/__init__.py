"""archivecheck: keep links to withdrawn public documents honest.

The Python API mirrors the commands (named `check_links` etc., since `archivecheck.check` is the
module that does the work):

    >>> import archivecheck
    >>> results = archivecheck.check_links(["https://webarchive.nationalarchives.gov.uk/ukgwa/…"],
    ...                              archives={"ukgwa": "http://127.0.0.1:8080/ukgwa/"})
    >>> results[0].status, results[0].memento_datetime

Each returns contract `Result` records (see `archivecheck.models`); network trouble never raises,
it becomes `Status.UNVERIFIABLE`. Bad input or configuration raises `ArchiveCheckError`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "check_links", "repair_links", "scan_letters", "load_settings",
    "Result", "Status", "Kind", "ArchiveCheckError",
]


def load_settings(config_file: str | None = None, archives: dict[str, str] | None = None, **options):
    """Settings from a config file and remaps ({"ukgwa": "http://…/ukgwa/"}); see config.load_settings."""
    from .config import load_settings as _load

    remaps = tuple(f"{name}={url}" for name, url in (archives or {}).items())
    return _load(config_file, remaps, **options)


def check_links(urls, *, settings=None, workers: int = 1, **settings_options) -> list:
    """Check archive links or original URLs (damaged ones are repaired first) → list[Result]."""
    from .check import Checker

    settings = settings or load_settings(**settings_options)
    with Checker(settings) as checker:
        return list(checker.check_many(list(urls), workers=workers))


def repair_links(text: str, *, offline: bool = True, settings=None, **settings_options) -> list:
    """Every link in `text` with its repair → list[RepairedLink]. With offline=False, ambiguous
    readings are settled by the archives' indexes."""
    from .check import Checker
    from .repair import repair_text

    if offline:
        return repair_text(text)
    settings = settings or load_settings(**settings_options)
    with Checker(settings) as checker:
        return repair_text(text, checker.index)


def scan_letters(paths, *, settings=None, **settings_options) -> list:
    """Extract, repair and check every link in letters (and in letters attached to e-mails)
    → list[LetterScan]."""
    from .check import Checker
    from .scan import scan_letters as _scan

    settings = settings or load_settings(**settings_options)
    with Checker(settings) as checker:
        return _scan(paths, checker)


def __getattr__(name: str):
    # Records and the error root, imported on first use so `import archivecheck` stays light.
    if name in ("Result", "Status", "Kind"):
        from . import models

        return getattr(models, name)
    if name == "ArchiveCheckError":
        from .errors import ArchiveCheckError

        return ArchiveCheckError
    raise AttributeError(f"module 'archivecheck' has no attribute {name!r}")
