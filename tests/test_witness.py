"""The archive as a witness (issue #17, item 3; archivecheck/witness.py), against a real pywb on loopback.

A page the judge read as the document but doubted is put to the index once: do other addresses of the
site hold these exact bytes? The site below serves a real error page (from fixtures/errorpages, one the
judge does not catch) with HTTP 200 at five addresses; a real ordinary page is mirrored at two; a page
the judge has no doubt about is held at four. Every question goes through the front, so the tests count
index requests; the witness failing in any way leaves the verdict as it was.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from archivecheck.check import Checker
from archivecheck.config import load_settings
from archivecheck.judge import judge_document
from archivecheck.models import Status
from archivecheck.verify import sha1_base32
from archivecheck.witness import MIN_OTHERS, address_key, sibling_prefix
from tests.archive import Capture, LocalArchive
from tests.conftest import FAST_NETWORK_POLICY
from tests.errorpages import load_pages

TEMPLATE_DIR = "https://www.witness-council.gov.uk/services/"
MIRROR_DIR = "https://www.witness-council.gov.uk/news/"
PLAIN_DIR = "https://www.witness-council.gov.uk/guides/"
SHELL_DIR = "https://www.witness-council.gov.uk/pages/"
ENCODED_DIR = "https://www.witness-council.gov.uk/encoded/"
PUBLIC = {"ukgwa": "https://webarchive.nationalarchives.gov.uk/ukgwa/", "web": "https://web.archive.org/web/"}


def _doubted(label: str, url: str, exclude: tuple[str, ...] = (), *, doubt: bool = True) -> bytes | None:
    """The first real labelled page (by file name) the judge reads as the document at `url` but
    doubts — the only kind the witness is asked about (with doubt=False: one it reads without doubt).
    Chosen when the tests run, so a rule that learns to catch one page moves the test to the next
    real one rather than breaking it."""
    for page in sorted(load_pages(), key=lambda p: p.file):
        if page.label != label or page.content != "html" or page.file in exclude:
            continue
        judged = judge_document(url, page.body, page.body, "text/html")
        if judged.fits and bool(judged.doubt) == doubt:
            try:
                page.body.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return page.body
    return None


ERROR_BODY = _doubted("error", TEMPLATE_DIR + "report-1")
MIRROR_BODY = _doubted("ordinary", MIRROR_DIR + "annual-review")
# The mechanism alone, whatever the judge catches: any doubted page held at four addresses.
SHELL_BODY = _doubted("ordinary", SHELL_DIR + "p-1", exclude=())
PLAIN_BODY = _doubted("ordinary", PLAIN_DIR + "bins-1", doubt=False)


def _captures(gzipped: Path) -> list[Capture]:
    caps = []

    def add(url, timestamp, body, collection):
        caps.append(Capture(id=f"witness-{len(caps)}", collection=collection, url=url, timestamp=timestamp,
                            status=200, mime="text/html", expected="ok", tests="template witness",
                            body_text=body.decode("utf-8")))

    # A site that sent its pages gzip-encoded: the WARC keeps the encoded bytes, the index digests them.
    for n in range(1, 5):
        caps.append(Capture(id=f"witness-gz-{n}", collection="ukgwa", url=f"{ENCODED_DIR}p-{n}",
                            timestamp=f"2019050{n}120000", status=200, mime="text/html", expected="ok",
                            tests="template witness, gzip", headers={"Content-Encoding": "gzip"},
                            body_file=str(gzipped)))

    for coll in ("ukgwa", "web"):
        if ERROR_BODY is not None:
            for n in range(1, 6):
                add(f"{TEMPLATE_DIR}report-{n}", f"2019010{n}120000", ERROR_BODY, coll)
        add(f"{MIRROR_DIR}annual-review", "20190201120000", MIRROR_BODY, coll)
        add(f"{MIRROR_DIR}annual-review-2019", "20190202120000", MIRROR_BODY, coll)
        for n in range(1, 5):
            add(f"{PLAIN_DIR}bins-{n}", f"2019030{n}120000", PLAIN_BODY, coll)
            add(f"{SHELL_DIR}p-{n}", f"2019040{n}120000", SHELL_BODY, coll)
    return caps


@pytest.fixture(scope="module")
def witness_archive(tmp_path_factory):
    gzipped = tmp_path_factory.mktemp("witness-bodies") / "shell.html.gz"
    gzipped.write_bytes(gzip.compress(SHELL_BODY, mtime=0))
    archive = LocalArchive.start(tmp_path_factory.mktemp("witness-archive"), extra_captures=_captures(gzipped))
    yield archive
    archive.stop()


@pytest.fixture(autouse=True)
def _clean_front(witness_archive):
    witness_archive.front.reset()
    yield
    witness_archive.front.reset()


def _checker(archive, tmp_path, extra: str = "") -> Checker:
    config = tmp_path / "fast.toml"
    config.write_text(FAST_NETWORK_POLICY + extra, encoding="utf-8")
    settings = load_settings(str(config), remaps=(f"ukgwa={archive.ukgwa_base}", f"wayback={archive.wayback_base}"),
                             environ={})
    return Checker(settings)


def _witness_queries(archive) -> list:
    return [r for r in archive.front.requests if r.endpoint == "index" and "filter=digest" in r.path]


def _link(coll: str, timestamp: str, url: str) -> str:
    return f"{PUBLIC[coll]}{timestamp}/{url}"


@pytest.mark.parametrize("coll", ["ukgwa", "web"])  # pywb's own CDX, and the IA dialect of the front
def test_a_real_error_template_served_at_many_addresses_is_broken(witness_archive, tmp_path, coll):
    if ERROR_BODY is None:
        pytest.skip("the judge now catches every real error page of the development set: nothing left to witness")
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link(coll, "20190101120000", TEMPLATE_DIR + "report-1"))
    assert result.status is Status.BROKEN
    assert "the archive holds this exact page for 4 other addresses of the site" in result.detail
    assert f"{TEMPLATE_DIR}report-2" in result.detail and "not the document this link names" in result.detail
    asked = _witness_queries(witness_archive)
    # One question for the link; the suggestion search then meets the template once in the other
    # archive (the same bytes, so its own index rows are skipped by digest) and asks that archive once.
    assert len(asked) == 2
    first = asked[0].path
    assert "matchType=prefix" in first and "limit=25" in first and "services%2F&" in first


@pytest.mark.parametrize("coll", ["ukgwa", "web"])
def test_any_doubted_page_at_four_addresses_is_a_template(witness_archive, tmp_path, coll):
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link(coll, "20190401120000", SHELL_DIR + "p-1"))
    assert result.status is Status.BROKEN, result.detail
    assert "for 3 other addresses of the site" in result.detail
    assert result.sha256 is not None and result.http_status == 200  # the capture's facts stay as evidence


def test_the_index_answer_is_kept_in_the_evidence_pack(witness_archive, tmp_path):
    from archivecheck.api import check_links
    from archivecheck.evidence.wacz import Evidence
    from tests.test_evidence import records_of

    evidence = Evidence(tmp_path / "evidence")
    with _checker(witness_archive, tmp_path) as checker:
        [result] = check_links([_link("ukgwa", "20190401120000", SHELL_DIR + "p-1")], settings=checker.settings,
                               evidence=evidence)
    assert result.status is Status.BROKEN
    responses = [r for r in records_of(evidence.packs[0].path) if r[0] == "response"]
    asked = [r for r in responses if "filter=digest" in r[1]]
    # the link's question, then the suggestion search's in the other archive (as counted above)
    assert len(asked) == 2 and "/ukgwa/cdx?" in asked[0][1] and asked[0][2] == "200"
    # what the archive showed: the other addresses holding the same bytes, in the index's own words
    assert all(f"{SHELL_DIR}p-{n}".encode() in asked[0][3] for n in (2, 3, 4))


def test_a_gzip_encoded_template_is_asked_about_by_its_index_digest(witness_archive, tmp_path):
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link("ukgwa", "20190501120000", ENCODED_DIR + "p-1"))
    assert result.status is Status.BROKEN, result.detail
    assert "for 3 other addresses of the site" in result.detail
    first, second = [r.path for r in witness_archive.front.requests if r.endpoint == "index"][:2]
    # The capture's own row, for the digest of the bytes as stored (not of the decoded bytes read)...
    assert "encoded%2Fp-1&" in first and "from=20190501120000" in first and "limit=1" in first
    # ...then the one question, with that digest.
    assert f"filter=digest%3A{sha1_base32(gzip.compress(SHELL_BODY, mtime=0))}" in second


@pytest.mark.parametrize("coll", ["ukgwa", "web"])
def test_a_real_document_mirrored_at_two_addresses_stays_ok(witness_archive, tmp_path, coll):
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link(coll, "20190201120000", MIRROR_DIR + "annual-review"))
    assert result.status is Status.OK and "Unsure:" in result.detail
    assert len(_witness_queries(witness_archive)) == 1
    assert witness_archive.front.counts["index"] == 1  # the one question, nothing else


def test_no_question_when_the_judge_has_no_doubt(witness_archive, tmp_path):
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link("ukgwa", "20190301120000", PLAIN_DIR + "bins-1"))
    assert result.status is Status.OK and "Unsure" not in result.detail
    assert witness_archive.front.counts == {"index": 0, "replay": 1}


def test_the_setting_turns_the_witness_off(witness_archive, tmp_path):
    with _checker(witness_archive, tmp_path, "template_witness = false\n") as checker:
        result = checker.check(_link("ukgwa", "20190401120000", SHELL_DIR + "p-1"))
    assert result.status is Status.OK and "Unsure:" in result.detail
    assert witness_archive.front.counts["index"] == 0


@pytest.mark.parametrize("kind, params", [
    ("503", {}),
    ("429", {"retry_after": 1}),
    ("reset", {}),
    ("slow", {"header_delay": 3}),  # past the policy's 2 s timeout
    ("status", {"status": 400, "body": b"org.archive.util.io.RuntimeIOException: bad filter"}),
])
def test_a_witness_that_cannot_be_asked_changes_nothing(witness_archive, tmp_path, kind, params):
    fault = witness_archive.front.inject("filter=digest", kind, times=None, **params)
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link("ukgwa", "20190401120000", SHELL_DIR + "p-1"))
    assert result.status is Status.OK and "Unsure:" in result.detail
    # Asked once, impatiently: no retry, no 429 waited out (counted by the fault: a slow answer is
    # logged by the front only when it is finally sent, after the client gave up).
    assert fault.hits == 1


def test_a_challenged_witness_gives_up_without_cooling_the_index_down(witness_archive, tmp_path):
    fault = witness_archive.front.inject("filter=digest", "captcha", times=None)
    config = tmp_path / "cooling.toml"
    config.write_text(FAST_NETWORK_POLICY.replace("challenge_cooldown = 0", "challenge_cooldown = 600"), encoding="utf-8")
    settings = load_settings(str(config), remaps=(f"ukgwa={witness_archive.ukgwa_base}",
                                                  f"wayback={witness_archive.wayback_base}"), environ={})
    with Checker(settings) as checker:
        result = checker.check(_link("ukgwa", "20190401120000", SHELL_DIR + "p-1"))
        assert result.status is Status.OK and "Unsure:" in result.detail
        assert fault.hits == 1  # asked once, no retry
        # one challenge to an impatient question is one strike, not the retries' worth: the index
        # is still asked by everything else (a cool-down would refuse this without a request)
        before = witness_archive.front.counts["index"]
        assert checker.index.holds(SHELL_DIR + "p-2") is True
        assert witness_archive.front.counts["index"] == before + 1


def test_pywb_answering_404_for_no_rows_is_asked_in_the_other_place_then_gives_up(witness_archive, tmp_path):
    witness_archive.front.inject("filter=digest", "status", times=None, status=404)
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(_link("ukgwa", "20190401120000", SHELL_DIR + "p-1"))
    assert result.status is Status.OK and "Unsure:" in result.detail
    assert len(_witness_queries(witness_archive)) == 2  # /ukgwa/cdx, then /cdx/search/cdx: bounded


def test_an_original_url_whose_only_captures_are_the_template_is_not_archived(witness_archive, tmp_path):
    with _checker(witness_archive, tmp_path) as checker:
        result = checker.check(SHELL_DIR + "p-2")
    assert result.status is Status.NOT_ARCHIVED
    assert result.detail.count("the archive holds this exact page for") == 2  # ukgwa, then wayback


def test_addresses_count_by_path_not_by_query_or_spelling():
    same = ["https://www.example.gov.uk/a/doc", "http://example.gov.uk/a/doc/", "https://example.gov.uk/a/doc?utm_source=x",
            "https://EXAMPLE.gov.uk/a/DOC#top", "https://example.gov.uk/a/doc;jsessionid=123",
            "https://example.gov.uk/a/doc/index.html"]
    assert len({address_key(u) for u in same}) == 1
    assert address_key("https://example.gov.uk/a/other") != address_key(same[0])
    assert MIN_OTHERS == 3


def test_the_question_is_about_the_directory():
    assert sibling_prefix("https://example.gov.uk/a/b/c.pdf?x=1") == "https://example.gov.uk/a/b/"
    assert sibling_prefix("https://example.gov.uk/a/b/") == "https://example.gov.uk/a/b/"
    assert sibling_prefix("http://example.gov.uk") == "http://example.gov.uk/"
    assert sibling_prefix("ftp://example.gov.uk/x") is None
