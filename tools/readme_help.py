"""Regenerate the README's option reference from the commands' own --help.

    python tools/readme_help.py          # rewrite README.md in place
    python tools/readme_help.py --check  # exit 1 if the README has drifted (tests/test_docs.py does this too)

The reference lives between `<!-- help:start -->` and `<!-- help:end -->`; nothing else is touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- help:start -->", "<!-- help:end -->"
WIDTH = 100  # fixed, so the text does not depend on the terminal it was made in


def option_reference() -> str:
    from archivecheck.cli import cli

    parts = [START, "", "Generated from `--help` by `python tools/readme_help.py`; a test fails when they drift.", ""]
    names = [""]
    for name in sorted(cli.commands):
        names.append(name)
        # A command group (`evidence`): each of its commands too.
        names += [f"{name} {sub}" for sub in sorted(getattr(cli.commands[name], "commands", {}))]
    for name in names:
        argv = [*name.split(), "--help"] if name else ["--help"]
        result = CliRunner().invoke(cli, argv, terminal_width=WIDTH, prog_name="archivecheck")
        parts += [f"#### `archivecheck {name} --help`".replace("  ", " "), "", "```text",
                  result.output.rstrip(), "```", ""]
    parts.append(END)
    return "\n".join(parts)


def rewrite(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + option_reference() + tail


def main() -> int:
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = rewrite(current)
    if "--check" in sys.argv[1:]:
        return 0 if wanted == current else 1
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
