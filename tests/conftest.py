"""Shared pytest fixtures: a real local archive (pywb + fault-injecting front) on loopback.

    def test_something(local_archive):          # session-wide; faults/log/limits reset per test
        local_archive.front.inject("fault/429.pdf", "429", times=1, retry_after=1)
        env = local_archive.env()               # ARCHIVECHECK_ARCHIVE_UKGWA / _WAYBACK
        args = local_archive.cli_args()         # ["--archive", "ukgwa=...", "--archive", "wayback=..."]
"""
from __future__ import annotations

import os
import tempfile

import pytest

# (#21) Every archivecheck process shares one request budget per machine, in a file in the user's
# data directory by default. Tests (and the processes they start, which inherit the variable) use
# a file of their own: never the user's, never another session's, and a new one for each test, so
# one test's 429 pause (shared, as on a real machine) does not hold up the next test.
_BUDGETS = tempfile.mkdtemp(prefix="archivecheck-budget-")
os.environ["ARCHIVECHECK_BUDGET"] = os.path.join(_BUDGETS, "budget.sqlite")


@pytest.fixture(autouse=True)
def _own_request_budget(request, monkeypatch):
    from archivecheck.budget import close_stores

    monkeypatch.setenv("ARCHIVECHECK_BUDGET", os.path.join(_BUDGETS, f"{abs(hash(request.node.nodeid))}.sqlite"))
    yield
    close_stores()

from tests.archive import LocalArchive


@pytest.fixture(scope="session")
def local_archive(tmp_path_factory):
    """A LocalArchive built once per session into a temp dir, started on loopback, stopped at the end."""
    archive = LocalArchive.start(tmp_path_factory.mktemp("local-archive"))
    yield archive
    archive.stop()


@pytest.fixture(autouse=True)
def _reset_local_archive(request):
    """Clear faults, rate limits, latency and the request log around every test that uses the
    archive (directly or through another fixture); tests that don't never start it."""
    if "local_archive" not in request.fixturenames:
        yield
        return
    archive = request.getfixturevalue("local_archive")
    archive.front.reset()
    yield
    archive.front.reset()


@pytest.fixture
def archive_env(local_archive, monkeypatch):
    """Remap both archives to the local archive via ARCHIVECHECK_ARCHIVE_* for one test;
    returns the LocalArchive."""
    for name, value in local_archive.env().items():
        monkeypatch.setenv(name, value)
    return local_archive


FAST_NETWORK_POLICY = """\
[network]
timeout = 2
connect_timeout = 2
retries = 2
backoff = 0.05
retry_after_default = 0.2
max_retry_after = 5
rate_limit_retries = 2
index_per_minute = 100000
replay_per_minute = 100000
challenge_cooldown = 0  # tests put a captcha on one path of a host every archive shares (see test_challenge.py)
"""


@pytest.fixture(scope="session")
def fast_config(tmp_path_factory):
    """A --config file with a network policy fast enough for tests (the local archive is on loopback)."""
    path = tmp_path_factory.mktemp("fast-config") / "fast.toml"
    path.write_text(FAST_NETWORK_POLICY, encoding="utf-8")
    return path
