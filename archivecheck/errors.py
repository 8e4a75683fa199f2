"""One exception root for the library; the CLI maps these to exit codes in one place."""

from __future__ import annotations


class ArchiveCheckError(Exception):
    """Root of every error archivecheck raises on purpose."""


class InputError(ArchiveCheckError):
    """The user's input (a file, a URL, a list) cannot be read or understood."""


class ConfigError(ArchiveCheckError):
    """The config file, an --archive value or an environment override is invalid."""


class NetworkError(ArchiveCheckError):
    """An archive could not be asked: connection failure, timeout, reset, truncated body.

    Transient by nature, so results built on it are `unverifiable`, never `broken`.
    """

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.url = url


class RateLimited(NetworkError):
    """The archive answered 429 and kept answering it after the retries we allow ourselves."""

    def __init__(self, message: str, *, url: str | None = None, retry_after: float | None = None):
        super().__init__(message, url=url)
        self.retry_after = retry_after


class Blocked(NetworkError):
    """The archive's WAF answered with a captcha or challenge instead of content."""


class IncompleteBody(NetworkError):
    """A response's body was cut short or stalled after its headers arrived: worth fetching again."""
