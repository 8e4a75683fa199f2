"""Write archivecheck/data/errorpredicates.json: how each language says "… not found" and "… does not
exist" of ANY subject, mined from the translation catalogs installed on this machine (issue #17).

errorwords.json holds whole headlines ("Page not found" in every language a catalog gives). A site's
own error page says the same of its own subject: "Вики не найдена", "Wiki未找到", "Proje bulunamadı",
"ПРОЕКТ НЕ СУЩЕСТВУЕТ". Software catalogs hold hundreds of such messages ("User not found", "The file
%s does not exist", "Module \"$1\" not found"), each translated into dozens of languages, so what the
translations of *different* subjects share in one language is that language's predicate.

How, per language and kind (not-found, not-exist):
- the messages: an English msgid that is a short subject (one to three words, placeholders allowed)
  followed by "not found" / "could not be found" / "does not exist" / "no longer exists";
- the control: every other translated message of that language whose English says nothing negative
  (no "not", "no such", "error", "missing", "invalid", "cannot" …), so "found 3 results" counts
  against a bare "gefunden";
- a predicate is a run of one to three words (three to six characters in scripts written without
  spaces) found in at least 15 % of the language's messages of that kind and in at most
  MAX_CONTROL of its control; of two such runs, one inside the other, the longer is kept when it is
  found nearly as often (so "nicht gefunden", not "gefunden").

Sources read (run by hand, output committed; CI never runs this):
    every *.mo under /usr/share/locale (Debian packages of this machine), /usr/lib/python3/dist-packages,
    and the catalogs #17m installed with pip (Django 5.2.20, Weblate 5.14.3, CKAN 2.12.0, Wagtail 8.0.1,
    plone.app.locales 7.0.4, Trac 1.6, django-allauth 65.22.1, MkDocs 1.6.1) --site-packages DIR;
    MediaWiki 1.39's languages/i18n/*.json (Debian mediawiki), keyed like en.json.

    PYTHONPATH=. python tools/extract_predicates.py --site-packages /tmp/i17m/venv/lib/python3.11/site-packages
"""

from __future__ import annotations

import argparse
import collections
import gettext
import glob
import json
import os
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from archivecheck.errorwords import _spaced, normalise  # noqa: E402  (the judge's own normalisation)

OUT = Path(__file__).resolve().parents[1] / "archivecheck" / "data" / "errorpredicates.json"
MEDIAWIKI = "/usr/share/mediawiki/languages/i18n"
KINDS = {
    "not-found": re.compile(r"^(?:the )?(?:[\w%$(){}\"'<>/]+ ){1,3}(?:was |were |is )?(?:not found|could not be found|"
                            r"cannot be found)\.?$", re.IGNORECASE),
    "not-exist": re.compile(r"^(?:the )?(?:[\w%$(){}\"'<>/]+ ){1,3}(?:does not|doesn't|do not|no longer) exists?\.?$",
                            re.IGNORECASE),
}
# "No results found" says a search or a listing is empty ("Nothing found" is left out: many languages
# say it with the bare predicate, "見つかりませんでした"): the page the link named, with nothing in
# it. Its translations are kept apart, so a heading that says one is not read as an error's.
EMPTY_RESULTS = re.compile(r"^(?:no (?:results?|matches|matching \w+|items?|entries|records|hits|documents|data|"
                           r"search results)(?: (?:were|was))? found|no results)[.!]?$", re.IGNORECASE)
# An English message saying anything negative is left out of the control: its translation may hold
# the predicate for a reason of its own.
NEGATIVE = re.compile(r"\b(?:no|not|none|nothing|never|sorry)\b|n't\b|cannot|can not|notfound|unable|missing|unknown|"
                      r"invalid|error|fail|denied|unavail", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdr]|%\d\$s|%[sdr]|\{[^}]*\}|\$\d|<[^>]+>")
