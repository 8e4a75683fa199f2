"""Run settings: built-in archives, the config file, environment remaps and command-line remaps.

Precedence, lowest first: built-in defaults → config file → `ARCHIVECHECK_ARCHIVE_<NAME>` →
`--archive NAME=URL`. The config file is TOML:

    [archives.myarchive]          # declare another pywb / Wayback-style / Memento archive
    base = "https://archive.example.org/collection/"
    dialect = "pywb"              # pywb | wayback | memento
    label = "Example Archive"
    index_per_minute = 10         # optional: this archive's own limits, in place of [network]'s
    replay_per_minute = 60
    headers = { X-Example-Token = "..." }  # optional: extra request headers for this archive only
                                  # (an allow-list token it issued); never logged or printed

    [archives.ukgwa]              # or remap a built-in one
    base = "http://127.0.0.1:8080/ukgwa/"

    [network]
    timeout = 30                  # seconds to wait for a response or for a stalled body
    retries = 3                   # retries on 5xx, resets and timeouts
    backoff = 2.0                 # first retry delay, doubled each time
    retry_after_default = 60      # wait after a 429 that gives no Retry-After
    max_retry_after = 300         # a longer Retry-After is not waited out: links to that archive are
                                  # unverifiable, and no request goes to it, until it has passed
    rate_limit_retries = 10       # at most this many of an archive's 429s waited out per request
    rate_limit_budget = 120       # ... and at most this many seconds of Retry-After in total; a short
                                  # Retry-After is waited out again and again within it
    index_per_minute = 22         # CDX + TimeMap requests per archive host (IA: 24, shared; README)
    replay_per_minute = 456       # replay requests per archive host (IA: 480; README, "Politeness")
    live_per_minute = 30          # requests per original (live) site host, for `audit`
    save_per_minute = 4           # Save Page Now requests (IA allows a few a minute anonymously)
    max_bytes = 200000000         # stop reading a body after this many bytes
    contact = "foi-team@example.gov.uk"  # who runs this service: goes into the User-Agent
    challenge_cooldown = 900      # seconds to send nothing to an archive's endpoint after it asked
                                  # for human verification (then one request tries again); 0: off
    template_witness = true       # a page judged good but doubted: ask the index (one bounded query)
                                  # whether the site holds these exact bytes at other addresses (witness.py)
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .archives import DIALECTS, Archive, ArchiveRegistry, normalise_base
from .challenge import DEFAULT_COOLDOWN
from .errors import ConfigError
from .identity import HostHeaders, checked_contact, checked_headers, host_headers

ENV_PREFIX = "ARCHIVECHECK_ARCHIVE_"


@dataclass(frozen=True)
class NetworkPolicy:
    """Everything the one HTTP session needs to be polite and robust. Defaults suit the real archives."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 3
    backoff: float = 2.0
    retry_after_default: float = 60.0
    max_retry_after: float = 300.0
    rate_limit_retries: int = 10
    rate_limit_budget: float = 120.0
    # (#12) Just under the Internet Archive's limits (README, "Politeness", gives the sources): its
    # CDX and TimeMaps share one hard limit of 24 a minute, replay is about 480 a minute. Spaced
    # evenly, 22 and 456 (95 %) never put more than the limit into any 60 s window, and a night
    # runs at the archive's pace rather than a third below it.
    index_per_minute: float = 22.0
    replay_per_minute: float = 456.0
    live_per_minute: float = 30.0
    save_per_minute: float = 4.0
    max_bytes: int = 200_000_000
    # Bodies up to this size are kept in memory to read a PDF's title; larger ones are only hashed.
    keep_bytes: int = 32_000_000
    user_agent: str = ""
    # (#20) Who runs this service (an e-mail or web address), named in the User-Agent so an archive
    # that challenges robots knows whom to ask, and whom to let in (identity.py).
    contact: str = ""
    # (#20) After a challenge nothing goes to that endpoint for this long (challenge.py); 0: off.
    challenge_cooldown: float = DEFAULT_COOLDOWN
    # (#21) the machine-wide request budget (budget.py): a file path, "off", or "" for the default
    # file in the user's data directory; ARCHIVECHECK_BUDGET overrides it
    shared_budget: str = ""
    # (#21) "background" (watch) yields the shared budget to "interactive" work (check, scan, serve);
    # set by the command, not a config setting
    priority: str = "interactive"
    # (#17) For an HTML capture judged good with doubt, one bounded index question (witness.py): do
    # other addresses of the site hold these exact bytes? Off: no such question is ever asked.
    template_witness: bool = True
    # Per-archive limits from [archives.NAME] (not a [network] setting): see _host_rates.
    host_rates: tuple[tuple[str, str, float], ...] = ()
    # Per-archive request headers from [archives.NAME] headers (not a [network] setting).
    host_headers: tuple[HostHeaders, ...] = ()

    def merged(self, values: dict, *, source: str) -> "NetworkPolicy":
        known = {f.name: f.type for f in fields(self) if f.name not in ("host_rates", "host_headers", "priority")}
        changes = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{source}: unknown setting [network].{key}")
            if key in ("user_agent", "shared_budget"):
                if not isinstance(value, str):
                    raise ConfigError(f"{source}: [network].{key} must be a string")
                changes[key] = value
                continue
            if key == "template_witness":
                if not isinstance(value, bool):
                    raise ConfigError(f"{source}: [network].{key} must be true or false, not {value!r}")
                changes[key] = value
                continue
            if key == "contact":
                changes[key] = checked_contact(value, f"{source}: [network].contact")
                continue
            changes[key] = checked_number(value, f"{source}: [network].{key}", positive=key in _POSITIVE,
                                          integer=key in _INTEGERS)
        return replace(self, **changes)


