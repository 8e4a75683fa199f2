"""Copy GOV.UK Frontend's built CSS and JavaScript into archivecheck/web/static/govuk/.

    npm install --no-save govuk-frontend@6.6.0 && python -m archivecheck.web.vendor node_modules

Run by a maintainer when GOV.UK Frontend is upgraded; the copied files are committed, so
`pip install -e .` serves the page with no npm and nothing fetched at run time.

The GDS Transport typeface and the crown are for services on GOV.UK only, and this service runs on
an organisation's own host: the fonts are not copied and their @font-face rules are dropped, so the
stylesheet falls back to Arial, as the Design System says services elsewhere should.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

STATIC = Path(__file__).parent / "static" / "govuk"
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")


def vendor(node_modules: Path) -> list[Path]:
    """Copy the files from `node_modules`; returns what was written. Raises FileNotFoundError
    when govuk-frontend is not installed there."""
    package = node_modules / "govuk-frontend"
    dist = package / "dist" / "govuk"
    version = json.loads((package / "package.json").read_text("utf-8"))["version"]
    STATIC.mkdir(parents=True, exist_ok=True)
    written = []
    css = (dist / FILES[0]).read_text("utf-8")
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    (STATIC / FILES[0]).write_text(css, "utf-8")
    js = (dist / FILES[1]).read_text("utf-8")
    (STATIC / FILES[1]).write_text(re.sub(r"//# sourceMappingURL=\S+", "", js), "utf-8")
    written += [STATIC / name for name in FILES]
    notice = STATIC / "NOTICE.txt"
    notice.write_text(
        f"GOV.UK Frontend {version} (npm package govuk-frontend), files {', '.join(FILES)}.\n"
        "The codebase is released under the MIT License, Copyright (c) Crown copyright (Government\n"
        "Digital Service); see the package's README. Fonts and the crown are deliberately not included.\n",
        "utf-8")
    written.append(notice)
    return written


def main(argv: list[str]) -> int:
    node_modules = Path(argv[0] if argv else "node_modules")
    try:
        for path in vendor(node_modules):
            print(path)
    except FileNotFoundError as exc:
        print(f"vendor: {exc}; install the package first: npm install --no-save govuk-frontend", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
