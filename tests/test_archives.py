"""Archive link grammar, endpoints and remapping (archivecheck/archives.py). No network."""
from __future__ import annotations

import pytest

from archivecheck.archives import ArchiveRegistry, document_key, normalise_base, normalise_original, same_document
from archivecheck.errors import ConfigError

ICO = ("https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/"
       "metropolitan-police-service-executive-summary-v1_0.pdf")
UKGWA = "https://webarchive.nationalarchives.gov.uk/ukgwa/"
WAYBACK = "https://web.archive.org/web/"
LOCAL = "http://127.0.0.1:8080/ukgwa/"


@pytest.fixture
def registry():
    return ArchiveRegistry.builtin()


@pytest.fixture
def remapped():
    reg = ArchiveRegistry.builtin()
    reg = reg.with_archive(reg.get("ukgwa").remap(LOCAL))
    return reg.with_archive(reg.get("wayback").remap("http://127.0.0.1:8080/web"))


def parts(link):
    return (link.archive.name, link.timestamp, link.modifier, link.original_url)


@pytest.mark.parametrize("url, expected", [
    (f"{UKGWA}20220201210413/{ICO}", ("ukgwa", "20220201210413", "", ICO)),
    (f"{UKGWA}20220201210413mp_/{ICO}", ("ukgwa", "20220201210413", "mp_", ICO)),
    (f"{UKGWA}20220201210413id_/{ICO}", ("ukgwa", "20220201210413", "id_", ICO)),
    (f"{WAYBACK}2022im_/{ICO}", ("wayback", "2022", "im_", ICO)),
    (f"{UKGWA}202202/{ICO}", ("ukgwa", "202202", "", ICO)),  # partial timestamp kept as written
    (f"{UKGWA}*/{ICO}", ("ukgwa", None, "", ICO)),  # `*` = latest
    (f"{WAYBACK}{ICO}", ("wayback", None, "", ICO)),  # TimeGate form, no timestamp
    # schemeless original: pywb accepts it, we give it http://
    (f"{UKGWA}20220201210413/ico.org.uk/media/x.pdf", ("ukgwa", "20220201210413", "", "http://ico.org.uk/media/x.pdf")),
    # a server collapsed the original's `//`
    (f"{UKGWA}20220201210413/https:/ico.org.uk/media/x.pdf", ("ukgwa", "20220201210413", "", "https://ico.org.uk/media/x.pdf")),
    # legacy UKGWA form without /ukgwa/
    (f"https://webarchive.nationalarchives.gov.uk/20120101000000/{ICO}", ("ukgwa", "20120101000000", "", ICO)),
    (f"http://webarchive.nationalarchives.gov.uk/20120101000000/{ICO}", ("ukgwa", "20120101000000", "", ICO)),
    # case of scheme and host does not matter; the original keeps its case
    (f"HTTPS://WebArchive.NationalArchives.gov.uk/ukgwa/20220201210413/{ICO}", ("ukgwa", "20220201210413", "", ICO)),
    (f"https://wayback.archive.org/web/20200101000000/{ICO}", ("wayback", "20200101000000", "", ICO)),
])
def test_parse_links(registry, url, expected):
    link = registry.parse(url)
    assert link is not None
    assert parts(link) == expected


@pytest.mark.parametrize("url", [
    ICO,  # an original URL, not an archive link
    "https://example.org/ukgwa/20220201210413/" + ICO,  # another host
    f"{UKGWA}20220201210413zz_/{ICO}",  # unknown modifier
    f"{UKGWA}",  # the archive's home page
    f"{UKGWA}20220201210413/",  # no original
    "not a url",
])
def test_not_archive_links(registry, url):
    assert registry.parse(url) is None