# A value of 0 here would mean "never wait", "no requests at all" or "read nothing": never what is
# meant, and 0 rates once silently meant "unlimited" (#11). Retries and waits may be 0.
_POSITIVE = frozenset(("timeout", "connect_timeout", "index_per_minute", "replay_per_minute", "live_per_minute",
                       "save_per_minute", "max_bytes", "keep_bytes"))
_INTEGERS = frozenset(("retries", "rate_limit_retries", "max_bytes", "keep_bytes"))


def checked_number(value, what: str, *, positive: bool = True, integer: bool = False) -> float | int:
    """``value`` as a finite number (> 0 when ``positive``, else >= 0; a whole number when
    ``integer``). Raises ConfigError naming ``what``: nan, inf, a string or a bool never get in."""
    whole = "whole " if integer else ""
    # 0 where `positive` would mean "never" or "unlimited" depending on the key: refused, not guessed.
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value < 0 or (positive and value == 0) or (integer and value != int(value))):
        wanted = f"a positive {whole}number (non-negative and above 0)" if positive else f"a non-negative {whole}number"
        raise ConfigError(f"{what} must be {wanted}, not {value!r}")
    return int(value) if integer else float(value)


@dataclass(frozen=True)
class Settings:
    registry: ArchiveRegistry = field(default_factory=ArchiveRegistry.builtin)
    network: NetworkPolicy = field(default_factory=NetworkPolicy)
    prefer: tuple[str, ...] = ("ukgwa", "wayback")
    at: datetime | None = None


def load_settings(
    config_file: str | None = None,
    remaps: tuple[str, ...] = (),
    *,
    environ: dict | None = None,
    prefer: str | None = None,
    timeout: float | None = None,
    at: datetime | None = None,
) -> Settings:
    """Build the run's settings. Raises ConfigError with a one-line message on any bad value."""
    environ = os.environ if environ is None else environ
    registry = ArchiveRegistry.builtin()
    network = NetworkPolicy()
    prefer_names: tuple[str, ...] | None = None

    if config_file:
        data = _read_toml(config_file)
        for section in ("archives", "network"):
            if not isinstance(data.get(section, {}), dict):
                raise ConfigError(f"{config_file}: [{section}] must be a table, not {data[section]!r}")
        for name, table in data.get("archives", {}).items():
            registry = registry.with_archive(_archive_from_config(registry, name, table, config_file))
        network = network.merged(data.get("network", {}), source=config_file)
        if "prefer" in data:
            prefer_names = _parse_prefer(data["prefer"], source=config_file)
        unknown = set(data) - {"archives", "network", "prefer"}
        if unknown:
            raise ConfigError(f"{config_file}: unknown section {sorted(unknown)[0]!r}")

    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and value:
            name = key[len(ENV_PREFIX):].lower()
            registry = registry.with_archive(registry.get(name).remap(value))

    for item in remaps:
        name, sep, url = item.partition("=")
        if not sep or not name.strip() or not url.strip():
            raise ConfigError(f"--archive expects NAME=URL, got {item!r}")
        registry = registry.with_archive(registry.get(name.strip().lower()).remap(url))

    if timeout is not None:
        timeout = checked_number(timeout, "--timeout")
        network = replace(network, timeout=timeout, connect_timeout=min(network.connect_timeout, timeout))

    if prefer is not None:
        prefer_names = _parse_prefer(prefer, source="--prefer")
    if prefer_names is None:
        prefer_names = tuple(registry.archives)
    for name in prefer_names:
        registry.get(name)  # raises for an unknown name
    network = replace(network, host_rates=_host_rates(registry),
                      host_headers=host_headers(registry.archives.values()))
    return Settings(registry=registry, network=network, prefer=prefer_names, at=at)


