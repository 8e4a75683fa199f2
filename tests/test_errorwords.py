"""Error-page headlines in every language, from the software's own translation catalogs
(archivecheck/errorwords.py, data/errorwords.json; issue #17, session 4).

Every phrase a test puts on a page is a real catalog string: the test first finds it in the
committed data, from the package it names, so a test cannot pass on a string nobody translated.
"""
from __future__ import annotations

import json
from importlib import resources

import pytest

from archivecheck import errorwords
from archivecheck.judge import judge_document, read_page

PAGE = "https://example.org/some/page"
CATALOG_FAMILY = "translated-headline"


def _page(title: str, h1: str | None, body: str = "", form: str = "") -> bytes:
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<header><a href='/'>Home</a></header><main>{heading}{body}{form}</main></body></html>").encode()


def _from_catalog(text: str, package: str, role: str) -> errorwords.Phrase:
    """The phrase as the committed data holds it, from `package`: the test's string is real."""
    vocab = errorwords.vocabulary()
    table = {"headline": vocab.headlines, "sign-in": vocab.sign_in}.get(role)
    found = table.get(errorwords.normalise(text), ()) if table is not None else \
        [p for p in vocab.claims if p.norm == errorwords.normalise(text)]
    phrases = [p for p in found if any(source[0].startswith(package) for source in p.sources)]
    assert phrases, f"{text!r} is not a {role} of {package} in data/errorwords.json"
    return phrases[0]


# (language group, package, catalog headline, how a site puts it in its title)
HEADLINES = [
    ("Cyrillic (ru)", "Django", "Страница не найдена", "Страница не найдена | Городской портал"),
    ("Cyrillic (uk)", "Django", "Помилка сервера (500)", "Помилка сервера (500) — Міська рада"),
    ("Hungarian", "Django", "Hozzáférés megtagadva", "Hozzáférés megtagadva - Városi Könyvtár"),
    ("Finnic", "Weblate", "Sivua ei löydy", "Sivua ei löydy | Kaupunki"),
    ("Turkic", "Django", "Sayfa bulunamadı", "Sayfa bulunamadı - Belediye"),
    ("Greek", "Django", "Η σελίδα δεν βρέθηκε", "Η σελίδα δεν βρέθηκε | Δήμος"),
    ("Chinese", "Django", "服务器错误(500)", "服务器错误(500) | 市政府"),
    ("Japanese", "Django", "ページが見つかりません", "ページが見つかりません｜市役所"),
    ("Korean", "Django", "페이지를 찾을 수 없습니다.", "페이지를 찾을 수 없습니다. - 시청"),
    ("Thai", "wordpress-l10n", "ไม่พบหน้า", "ไม่พบหน้า – เทศบาล"),
    ("Arabic", "wordpress-l10n", "الصفحة غير موجودة", "الصفحة غير موجودة | البلدية"),
    ("Hebrew", "Django", "דף לא קיים", "דף לא קיים | העירייה"),
    ("Persian", "mkdocs", "صفحه یافت نشد", "صفحه یافت نشد - شهرداری"),
    ("Devanagari", "Django", "पृष्ठ लापता", "पृष्ठ लापता | नगर निगम"),
    ("Vietnamese", "Django", "Không tìm thấy trang nào", "Không tìm thấy trang nào | Thành phố"),
    ("Romance (fr)", "plone.app.locales", "Privilèges insuffisants", "Privilèges insuffisants — Mairie"),
    ("West Slavic (cs)", "ckan", "Přístup zamítnut", "Přístup zamítnut - Městský úřad"),
    ("MediaWiki (ru)", "mediawiki", "Запись в базу данных заблокирована", "Запись в базу данных заблокирована — Вики"),
]


