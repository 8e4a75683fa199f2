"""Real crawls replayed by real pywb: pywb's own sample WARCs (fixtures/recorded/warcs/, crawled
2013-2014) in a collection `sample`, and the captured responses fixtures/recorded/pywb-sample--*.json
describes, each verified through `verify_capture` with the verdict its class calls for.

pywb's raw (`id_`) replay passes a captured redirect's Location through as the site sent it: the
sample crawls hold path-only ones (`/domains/reserved`), which must be resolved against the
original URL. Relative (`reserved`) and scheme-relative (`//www.iana.org/…`) Locations occur in no
recording we have; the collection `built` holds captures built to match those documented forms
(RFC 9110 §10.2.2 allows a relative Location; pywb passes it through unchanged, as it does the
path-only ones above), and the tests on them say so.
"""
from __future__ import annotations

import io
import shutil
from datetime import datetime

import pytest

from archivecheck.answers import Answer
from archivecheck.archives import Archive, Dialect, same_document
from archivecheck.config import NetworkPolicy
from archivecheck.http import ArchiveSession
from archivecheck.verify import Verdict, verify_capture
from tests.recorded_server import RECORDED, Interaction, load, sources

FAST = NetworkPolicy(timeout=10, connect_timeout=2, retries=1, backoff=0.01, index_per_minute=100000,
                     replay_per_minute=100000)
SAMPLE = [i for stem in sources() if stem.startswith("pywb-sample--") for i in load(stem)]
# Relative and scheme-relative Locations as pywb passes them through (built, see the docstring).
BUILT = (
    ("http://www.example.gov.uk/guidance/old-page", "20150301120000", "new-page",
     "http://www.example.gov.uk/guidance/new-page"),
    ("http://www.example.gov.uk/guidance/report.pdf", "20150301120000", "//www.example.gov.uk/",
     "http://www.example.gov.uk/"),
    ("http://www.example.gov.uk/a/b/withdrawn", "20150301120000", "../search?q=withdrawn",
     "http://www.example.gov.uk/a/search?q=withdrawn"),
)


def _write_built_warc(path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.timeutils import timestamp_to_iso_date
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, ts, location, _ in BUILT:
            headers = StatusAndHeaders("302 Found", [("Location", location), ("Content-Length", "0"),
                                                     ("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(b""), http_headers=headers,
                warc_headers_dict={"WARC-Date": timestamp_to_iso_date(ts)}))


@pytest.fixture(scope="module")
def sample_pywb(tmp_path_factory):
    """A real pywb (the one tests/archive runs) serving `sample` and `built`; yields its base URL."""
    from pywb.manager.manager import CollectionsManager

    from tests.archive.server import _start_pywb, _stop_process

    root = tmp_path_factory.mktemp("recorded-pywb")
    warcs = sorted(p for p in (RECORDED / "warcs").iterdir() if p.name.endswith((".warc.gz", ".warc", ".arc.gz", ".arc")))
    built = root / "built.warc.gz"
    _write_built_warc(built)
    for name, files in (("sample", warcs), ("built", [built])):
        manager = CollectionsManager(name, colls_dir=str(root / "collections"), must_exist=False)
        manager.add_collection()
        manager.add_archives([str(f) for f in files])
    process, port = _start_pywb(root, 30.0)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop_process(process)
        shutil.rmtree(root, ignore_errors=True)


def _archive(base: str, collection: str) -> Archive:
    return Archive(collection, f"https://pywb.example.org/{collection}/", Dialect.PYWB,
                   request_base=f"{base}{collection}/")


def _warc_ts(i: Interaction) -> str:
    when = datetime.fromisoformat(i.raw["record"]["warc_headers"]["warc-date"].replace("Z", "+00:00"))
    return when.strftime("%Y%m%d%H%M%S")


@pytest.mark.parametrize("i", SAMPLE, ids=[i.id for i in SAMPLE])
def test_each_sample_capture(sample_pywb, i: Interaction):
    ts = _warc_ts(i)
    with ArchiveSession(FAST) as session:
        v = verify_capture(session, _archive(sample_pywb, "sample"), i.url, ts)
    assert "127.0.0.1" not in v.reason and "127.0.0.1" not in (v.served_original or "")
    location = i.header("Location")
    if i.cls in ("replay-exact", "revisit"):
        # A revisit is a capture at its own date whose payload an earlier record holds.
        assert (v.verdict, v.served_timestamp) == (Verdict.GOOD, ts), v
    elif location and not same_document(i.url, _resolved(i.url, location)):
        # A redirect to another page, named as the site meant it: against the original URL.
        target = _resolved(i.url, location)
        assert (v.verdict, v.served_original, v.served_timestamp) == (Verdict.BAD, target, ts), v
        assert f"redirect to another page, {target}" in v.reason
    else:
        # A captured http→https, www. or trailing-slash hop: followed within the archive, to a
        # capture of the same document (or to the archive saying it holds none).
        assert "redirect to another page" not in v.reason, v
        assert v.verdict in (Verdict.GOOD, Verdict.ABSENT) and v.answer in (Answer.CAPTURE, Answer.NO_CAPTURE), v


def _resolved(original: str, location: str) -> str:
    from urllib.parse import urljoin

    return urljoin(original, location)


@pytest.mark.parametrize("url, ts, location, target", BUILT, ids=["relative", "scheme-relative", "dot-dot"])
def test_a_passed_through_relative_location_names_the_original_target(sample_pywb, url, ts, location, target):
    """Built captures (no recording has these forms): the target is resolved against the original
    URL, and reported in public form — never a page on the archive's (here: private) host."""
    with ArchiveSession(FAST) as session:
        v = verify_capture(session, _archive(sample_pywb, "built"), url, ts)
    assert (v.verdict, v.served_original, v.served_timestamp) == (Verdict.BAD, target, ts), v
    assert "127.0.0.1" not in v.reason and target in v.reason
    # Both built targets that land on the site's entrance say so.
    if target.endswith(("example.gov.uk/", "?q=withdrawn")):
        assert "the site's home page" in v.reason or "the site's search page" in v.reason


def test_a_fuzzy_match_is_not_a_capture_of_the_asked_address(sample_pywb):
    """Real pywb, real crawl: asked for `http://www.iana.org/?utm_source=letter`, which was never
    crawled, pywb's fuzzy matching serves the capture of `http://www.iana.org/` (naming it in
    Content-Location) and its CDX lists that capture with is_fuzzy=1. Neither is a capture of the
    address the link names, so the link is not ok, and the index holds nothing for it."""
    from archivecheck.cdx import query_captures

    asked = "http://www.iana.org/?utm_source=letter"
    archive = _archive(sample_pywb, "sample")
    with ArchiveSession(FAST) as session:
        v = verify_capture(session, archive, asked, "20140126200624")
        rows = list(query_captures(session, archive, asked))
    assert (v.verdict, v.served_timestamp) == (Verdict.BAD, "20140126200624"), v
    assert "a capture of another address, http://www.iana.org/" in v.reason and "127.0.0.1" not in v.reason
    assert rows == []
