"""The world the README's `audit` example runs in: captures of a publisher's annual reports in the
local archive, a live-site stand-in serving the listing page and the reports as they are now, and a
Save Page Now stand-in. `python -m tests.archive audit-example` starts it for a person (and prints
what to export); tests/test_readme_examples.py starts it for the test.

What each report is, so that the README's table follows:
  report-2019  live, unchanged since UKGWA captured it (2020-03-01)      ok
  report-2020  live, changed since UKGWA captured it (2021-03-01)        ok, stale-capture
  report-2021  live, never captured                                      saved to the Wayback Machine
  report-2022  gone (404), never captured                                not_archived
  the ICO summary, gone (410), captured by UKGWA and the Wayback Machine (the fixture archive's own)
"""
from __future__ import annotations

from tests.livesite import LiveSite, Snapshot, add_snapshots, fake_pdf
from tests.spn_standin import StandIn

LISTING = "https://www.gov.uk/government/uploads/annual-reports/"
REPORTS = LISTING + "report-{year}.pdf"
ICO = ("https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/"
       "metropolitan-police-service-executive-summary-v1_0.pdf")


def listing_page() -> bytes:
    links = "".join(f'<li><a href="report-{year}.pdf">Annual report {year}</a></li>' for year in range(2019, 2023))
    return (f"<html><head><title>Annual reports</title></head><body><nav><a href='/'>Home</a></nav><ul>{links}"
            f'<li><a href="{ICO}">ICO audit summary</a></li></ul></body></html>').encode()


def start_audit_example(archive) -> tuple[LiveSite, StandIn, dict[str, str]]:
    """Add the example's captures to the running local ``archive`` and start the two stand-ins.
    Returns them (close both when done) and the environment that points archivecheck at them."""
    add_snapshots(archive.root, "ukgwa", [
        Snapshot(REPORTS.format(year=2019), "20200301120000", fake_pdf("report 2019")),
        Snapshot(REPORTS.format(year=2020), "20210301120000", fake_pdf("report 2020, first edition")),
    ], name="readme-audit-example")
    site = LiveSite()
    site.add(LISTING, listing_page(), mime="text/html")
    site.add(REPORTS.format(year=2019), fake_pdf("report 2019"))
    site.add(REPORTS.format(year=2020), fake_pdf("report 2020, corrected edition"))
    site.add(REPORTS.format(year=2021), fake_pdf("report 2021"))
    site.add(ICO, b"<html><title>Gone</title></html>", status=410, mime="text/html")
    # report-2022 is not added: the live site answers 404.

    def fetch(url):
        page = site.pages.get(url)
        return None if page is None else (page.status, page.mime, page.body)

    stand_in = StandIn(archive.front.port, archive.root, fetch, pending_polls=0)
    env = {**archive.env(), "ARCHIVECHECK_ARCHIVE_WAYBACK": stand_in.wayback_base,
           "ARCHIVECHECK_LIVE_OVERRIDE": site.env_value()}
    return site, stand_in, env
