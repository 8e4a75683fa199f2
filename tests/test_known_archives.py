"""Links into the public web archives a UK letter may cite are recognised out of the box (#19):
checked when the archive is declared in the config file, otherwise named as an archive this
service does not check — never "not archived"."""

from __future__ import annotations

import pytest

import archivecheck
from archivecheck.known import embedded_original, known_archive, known_archives
from tests.test_web import _finished, _submit, web  # noqa: F401 - `web` is a fixture

ARQUIVO = "https://arquivo.pt/wayback/20190101000000/https://www.example.pt/relatorio-anual.pdf"
UKWA = "https://www.webarchive.org.uk/wayback/archive/20100601000000/http://www.example.gov.uk/report.pdf"


def test_every_known_archive_has_its_source_date_and_examples_and_each_example_is_recognised():
    names = [a.name for a in known_archives()]
    assert set(names) >= {"ukwa", "arquivo", "archive-today", "loc", "perma", "archive-it", "nrs", "parliament"}
    assert len(names) == len(set(names))
    for archive in known_archives():
        assert archive.source and archive.seen and archive.examples, archive.name
        for example in archive.examples:
            assert known_archive(example) is archive, example
            assert known_archive(example.replace("https://", "http://")) is archive
    assert known_archive("https://www.gov.uk/government/publications/x") is None
    assert known_archive("https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413/https://x.gov.uk/") is None


@pytest.mark.parametrize("url, original", [
    (ARQUIVO, "https://www.example.pt/relatorio-anual.pdf"),
    ("https://arquivo.pt/wayback/20190101000000mp_/https://www.example.pt/", "https://www.example.pt/"),
    ("https://wayback.archive-it.org/10702/20200101000000/https://www.example.org/", "https://www.example.org/"),
    ("https://archive.is/2019.01.01-000000/https://www.example.gov.uk/", "https://www.example.gov.uk/"),
    ("https://archive.ph/AbCd1", None),
    ("https://perma.cc/AB12-CD34", None),
])
def test_the_original_inside_a_dated_link_is_read_and_a_short_code_has_none(url, original):
    assert embedded_original(url, known_archive(url)) == original


def test_links_into_unchecked_archives_are_named_and_never_not_archived(fast_config, local_archive):
    settings = archivecheck.load_settings(str(fast_config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base})
    local_archive.front.reset_log()
    results = list(archivecheck.check_links([ARQUIVO, UKWA, "https://archive.ph/AbCd1"], settings=settings))
    assert [r.status.value for r in results] == ["unverifiable"] * 3
    assert [r.kind.value for r in results] == ["memento"] * 3
    assert results[0].detail.startswith("An archive link into Arquivo.pt, which this service does not check")
    assert 'declare the archive in the config file: [archives.arquivo] base = "https://arquivo.pt/wayback/"' in results[0].detail
    assert results[1].detail.startswith("An archive link into the UK Web Archive, which this service does not check")
    assert results[0].original_url == "https://www.example.pt/relatorio-anual.pdf"
    assert results[2].original_url is None
    assert sum(local_archive.front.counts.values()) == 0  # nothing asked of ukgwa or wayback about them


def test_a_declared_archive_is_checked_not_named(fast_config, tmp_path, local_archive):
    config = tmp_path / "arq.toml"
    config.write_text(fast_config.read_text() + '\n[archives.arquivo]\nbase = "https://arquivo.pt/wayback/"\n',
                      encoding="utf-8")
    # Sent to the local archive's ukgwa collection, which holds no such capture: checked, so broken.
    settings = archivecheck.load_settings(str(config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base, "arquivo": local_archive.ukgwa_base})
    [result] = archivecheck.check_links([ARQUIVO], settings=settings)
    assert result.archive == "arquivo" and "does not check" not in result.detail
    assert result.status.value == "broken", result.detail


def test_a_letter_citing_arquivo_and_the_uk_web_archive_is_never_not_archived_on_the_page(web):
    client, _ = web
    location = _submit(client, text=f"See {ARQUIVO} and {UKWA} for the reports.").headers["Location"]
    record = _finished(client, location)
    assert [r["status"] for r in record["results"]] == ["unverifiable", "unverifiable"]
    page = client.get(location).get_data(as_text=True)
    assert "Not archived" not in page and "not archived" not in page.replace("0 not archived", "")
    assert "An archive link into Arquivo.pt, which this service does not check" in page
    assert "An archive link into the UK Web Archive, which this service does not check" in page
