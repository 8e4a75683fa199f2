"""Error pages by their shape, in any language (issue #17, session 5).

errorpages.toml's families and requestsubject.toml's lexicon know an error page by its words; a
site's own message in a language they do not cover, or set in markup rather than in a heading, passes
them by. This reads where and how a page says its message, not what it says (pageshape.toml): a page
whose whole text is one short heading; an error alert as the first thing of its content (a web
application's flashed message above the listing it redirected to); a main content that is only the
way back home. judge.read_page measures the shape (`measure_*`, on the parsed page), judge.read_error_page
asks `read` after the families and the lexicon.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .wordcount import count_words

if TYPE_CHECKING:
    from .pagefamilies import PageView


@dataclass(frozen=True)
class Shape:
    """What a page's shape says, measured by judge.read_page; "" where it says nothing."""

    bare_heading: str = ""  # the page's whole text, when it is one short heading
    alert: str = ""  # an error alert's text, when it opens the content or follows the main heading
    way_home: str = ""  # the main content's whole text, when it is only links to the site's home


@dataclass(frozen=True)
class ShapeRule:
    bare_words: int
    alert_classes: frozenset[str]
    alert_words: int
    home_words: tuple[int, int]
    examples: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ShapeReading:
    rule: str  # the family name the verdict gives: "bare-heading", "error-alert", "only-way-home"
    said: str
    problem: str


@lru_cache(maxsize=1)
def rule() -> ShapeRule:
    data = tomllib.loads(resources.files("archivecheck").joinpath("pageshape.toml").read_text(encoding="utf-8"))
    return ShapeRule(int(data["bare_heading"]["max_words"]), frozenset(data["alert"]["classes"]),
                     int(data["alert"]["max_words"]),
                     (int(data["way_home"]["min_words"]), int(data["way_home"]["max_words"])),
                     {name: tuple(data[key]["examples"]) for name, key in
                      ((BARE_HEADING, "bare_heading"), (ERROR_ALERT, "alert"), (ONLY_WAY_HOME, "way_home"))})


BARE_HEADING = "bare-heading"
ERROR_ALERT = "error-alert"
ONLY_WAY_HOME = "only-way-home"

# What may stand on a page beside its one heading only if the page is more than that heading: a link,
# an image or other media, a form or field, a frame, a script (which may draw the document itself).
_MORE_THAN_TEXT = ("a", "img", "picture", "video", "audio", "object", "embed", "iframe", "frame", "frameset",
                   "canvas", "svg", "form", "input", "textarea", "select", "button", "script", "noscript", "table")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _flat(text: str) -> str:
    return " ".join(text.split())


def measure_bare_heading(soup) -> str:
    """The page's whole text when it is one short heading and nothing else (read before scripts go)."""
    body = soup.body or soup
    if body.find(_MORE_THAN_TEXT) is not None:
        return ""
    heads = [h for h in body.find_all(_HEADINGS) if _flat(h.get_text(" "))]
    if len(heads) != 1:
        return ""
    heading = _flat(heads[0].get_text(" "))
    if heading != _flat(body.get_text(" ")) or count_words(heading) > rule().bare_words:
        return ""
    # A heading that repeats the title is the page's name alone: a page whose body we do not see (a
    # capture cut short; a text corpus that kept only a page's title, as fixtures/errorpages'
    # visible-text pages from search results are given their shape) reads the same, so it stays doubt.
    title = _flat(soup.title.get_text(" ")) if soup.title is not None else ""
    return "" if title.casefold() == heading.casefold() else heading


def measure_alert(main) -> str:
    """An error alert's text (pageshape.toml [alert]) when it is the first text of the main content or
    comes right after its first heading; "" otherwise. `main` is the content with the chrome gone."""
    r = rule()
    alerts = [tag for tag in main.find_all(class_=True) if r.alert_classes.intersection(tag.get("class") or ())]
    if not alerts:
        return ""
    text = _flat(main.get_text(" "))
    first = main.find(_HEADINGS)
    heading = _flat(first.get_text(" ")) if first is not None else ""
    for alert in alerts:
        said = _flat(alert.get_text(" "))
        if not said or count_words(said) > r.alert_words or alert.find_parent("form") is not None \
                or alert.find(["a", "form", "input", "button"]) is not None:
            continue
        before = text.split(said, 1)[0].strip()
        if before == "" or (heading and before == heading):
            return said
    return ""


def measure_way_home(main) -> str:
    """The main content's whole text when it is only links to the site's home (pageshape.toml [way_home])."""
    text = _flat(main.get_text(" "))
    links = main.find_all("a", href=True)
    least, most = rule().home_words
    if not text or not links or not least <= count_words(text) <= most:
        return ""
    if _flat(" ".join(a.get_text(" ") for a in links)) != text or not all(_is_home(a["href"]) for a in links):
        return ""
    return text


_INDEX = re.compile(r"^/?(index\.(html?|php|aspx?)|default\.aspx?)?$", re.IGNORECASE)


def _is_home(href: str) -> bool:
    """Does a link point at its site's root ('/', './', '/index.html', 'https://host/')?"""
    parts = urlsplit(href.strip())
    if parts.scheme not in ("", "http", "https") or parts.query or parts.fragment or not (parts.path or parts.netloc):
        return False
    path = parts.path[1:] if parts.path.startswith("./") else parts.path
    return bool(_INDEX.match(path))


def read(view: PageView, set_in_time: re.Pattern | None = None) -> ShapeReading | None:
    """The shape that makes the page an error page, or None. A page carrying a document or explaining
    errors is read by its words, not its shape; an alert set in time is a notice (`set_in_time`)."""
    shape = view.shape
    if view.carries_document or view.about_errors:
        return None
    if shape.bare_heading:
        return ShapeReading(BARE_HEADING, shape.bare_heading,
                            f"the captured page is nothing but one heading (\u201c{shape.bare_heading[:80]}\u201d): "
                            f"a server's bare status page, not the document")
    if shape.alert and not (set_in_time is not None and set_in_time.search(shape.alert)):
        return ShapeReading(ERROR_ALERT, shape.alert,
                            f"the captured page opens with the site's error alert (\u201c{shape.alert[:80]}\u201d), "
                            f"not the document")
    if shape.way_home:
        return ShapeReading(ONLY_WAY_HOME, shape.way_home,
                            f"the captured page offers only the way back to the site's home page "
                            f"(\u201c{shape.way_home[:80]}\u201d), not the document")
    return None
