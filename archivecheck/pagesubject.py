"""Is the page's subject the reader's failed request? The lexicon of requestsubject.toml, scored.

errorpages.toml's families know error pages by the templates they come from. This reads any page
by what error pages are: a headline or first sentence that says the thing asked for is not found,
gone, moved, unavailable or refused (a predicate over a subject, in the languages the families
cover, not a fixed sentence), the helps only error pages offer, and little content. judge.py asks
it after every family has declined; a claim that does not reach the threshold is said as doubt.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .pagefamilies import PageView

# Separators between a title's segments ("Page not found | Borough Council", "Site » Error 404").
_SEGMENTS = re.compile(r"\s+[|\u00bb\u00ab\u203a\u2039\u2013\u2014/:-]+\s+|\s*[|\u00bb\u00ab\u203a\u2039]\s*|:\s+|\.\.\.+|\u2026")
# A claim that names a kind of page ("page not found pages", "404 errors") is about error pages.
_ABOUT_NOUN = re.compile(r"\s*(?:pages?|messages?|errors|codes?|responses?|templates?|handling)\b", re.IGNORECASE)
# "Some documents are not available": a part of what the site holds, not the page asked for.
_SOME = re.compile(r"\b(?:some|many|several|other|older|certain|few|most|these|those|no)\s+(?:of\s+(?:the|our)\s+)?$", re.IGNORECASE)
# "not available in an accessible format / to the public / for comment": available in some other way.
_QUALIFIED = re.compile(r"\s+(?:in\s+(?:an?\s+)?(?:accessible|alternative|other|large|easy|print|paper|braille|welsh|english)|"
                        r"to\s+(?:the\s+)?(?:public|members|staff|download)|for\s+(?:comment|download|purchase|loan|sale|viewing))\b",
                        re.IGNORECASE)
# A sentence that asks or teaches ("How to write the copy for a page not found page").
_ABOUT_SENTENCE = re.compile(r"^\W*(?:how|what|why|when|guide|faq|understanding|fixing|troubleshooting)\b", re.IGNORECASE)
# A headline longer than this is a sentence about something, not a page naming its own state.
HEADLINE_WORDS = 14


@dataclass(frozen=True)
class Lexicon:
    threshold: int
    weights: dict
    claims: tuple[re.Pattern, ...]
    headline_claims: tuple[re.Pattern, ...]
    placeholder: tuple[re.Pattern, ...]
    request_claims: tuple[re.Pattern, ...]
    status_line: re.Pattern
    status_code: re.Pattern
    helps: dict[str, re.Pattern]
    dated: re.Pattern
    reported: re.Pattern
    search: re.Pattern
    about: re.Pattern
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SubjectReading:
    """How far a page reads as the answer to a failed request: `score` against `threshold`, the
    first claim it makes (`said`, `place`) and the kinds of help it offers."""

    score: int
    threshold: int
    said: str | None
    place: str | None
    helps: tuple[str, ...]
    # The claim is said as doubt whatever it scores: the page carries a body of prose
    # (PageView.carries_document), or its claim is a search's answer (not_request.search).
    only_doubt: bool = False

    @property
    def is_error(self) -> bool:
        return self.said is not None and self.score >= self.threshold and not self.only_doubt


_I = re.IGNORECASE


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = tomllib.loads(resources.files("archivecheck").joinpath("requestsubject.toml").read_text(encoding="utf-8"))
    claims = []
    for lang, patterns in data["claims"].items():
        if lang == "headline":
            continue
        subject = data["subject"].get(lang, "")
        for pattern in patterns:
            claims.append(re.compile(pattern.replace("{S}", subject), _I))
    # The reader's request named outright: "the page you requested / were looking for / followed".
    request = re.compile(r"\b(?:you|your)(?:\s+(?:were|are|have\s+been|have)|'re)?\s+(?:requested|request|looking\s+for|"
                         r"trying\s+to|tried\s+to|asked\s+for|followed|clicked|entered|typed|want(?:ed)?|searched\s+for)\b"
                         r"|\brequested\s+(?:page|document|file|url|resource|address)\b"
                         r"|\b(?:vous\s+(?:cherchez|recherchez|avez\s+demandé)|sie\s+(?:suchen|gesucht|aufgerufen)|"
                         r"gesuchte|angeforderte|buscas|busca|solicitad[ao]|stai\s+cercando|procura|zoekt)\b", _I)
    status = data["status"]
    headline = tuple(re.compile(p, _I) for p in data["claims"]["headline"])
    placeholder = tuple(re.compile(p, _I) for p in data["placeholder"]["headline"])
    return Lexicon(int(data["threshold"]), dict(data["weights"]), tuple(claims), headline, placeholder, (request,),
                   re.compile(status["line"], _I), re.compile(status["code"], _I),
                   {name: re.compile(p, _I) for name, p in data["helps"].items()},
                   re.compile(data["not_request"]["dated"], _I), re.compile(data["not_request"]["reported"], _I),
                   re.compile(data["not_request"]["search"], _I),
                   re.compile(data["not_request"]["about"], _I),
                   tuple(data.get("examples", ())))


def read_subject(view: PageView) -> SubjectReading:
    """Score `view` (judge.read_page's reading of a page) as an answer to a failed request."""
    lex = lexicon()
    w = lex.weights
    if view.about_errors:
        return SubjectReading(0, lex.threshold, None, None, ())
    score, said, place = 0, None, None
    for text in (view.title, *view.headings):
        for pattern in lex.placeholder:
            if text and (m := pattern.search(text)):
                return SubjectReading(lex.threshold, lex.threshold, m.group(0).strip(), "headline", ())
    title_claim = _headline(_without_form_error_prefix(view.title, lex), lex)
    # A heading that says it: the page's main headings, or any heading of the content when the
    # title says so too (a site's error message under its chrome's own headings).
    # A page whose title opens with its first heading is headed by its own subject (an article: "Líder …
    # denuncia … - El Nuevo Día"); a later heading's error words belong to another block of it (a
    # browser-detect banner's "Ups...": trafilatura's eval page elnuevodia.com-mujeres, #17p), unless
    # the title says so too. A site's name in an h1 does not open its error page's title.
    own = _own_headings(view, lex) if not title_claim else view.headings
    mains = set(own)
    heading = next(((h, words, after) for h, words, after in view.heading_blocks
                    if (h in mains or title_claim) and _headline(h, lex)), None)
    if heading is None:
        heading = next(((h, view.words, "") for h in own if _headline(h, lex)), None)
    if not title_claim and not heading and view.page_words < w["tiny_words"]:
        # A page whose words a script draws: what it says of itself in its meta description.
        title_claim = next((c for c in (_headline(m, lex) for m in view.meta) if c), None)
    if title_claim or heading:
        score, said, place = w["headline_claim"], (title_claim or _headline(heading[0], lex)), "headline"
        if title_claim and heading:
            score += 1
    words = min(view.words, heading[1]) if heading else view.words
    after = heading[2] if heading else ""
    lead_text = f"{view.lead} \u2026 {view.content_lead} \u2026 {after[:200]}"
    opening_text = f"{view.opening} \u2026 {after}"
    lead = _claim(lead_text, lex)
    # A page headed by its own topic ("Pay your council tax") whose first lines report a problem is a
    # document carrying a notice, unless those lines name the reader's request.
    topic = not (title_claim or heading) and any(_is_topic(h) for h in view.headings)
    if lead is not None:
        weight = w["lead_claim_about_the_request"] if _names_request(lead_text, lead, lex) else \
            w["lead_claim"] - (w["topic_headline"] if topic else 0)
        score += weight
        said, place = (said, place) if said else (lead, "opening")
    elif (opening := _claim(opening_text, lex)) is not None:
        score += w["opening_claim"]
        said, place = (said, place) if said else (opening, "opening")
    helps = tuple(name for name, pattern in lex.helps.items() if pattern.search(opening_text))
    score += min(len(helps), w["max_helps"]) * w["help"]
    if words <= w["tiny_words"]:
        score += w["tiny_page"]
    elif words <= w["short_words"]:
        score += w["short_page"]
    elif words > w["very_long_words"]:
        score += w["very_long_page"]
    elif words > w["long_words"]:
        score += w["long_page"]
    # Error pages say so in their headline; one that does not must name the reader's request, or
    # say more for it.
    threshold = lex.threshold
    if topic and not (lead is not None and _names_request(lead_text, lead, lex)):
        threshold += w["no_headline"]
    # In a script without spaces the claim is the predicate alone ('見つかりません'); what was not found
    # ('結果', results) sits beside it in the same headline.
    searched = said is not None and (lex.search.search(said) is not None or any(
        lex.search.search(_sentence_around(text, at, at + len(said))) for text in (view.title, *view.headings)
        if text and (at := text.find(said)) >= 0))
    return SubjectReading(score, threshold, said, place, helps, view.carries_document or searched)


@lru_cache(maxsize=1)
def _relative() -> re.Pattern:
    data = tomllib.loads(resources.files("archivecheck").joinpath("requestsubject.toml").read_text(encoding="utf-8"))
    return re.compile(data["not_request"]["relative"], _I)


@lru_cache(maxsize=1)
def _empty_listing() -> re.Pattern:
    data = tomllib.loads(resources.files("archivecheck").joinpath("requestsubject.toml").read_text(encoding="utf-8"))
    return re.compile(data["not_request"]["empty_listing"], _I)


def empty_listing(view: PageView) -> str | None:
    """The words by which a page says it lists nothing yet ("No archived list yet."), or None: the
    listing the link named, empty (requestsubject.toml not_request.empty_listing). A question ("No
    account yet? Register") is a sign-in page's help, not a listing."""
    pattern = _empty_listing()
    for text in (view.opening, view.content_lead, *(after for _h, _w, after in view.heading_blocks)):
        for m in pattern.finditer(text or ""):
            ends = re.search(r"[.!?\u2026]", text[m.end():])
            if ends is None or ends.group(0) != "?":
                return m.group(0).strip()
    return None


@lru_cache(maxsize=1)
def _menu_path() -> re.Pattern:
    data = tomllib.loads(resources.files("archivecheck").joinpath("requestsubject.toml").read_text(encoding="utf-8"))
    return re.compile(data["not_request"]["menu_path"], _I)


def menu_path(view: PageView) -> str | None:
    """The words by which a page leads its reader through an application's menus ("Choose Edit - Next
    Error"), or None: that application's help page, whatever its command is named
    (requestsubject.toml not_request.menu_path)."""
    pattern = _menu_path()
    for text in (view.opening, view.content_lead):
        m = pattern.search(text or "")
        if m is not None:
            return m.group(0).strip()
    return None


# The GOV.UK Design System (and ONS's, which follows it) puts "Error: " before the title of a form
# page showing validation errors ("Error: What is your name?"): the form is the page, its errors
# are the reader's typing. Source: GOV.UK Design System, Error message component, "Add 'Error: ' to
# the beginning of the <title> so screen readers read it out as soon as possible"
# (design-system.service.gov.uk/components/error-message/).
_FORM_ERROR_PREFIX = re.compile(r"^\s*error:\s+(?=\S)", re.IGNORECASE)


def _without_form_error_prefix(title: str, lex: Lexicon) -> str:
    rest = _FORM_ERROR_PREFIX.sub("", title, count=1)
    if rest == title or lex.status_line.match(rest):
        return title
    return rest


def _own_headings(view: PageView, lex: Lexicon) -> tuple[str, ...]:
    """The page's main headings up to the first that opens its title, the site's name or more after it,
    and names a topic of its own (three words or more, no claim): the page's subject; headings after
    it are other blocks'. A title that is the heading alone may be a site's name heading its error page."""
    title = " ".join(view.title.split()).lower()
    for i, heading in enumerate(view.headings):
        if heading and _is_topic(heading) and title.startswith(heading.lower()) and len(title) > len(heading) \
                and not _headline(heading, lex):
            return view.headings[:i + 1]
    return view.headings


_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+$")


def _is_topic(heading: str) -> bool:
    """A heading that names a subject of its own ("Pay your council tax"), not the site's name
    ("www.zeec.de", "NAMC Newswire"): three words or more, not an address."""
    return len(heading.split()) >= 3 and not _DOMAIN.match(heading.strip())


def _headline(text: str, lex: Lexicon) -> str | None:
    """A title or heading that is a status line (in one of its segments) or says the request failed."""
    if not text or len(text.split()) > HEADLINE_WORDS or lex.about.search(text):
        return None
    for segment in [text, *_SEGMENTS.split(text)]:
        segment = segment.strip()
        if segment and re.search(r"\w", segment) and lex.status_line.match(segment):
            return segment
    return _claim(text, lex, lex.headline_claims + lex.claims)


def _claim(text: str, lex: Lexicon, patterns: tuple[re.Pattern, ...] | None = None) -> str | None:
    """The first claim in `text` whose sentence is not set in time (news about an outage) nor
    reported speech ("…, says owner": news about someone else's page or service)."""
    for pattern in lex.claims if patterns is None else patterns:
        for m in pattern.finditer(text):
            sentence = _sentence_around(text, m.start(), m.end())
            if sentence.rstrip().endswith("?"):
                continue  # a help line ("Can't find the page you're looking for?"), not a claim
            if not lex.dated.search(sentence) and not lex.reported.search(sentence) and not _ABOUT_NOUN.match(text, m.end()) \
                    and not _ABOUT_SENTENCE.search(sentence) and not _SOME.search(text, 0, m.start()) \
                    and not _QUALIFIED.match(text, m.end()) and not _relative().search(text, max(0, m.start() - 30), m.start()):
                return m.group(0).strip()
    return None


def _names_request(text: str, claim: str, lex: Lexicon) -> bool:
    at = text.find(claim)
    sentence = _sentence_around(text, at, at + len(claim)) if at >= 0 else claim
    return any(p.search(sentence) for p in lex.request_claims)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start))
    right = min((i for i in (text.find(". ", end), text.find("! ", end), text.find("? ", end)) if i >= 0), default=len(text))
    return text[left + 1 if left >= 0 else 0:right]
