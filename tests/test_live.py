"""live.py judged by judge.py's rules: the live site (tests/livesite.py) on loopback."""
from __future__ import annotations

import pytest

from archivecheck.config import NetworkPolicy
from archivecheck.http import ArchiveSession
from archivecheck.live import LiveHosts, check_live
from tests.livesite import LiveSite

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def site():
    with LiveSite() as s:
        yield s


def _check(site, url):
    hosts = LiveHosts.parse(tuple(site.overrides()), environ={})
    with ArchiveSession(NetworkPolicy(live_per_minute=60000)) as session:
        return check_live(session, hosts, url)


@pytest.mark.parametrize("location, entrance", [
    ("https://www.gov.uk/", "home page"),
    ("https://www.gov.uk/search/all?keywords=annual+report", "search page"),
    ("https://www.gov.uk/government/publications/annual-report-2020", None),
])
def test_a_redirect_to_the_sites_entrance_is_named(site, location, entrance):
    url = site.add("https://www.gov.uk/government/uploads/annual-report-2019.pdf", status=301,
                   headers={"Location": location}, mime="text/html")
    live = _check(site, url)
    assert (live.live, live.redirected_to, live.entrance) == (False, location, entrance)
    if entrance:
        assert f"to the site's {entrance}, {location}" in live.describe()


@pytest.mark.parametrize("mime, live_now", [("text/html", False), ("application/pdf", True),
                                            ("application/octet-stream", True)])
def test_an_html_page_where_a_file_should_be_is_not_live(site, mime, live_now):
    """The judge's one rule for "the URL names a file, the answer is an HTML page"; a loosely
    labelled file (octet-stream) is not judged from its label."""
    url = site.add("https://www.gov.uk/government/uploads/annual-report-2019.pdf", PDF, mime=mime)
    live = _check(site, url)
    assert (live.status, live.live, live.soft_404) == (200, live_now, not live_now)
