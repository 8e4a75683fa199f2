"""A real local web archive for tests: WARCs built from fixtures/archive, served by pywb on loopback
behind a small fault-injecting front.

    from tests.archive import LocalArchive, cases
    with LocalArchive.start() as archive:
        archive.ukgwa_base   # http://127.0.0.1:PORT/ukgwa/
        archive.front.inject("fault/429.pdf", "429", times=1, retry_after=2)
"""
from tests.archive.cases import CASES, Capture, Link, capture, link
from tests.archive.server import Front, LocalArchive

__all__ = ["CASES", "Capture", "Link", "capture", "link", "Front", "LocalArchive"]
