"""How archivecheck introduces itself to the archives (#20): a User-Agent naming the tool and the
operator's contact, and per-archive request headers.

An archive that challenges robots (the UK Government Web Archive sits behind AWS WAF) can let a
well-behaved one through, by address or by a token it issues. It can only do that for a client that
says who it is and how to reach whoever runs it, as polite crawlers do in their User-Agent:

    archivecheck/0.1.0 (+https://github.com/archivecheck/archivecheck; contact: foi-team@example.gov.uk)

`contact = "..."` under `[network]` in the config file sets the contact; `[archives.NAME] headers =
{...}` adds request headers for that archive's host only (an allow-list token, say). Those header
values are secrets: they go on the wire to that host and nowhere else — never into a log line, an
error message, a report or a repr (`HostHeaders` prints only their names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import ConfigError

# RFC 9110 §5.6.2: a header name is a token.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Headers the session owns: a config file must not change what a request is.
_RESERVED = frozenset({"host", "content-length", "transfer-encoding", "connection", "user-agent"})


@dataclass(frozen=True)
class HostHeaders:
    """Extra request headers for every request to one host (after remapping: the server asked)."""

    host: str
    items: tuple[tuple[str, str], ...] = field(repr=False)

    def __repr__(self) -> str:  # the values are secrets: names only
        return f"HostHeaders(host={self.host!r}, names={[name for name, _ in self.items]!r})"


def user_agent(base: str, contact: str) -> str:
    """The User-Agent: `base` (the tool and its project URL), with the operator's contact when set."""
    if not contact:
        return base
    if base.endswith(")"):  # "archivecheck/0.1 (+https://…)": the contact joins the comment
        return f"{base[:-1]}; contact: {contact})"
    return f"{base} (contact: {contact})"


# The request headers the session itself sends (requests' defaults, ours, the archive's own cookies):
# recorded in an evidence pack as sent. Any other is a configured one, whose value is a secret.
_RECORDABLE = frozenset({"host", "user-agent", "accept", "accept-encoding", "accept-language", "connection",
                         "range", "content-type", "content-length", "cookie", "if-none-match", "if-modified-since"})
WITHHELD = "[withheld: a header from the config file]"


def recordable_headers(items) -> list[tuple[str, str]]:
    """Request headers as an evidence pack may keep them: a configured header's value withheld."""
    return [(name, value if name.lower() in _RECORDABLE else WITHHELD) for name, value in items]


def headers_for(url: str, headers: dict | None, configured: tuple[HostHeaders, ...]) -> dict | None:
    """The request's headers with the configured ones for `url`'s host added (the caller's win)."""
    host = urlsplit(url).netloc.lower()
    extra = next((h.items for h in configured if h.host == host), None)
    if not extra:
        return headers
    return {**dict(extra), **(headers or {})}


def checked_contact(value, what: str) -> str:
    """A contact (an e-mail address or URL) fit for a User-Agent comment; raises ConfigError."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{what} must be a non-empty string (an e-mail address or a web address)")
    value = value.strip()
    # Printable ASCII only (a header), and no brackets or ';' that would end the comment early.
    if not value.isascii() or not value.isprintable() or any(c in value for c in "();"):
        raise ConfigError(f"{what} must be printable ASCII without ( ) or ;, for example foi-team@example.gov.uk")
    return value


def checked_headers(value, what: str) -> tuple[tuple[str, str], ...]:
    """`{name = "value", ...}` from the config file as (name, value) pairs; raises ConfigError.
    Messages name the header, never its value (it may be a secret token)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{what} must be a table of header names and values")
    items = []
    for name, header_value in value.items():
        if not _TOKEN.match(name) or name.lower() in _RESERVED:
            raise ConfigError(f"{what}: {name!r} is not a header name that can be set here")
        if (not isinstance(header_value, str) or not header_value.isascii() or not header_value.isprintable()):
            raise ConfigError(f"{what}.{name} must be a string of printable ASCII (its value is not shown)")
        items.append((name, header_value))
    return tuple(items)


def host_headers(archives) -> tuple[HostHeaders, ...]:
    """Per request host, the headers configured for the archives served from it."""
    out: dict[str, dict[str, str]] = {}
    for archive in archives:
        if archive.request_headers:
            out.setdefault(urlsplit(archive.request_base).netloc.lower(), {}).update(archive.request_headers)
    return tuple(HostHeaders(host, tuple(items.items())) for host, items in out.items())