MIN_MESSAGES = 5      # a language with fewer messages of a kind teaches nothing about it
MIN_SHARE = 0.15      # of the kind's messages that must say the run
MAX_CONTROL = 0.0012  # of the control that may say it
MIN_CONTROL = 500     # a language with a smaller control cannot show a run is specific
# One word alone is a predicate only when it carries its negation in itself ("introuvable",
# "bulunamadı", "neexistuje"): then it is said often and nowhere else. A bare participle ("trovata",
# "encontrada", "намерена": found) is said in the messages too, but also, rarely, affirmatively.
ONE_WORD_SHARE = 0.3
ONE_WORD_CONTROL = 0.0002
NEARLY = 0.9          # a longer run found this nearly as often as a shorter one inside it replaces it
# Languages the catalogs name differently, read as one.
SAME_LANGUAGE = {"zh_cn": "zh_hans", "zh_sg": "zh_hans", "zh": "zh_hans", "zh_tw": "zh_hant", "zh_hk": "zh_hant",
                 "pt_pt": "pt", "nb_no": "nb", "no": "nb"}


def language(code: str) -> str:
    code = code.replace("-", "_").split("@")[0].split(".")[0].lower()
    base = code if code.startswith(("zh", "pt")) else code.split("_")[0]
    return SAME_LANGUAGE.get(base, base)


def read_catalogs(site_packages: list[str]):
    """(language, source, English msgid, translation) from every catalog found."""
    mos = glob.glob("/usr/share/locale/*/LC_MESSAGES/*.mo") + glob.glob("/usr/lib/python3/dist-packages/**/*.mo",
                                                                          recursive=True)
    for root in site_packages:
        mos += glob.glob(f"{root}/**/*.mo", recursive=True)
    for path in sorted(mos):
        m = re.search(r"/(?:locale|locales|i18n)/([A-Za-z_@.-]+)/LC_MESSAGES/([^/]+)\.mo$", path)
        if m is None:
            continue
        try:
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)
        except (OSError, ValueError, LookupError, UnicodeDecodeError):  # a malformed header: skip the catalog
            continue
        source = _source_name(path, m.group(2))
        for key, text in catalog._catalog.items():  # the parsed .mo: {msgid or (msgid, n): msgstr}
            msgid = key[0] if isinstance(key, tuple) else key
            if isinstance(msgid, str) and isinstance(text, str) and msgid and text and msgid != text:
                yield language(m.group(1)), source, msgid, text
    if os.path.isdir(MEDIAWIKI):
        english = json.loads(Path(MEDIAWIKI, "en.json").read_text(encoding="utf-8"))
        for path in sorted(glob.glob(f"{MEDIAWIKI}/*.json")):
            code = Path(path).stem
            if code in ("en", "qqq"):
                continue
            for key, text in json.loads(Path(path).read_text(encoding="utf-8")).items():
                if isinstance(text, str) and isinstance(english.get(key), str):
                    yield language(code), f"MediaWiki 1.39 languages/i18n/{code}.json", key + ": " + english[key], text


def _source_name(path: str, domain: str) -> str:
    if path.startswith("/usr/share/locale/"):
        return f"Debian /usr/share/locale/…/{domain}.mo"
    package = re.search(r"(?:dist-packages|site-packages)/([^/]+)/", path)
    return f"{package.group(1) if package else '?'} {domain}.mo"


