"""Error-page headlines in every language, from the software's own translation catalogs.

`data/errorwords.json` (written once by tools/extract_catalog_phrases.py, with each phrase's
package, version, catalog file and msgid) holds what Django, MkDocs, Wagtail, Weblate, CKAN,
Plone, Trac, MediaWiki, WordPress, Roundcube and Redmine print on their error pages, in every language their
translators gave: "Page not found", "Server error (500)", "Insufficient Privileges", "Login
required", and the sentences under them. A family of errorpages.toml ("translated-headline") asks
this module, since a table of regexes per language would not fit.

The structure rules are the English families' own: a title segment (between a site name's
separators) or a main heading that IS a catalog headline, whole, once case, punctuation, whitespace
and a status code are set aside; a catalog sentence in the opening; never on a page about errors,
one that carries a document, or a long page; a sentence set in the future is a notice. A one-word
headline ("Forbidden", "Maintenance", "Hiba", "错误") is also an ordinary title, so alone it is
doubt; it counts beside a status code in the same segment ("403 Forbidden", "Hiba 404"). (Title and
heading saying the same word do not corroborate each other: a site's CMS writes both from one field.)
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A status code set aside in a headline ("404 - Page not found", "Server error (500)").
_STATUS = re.compile(r"(?<![\d.,])[45]\d\d(?![\d.,]?\d)")
# A site name's separators in a title (as errorpages.toml's status-in-title reads them), plus the
# full-width bar and colon of Chinese and Japanese titles.
_SEPARATORS = re.compile(r"\s*(?:[|\u00b7\u2022\u00bb\u00ab\u203a\u2039\u2013\u2014\uff5c\uff1a:]+|\s[-/~]\s|::)\s*")
# Past this many words of main content the page is a document that merely says such words
# (short-error-message's bound; no labelled error page carries more).
MAX_WORDS = 500
# A sign-in heading makes a sign-in wall only with a password form on a page this thin (login-wall's).
SIGN_IN_THIN_WORDS = 150


def normalise(text: str) -> str:
    """Case-folded, punctuation and symbols as spaces, status codes taken out, whitespace collapsed:
    'Server Error <em>(500)</em>' and 'server error' read alike."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    text = _STATUS.sub(" ", text)
    text = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    return " ".join(text.split())


def _spaced(norm: str) -> bool:
    """Does this text's script separate words with spaces (Latin, Cyrillic, Greek, Arabic …)? Chinese,
    Japanese and Thai do not: there a phrase is matched as characters, not words."""
    return not any(unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI", "HANGUL")) for c in norm
                   if not c.isspace()) or " " in norm


@dataclass(frozen=True)
class Phrase:
    text: str
    norm: str
    kind: str  # not-found, server-error, forbidden, unavailable, bad-request, login-required, error, sign-in
    role: str  # headline, claim, sign-in
    langs: tuple[str, ...]
    sources: tuple[tuple[str, str, str, str], ...]  # (package, version, catalog file, msgid)

    @property
    def one_word(self) -> bool:
        """A single word ('Forbidden', 'Wartungsmodus', '错误'): an ordinary title as often as an error's.
        In scripts without spaces, a phrase of at most four characters counts as one word."""
        if _spaced(self.norm):
            return " " not in self.norm
        return len(self.norm.replace(" ", "")) <= 4


@dataclass(frozen=True)
class Vocabulary:
    headlines: dict[str, tuple[Phrase, ...]]
    sign_in: dict[str, tuple[Phrase, ...]]
    claims: tuple[Phrase, ...]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = json.loads(resources.files("archivecheck").joinpath("data/errorwords.json").read_text(encoding="utf-8"))
    messages = data["messages"]
    headlines: dict[str, list[Phrase]] = {}
    sign_in: dict[str, list[Phrase]] = {}
    claims = []
    for entry in data["phrases"]:
        sources = tuple((messages[i]["package"], messages[i]["version"], catalog, messages[i]["msgid"])
                        for i, _lang, catalog in entry["from"])
        phrase = Phrase(entry["text"], entry["norm"], entry["kind"], entry["role"], tuple(entry["langs"]), sources)
        if phrase.role == "headline":
            headlines.setdefault(phrase.norm, []).append(phrase)
        elif phrase.role == "sign-in":
            sign_in.setdefault(phrase.norm, []).append(phrase)
        elif len(phrase.norm) >= 12:  # a claim is a sentence; a fragment of a few letters is not one
            claims.append(phrase)
    return Vocabulary({k: tuple(v) for k, v in headlines.items()}, {k: tuple(v) for k, v in sign_in.items()},
                      tuple(sorted(claims, key=lambda p: -len(p.norm))))