def test_public_url_rebuilds_the_link(registry):
    for url in (f"{UKGWA}20220201210413mp_/{ICO}", f"{WAYBACK}2015/{ICO}", f"{WAYBACK}{ICO}"):
        assert registry.parse(url).public_url() == url
    assert registry.parse(f"{UKGWA}*/{ICO}").public_url() == f"{UKGWA}{ICO}"


def test_remapped_host_is_recognised_and_printed_public(remapped):
    link = remapped.parse(f"{LOCAL}20220201210413id_/{ICO}")
    assert parts(link) == ("ukgwa", "20220201210413", "id_", ICO)
    assert link.public_url() == f"{UKGWA}20220201210413id_/{ICO}"
    # links in public form still belong to the remapped archive
    public = remapped.parse(f"{UKGWA}20220201210413/{ICO}")
    assert public.archive.request_base == LOCAL
    assert public.archive.replay_url("20220201210413", ICO, "id_", public=False) == f"{LOCAL}20220201210413id_/{ICO}"
    assert public.archive.replay_url("20220201210413", ICO) == f"{UKGWA}20220201210413/{ICO}"


def test_endpoints(registry, remapped):
    assert registry.get("ukgwa").cdx_url() == f"{UKGWA}cdx"
    assert registry.get("wayback").cdx_url() == "https://web.archive.org/cdx/search/cdx"
    assert remapped.get("ukgwa").cdx_url() == f"{LOCAL}cdx"
    # a remapped wayback: CDX at the root of the remapped host (CONTRACT.md, Remapping)
    assert remapped.get("wayback").cdx_url() == "http://127.0.0.1:8080/cdx/search/cdx"
    assert remapped.get("wayback").timemap_url(ICO) == f"http://127.0.0.1:8080/web/timemap/link/{ICO}"
    assert remapped.get("ukgwa").timegate_url(ICO) == f"{LOCAL}{ICO}"


def test_to_public_and_publicise(remapped, registry):
    ukgwa = remapped.get("ukgwa")
    assert ukgwa.to_public(f"{LOCAL}2022id_/{ICO}") == f"{UKGWA}2022id_/{ICO}"
    assert ukgwa.to_public("http://elsewhere.example/x") == "http://elsewhere.example/x"
    message = f"127.0.0.1:8080 answered HTTP 503 for {LOCAL}2022id_/{ICO}"
    shown = ukgwa.publicise(message)
    assert "127.0.0.1" not in shown
    assert shown == f"webarchive.nationalarchives.gov.uk answered HTTP 503 for {UKGWA}2022id_/{ICO}"
    assert registry.get("ukgwa").publicise(message) == message  # not remapped: left alone


@pytest.mark.parametrize("value, expected", [
    ("http://127.0.0.1:8080/ukgwa", "http://127.0.0.1:8080/ukgwa/"),
    ("  https://a.example/web/ ", "https://a.example/web/"),
])
def test_normalise_base(value, expected):
    assert normalise_base(value, what="--archive x") == expected


@pytest.mark.parametrize("value", ["ftp://a.example/", "127.0.0.1:8080/ukgwa/", "http:///x/", "http://a.example/?q=1"])
def test_normalise_base_rejects(value):
    with pytest.raises(ConfigError):
        normalise_base(value, what="--archive x")


def test_normalise_original():
    assert normalise_original("ico.org.uk/a.pdf") == "http://ico.org.uk/a.pdf"
    assert normalise_original("HTTPS:/ico.org.uk/a.pdf") == "https://ico.org.uk/a.pdf"
    assert normalise_original("not a url") == ""
    assert normalise_original("mailto:foi@example.gov.uk") == ""


def test_same_document():
    assert same_document("http://www.gov.uk/a/", "https://gov.uk/a")
    assert same_document("https://GOV.UK:443/a", "https://gov.uk/a")
    assert not same_document("https://gov.uk/a.pdf", "https://gov.uk/page-not-found")
    assert not same_document("https://gov.uk/a?x=1", "https://gov.uk/a")
    assert document_key("https://www.Example.org") == "example.org/"
