"""The error-page families of errorpages.toml, loaded once, and the one function that walks them.

The data says what each family looks like and where (title, heading, opening, markup, a password
form); `judge.read_page` says what a page shows in each of those places. Adding a family is an
entry in the data file plus its real examples under fixtures/errorpages/, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .pageshape import Shape

PLACES = ("title", "heading", "opening", "lead", "main", "anywhere", "markup", "form")
# Places whose evidence is what the page *says* to its reader: a page about errors says the same
# words without being one, so these do not count on it (markup, notices and forms still do).
SAID = frozenset({"title", "heading", "opening", "lead", "main"})


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    source: str
    patterns: dict[str, tuple[re.Pattern, ...]]  # place -> compiled patterns
    form: str | None
    thin_words: int | None
    max_words: int | None  # the family's words count only on a page of at most this many
    match_all: bool
    examples: tuple[str, ...]
    # The family is read from a vocabulary, not patterns: "errorwords" (errorwords.py: catalog headlines in
    # every language) or "errorpredicates" (errorpredicates.py: "… not found" of any subject).
    catalog: str | None = None


@dataclass(frozen=True)
class AboutErrors:
    """The openings of pages that explain errors rather than being one."""

    min_words: int
    opening: tuple[re.Pattern, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class DocumentRule:
    """What a body of prose is (errorpages.toml [document])."""

    paragraphs: int
    paragraph_words: int
    words: int
    paragraph: int  # or one paragraph of at least this many words


@dataclass(frozen=True)
class PageView:
    """What a page shows where a family looks (built by judge.read_page). Text is whitespace-
    collapsed, curly apostrophes straightened; `words` counts the main content's words."""

    title: str
    headings: tuple[str, ...]
    opening: str
    lead: str
    anywhere: str
    markup: str
    password_form: bool
    words: int
    page_words: int  # the whole page's visible words, forms and chrome included
    about_errors: bool
    # Each heading of the content (h1 anywhere, h2/h3 of the main content, in order) with the words
    # and the opening text of the smallest block around it that says more than the heading: where a
    # site's own error message sits when the page keeps its chrome (pagesubject.py reads these).
    heading_blocks: tuple[tuple[str, int, str], ...] = ()
    # What the page says of itself to search engines and link previews (meta description, og:title,
    # og:description): on a page whose text a script draws, the only words that say what it is.
    meta: tuple[str, ...] = ()
    # The first ~200 characters from the page's first sentence, when menus and links come before it
    # (a page without <main>, or kept as text); "" when the content starts at the top.
    content_lead: str = ""
    # The longest run of prose paragraphs sharing one container (errorpages.toml [document]): how
    # many, and their words. An article, notice or letter has one; an error page, even inside full
    # site chrome, does not (its teasers and link lists sit in cards of their own).
    # And the words of its longest single paragraph.
    prose: tuple[int, int, int] = (0, 0, 0)
    # The page says (almost) nothing outside <pre>, <code> or <blockquote>: a server's bare answer, a
    # log or a traceback looks so, and so does a text file put in a page (judge.read_page).
    set_apart: bool = False
    # The sign-in step the page's own form is (judge._sign_in_step): "password" (a sign-in form
    # whose button says so), "identifier" (an email or username alone, the first step of a
    # username-first sign-in), "sso" (only "Sign in with …" buttons), or "".
    sign_in: str = ""
    # Where and how the page says its message, whatever its words (pageshape.py: one short heading
    # and nothing else, an error alert opening the content, a main content that only leads home).
    shape: Shape = Shape()

    @property
    def carries_document(self) -> bool:
        """Does the page carry a body of prose (errorpages.toml [document]): then it is a document
        whatever its headline says, and what it says does not make it an error page."""
        rule = document_rule()
        return (self.prose[0] >= rule.paragraphs and self.prose[1] >= rule.words) or self.prose[2] >= rule.paragraph



@dataclass(frozen=True)
class FamilyMatch:
    family: Family
    place: str  # where it was seen
    said: str  # the words (or signature) seen there


def _compile(values, fragments: dict[str, str] | None = None) -> tuple[re.Pattern, ...]:
    """Compile a place's patterns, each {name} of errorpages.toml's [fragments] written out."""
    def spelled(value: str) -> str:
        for name, fragment in (fragments or {}).items():
            value = value.replace("{" + name + "}", fragment)
        return value
    return tuple(re.compile(spelled(v), re.IGNORECASE) for v in values)


@lru_cache(maxsize=1)
def load() -> tuple[tuple[Family, ...], AboutErrors]:
    """The families in the order they are tried, and the 'about errors' rule."""
    data = tomllib.loads(resources.files("archivecheck").joinpath("errorpages.toml").read_text(encoding="utf-8"))
    raw = {f["id"]: f for f in data["family"]}
    families = []
    for entry in data["family"]:
        patterns = {}
        for place in PLACES:
            value = entry.get(place)
            if place == "form" or value is None:
                continue
            if isinstance(value, str):  # "the same as another place", or another family's title patterns
                value = entry[value] if value in PLACES else raw[value]["title"]
            patterns[place] = _compile(value, data.get("fragments"))
        families.append(Family(entry["id"], entry["name"], entry["source"], patterns, entry.get("form"),
                               entry.get("thin_words"), entry.get("max_words"), entry.get("match", "any") == "all",
                               tuple(entry["examples"]), entry.get("catalog")))
    about = data["about"]
    return tuple(families), AboutErrors(about["min_words"], _compile(about["opening"]), tuple(about["examples"]))