@dataclass(frozen=True)
class Seen:
    place: str  # title, heading, opening, form
    said: str  # the page's own words there
    phrase: Phrase
    firm: bool  # False: a one-word headline alone (said as doubt, not a verdict)


def segments(text: str) -> list[str]:
    """A title or heading whole, then each of its segments between a site name's separators."""
    parts = [part for part in _SEPARATORS.split(text) if part.strip()]
    return [text, *parts] if len(parts) > 1 else [text]


def _headline(text: str, table: dict[str, tuple[Phrase, ...]]) -> tuple[str, Phrase] | None:
    for segment in segments(text):
        norm = normalise(segment)
        if norm in table:
            return segment.strip(), table[norm][0]
    return None


def _with_status(segment: str) -> bool:
    return _STATUS.search(segment) is not None


def find(view, set_in_time=None) -> Seen | None:
    """Where the page says, in a catalog's words, that it is an error page (a firm reading first,
    else a one-word headline alone, with firm=False), or None. `view` is a pagefamilies.PageView;
    `set_in_time(text, start, end)` is pagefamilies' notice test for claims."""
    vocab = vocabulary()
    # view.words counts unspaced scripts by their characters (judge.read_page, wordcount.py)
    if view.about_errors or view.carries_document or view.words > MAX_WORDS:
        return None
    if view.password_form and view.words <= SIGN_IN_THIN_WORDS:
        for text in (*view.headings, view.title):
            hit = _headline(text, vocab.sign_in) if text else None
            if hit is not None:
                return Seen("form", hit[0], hit[1], True)
    in_title = _headline(view.title, vocab.headlines) if view.title else None
    in_heading = next((hit for hit in (_headline(h, vocab.headlines) for h in view.headings if h) if hit), None)
    weak = None
    for place, hit in (("title", in_title), ("heading", in_heading)):
        if hit is None:
            continue
        segment, phrase = hit
        if not phrase.one_word or _with_status(segment):
            return Seen(place, segment, phrase, True)
        weak = weak or Seen(place, segment, phrase, False)
    claim = _claim(view.opening, vocab.claims, set_in_time)
    if claim is not None:
        return claim
    return weak


def _claim(opening: str, claims: tuple[Phrase, ...], set_in_time) -> Seen | None:
    if not opening:
        return None
    norm = normalise(opening)
    padded = f" {norm} "
    for phrase in claims:
        found = f" {phrase.norm} " in padded if _spaced(phrase.norm) else phrase.norm in norm
        if not found:
            continue
        located = _locate(opening, phrase.norm)
        if located is not None and set_in_time is not None and set_in_time(opening, *located):
            continue  # "… will be unavailable for scheduled maintenance from 12 November": a notice
        said = opening[located[0]:located[1]] if located else phrase.text
        return Seen("opening", said, phrase, True)
    return None


def _locate(text: str, norm: str) -> tuple[int, int] | None:
    """Where the normalised phrase sits in the page's own text (for the notice test and the verdict)."""
    words = norm.split()
    if not words:
        return None
    pattern = r"[\W_]*".join(re.escape(w) for w in words) if _spaced(norm) else \
        r"[\W_]*".join(re.escape(c) for c in norm.replace(" ", ""))
    m = re.search(pattern, unicodedata.normalize("NFKC", text), re.IGNORECASE)
    return (m.start(), m.end()) if m else None
