"""The Python API mirrors the commands and returns the same records."""

from __future__ import annotations

import archivecheck
from tests.archive.cases import capture


def test_check_api_against_the_local_archive(local_archive, fast_config):
    cap = capture("ico_mps_ukgwa")
    (result,) = archivecheck.check_links(
        [cap.public_url()], config_file=str(fast_config),
        archives={"ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base})
    assert result.status is archivecheck.Status.OK
    assert result.memento_datetime == "2022-02-01T21:04:13Z"
    assert result.memento_url.startswith("https://webarchive.nationalarchives.gov.uk/ukgwa/")


def test_repair_api_offline():
    text = "See https://www.gov.uk/government/publica-\ntions/report-2019.pdf now."
    (link,) = archivecheck.repair_links(text)
    assert link.url == "https://www.gov.uk/government/publications/report-2019.pdf"
    assert link.confirmed is None


def test_bad_settings_raise_the_error_root():
    try:
        archivecheck.check_links(["https://example.org/"], archives={"nosuch": "http://127.0.0.1:9/"})
    except archivecheck.ArchiveCheckError as exc:
        assert "unknown archive" in str(exc)
    else:
        raise AssertionError("expected ArchiveCheckError")
