"""'… not found' and '… does not exist' of any subject, in every language the catalogs give (#17).

errorwords.py knows whole headlines ("Страница не найдена"). A site's own error page says the same
of its own subject: "Вики не найдена", "Wiki未找到", "ПРОЕКТ НЕ СУЩЕСТВУЕТ", "הוויקי לא נמצא". What
each language says there whatever the subject (its predicate: "не найден", "未找到", "לא נמצא") is
mined from the software's translation catalogs into data/errorpredicates.json by
tools/extract_predicates.py, each with the catalog messages that say it.

The structure is short-error-message's: the predicate in a short title segment or main heading (a
statement, not a question), on a page of few words that neither explains errors nor carries a
document. On a longer page it is doubt only: a news headline ("Лекарство не найдено") or a help
page's heading says such words too, and carries a page around them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errorwords import MAX_WORDS, _spaced, normalise, segments

# A headline says one thing: a title segment or heading longer than this is a sentence or a topic.
HEADLINE_WORDS = 8
HEADLINE_CHARS = 24  # in scripts written without spaces
# A page this short is the headline and a line or two of help (no labelled error page that says a
# predicate carries more); past it, up to errorwords.MAX_WORDS, the predicate is doubt only.
FIRM_WORDS = 150


@dataclass(frozen=True)
class Saying:
    """Words as a headline is searched for them: whole words in a spaced script, characters in one
    written without spaces (errorwords._spaced); worked out once, at load, not for every page."""

    norm: str
    spaced: bool
    bare: str  # without its spaces

    @classmethod
    def of(cls, norm: str) -> "Saying":
        return cls(norm, _spaced(norm), norm.replace(" ", ""))

    def in_headline(self, padded: str, bare: str) -> bool:
        return f" {self.norm} " in padded if self.spaced else self.bare in bare


@dataclass(frozen=True)
class Predicate:
    saying: Saying
    lang: str
    kind: str  # not-found, not-exist
    examples: tuple[tuple[str, str], ...]  # (catalog, msgid)

    @property
    def norm(self) -> str:
        return self.saying.norm


@dataclass(frozen=True)
class Said:
    place: str  # title, heading
    said: str  # the page's own words there
    predicate: Predicate
    firm: bool  # False on a page too long for a verdict: said as doubt


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("archivecheck").joinpath("data/errorpredicates.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def predicates() -> tuple[Predicate, ...]:
    return tuple(Predicate(Saying.of(normalise(p["text"])), p["lang"], p["kind"], tuple(tuple(e) for e in p["examples"]))
                 for p in _data()["predicates"])


@lru_cache(maxsize=1)
def empty_results() -> tuple[Saying, ...]:
    """'No results found' in every language the catalogs give: an empty search or listing, the page
    the link named with nothing in it (said with doubt elsewhere), never an error's headline."""
    return tuple(Saying.of(normalise(e["text"])) for e in _data()["empty_results"])


def find(view) -> Said | None:
    """Where a short title segment or main heading says '… not found' / '… does not exist' in any
    language, or None; `view` is a pagefamilies.PageView."""
    if view.about_errors or view.carries_document or view.words > MAX_WORDS:
        return None
    # read_page lists the first <h1> and the main content's first heading apart; often they are one.
    for place, texts in (("heading", dict.fromkeys(view.headings)), ("title", (view.title,))):
        for text in texts:
            for segment in segments(text) if text else ():
                hit = _predicate(segment)
                if hit is not None:
                    return Said(place, segment.strip(), hit, view.words <= FIRM_WORDS)
    return None


def _predicate(segment: str) -> Predicate | None:
    if any(mark in segment for mark in ("?", "\uff1f", "\u061f")):
        return None  # "Why was my file not found?": a question is a help page's topic
    norm = normalise(segment)
    if not norm:
        return None
    spaced = _spaced(norm)
    if (len(norm.split()) if spaced else len(norm.replace(" ", ""))) > (HEADLINE_WORDS if spaced else HEADLINE_CHARS):
        return None
    padded, bare = f" {norm} ", norm.replace(" ", "")
    if any(e.in_headline(padded, bare) for e in empty_results()):
        return None
    for predicate in predicates():
        if predicate.saying.in_headline(padded, bare):
            # A subject and the predicate that a catalog's 'No results found' also says ("結果が見つかりません"
            # inside "検索結果が見つかりません"): an empty search, shortened.
            if bare.replace(predicate.saying.bare, "") and any(bare in e.bare for e in empty_results()):
                return None
            return predicate
    return None