@pytest.mark.parametrize("group, package, headline, title", HEADLINES, ids=[h[0] for h in HEADLINES])
def test_a_catalog_headline_in_the_title_is_an_error_page(group, package, headline, title):
    """A title segment that IS a catalog headline (a site name after its separator), on a short page."""
    _from_catalog(headline, package, "headline")
    html = _page(title, None, "<p><a href='/'>Startseite</a></p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits and j.family == CATALOG_FAMILY, (group, j)


@pytest.mark.parametrize("group, package, headline, title", HEADLINES[:6], ids=[h[0] for h in HEADLINES[:6]])
def test_a_catalog_headline_as_the_main_heading_is_an_error_page(group, package, headline, title):
    html = _page("Городской портал", headline, "<p>·</p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits and j.family == CATALOG_FAMILY, (group, j)


def test_a_catalog_sentence_in_the_opening_is_an_error_page():
    """WordPress's maintenance page, German (wp-includes/load.php wp_maintenance(), de_DE.mo): the
    sentence, not the one-word title, says what the page is."""
    claim = "Für kurze Zeit nicht verfügbar, um eine regelmäßige Instandhaltung durchzuführen."
    _from_catalog(claim, "wordpress-l10n", "claim")
    html = _page("Stadtbibliothek", None, f"<p>{claim} Prüfe in einer Minute erneut.</p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits and j.family == CATALOG_FAMILY


@pytest.mark.parametrize("sentence", ["アクセスしようとしたページは存在しないか削除されています。",
                                      "A página que você está tentando acessar não existe ou foi excluída."])
def test_redmines_404_sentence_under_a_bare_status_heading(sentence):
    """Redmine's error page (app/views/common/error.html.erb): its <h2> is the bare status, its text
    the catalog's sentence (config/locales/ja.yml, pt-BR.yml notice_file_not_found)."""
    _from_catalog(sentence, "redmine", "claim")
    html = _page("404 - Redmine", "404", f"<p id='errorExplanation'>{sentence}</p><p><a href='#'>戻る</a></p>")
    seen = errorwords.find(read_page(html))
    assert seen is not None and seen.firm and seen.place == "opening"
    assert not judge_document(PAGE, html, html, "text/html").fits


def test_weblates_polish_404_sentence_is_caught():
    """The sentence test_pagemodel once used as 'no family knows Polish': Weblate's own Polish
    (weblate/locale/pl, 'The page you are looking for was not found.') — now a family knows it."""
    sentence = "Przepraszamy, strona której szukasz nie została znaleziona."
    _from_catalog("Strona, której szukasz, nie została znaleziona.", "Weblate", "claim")
    html = _page("Strona nie istnieje - Urząd Miasta", "Strona nie istnieje", f"<p>{sentence}</p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits and j.family == CATALOG_FAMILY


def test_a_sign_in_heading_with_a_password_form_is_a_sign_in_wall():
    """Django admin's Russian 'Log in' (contrib/admin/locale/ru) over a password form."""
    _from_catalog("Войти", "Django", "sign-in")
    form = "<form method='post'><input name='username'><input type='password' name='password'><button>OK</button></form>"
    html = _page("Войти | Администрирование", "Войти", "", form)
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits  # #17c's sign-in-form family, tried first, may name it; the catalog reads it alone too:
    seen = errorwords.find(read_page(html))
    assert seen is not None and seen.firm and seen.place == "form" and seen.phrase.kind == "sign-in"
    # the same heading without a password field is a link to sign in, not a wall
    plain = _page("Войти | Администрирование", "Войти", "<p><a href='/login'>Войти</a></p>")
    assert errorwords.find(read_page(plain)) is None


@pytest.mark.parametrize("package, word, title", [
    ("wordpress-l10n", "Wartungsmodus", "Wartungsmodus | Hausverwaltung Schulz"),
    ("mediawiki", "Ошибка", "Ошибка – роман Анны Берг"),
    ("mediawiki", "Hiba", "Hiba | Zenekar"),
    ("wordpress-l10n", "维护", "维护 | 物业公司"),
])
def test_an_ordinary_page_titled_with_a_common_word_stays_ok(package, word, title):
    """A one-word catalog headline ('Maintenance', 'Error') is an ordinary title as often
    as an error's: alone it is said as doubt, never a verdict."""
    phrase = _from_catalog(word, package, "headline")
    assert phrase.one_word
    html = _page(title, word, "<p>Ein kurzer Text über das Haus, die Menschen und die Geschichte.</p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert j.fits and j.doubt and word in j.doubt


@pytest.mark.parametrize("package, word, title", [
    ("mediawiki", "Hiba", "Hiba 404 | Városi Könyvtár"),
    ("Django", "Forbidden", "403 Forbidden"),
])
def test_a_one_word_headline_beside_a_status_code_is_an_error_page(package, word, title):
    _from_catalog(word, package, "headline")
    html = _page(title, None, "<p>·</p>")
    j = judge_document(PAGE, html, html, "text/html")
    assert not j.fits


def test_an_article_under_a_catalog_headline_is_the_document():
    """A body of prose is a document whatever its headline (errorpages.toml [document])."""
    _from_catalog("Страница не найдена", "Django", "headline")
    prose = "".join("<p>" + "Городской совет обсудил бюджет, дороги, школы и библиотеки на заседании во вторник. " * 6
                    + "</p>" for _ in range(4))
    html = _page("Страница не найдена | Новости", "Страница не найдена", prose)
    j = judge_document(PAGE, html, html, "text/html")
    assert j.fits and j.doubt


def test_a_long_chinese_page_under_a_catalog_headline_is_the_document():
    """In a script without spaces a page's word count by spaces is a handful of runs: a Chinese article
    of 1,200 characters is weighed by its characters instead (wordcount.py, read by judge.read_page)."""
    _from_catalog("服务器错误(500)", "Django", "headline")
    text = "市议会周二开会讨论了道路、学校和图书馆的预算，并听取了居民的意见。" * 40
    html = _page("服务器错误(500) | 新闻", "服务器错误(500)", f"<p>{text}</p>")
    assert read_page(html).words > 500
    assert errorwords.find(read_page(html)) is None


def test_normalising_sets_aside_case_punctuation_and_a_status_code():
    assert errorwords.normalise("Server error (500)") == errorwords.normalise("SERVER ERROR") == "server error"
    assert errorwords.normalise("404 - Page Not Found!") == "page not found"
    assert errorwords.normalise("服务器错误(500)") == "服务器错误"
    assert errorwords.normalise("Ошибка 404: Страница не найдена") == "ошибка страница не найдена"
    assert errorwords.segments("Hiba 404 | Városi Könyvtár") == ["Hiba 404 | Városi Könyvtár", "Hiba 404", "Városi Könyvtár"]


def test_the_committed_data_has_provenance_for_every_phrase():
    """tools/extract_catalog_phrases.py's output, as committed: every phrase names its package,
    version, catalog file and msgid, its key is the judge's own normalisation of its text, and the
    core headlines cover at least 60 languages."""
    data = json.loads(resources.files("archivecheck").joinpath("data/errorwords.json").read_text(encoding="utf-8"))
    messages = data["messages"]
    assert all(m["package"] and m["version"] and m["msgid"] and m["used_in"] for m in messages)
    languages: dict[str, set[str]] = {}
    for phrase in data["phrases"]:
        assert phrase["from"], phrase["text"]
        for index, lang, catalog in phrase["from"]:
            assert 0 <= index < len(messages) and lang and catalog
            assert messages[index]["kind"] == phrase["kind"] and messages[index]["role"] == phrase["role"]
        assert phrase["norm"] == errorwords.normalise(phrase["text"]) != ""
        if phrase["role"] == "headline":
            languages.setdefault(phrase["kind"], set()).update(lang.replace("_", "-").split("-")[0].lower()
                                                               for lang in phrase["langs"])
    for kind in ("not-found", "server-error", "forbidden", "bad-request", "unavailable", "login-required"):
        assert len(languages[kind]) >= 60, (kind, len(languages[kind]))
    packages = {m["package"].split(" ")[0] for m in messages}
    assert {"Django", "mkdocs", "wagtail", "Weblate", "ckan", "plone.app.locales", "Trac", "mediawiki",
            "wordpress-l10n", "roundcube-core", "redmine"} <= packages
