"""Options shared by every command, and the glue that turns them into Settings.

`--config` and `--archive` are accepted before and after the command name (users type them in
either place); values given after the command add to those given before it.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import datetime, timezone

import click

from ..config import Settings, checked_number, load_settings
from ..errors import ConfigError
from ..outputs import check_output, write_output
from ..report import FORMATS


class FiniteNumber(click.ParamType):
    """A float option that must be finite (and above 0 unless ``zero_ok``): click's float and
    FloatRange let nan and inf through, which then failed deep inside a run (#11)."""

    name = "number"

    def __init__(self, *, zero_ok: bool = False, minimum: float | None = None):
        self.zero_ok, self.minimum = zero_ok, minimum

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number", param, ctx)
        try:
            number = checked_number(number, "the value", positive=not self.zero_ok)
        except ConfigError as exc:
            self.fail(str(exc).removeprefix("the value "), param, ctx)
        if self.minimum is not None and number < self.minimum:
            self.fail(f"must be at least {self.minimum}, not {number!r}", param, ctx)
        return number


def global_options(f):
    f = click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                     help="TOML config file: extra archives, remaps, network policy.")(f)
    f = click.option("--archive", "archive_remaps", multiple=True, metavar="NAME=URL",
                     help="Send requests for archive NAME to URL (a replay base ending in /). Repeatable.")(f)
    return f


def report_options(formats: tuple[str, ...] = FORMATS):
    def decorate(f):
        f = global_options(f)
        f = click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                         help="Report format.")(f)
        f = click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
                         help="Write the report to FILE instead of stdout.")(f)
        f = click.option("--at", "at", default=None, metavar="DATE",
                         help="Prefer captures nearest this date (YYYY, YYYY-MM-DD, ISO 8601 or 14 digits).")(f)
        f = click.option("--prefer", default=None, metavar="A,B",
                         help="Archive order, first holding a good capture wins [default: ukgwa,wayback].")(f)
        f = click.option("--timeout", type=float, default=None, metavar="SECONDS",
                         help="Network timeout per request and for a stalled body [default: 30].")(f)
        f = click.option("--no-progress", is_flag=True, help="No progress display on stderr.")(f)
        f = click.option("-v", "--verbose", count=True, help="More detail on stderr.")(f)
        f = click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")(f)
        return f
    return decorate


def evidence_options(f):
    """--evidence DIR and --sign-key PEM (#22): keep each verification's HTTP exchanges as a WACZ."""
    f = click.option("--sign-key", "sign_key", type=click.Path(dir_okay=False), default=None, metavar="PEM",
                     help="Sign each evidence pack's digest with this ECDSA (P-256) private key (needs --evidence).")(f)
    f = click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
                     help="Keep the HTTP exchanges behind every verdict as a WACZ in DIR, named with its"
                          " SHA-256 in the report.")(f)
    return f


def evidence_from(evidence_dir: str | None, sign_key: str | None):
    """The run's evidence.Evidence, or None without --evidence. Raises ConfigError for a key that
    cannot be read and click.UsageError for --sign-key alone."""
    if evidence_dir is None:
        if sign_key:
            raise click.UsageError("--sign-key signs evidence packs: give --evidence DIR too")
        return None
    from ..evidence import Evidence
    from ..evidence.signing import load_signing_key

    key = load_signing_key(sign_key) if sign_key else None
    try:
        from pathlib import Path

        Path(evidence_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot make the evidence directory {evidence_dir}: {exc.strerror or exc}") from None
    return Evidence(evidence_dir, key)


def with_packs(text: str, fmt: str, packs) -> str:
    """The report with the evidence packs named in it (text, markdown; json carries them in its
    summary); csv and jsonl are one record a line, so stderr names them."""
    if not packs:
        return text
    from ..report.evidence import packs_markdown, packs_text

    if fmt == "text":
        return text + "\n" + packs_text(packs)
    if fmt == "markdown":
        return text.rstrip("\n") + "\n\n" + packs_markdown(packs)
    if fmt in ("csv", "jsonl"):
        for p in packs:
            click.echo(f"archivecheck: evidence: {p.path} (SHA-256 {p.sha256})", err=True)
    return text


def settings_from(ctx: click.Context, *, config_file=None, archive_remaps=(), prefer=None,
                  timeout=None, at=None) -> Settings:
    """Merge the group's and the command's options into Settings (raises ConfigError)."""
    configure_logging(ctx.params.get("verbose") or 0, bool(ctx.params.get("quiet")))
    root = ctx.find_root().obj or {}
    # Before any work, and before the config is read: the report must not overwrite a file the
    # command reads (#11: `scan letter.md --output letter.md` replaced the letter).
    check_output(ctx.params.get("output"), [*_input_paths(ctx.params), root.get("config_file")])
    return load_settings(
        config_file or root.get("config_file"),
        tuple(root.get("archive_remaps", ())) + tuple(archive_remaps),
        prefer=prefer,
        timeout=timeout,
        at=parse_at(at) if at else None,
    )


# The parameters, across commands, that name files a command reads.
_INPUT_PARAMS = ("files", "source", "from_file", "list_file", "sitemap", "page", "config_file", "db")


def _input_paths(params: dict) -> list[str]:
    paths: list[str] = []
    for name in _INPUT_PARAMS:
        value = params.get(name)
        paths += list(value) if isinstance(value, (list, tuple)) else [value] if value else []
    return paths


def configure_logging(verbose: int, quiet: bool) -> None:
    """-v: one line per link on stderr; -vv: every request as sent; -q: errors only."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("archivecheck: %(message)s"))
    root = logging.getLogger("archivecheck")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def parse_at(value: str) -> datetime:
    """Parse --at; raises click.BadParameter with a readable message."""
    v = value.strip()
    if re.fullmatch(r"\d{4,14}", v):
        from ..models import timestamp_to_datetime

        try:
            return timestamp_to_datetime(v)
        except ValueError:
            pass
    else:
        try:
            dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
            return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
        except ValueError:
            pass
    raise click.BadParameter(f"{value!r} is not a date (try 2022-02-01)", param_hint="--at")


def url_lines(text: str) -> list[str]:
    """One URL a line; blank lines and `#` comments skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def write_report(text: str, output: str | None) -> None:
    """The report goes to stdout or, whole and at the end, to the one file the user named."""
    if output:
        write_output(text, output)  # temp file + rename: never half a report, never a lost file
    else:
        click.echo(text, nl=False)


def progress_enabled(no_progress: bool, quiet: bool) -> bool:
    return not no_progress and not quiet and sys.stderr.isatty()


class ProgressLine:
    """The library's ProgressEvents as one self-overwriting line on stderr (only on a terminal)."""

    def __init__(self, enabled: bool):
        self.enabled, self.shown = enabled, False

    def __call__(self, event) -> None:
        if not self.enabled:
            return
        status = getattr(getattr(event.record, "result", None), "status", None)
        of = f"/{event.total}" if event.total is not None else ""
        click.echo(f"\r[{event.done}{of}] {status.value if status else '':<13}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)