def grams(norm: str) -> set[str]:
    if _spaced(norm):
        words = norm.split()
        return {" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    chars = norm.replace(" ", "")
    # A run never starts or ends on a combining mark (Thai vowels and tone marks sit on a consonant).
    return {chars[i:i + n] for n in (3, 4, 5, 6) for i in range(len(chars) - n + 1)
            if not unicodedata.category(chars[i])[0] == "M" and not unicodedata.category(chars[i + n - 1])[0] == "M"}


def _inside(short: str, long: str) -> bool:
    return short != long and ((f" {short} " in f" {long} ") if _spaced(long) else short in long)


def _word_enough(run: str, share: float, rate: float) -> bool:
    if not _spaced(run):
        return True
    words = run.split()
    if len(words) == 1:
        return share >= ONE_WORD_SHARE and rate <= ONE_WORD_CONTROL
    # In an alphabet (Latin, Cyrillic, Greek) a run of short words is grammar, not a predicate ("n a",
    # "não foi", "не е"): one of its words must be a word of four letters or more.
    alphabetic = all(unicodedata.name(c, "").startswith(("LATIN", "CYRILLIC", "GREEK")) for c in run if c.isalpha())
    return not alphabetic or any(len(w) >= 4 for w in words)


def mine(rows) -> tuple[list[dict], list[dict]]:
    empty: dict[str, dict] = {}
    kind_messages: dict[tuple[str, str], dict[str, tuple[str, set[str]]]] = collections.defaultdict(dict)
    kind_said: dict[str, list[str]] = collections.defaultdict(list)  # each language's "X not found" messages
    control: dict[str, list[str]] = collections.defaultdict(list)
    for lang, source, msgid, text in rows:
        english = " ".join(PLACEHOLDER.sub(" X ", msgid.split(": ", 1)[-1] if source.startswith("MediaWiki") else msgid)
                           .split())
        norm = normalise(PLACEHOLDER.sub(" ", text))
        if not norm:
            continue
        if EMPTY_RESULTS.match(english):
            empty.setdefault(norm, {"text": norm, "lang": lang, "example": (source, msgid)})
            continue
        kind = next((k for k, p in KINDS.items() if p.match(english)), None)
        if kind is not None and len(english.split()) <= 8:
            kind_messages[(lang, kind)].setdefault(msgid, (source, grams(norm)))
            kind_said[lang].append(norm.replace(" ", ""))
        elif not NEGATIVE.search(english):
            control[lang].append(norm)
    found = []
    for (lang, kind), messages in sorted(kind_messages.items()):
        if len(messages) < MIN_MESSAGES or len(control[lang]) < MIN_CONTROL:
            continue
        said = collections.Counter(g for _, gs in messages.values() for g in gs)
        candidates = {g for g, n in said.items() if n / len(messages) >= MIN_SHARE}
        in_control = collections.Counter()
        for norm in control[lang]:
            padded, bare = f" {norm} ", norm.replace(" ", "")
            for g in candidates:
                if (f" {g} " in padded) if _spaced(g) else (g in bare):
                    in_control[g] += 1
        specific = [(g, said[g] / len(messages), in_control[g] / len(control[lang])) for g in candidates
                    if in_control[g] / len(control[lang]) <= MAX_CONTROL]
        specific = [s for s in specific if _word_enough(s[0], s[1], s[2])]
        kept = [s for s in specific
                if not any(_inside(s[0], o[0]) and o[1] >= NEARLY * s[1] for o in specific)
                and not any(_inside(o[0], s[0]) and o[1] > s[1] / NEARLY for o in specific)]
        for g, share, rate in sorted(kept, key=lambda s: -s[1]):
            examples = [(source, msgid) for msgid, (source, gs) in messages.items() if g in gs][:3]
            found.append({"text": g, "lang": lang, "kind": kind, "share": round(share, 3),
                          "messages": len(messages), "control_rate": round(rate, 5), "examples": examples})
    # A saying that an "X not found" message of its language also holds ("見つかりません" inside
    # "ページが見つかりません") tells an empty listing from nothing: it is left out.
    telling = [e for e in empty.values()
               if not any(e["text"].replace(" ", "") in said for said in kind_said[e["lang"]])]
    return found, sorted(telling, key=lambda e: (e["lang"], e["text"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-packages", action="append", default=[], help="a pip install's site-packages to read too")
    args = parser.parse_args()
    predicates, empty = mine(read_catalogs(args.site_packages))
    OUT.write_text(json.dumps({
        "about": "How each language says '… not found' / '… does not exist' of any subject, mined from translation "
                 "catalogs by tools/extract_predicates.py (its docstring says how); each predicate names up to three "
                 "catalog messages that say it (catalog, msgid); empty_results: translations of 'No results found' "
                 "and its kin, which say a listing is empty, not that a page is missing.",
        "predicates": predicates,
        "empty_results": empty}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    langs = {p["lang"] for p in predicates}
    print(f"{len(predicates)} predicates in {len(langs)} languages, {len(empty)} empty-result sayings -> {OUT}")


if __name__ == "__main__":
    main()
