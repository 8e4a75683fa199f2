"""A new site's starter content shown where a document used to be (issue #17, session 4).

A site generator or CMS fills a new site with a demo post or sample page (errorpages.toml [starter]).
At its own address that post is the document a link to it names. A page showing it that declares
itself to be another address — its canonical link or og:url, usually the site's root — is a starter
site's home page served in place of whatever the link named: the document is not there. Without a
declared address the judge cannot tell them apart and says so as doubt (judge.py).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import unquote, urlsplit

from .pagefamilies import PageView

_CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
_OG_URL = re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\b(?:href|content)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


@dataclass(frozen=True)
class StarterRule:
    max_words: int
    anywhere: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def rule() -> StarterRule:
    data = tomllib.loads(resources.files("archivecheck").joinpath("errorpages.toml").read_text(encoding="utf-8"))
    starter = data["starter"]
    return StarterRule(int(starter["max_words"]), tuple(re.compile(p, re.IGNORECASE) for p in starter["anywhere"]))


def starter_words(view: PageView) -> str | None:
    """The starter content's own words, when a short page shows a new site's demo post or sample page."""
    r = rule()
    if view.words > r.max_words:
        return None
    # The main content, and what the page says of itself (a default site description sits in the
    # footer and the meta description, e.g. Jekyll's "Write an awesome description for your new site here").
    said = " \u2026 ".join((view.anywhere, *view.meta))
    return next((m.group(0) for p in r.anywhere if (m := p.search(said))), None)


def declared_address(html: str) -> str | None:
    """The address a page says it is (its canonical link, else og:url), or None."""
    for tag in (_CANONICAL, _OG_URL):
        m = tag.search(html)
        if m and (href := _HREF.search(m.group(0))):
            return href.group(1)
    return None


def elsewhere(original: str, declared: str) -> bool:
    """Does the page declare an address whose path is not the link's?"""
    return _path(urlsplit(declared).path) != _path(urlsplit(original).path)


def _path(path: str) -> str:
    """A path as a server would resolve it: decoded, without a final slash, an index file or .html
    ("/a/index.html" is "/a/", "/post.html" is "/post")."""
    path = re.sub(r"/index\.(?:html?|php)$", "/", unquote(path or "/"))
    return re.sub(r"\.html?$", "", path).rstrip("/")
