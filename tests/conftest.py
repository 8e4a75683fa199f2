"""Shared pytest fixtures: a real local archive (pywb + fault-injecting front) on loopback.

    def test_something(local_archive):          # session-wide archive, state reset per test
        local_archive.front.inject("fault/429.pdf", "429", times=1, retry_after=1)
        env = local_archive.env()               # ARCHIVECHECK_ARCHIVE_UKGWA / _WAYBACK
        args = local_archive.cli_args()         # ["--archive", "ukgwa=...", "--archive", "wayback=..."]
"""
from __future__ import annotations

import pytest

from tests.archive import LocalArchive


@pytest.fixture(scope="session")
def _local_archive_session(tmp_path_factory):
    archive = LocalArchive.start(tmp_path_factory.mktemp("local-archive"))
    yield archive
    archive.stop()


@pytest.fixture
def local_archive(_local_archive_session):
    """The session's LocalArchive, with faults, rate limits, latency and the request log cleared
    before and after the test."""
    _local_archive_session.front.reset()
    yield _local_archive_session
    _local_archive_session.front.reset()


@pytest.fixture
def archive_env(local_archive, monkeypatch):
    """Remap both archives to the local archive through ARCHIVECHECK_ARCHIVE_* for this test;
    returns the LocalArchive."""
    for name, value in local_archive.env().items():
        monkeypatch.setenv(name, value)
    return local_archive
