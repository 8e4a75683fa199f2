"""A learned score for "this HTML page is an error page", for pages no family in errorpages.toml claims.

The hand-written families learned the development set (fixtures/errorpages/) and carry over to
sites they never saw only partly. This module is the second opinion: a logistic regression over
what a page says *where* (its title, main heading and the opening of its main content, as words
and as character n-grams, so "introuvable" and "nicht gefunden" count without a rule per
language) and over cues no language owns (how many words the content carries, a status number in
the title, a password form, a page explaining errors). Its weights are data
(archivecheck/data/pagemodel.json), trained by tools/train_pagemodel.py on the labelled pages with
the commit and date of the set they came from; the thresholds in the same file were chosen on
grouped cross-validation (no site in both the training and the testing folds), not on the fit.

Pure Python at run time: a score is a sum of weights. Every score comes with the features that
pushed it, so a verdict can say which words made the page read as an error page.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from .pagefamilies import PageView

# Bands of the score (the thresholds themselves are in the weights file: they were chosen with it).
BROKEN, UNSURE, LOW = "broken", "unsure", "low"

# How many words of each place are read: a title and a heading are short; the opening's first
# sentences say what the page is about (an error page says so at once).
OPENING_WORDS = 60
# Character n-grams of the title and heading: short enough to match across inflections and
# languages ("introuvable", "nicht gefunden", "encontrada"), long enough to mean something.
CHAR_NGRAMS = (3, 5)
# A title or heading of more words than this is a sentence, not the name of a page: it is not read
# as a title or heading (a page kept as visible text has its first paragraph for both; a site that
# puts a whole lead paragraph in its <h1> says nothing by it that its opening does not).
HEADLINE_WORDS = 20
# A sentence of the opening that asks ("Can't find the page you're looking for? Use our A to Z", above
# many councils' content) offers help; it does not say the request failed (pagesubject.py reads it so
# too). Its words are not read.
_QUESTION = re.compile(r"[^.!?\u2026]*\?")
# Content size in words, as bands (an error page carries little; a document carries more).
WORD_BANDS = (15, 40, 80, 150, 300, 700)

_TOKEN = re.compile(r"\w+", re.UNICODE)
_STATUS = re.compile(r"(?<![\d.,/#-])\b([45]\d\d)\b(?![\d.,/-]\d)")
_DIGITS = re.compile(r"\d+")
# A heading naming error pages, messages or codes as its topic (plural: a page about them).
# German joins them into one word ("Die besten 404-Seiten", "Fehlermeldungen und ihre Bedeutung"); French
# and Spanish put the kind first ("pages d'erreur", "códigos de error") (#17p2: batch 2026-12-07-p2, a
# German news feature on readers' favourite 404 pages).
_TOPIC = re.compile(r"\b(error|not found|404|status|unavailable|maintenance)( \w+)? (pages|messages|codes)\b"
                    r"|\b(404|40\d|50\d|fehler)-?(seiten|meldungen|codes)\b"
                    r"|\b(pages|messages|codes) d'erreurs?\b|\b(p\u00e1ginas|mensajes|c\u00f3digos) de error\b",
                    re.IGNORECASE)
# Quoted words in a page's text (tags, scripts and styles taken out first).
_QUOTED_TEXT = re.compile(r"(?<=[\s(])[\"\u201c]([^\"\u201c\u201d]{3,80})[\"\u201d]")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
# Form fields by type (an <input> without a type is a text field; <textarea> and <select> ask too).
_FIELD = re.compile(r"<(?:input(?=[\s>/])(?:[^>]*?\btype\s*=\s*[\"']?([a-z-]+))?|textarea|select)\b", re.IGNORECASE)
_NOT_ASKING = {"hidden", "submit", "search", "button", "image", "reset", "password"}
# A form field shown in its error state: the Design Systems mark it so (GOV.UK Frontend's
# govuk-form-group--error / govuk-input--error around a govuk-error-message "Error: Enter your full
# name"; ONS's and the U.S. Web Design System's --error classes; Bootstrap's is-invalid and has-error;
# aria-invalid="true", which WCAG technique ARIA21 asks every such field to carry). It is the reader's
# typing that failed validation, on the form the address names, not the address that failed
# (fixtures/errorpages: the GOV.UK and ONS Design Systems' "with errors" examples, all ordinary).
_FIELD_IN_ERROR = re.compile(r"aria-invalid\s*=\s*[\"']?true|class\s*=\s*[\"'][^\"']*?[\w-]*(?:input|form-group|field|select|"
                             r"textarea|checkboxes|radios|fieldset|date-input|file-upload|character-count)--error\b"
                             r"|class\s*=\s*[\"'](?:[^\"']*\s)?(?:has-error|is-invalid)\b", re.IGNORECASE)
# A small lexicon of error words in the languages of the labelled pages; the n-grams learn the
# rest. One feature per place, so it generalises where a page's exact words were never seen.
_LEXICON = re.compile(
    r"\b(errors?|not found|cannot be found|could not be found|can't be found|no longer|unavailable|"
    r"denied|forbidden|unauthori[sz]ed|suspended|disabled|maintenance|oops|sorry|problem|went wrong|"
    r"doesn't exist|does not exist|removed|moved|expired|fehler|nicht gefunden|erreur|introuvable|"
    r"no encontrad[ao]|no existe|não encontrad[ao]|niet gevonden|non trovat[ao]|kunde inte|ikke fundet|"
    r"ei löytynyt|nie znaleziono|gwall|heb ei ganfod)\b", re.IGNORECASE)

# What each kind of feature is, said to a caseworker (see `explain`).
PLACE_NAMES = {"t": "title", "h": "main heading", "o": "opening", "c": "title and heading"}


@dataclass(frozen=True)
class Score:
    """The model's reading of one page: the probability that it is an error page, its band, and the
    features that pushed it up, strongest first (feature name, weight × value)."""

    probability: float
    band: str
    reasons: tuple[tuple[str, float], ...]
    explanation: str  # a clause a caseworker can read: "its main heading says “Page not found” …"


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    broken_at: float  # probability at or above which a page no family claims is called broken
    unsure_at: float  # probability at or above which it stays ok but is said with doubt
    trained_on: dict


def features(view: PageView) -> dict[str, float]:
    """The page's features, by name. Names say where each was seen: t: title, h: heading,
    o: opening, c: character n-gram of the title and heading, n: a language-independent cue."""
    found: dict[str, float] = {}
    view = replace(view, title=_headline(view.title), headings=tuple(h for h in view.headings if _headline(h)),
                   opening=_QUESTION.sub(" ", view.opening))
    title = view.title or ""
    headings = " ".join(dict.fromkeys(h for h in view.headings if h))  # the same heading once
    opening = " ".join(_tokens(view.opening)[:OPENING_WORDS])
    if view.about_errors:
        # A page explaining errors says an error page's words without being one (the rules' reading,
        # pagefamilies.SAID): its words are not read, only that it explains.
        found["n:explains errors"] = 1.0
        title = headings = opening = ""
    for place, text in (("t", title), ("h", headings), ("o", opening)):
        words = _tokens(text)
        for i, word in enumerate(words):
            found[f"{place}:{word}"] = 1.0
            if i + 1 < len(words):
                found[f"{place}:{word} {words[i + 1]}"] = 1.0
    for word in _tokens(f"{title} {headings}"):
        padded = f" {word} "
        for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
            for i in range(len(padded) - n + 1):
                found[f"c:{padded[i:i + n]}"] = 1.0
    band = next((f"<{limit}" for limit in WORD_BANDS if view.words < limit), f">={WORD_BANDS[-1]}")
    found[f"n:words{band}"] = 1.0
    page_band = next((f"<{limit}" for limit in WORD_BANDS if view.page_words < limit), f">={WORD_BANDS[-1]}")
    found[f"n:page_words{page_band}"] = 1.0
    if _STATUS.search(f"{title} {headings}"):
        found["n:status in title or heading"] = 1.0
    if _STATUS.search(opening):
        found["n:status in opening"] = 1.0
    if _LEXICON.search(title):
        found["n:error word in title"] = 1.0
    if _LEXICON.search(headings):
        found["n:error word in heading"] = 1.0
    if _LEXICON.search(opening):
        found["n:error word in opening"] = 1.0
    if view.password_form:
        found["n:password form"] = 1.0
    if quotes_an_error(view):
        found["n:quotes an error message"] = 1.0
    if any(_TOPIC.search(text) for text in view.headings):  # not the title: a pattern library's example
        # pages are titled "Page not found pages – Example"; their heading is the page's own
        found["n:names error pages as its topic"] = 1.0
    inputs = _FIELD.findall(view.markup)
    if not view.password_form and any(kind not in _NOT_ASKING for kind in inputs) and _FIELD_IN_ERROR.search(view.markup):
        # (a sign-in wall saying "wrong password" is still a wall: the password form is its own cue)
        found["n:form field in error state"] = 1.0
    if sum(kind not in _NOT_ASKING for kind in inputs) >= 2:
        # A form asking the reader for things (two fields or more: a search box is one): a service's
        # page or a form example; an error page offers at most a search box (a password form is its
        # own cue).
        found["n:asks for input"] = 1.0
    if not title:
        found["n:no title"] = 1.0
    if not headings:
        found["n:no heading"] = 1.0
    return found


def _headline(text: str | None) -> str:
    return text if text and len(text.split()) <= HEADLINE_WORDS else ""


def is_about_errors(view: PageView, found: dict[str, float] | None = None) -> bool:
    """A page whose subject is errors: it explains them (the rules' reading), quotes an error
    message, or its main heading names error pages or messages as its topic ("GOV.UK page not
    found pages", "Error messages"); a form showing the reader's validation errors; or a near-empty
    page that says nothing of an error. The model never calls such a page broken."""
    found = features(view) if found is None else found
    return view.about_errors or any(cue in found for cue in _NEVER_BROKEN) or _says_nothing(view, found)


# The cues of is_about_errors besides the rules' own reading.
_NEVER_BROKEN = ("n:quotes an error message", "n:names error pages as its topic", "n:form field in error state")
# Below this many words on the whole page (chrome included), a page that says nothing of an error —
# no error word, no status number, no password field — gives the model only its shape to go on, and
# a stub ("Test", "Lorem ipsum", a dictionary entry's one word, "Guidelines and Procedures") has that
# shape as much as an error page: at most Unsure (the judge already says "almost no text").
NEAR_EMPTY_WORDS = 15
_SAYS_ERROR = ("n:error word in title", "n:error word in heading", "n:error word in opening",
               "n:status in title or heading", "n:status in opening", "n:password form")
_STUB_ERROR_WORDS = re.compile(r"\b(bad request|down|timed? ?out|blocked|gone|invalid|loading)\b", re.IGNORECASE)


def _says_nothing(view: PageView, found: dict[str, float]) -> bool:
    """A near-empty page with no sign of an error in what little it says."""
    return (view.page_words < NEAR_EMPTY_WORDS and not any(cue in found for cue in _SAYS_ERROR)
            and not _STUB_ERROR_WORDS.search(" ".join((view.title, *view.headings, view.opening))))


def quotes_an_error(view: PageView) -> bool:
    """Does the page's text put an error message in quotation marks ('Seeing an "Error 404 - Page
    Not Found" message is common')? The rules take quoted words out of a page's opening for this
    reason: a page quoting the message is about it. Attribute values (class="error") and a script's
    strings are not its text."""
    text = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", view.markup)))  # a script's strings are not the page's text
    return any(_LEXICON.search(quoted) for quoted in _QUOTED_TEXT.findall(text))


def _tokens(text: str) -> list[str]:
    """Lower-case words; a status number (404, 503) stays itself, other numbers become '0'."""
    return [w if _STATUS.fullmatch(w) else _DIGITS.sub("0", w) for w in _TOKEN.findall(text.lower())]


@lru_cache(maxsize=1)
def load() -> Model:
    """The committed model (archivecheck/data/pagemodel.json)."""
    data = json.loads(resources.files("archivecheck.data").joinpath("pagemodel.json").read_text(encoding="utf-8"))
    return from_json(data)


def from_json(data: dict) -> Model:
    return Model(data["bias"], data["weights"], data["thresholds"]["broken"], data["thresholds"]["unsure"],
                 data["trained_on"])


def score(view: PageView, model: Model | None = None) -> Score:
    """Score a page and say why, in the words a caseworker would check."""
    model = model or load()
    found = features(view)
    contributions = [(name, model.weights[name] * value) for name, value in found.items() if name in model.weights]
    total = model.bias + sum(c for _, c in contributions)
    probability = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, total))))
    band = BROKEN if probability >= model.broken_at else UNSURE if probability >= model.unsure_at else LOW
    if band == BROKEN and is_about_errors(view, found):
        # A page that explains errors or quotes an error message is about them: the words that make
        # it score high are its subject. The rules never call such a page broken on its words; nor
        # does the model: it says it is unsure instead.
        band = UNSURE
    reasons = tuple(sorted(((n, c) for n, c in contributions if c > 0), key=lambda item: (-item[1], item[0])))
    return Score(probability, band, reasons, explain(view, reasons))


def explain(view: PageView, reasons) -> str:
    """The two strongest places (or cues) that made the page read as an error page, as a clause:
    'its main heading says “Page not found” and it carries only 23 words of content'."""
    by_place: dict[str, float] = {}
    for name, contribution in reasons:
        place = name.split(":", 1)[0]
        key = name if place == "n" else ("h" if place == "c" and _in_heading(view, name) else
                                         "t" if place == "c" else place)
        by_place[key] = by_place.get(key, 0.0) + contribution
    clauses = []
    for key, _ in sorted(by_place.items(), key=lambda item: (-item[1], item[0])):
        clause = _clause(view, key)
        if clause and clause not in clauses:
            clauses.append(clause)
        if len(clauses) == 2:
            break
    return " and ".join(clauses) if clauses else "nothing in particular points to an error page"


def _in_heading(view: PageView, name: str) -> bool:
    gram = name.split(":", 1)[1].strip()
    return any(gram in h.lower() for h in view.headings if h) and gram not in (view.title or "").lower()


def _clause(view: PageView, key: str) -> str | None:
    heading = next((h for h in view.headings if h), "")
    if key == "t" and view.title:
        return f"its title says \u201c{_cut(view.title)}\u201d"
    if key == "h" and heading:
        return f"its main heading says \u201c{_cut(heading)}\u201d"
    if key == "o" and view.opening.strip():
        return f"its text opens \u201c{_cut(view.opening)}\u201d"
    if key.startswith("n:words<") or key.startswith("n:page_words<"):
        return f"it carries only {view.words} words of content" if view.words else "it carries no content of its own"
    if key == "n:password form":
        return "it asks for a password"
    if key == "n:status in title or heading":
        return f"its title or heading names an HTTP status (\u201c{_cut(view.title or heading)}\u201d)"
    if key == "n:status in opening":
        return "its opening names an HTTP status"
    if key.startswith("n:error word in "):
        place = key.rsplit(" ", 1)[1]
        text = {"title": view.title, "heading": heading, "opening": view.opening}[place]
        return f"its {'main heading' if place == 'heading' else place} has the words of an error message (\u201c{_cut(text)}\u201d)"
    if key in ("n:no title", "n:no heading"):
        return f"it has {key[5:]}"
    return None


def _cut(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "\u2026"
