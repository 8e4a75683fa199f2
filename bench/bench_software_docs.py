"""Issue #17, session 4 (#17f): the documentation a server ships, judged as captured pages. Pages
ABOUT default pages, directory listings and error documents ("mod_autoindex", "Custom Error
Responses", Tomcat's "Default Servlet Reference") are ordinary documents: every `broken` is a false
one. Reads installed HTML straight from disk (Debian packages apache2-doc, tomcat10-docs, …), no
network; each page is judged as verify would (an HTTP 200 capture at an address naming the page).

    PYTHONPATH=. python bench/bench_software_docs.py /usr/share/doc/apache2-doc/manual/en /usr/share/tomcat10-docs/docs

Prints per directory: pages, called broken (each named, with its family), ok with doubt, plain ok.
Figures in docs/errorpages.md ("Hosting and servers").
"""
from __future__ import annotations

import argparse
from pathlib import Path

from archivecheck.judge import judge_document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    args = parser.parse_args()
    for root in args.dirs:
        pages = sorted(p for p in root.rglob("*") if p.suffix in (".html", ".htm") and p.is_file() and "/api/" not in str(p))
        broken, doubt = [], 0
        for page in pages:
            body = page.read_bytes()
            j = judge_document(f"https://docs.example.org/{page.relative_to(root)}", body, body, "text/html")
            if not j.fits:
                broken.append(f"{page.relative_to(root)} ({j.family})")
            elif j.doubt:
                doubt += 1
        print(f"{root}: {len(pages)} ordinary pages; broken {len(broken)}, ok with doubt {doubt}, plain ok {len(pages) - len(broken) - doubt}")
        for name in broken:
            print(f"  broken: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
