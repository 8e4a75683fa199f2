"""Documents from the network never name local files; every read from the network or a named
device is capped (#11, failure 2); a UTF-16 link list is read like a UTF-16 letter (#11, failure 6)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.config import NetworkPolicy
from archivecheck.errors import InputError
from archivecheck.http import ArchiveSession
from archivecheck.live import LiveHosts
from archivecheck.sources import MAX_INPUT_BYTES, urls_from_list, urls_from_sitemap
from tests.livesite import LiveSite, gzipped, sitemap, sitemap_index


def test_a_remote_sitemap_index_cannot_name_local_files(tmp_path):
    secret = tmp_path / "local-sitemap.xml"
    secret.write_bytes(sitemap(["https://www.gov.uk/secret-from-a-local-file.pdf"]))
    with LiveSite() as site:
        site.add("https://www.gov.uk/sitemaps/one.xml", sitemap(["https://www.gov.uk/public.pdf"]), mime="application/xml")
        site.add("https://www.gov.uk/sitemap.xml", sitemap_index(
            [str(secret), f"file://{secret}", "/dev/zero", "ftp://www.gov.uk/x.xml",
             "https://www.gov.uk/sitemaps/one.xml"]), mime="application/xml")
        hosts = LiveHosts.parse(tuple(site.overrides()), environ={})
        with ArchiveSession(NetworkPolicy(live_per_minute=60000)) as session:
            urls = urls_from_sitemap(session, hosts, "https://www.gov.uk/sitemap.xml")
    assert urls == ["https://www.gov.uk/public.pdf"]


def test_a_sitemap_yields_web_addresses_only(tmp_path):
    listed = tmp_path / "sitemap.xml"
    listed.write_bytes(sitemap(["https://www.gov.uk/a.pdf", "/etc/passwd", "file:///etc/passwd", "javascript:x"]))
    with ArchiveSession(NetworkPolicy()) as session:
        assert urls_from_sitemap(session, LiveHosts(), str(listed)) == ["https://www.gov.uk/a.pdf"]


@pytest.mark.parametrize("body", [b"<urlset>" + b" " * (MAX_INPUT_BYTES + 10) + b"</urlset>"])
def test_a_gzip_sitemap_that_expands_too_far_is_refused(tmp_path, body):
    bomb = tmp_path / "sitemap.xml.gz"
    bomb.write_bytes(gzipped(body))
    with ArchiveSession(NetworkPolicy()) as session, pytest.raises(InputError, match="expands beyond"):
        urls_from_sitemap(session, LiveHosts(), str(bomb))


def test_entities_anywhere_in_a_sitemap_are_refused(tmp_path):
    padded = tmp_path / "sitemap.xml"
    padded.write_bytes(b'<?xml version="1.0"?>' + b"<!-- pad -->" * 200 +
                       b'<!DOCTYPE u [<!ENTITY a "https://www.gov.uk/x">]><urlset><url><loc>&a;</loc></url></urlset>')
    with ArchiveSession(NetworkPolicy()) as session, pytest.raises(InputError, match="may not declare entities"):
        urls_from_sitemap(session, LiveHosts(), str(padded))


@pytest.mark.parametrize("option", ["--sitemap", "--page"])
def test_a_named_device_is_read_only_up_to_the_cap(option):
    # Before: /dev/zero was read until memory ran out.
    result = CliRunner().invoke(cli, ["audit", option, "/dev/zero", "--no-progress"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"archivecheck: error: /dev/zero: larger than "
                                                  f"{MAX_INPUT_BYTES // (1024 * 1024)} MB; not a letter or a list of links"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_link_list_is_read(tmp_path, encoding):
    from archivecheck.inputs import read_input_text

    text = "# sent links\nhttps://www.gov.uk/a.pdf\nhttps://www.gov.uk/b.pdf\n"
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)
    listed = tmp_path / "links.txt"
    listed.write_bytes(data)
    assert urls_from_list(read_input_text(str(listed))) == ["https://www.gov.uk/a.pdf", "https://www.gov.uk/b.pdf"]