@lru_cache(maxsize=1)
def document_rule() -> DocumentRule:
    data = tomllib.loads(resources.files("archivecheck").joinpath("errorpages.toml").read_text(encoding="utf-8"))
    doc = data["document"]
    return DocumentRule(int(doc["paragraphs"]), int(doc["paragraph_words"]), int(doc["words"]), int(doc["paragraph"]))


def is_about_errors(opening: str, words: int) -> bool:
    """Does this opening explain an error (a reference page, a design guide) on a page long enough to?"""
    about = load()[1]
    return words >= about.min_words and any(p.search(opening) for p in about.opening)


def find_family(view: PageView) -> FamilyMatch | None:
    """The first family the page shows itself to be, or None."""
    for family in load()[0]:
        found = _match(family, view)
        if found is not None:
            return found
    return None


def said_only(view: PageView) -> FamilyMatch | None:
    """The family the page's words alone would put it in, ignoring that it is about errors or
    carries a document: what such a page was not called (so the verdict can say it was unsure)."""
    if not (view.about_errors or view.carries_document):
        return None
    return find_family(PageView(**{**view.__dict__, "about_errors": False, "prose": (0, 0, 0)}))


def _match(family: Family, view: PageView) -> FamilyMatch | None:
    if family.catalog == "errorpredicates":
        from . import errorpredicates  # loads on the first page no pattern family claimed

        said = errorpredicates.find(view)
        return FamilyMatch(family, said.place, said.said) if said is not None and said.firm else None
    if family.catalog is not None:
        from . import errorwords  # the vocabulary loads on the first page no pattern family claimed

        found = errorwords.find(view, _set_in_time)
        return FamilyMatch(family, found.place, found.said) if found is not None and found.firm else None
    seen: list[tuple[str, str]] = []
    wanted = 0
    for place, patterns in family.patterns.items():
        wanted += 1
        said = _seen(place, patterns, family, view)
        if said is not None:
            seen.append((place, said))
            if not family.match_all:
                break
    if family.form:
        wanted += 1
        thin = family.thin_words is None or view.words <= family.thin_words
        if family.form == "password-form" and view.password_form and thin:
            seen.append(("form", "a sign-in form with a password field"))
        elif family.form == "sign-in-password" and view.sign_in == "password" and thin:
            seen.append(("form", _SIGN_IN_SAID[view.sign_in]))
        elif family.form == "sign-in-step" and view.sign_in in ("identifier", "sso") and thin:
            seen.append(("form", _SIGN_IN_SAID[view.sign_in]))
    if not seen or (family.match_all and len(seen) < wanted):
        return None
    place, said = seen[0]
    return FamilyMatch(family, place, said)


# The blocks read as the main region's message: the page's first h1 and, when a logo or the site's
# name takes that, the next.
MAIN_BLOCKS = 2

_SIGN_IN_SAID = {"password": "a sign-in form", "identifier": "a sign-in step asking for an email address or username",
                 "sso": "only 'Sign in with …' buttons"}


def _seen(place: str, patterns, family: Family, view: PageView) -> str | None:
    if place in SAID and (view.about_errors or view.carries_document
                          or (family.max_words is not None and view.words > family.max_words)):
        return None
    if place == "markup":
        if family.thin_words is not None and view.words > family.thin_words:
            return None
        texts = (view.markup,)
    elif place == "heading":
        texts = view.headings
    elif place == "main":
        # What the main heading's own block says after it (PageView.heading_blocks): on a page without
        # <main> whose menus come first (Trac's #content, a table layout), where its message sits.
        texts = tuple(after for _heading, _words, after in view.heading_blocks[:MAIN_BLOCKS])
    else:
        texts = (getattr(view, place),)
    for text in texts:
        for pattern in patterns:
            for m in pattern.finditer(text):
                if place in SAID and _set_in_time(text, m.start(), m.end()):
                    continue  # "… will be unavailable due to planned maintenance from 12 November": a notice, news
                return m.group(0).strip()
    return None


def _set_in_time(text: str, start: int, end: int) -> bool:
    """Is the claim text[start:end] put in the future by its own sentence (errorpages.toml
    [scheduled])? An error page states what is wrong now; a notice of an outage to come, or news
    of one, is the document. Only the sentence up to the claim counts: "… will be unavailable due to
    planned maintenance" is a notice, "… is down for maintenance and will be back soon" an error
    page's promise. A date alone does not count ("an archived version of this content on the
    January 19, 2017 Web Snapshot" is an error page's signpost)."""
    left = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start))
    return scheduled().search(text[left + 1 if left >= 0 else 0:end]) is not None


@lru_cache(maxsize=1)
def scheduled() -> re.Pattern:
    data = tomllib.loads(resources.files("archivecheck").joinpath("errorpages.toml").read_text(encoding="utf-8"))
    return re.compile(data["scheduled"]["sentence"], re.IGNORECASE)
