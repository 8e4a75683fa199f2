"""'… not found' / '… does not exist' of any subject, in any language (archivecheck/errorpredicates.py,
mined by tools/extract_predicates.py into archivecheck/data/errorpredicates.json)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from archivecheck import errorpredicates
from archivecheck.judge import read_error_page, read_page
from tests.errorpages import ROOT, judge, load_pages

TOOL = Path(__file__).resolve().parents[1] / "tools" / "extract_predicates.py"


def _tool():
    spec = importlib.util.spec_from_file_location("extract_predicates", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page(heading: str, items: int = 1, lang: str = "ru") -> bytes:
    """A heading over a list of `items` five-word entries (a list, not prose: no document carried)."""
    body = "".join(f"<li>Раздел {i} сайта и его страницы</li>" for i in range(items))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>{heading} | Example</title></head>'
            f"<body><main><h1>{heading}</h1><ul>{body}</ul></main></body></html>").encode("utf-8")


def test_every_predicate_names_the_catalog_messages_that_say_it():
    data = json.loads((Path(errorpredicates.__file__).parent / "data" / "errorpredicates.json").read_text("utf-8"))
    assert len(data["predicates"]) >= 300 and len({p["lang"] for p in data["predicates"]}) >= 100
    for p in data["predicates"]:
        assert p["kind"] in ("not-found", "not-exist") and p["text"].strip()
        assert p["examples"] and all(catalog and msgid for catalog, msgid in p["examples"]), p
        assert p["share"] >= 0.15 and p["control_rate"] <= 0.0012


def test_a_wiki_farms_missing_wiki_page_in_five_scripts_is_broken():
    """Real pages of batch s6 (Wikivy's 'wiki not found' in ru, zh-hans, he, ar; none of them is a
    catalog headline): the predicate, whatever the subject."""
    pages = {p.file: p for p in load_pages()}
    for name in ("ru", "zh-hans", "he", "ar", "de"):
        page = pages[f"pages/s6-wikivy-missing-wiki-{name}.html"]
        assert page.is_error
        assert read_error_page(page.body).family == "translated-predicate", name
        assert not judge(page).fits


def test_a_search_that_found_nothing_is_not_a_missing_page():
    """Calibre-Web's Arabic empty search ('لم يتم العثور على نتائج', No results found) holds the
    predicate, but it is the catalogs' own 'No results found': an empty listing, not an error."""
    page = next(p for p in load_pages() if p.file == "pages/s5-calibreweb-ar-search-empty.html")
    assert not page.is_error
    assert errorpredicates.find(read_page(page.body)) is None
    assert judge(page).fits


def test_a_longer_page_or_a_question_or_a_sentence_is_not_a_verdict():
    assert read_error_page(_page("Вики не найдена")).family == "translated-predicate"
    long = read_error_page(_page("Вики не найдена", items=60))
    assert long.family is None and "не найден" in long.doubt  # said as doubt, not a verdict
    assert errorpredicates.find(read_page(_page("Почему файл не найден?"))) is None
    sentence = "Когда страница сайта не найдена, сервер отвечает кодом ответа 404 и своей страницей"
    assert errorpredicates.find(read_page(_page(sentence))) is None  # longer than a headline


def test_the_miner_keeps_what_translations_of_different_subjects_share():
    """tools/extract_predicates.py on a made-up catalog: five subjects 'not found' in a language
    'xx' share 'nix fundo'; the control says 'fundo' alone when it is affirmative."""
    tool = _tool()
    subjects = ["User", "Page", "File", "Project", "Group"]
    rows = [("xx", "cat", f"{s} not found", f"{s.lower()}o nix fundo") for s in subjects]
    rows += [("xx", "cat", f"Found {i} results", f"{i} rezulto fundo") for i in range(3)]
    rows += [("xx", "cat", f"Save item {i}", f"savo itemo {i}") for i in range(600)]
    rows += [("xx", "cat", "No results found", "nix rezulto fundo")]
    found, empty = tool.mine(rows)
    assert [(p["text"], p["kind"]) for p in found] == [("nix fundo", "not-found")]
    assert found[0]["examples"][0] == ("cat", "User not found")
    assert [e["text"] for e in empty] == ["nix rezulto fundo"]


def test_an_empty_search_shortened_is_not_a_missing_page():
    """Calibre-Web's Japanese empty search: its heading '結果が見つかりません' (no results) is part of
    the catalogs' '検索結果が見つかりません' (no search results found)."""
    page = next(p for p in load_pages() if p.file == "pages/s5-calibreweb-ja-search-empty.html")
    assert not page.is_error and errorpredicates.find(read_page(page.body)) is None
    assert read_error_page(_page("ウィキが見つかりません", lang="ja")).family == "translated-predicate"


def test_a_polish_councils_page_does_not_exist_is_now_a_family_not_a_score():
    """The page tests/test_pagemodel.py used for the learned score's explanation ('Strona nie istnieje',
    Polish 'page does not exist'): 'nie istnieje' is Polish catalogs' 'does not exist' of any subject."""
    html = ('<!DOCTYPE html><html lang="pl"><head><title>Strona nie istnieje - Urz\u0105d Miasta</title></head>'
            "<body><main><h1>Strona nie istnieje</h1><p>Przepraszamy, nie mo\u017cemy znale\u017a\u0107 strony, "
            "kt\u00f3rej szukasz.</p></main></body></html>").encode("utf-8")
    reading = read_error_page(html)
    assert reading.family == "translated-predicate" and reading.said == "Strona nie istnieje"
