"""Issue #17, session 3 (precision): real articles under error-like headlines. Where a phrase sits and
how much the page carries should decide, not the phrase: each real ordinary page of a mirror (as in
bench_unseen_pages.py) is given, as its <title> and <h1>, headlines that an error page could carry
("Access denied", "Page not found") and news headlines that only share its words ("404 new homes
approved…", "Site no longer exists, says owner"), and judged as verify would. Every `broken` is a
false one: the body is still the real article. Pages with no <body> (readability's extracted
fragments) are skipped.

    PYTHONPATH=. python bench/bench_retitled_articles.py --every 4 \
        <mirror of mozilla/readability>:test/test-pages/ <mirror of adbar/trafilatura>:tests/cache/ \
        <mirror of adbar/trafilatura>:tests/resources/

Prints, per headline, how many retitled pages the judge called broken, and by which family. Figures
in docs/errorpages.md ("Precision by structure").
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archivecheck.judge import _soup, judge_document  # noqa: E402
from bench.bench_unseen_pages import _files, _known, _show  # noqa: E402

# Headlines an error page could carry (the article under them still makes the page a document) and
# news headlines that only share an error page's words.
HEADLINES = ["Access denied", "Forbidden", "Not found", "Service unavailable", "Internal server error", "Gone",
             "Page not found: the artists who collect broken links", "Error 404: a history of the missing web page",
             "The page you were looking for", "Website is down for maintenance",
             "404 new homes approved for town centre site", "500 service jobs to go at council",
             "Records could not be found, council admits", "Bus pass service no longer available at libraries",
             "Document was withdrawn after complaint", "Sorry, we can't find a buyer for the old town hall",
             "We seem to be having a problem with recycling", "Something went wrong at the town hall",
             "Access to the site has been denied to protesters", "Site no longer exists, says owner"]


def retitled(body: bytes, headline: str) -> bytes | None:
    soup = _soup(body)
    if soup.body is None:
        return None
    if soup.title is None:
        if soup.head is None:
            return None
        soup.head.append(soup.new_tag("title"))
    soup.title.string = headline
    h1 = soup.find("h1")
    if h1 is None:
        h1 = soup.new_tag("h1")
        (soup.find("main") or soup.find("article") or soup.body).insert(0, h1)
    h1.clear()
    h1.append(headline)
    return str(soup).encode("utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="+", metavar="REPO:PREFIX")
    parser.add_argument("--every", type=int, default=1, help="take every Nth page (the whole run takes minutes)")
    args = parser.parse_args(argv)
    known = _known()
    pages = []
    for spec in args.specs:
        repo, _, prefix = spec.partition(":")
        pages += [_show(repo, name) for name in _files(repo, prefix) if name not in known]
    pages = pages[::args.every]
    broken, judged, families = Counter(), Counter(), Counter()
    for body in pages:
        for headline in HEADLINES:
            data = retitled(body, headline)
            if data is None:
                continue
            judged[headline] += 1
            j = judge_document("https://example.org/page", data, data, "text/html")
            if not j.fits:
                broken[headline] += 1
                families[j.family] += 1
    for headline in HEADLINES:
        print(f"{broken[headline]:4d}/{judged[headline]:4d}  {headline}")
    print(f"broken {sum(broken.values())} of {sum(judged.values())} retitled pages; by family: "
          + ", ".join(f"{f} {n}" for f, n in families.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
