"""Issue #17, session 4 (#17p, precision): every HTML page the installed Debian packages ship, judged
as captured pages. Real short ordinary pages at scale — indexes, stubs, changelogs, short help pages,
translated manuals, generated API pages — that no rule was written from. None is an error page
(unless reading it says otherwise: a package may ship an error template), so every `broken` is a
false one until read. Reads the files straight from disk, no network; each page is judged as verify
would (an HTTP 200 capture at an address naming the page, not a file type).

    PYTHONPATH=. python bench/bench_installed_docs.py                    # /usr/share/doc, /usr/share/help, …
    PYTHONPATH=. python bench/bench_installed_docs.py --every 3 --list   # a third of them; name every broken page
    PYTHONPATH=. python bench/bench_installed_docs.py /usr/share/doc/apache2-doc --json /tmp/run.json

Prints: pages judged (after taking out copies of the same bytes and unrendered templates), called
broken, ok with doubt, plain ok; broken by family (judge.Judgement.family: errorpages.toml's id,
`request-subject`, `learned-model`); with --list each broken page with its owning package, version
(dpkg's database) and what was read as the error. Figures in docs/errorpages.md ("Installed
documentation"). #17f's bench_software_docs.py judges given server documentation directories the
same way; this one walks everything installed.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivecheck.judge import judge_document  # noqa: E402

# Where Debian packages put HTML documentation: Debian Policy 12.3 (/usr/share/doc/<package>),
# GNOME/Mallard help (/usr/share/help), and packages that keep a manual in their own tree.
DEFAULT_ROOTS = ("/usr/share/doc", "/usr/share/help", "/usr/share/tomcat10-docs", "/usr/share/cups/doc-root",
                 "/usr/share/libreoffice/help")
SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
# Unrendered templates are not pages anyone serves as they are.
_TEMPLATE = (b"{{", b"{%", b"<?php", b"<%")
MAX_BYTES = 2_000_000


def owners() -> dict[str, str]:
    """path -> 'package version', from dpkg's database (the .list files and dpkg-query)."""
    versions = dict(line.split("\t", 1) for line in subprocess.check_output(
        ["dpkg-query", "-W", "-f", "${Package}\t${Version}\n"], text=True).splitlines() if "\t" in line)
    found = {}
    for listing in Path("/var/lib/dpkg/info").glob("*.list"):
        package = listing.stem.split(":", 1)[0]
        shown = f"{package} {versions.get(package, '?')}"
        for path in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            if path.endswith(SUFFIXES):
                found[path] = shown
    return found


def pages(roots: list[Path]) -> list[Path]:
    """Every HTML file under the roots, one per distinct real path, sorted."""
    seen, out = set(), []
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if not path.name.endswith(SUFFIXES) or not path.is_file():
                continue
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            out.append(path)
    return out


def body_of(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[Path(r) for r in DEFAULT_ROOTS])
    parser.add_argument("--every", type=int, default=1, help="judge every Nth page (the whole run takes minutes)")
    parser.add_argument("--list", action="store_true", help="name every page called broken")
    parser.add_argument("--json", type=Path, help="write every judged page's verdict here (to compare runs)")
    args = parser.parse_args(argv)
    owner = owners()
    digests: set[str] = set()
    judged = broken = doubted = templates = copies = 0
    families, by_package = Counter(), Counter()
    listed, record = [], {}
    for path in pages(args.roots)[::args.every]:
        try:
            data = body_of(path)
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if len(data) > MAX_BYTES:
            continue
        digest = hashlib.sha1(data).hexdigest()
        if digest in digests:
            copies += 1
            continue
        digests.add(digest)
        if any(mark in data for mark in _TEMPLATE):
            templates += 1
            continue
        j = judge_document(f"https://docs.example.org{path.as_posix()}".replace(".gz", ""), data, data, "text/html")
        judged += 1
        package = owner.get(str(path)) or owner.get(str(path.resolve())) or "?"
        verdict = "broken" if not j.fits else "doubt" if j.doubt else "ok"
        record[str(path)] = {"verdict": verdict, "family": j.family, "package": package}
        if not j.fits:
            broken += 1
            families[j.family] += 1
            by_package[package.split()[0]] += 1
            listed.append(f"  broken: {path} [{package}] ({j.family}): {j.problem}")
        elif j.doubt:
            doubted += 1
    print(f"{judged} pages judged ({copies} copies of the same bytes and {templates} unrendered templates left out); "
          f"broken {broken} ({broken / max(judged, 1):.3%}), ok with doubt {doubted}, plain ok {judged - broken - doubted}")
    print("broken by family: " + (", ".join(f"{f} {n}" for f, n in families.most_common()) or "none"))
    print("broken by package: " + (", ".join(f"{p} {n}" for p, n in by_package.most_common()) or "none"))
    if args.list:
        print("\n".join(listed))
    if args.json:
        args.json.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