def _parse_prefer(value, *, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [v.strip().lower() for v in value.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip().lower() for v in value]
    else:
        raise ConfigError(f"{source}: prefer must be a list of archive names")
    items = [i for i in items if i]
    if not items:
        raise ConfigError(f"{source}: prefer names no archive")
    return tuple(dict.fromkeys(items))


def _read_toml(path: str) -> dict:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None


def _archive_from_config(registry: ArchiveRegistry, name: str, table, source: str) -> Archive:
    name = name.lower()
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [archives.{name}] must be a table")
    unknown = set(table) - {"base", "public_base", "dialect", "label", "aliases", "headers", *_ARCHIVE_RATES}
    if unknown:
        raise ConfigError(f"{source}: unknown key archives.{name}.{sorted(unknown)[0]}")
    existing = registry.archives.get(name)
    if existing is not None:
        # For a built-in archive, `base` remaps requests; the public form stays as it is.
        archive = replace(existing, **_archive_rates(name, table, source), **_archive_headers(name, table, source))
        if "public_base" in table:
            archive = replace(archive, public_base=normalise_base(str(table["public_base"]), what=source))
        if "base" in table:
            archive = archive.remap(str(table["base"]))
        if "label" in table:
            archive = replace(archive, label=str(table["label"]))
        return archive
    if "base" not in table:
        raise ConfigError(f"{source}: [archives.{name}] needs a base URL")
    dialect = str(table.get("dialect", "pywb")).lower()
    if dialect not in DIALECTS:
        raise ConfigError(f"{source}: archives.{name}.dialect must be one of {', '.join(DIALECTS)}")
    base = normalise_base(str(table["base"]), what=source)
    public = normalise_base(str(table.get("public_base", base)), what=source)
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list):
        raise ConfigError(f"{source}: archives.{name}.aliases must be a list")
    return Archive(
        name=name, public_base=public, request_base=base, dialect=dialect,
        aliases=tuple(normalise_base(str(a), what=source) for a in aliases),
        label=str(table.get("label", name)), **_archive_rates(name, table, source),
        **_archive_headers(name, table, source),
    )


_ARCHIVE_RATES = ("index_per_minute", "replay_per_minute")


def _archive_rates(name: str, table: dict, source: str) -> dict:
    rates = {}
    for key in _ARCHIVE_RATES:
        if key in table:
            rates[key] = checked_number(table[key], f"{source}: archives.{name}.{key}")
    return rates


def _archive_headers(name: str, table: dict, source: str) -> dict:
    if "headers" not in table:
        return {}
    return {"request_headers": checked_headers(table["headers"], f"{source}: archives.{name}.headers")}


def _host_rates(registry: ArchiveRegistry) -> tuple[tuple[str, str, float], ...]:
    """(request host, endpoint class, per minute) for archives with limits of their own; taken after
    remapping, since the limit belongs to whichever server the requests go to."""
    out = []
    for archive in registry.archives.values():
        host = urlsplit(archive.request_base).netloc.lower()
        for endpoint, rate in (("index", archive.index_per_minute), ("replay", archive.replay_per_minute)):
            if rate is not None:
                out.append((host, endpoint, rate))
    return tuple(out)
