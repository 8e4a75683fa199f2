"""Issue #17, session 4: does a catalog headline (archivecheck/errorwords.py) make ordinary pages in
other languages broken? Judges real ordinary pages, as verify would, and counts what the
translated-headline family read on them: a firm reading (the verdict `broken`), a one-word headline
alone (said as doubt only), nothing.

Pages come from git mirrors already on disk (REPO:PREFIX, as bench_unseen_pages.py reads them) or
from local directories of HTML (--dir), e.g. the LibreOffice help in ten languages unpacked from
Debian's libreoffice-help-* packages (`apt-get download libreoffice-help-ru … && dpkg-deb -x`):

    PYTHONPATH=. python bench/bench_catalog_headlines.py --every 10 \\
        --dir /tmp/lohelp/usr/share/libreoffice/help/ru … \\
        --ordinary <mirror of adbar/trafilatura>:tests/cache/ …

Every page is ordinary: anything the family calls an error page is a false `broken`.

`--retitle`: as bench_retitled_articles.py does with English headlines, give every page, as its
<title> and <h1>, catalog headlines in ten languages (and English "Page not found" beside them):
whether a page that carries a document stays the document under a headline in any language.
Figures in docs/errorpages.md ("Error pages in every language").
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivecheck import errorwords, pagefamilies  # noqa: E402
from archivecheck.judge import judge_document, read_page  # noqa: E402
from bench.bench_retitled_articles import retitled  # noqa: E402
from bench.bench_unseen_pages import _files, _known, _show  # noqa: E402

# Real catalog headlines (data/errorwords.json): 'Page not found' of Django (ru, hu, de, fr, es, ja), MkDocs
# (pl), WordPress and Weblate (ar); Django's zh_Hans 'Server error (500)'; MediaWiki's tr 'Access denied'.
RETITLES = ["Page not found", "Страница не найдена", "Nincs ilyen oldal", "Seite nicht gefunden", "Page non trouvée",
            "Página no encontrada", "Nie znaleziono strony", "ページが見つかりません", "服务器错误(500)",
            "الصفحة غير موجودة", "Erişim reddedildi"]


def _pages(args) -> list[tuple[str, str, callable]]:
    """(source, name, loader) for every page asked for."""
    out = []
    known = _known()
    for spec in args.ordinary:
        repo, _, prefix = spec.partition(":")
        shown = Path(repo).parent.name if Path(repo).name == "repo" else Path(repo).name
        out += [(f"{shown}:{prefix}", name, (lambda r=repo, n=name: _show(r, n)))
                for name in _files(repo, prefix)[::args.every] if name not in known]
    for directory in args.dir:
        files = sorted(p for p in Path(directory).rglob("*") if p.suffix in (".html", ".htm"))
        out += [(directory, str(p), p.read_bytes) for p in files[::args.every]]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ordinary", action="append", default=[], metavar="REPO:PREFIX")
    parser.add_argument("--dir", action="append", default=[], metavar="PATH")
    parser.add_argument("--every", type=int, default=1, help="take every Nth page of each source")
    parser.add_argument("--show", type=int, default=8, help="readings to print per source")
    parser.add_argument("--retitle", action="store_true", help="give each page catalog headlines as title and h1")
    args = parser.parse_args(argv)
    if args.retitle:
        return _retitle(args)
    totals = Counter()
    by_source: dict[str, Counter] = {}
    shown: dict[str, list[str]] = {}
    for source, name, load in _pages(args):
        data = load()
        view = read_page(data)
        seen = errorwords.find(view, pagefamilies._set_in_time)
        judged = judge_document("https://example.org/page", data, data, "text/html")
        count = by_source.setdefault(source, Counter())
        count["pages"] += 1
        count["broken"] += not judged.fits
        count["family broken"] += judged.family == "translated-headline"
        if seen is not None:
            count["firm" if seen.firm else "one-word"] += 1
            package = seen.phrase.sources[0][0]
            shown.setdefault(source, []).append(
                f"    {'FIRM' if seen.firm else 'one-word'} {seen.place} \u201c{seen.said[:60]}\u201d = {package} "
                f"\u201c{seen.phrase.text[:50]}\u201d ({seen.phrase.kind}; verdict {'ok' if judged.fits else judged.family}) {name}")
    for source, count in by_source.items():
        totals.update(count)
        print(f"{source}: {count['pages']} pages; catalog family firm {count['firm']}, one-word alone {count['one-word']}; "
              f"judged broken {count['broken']} (by translated-headline {count['family broken']})")
        for line in shown.get(source, [])[:args.show]:
            print(line)
    print(f"all: {totals['pages']} ordinary pages; catalog family firm {totals['firm']}, one-word alone {totals['one-word']}; "
          f"judged broken {totals['broken']} (by translated-headline {totals['family broken']})")
    return 0


def _retitle(args) -> int:
    broken, judged, carrying = Counter(), Counter(), Counter()
    families = Counter()
    for _source, _name, load in _pages(args):
        body = load()
        for headline in RETITLES:
            data = retitled(body, headline)
            if data is None:
                continue
            judged[headline] += 1
            carrying[headline] += read_page(data).carries_document
            j = judge_document("https://example.org/page", data, data, "text/html")
            if not j.fits:
                broken[headline] += 1
                families[j.family] += 1
    for headline in RETITLES:
        print(f"{broken[headline]:4d}/{judged[headline]:4d} broken ({carrying[headline]} carry a document)  {headline}")
    print(f"broken {sum(broken.values())} of {sum(judged.values())} retitled pages; by family: "
          + ", ".join(f"{f} {n}" for f, n in families.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
