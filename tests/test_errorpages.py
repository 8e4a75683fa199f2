"""Error-page detection measured on real pages: the development set (fixtures/errorpages/) and the
sealed held-out sets (fixtures/errorpages/heldout/, heldout2/, heldout3/, heldout4/ and heldout5/), and the families of archivecheck/errorpages.toml.

    python -m pytest -q -s tests/test_errorpages.py      # prints the figures (and every dev miss)

Each page is judged as the hardest case verify meets: an HTTP 200 capture, with Memento-Datetime,
of an address that names no particular file type — so only its content can show it is an error
page (a captured 404, a redirect body or an archive's own page is caught earlier, by status, by
the redirect, or by the missing Memento-Datetime).

Thresholds (issue #17's "Done when"). A false `ok` on an error page is the costlier mistake (a
section 21 claim resting on a "page not found"): the development set must be judged with recall
1.0, and the held-out set with recall >= 0.98 (false ok <= 2 %). A false `broken` on a real
document sends a caseworker looking for another capture: at most 3 % of ordinary pages.

The rules were written with the development set in view, so its figures are an upper bound; the
held-out set was collected by someone else from other sources and is never read while writing
rules. Its test prints aggregate figures only — never a page's name or verdict — so that reading
the output does not unseal it.
"""
from __future__ import annotations

import json

import pytest

from archivecheck.judge import read_error_page
from archivecheck.pagefamilies import load as load_families
from tests.errorpages import HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, ROOT, judge, judged_error, load_pages, score

DEV_MIN_RECALL = 1.0
HELDOUT_MIN_RECALL = 0.98
MAX_FALSE_BROKEN = 0.03


def _figures(name, s) -> str:
    return (f"{name}: {s.true_pos + s.false_neg} error pages, {s.true_neg + s.false_pos} ordinary; "
            f"recall {s.recall:.3f}  false-ok rate {s.false_ok_rate:.3f}  false-broken rate {s.false_broken_rate:.3f}  "
            f"precision {s.precision:.3f}  (tp {s.true_pos}, fp {s.false_pos}, fn {s.false_neg}, tn {s.true_neg})")


def _plain_ok(pages) -> str:
    """Error pages called ok with no doubt said: the false `ok` a caseworker is given no warning of."""
    errors = [p for p in pages if p.is_error]
    plain = sum(1 for p in errors if judge(p).fits and not judge(p).doubt)
    return f"{plain}/{len(errors)} ({plain / len(errors):.3f})" if errors else "0/0"


def test_the_labelled_set_is_the_one_documented():
    pages = load_pages()
    assert len(pages) >= 350
    assert {p.label for p in pages} == {"error", "ordinary"}
    errors = sum(p.is_error for p in pages)
    assert 0.4 <= errors / len(pages) <= 0.6, "about half errors"


def test_development_set():
    """Figures on every development page; the thresholds hold on the pages the rules have taken in.
    Pages of a newer batch (labels.json "batch", see the fixture README) are reported on their own
    line, with every miss, until the rule-writers take them in by dropping the field."""
    pages = load_pages()
    judged = {p.file: judged_error(p) for p in pages}
    print("\n" + _figures("development set, all pages", score(pages, judged)) + f"  false plain ok {_plain_ok(pages)}")
    for batch in sorted({p.batch for p in pages if p.batch}):
        new = [p for p in pages if p.batch == batch]
        print(_figures(f"new batch {batch} (not yet asserted)", score(new, judged)) + f"  false plain ok {_plain_ok(new)}")
    for p in pages:
        if judged[p.file] != p.is_error:
            print(("missed error page: " if p.is_error else "ordinary page called an error: ") + p.file
                  + (f"  [batch {p.batch}]" if p.batch else ""))
    taken_in = [p for p in pages if not p.batch]
    s = score(taken_in, judged)
    print(_figures("development set, asserted", s))
    assert s.recall >= DEV_MIN_RECALL
    assert s.false_broken_rate <= MAX_FALSE_BROKEN


def test_heldout_set():
    """Aggregate figures only: the held-out pages stay unread (see the module docstring)."""
    if not (HELDOUT / "labels.json").exists():
        pytest.skip("the sealed held-out set (fixtures/errorpages/heldout/labels.json) has not landed")
    pages = load_pages(HELDOUT)
    s = score(pages, {p.file: judged_error(p) for p in pages})
    print("\n" + _figures("held-out set", s) + f"  false plain ok {_plain_ok(pages)}")
    assert s.true_pos + s.false_neg >= 50 and s.true_neg + s.false_pos >= 50, "the held-out set is the size documented"
    if s.recall < HELDOUT_MIN_RECALL or s.false_broken_rate > MAX_FALSE_BROKEN:
        # Not met yet (issue #17 stays open on it): said, in aggregate, instead of failing CI.
        # Tuning rules until this passes would unseal the set; new rules come from other sources.
        pytest.xfail(f"held-out set below issue #17's target: recall {s.recall:.3f} (>= {HELDOUT_MIN_RECALL}), "
                     f"false-broken {s.false_broken_rate:.3f} (<= {MAX_FALSE_BROKEN})")


def _later_heldout_set(root, n: int, ordinal: str):
    """A later sealed held-out set (heldout2/, heldout3/): aggregate figures only, like
    test_heldout_set; its figure is read by the lead, so nothing here names a page."""
    if not (root / "labels.json").exists():
        pytest.skip(f"the {ordinal} sealed held-out set ({root.name}/labels.json) has not landed")
    pages = load_pages(root)
    s = score(pages, {p.file: judged_error(p) for p in pages})
    print("\n" + _figures(f"held-out set {n}", s) + f"  false plain ok {_plain_ok(pages)}")
    assert len(pages) >= 100, f"the {ordinal} held-out set is the size its README states"
    assert s.true_pos + s.false_neg >= 45 and s.true_neg + s.false_pos >= 45, "about half error pages"
    if s.recall < HELDOUT_MIN_RECALL or s.false_broken_rate > MAX_FALSE_BROKEN:
        pytest.xfail(f"held-out set {n} below issue #17's target: recall {s.recall:.3f} (>= {HELDOUT_MIN_RECALL}), "
                     f"false-broken {s.false_broken_rate:.3f} (<= {MAX_FALSE_BROKEN})")


def test_heldout2_set():
    """The second sealed held-out set (fixtures/errorpages/heldout2/), sealed 2026-12-06 20:10."""
    _later_heldout_set(HELDOUT2, 2, "second")


def test_heldout3_set():
    """The third sealed held-out set (fixtures/errorpages/heldout3/), sealed 2026-12-06 22:05."""
    _later_heldout_set(HELDOUT3, 3, "third")


def test_heldout4_set():
    """The fourth sealed held-out set (fixtures/errorpages/heldout4/), sealed 2026-12-07 00:26."""
    _later_heldout_set(HELDOUT4, 4, "fourth")


def test_heldout5_set():
    """The fifth sealed held-out set (fixtures/errorpages/heldout5/), sealed 2026-12-07 at 9377767."""
    _later_heldout_set(HELDOUT5, 5, "fifth")


def test_every_family_has_real_examples_judged_as_it():
    """uap-core's rule: a family without a real example does not go in, and each example is
    judged to be of its own family (not merely 'an error')."""
    families, about = load_families()
    pages = {p.file: p for p in load_pages()}
    assert len({f.id for f in families}) == len(families)
    for family in families:
        assert family.examples, family.id
        for name in family.examples:
            page = pages[f"pages/{name}.html"]
            assert page.is_error, name
            assert read_error_page(page.body).family == family.id, (family.id, name)
    for name in about.examples:
        page = pages[f"pages/{name}.html"]
        assert not page.is_error and judge(page).fits and judge(page).doubt, name


def test_labelled_families_agree_with_the_judge():
    labels = json.loads((ROOT / "labels.json").read_text(encoding="utf-8"))
    pages = {p.file: p for p in load_pages()}
    listed = {f"pages/{name}.html": f.id for f in load_families()[0] for name in f.examples}
    for entry in labels:
        if entry.get("family"):
            assert judge(pages[entry["file"]]).family == entry["family"], entry["file"]
            assert listed.get(entry["file"], entry["family"]) == entry["family"], entry["file"]


def test_every_govuk_pattern_and_static_error_page_is_recognised():
    """Issue #17: every GOV.UK Design System error/status pattern and GOV.UK static error page,
    each from its real source (rendered from alphagov's templates at a commit)."""
    pages = [p for p in load_pages() if p.file.startswith(("pages/govuk-ds-", "pages/govuk-static-")) and p.is_error]
    assert len(pages) >= 45
    wanted = {"govuk-problem-with-the-service", "govuk-service-unavailable", "govuk-page-not-found", "govuk-not-permitted",
              "govuk-too-many-attempts", "govuk-scheduled-maintenance", "govuk-page-gone", "govuk-technical-difficulties",
              "govuk-sorry-there-is-a-problem"}
    seen = {judge(p).family for p in pages}
    assert all(not judge(p).fits for p in pages)
    assert wanted <= seen


@pytest.mark.parametrize("name", ["metanow-understanding-404-article", "uxpatternsguide-govuk-page-not-found-pattern",
                                  "govuk-ds-guidance-page-not-found-pages", "govuk-ds-guidance-service-unavailable-pages",
                                  "govuk-ds-guidance-problem-with-the-service-pages", "mdn-http-status-404",
                                  "mdn-http-status-410", "mdn-http-status-503"])
def test_pages_about_error_pages_are_documents(name):
    """The ordinary pages closest to an error page: articles and reference pages explaining 404s
    and design guidance about GOV.UK's error pages. Named, so a rule that starts catching them
    fails here first."""
    page = {p.file: p for p in load_pages()}[f"pages/{name}.html"]
    assert judge(page).fits


@pytest.mark.parametrize("name, words", [
    ("mdn-http-status-404", "explains errors"),
    ("incapsula-whoscored-unblocked", "words of content"),
    ("cfscrape-requested-page", "almost no text"),
])
def test_doubt_is_said(name, words):
    """Taken as the document, but unsure: the judgement says why (verify puts it in the detail)."""
    page = {p.file: p for p in load_pages()}[f"pages/{name}.html"]
    j = judge(page)
    assert j.fits and words in j.doubt


def test_the_request_subject_lexicon_has_real_examples_judged_by_it():
    """requestsubject.toml's examples: labelled error pages no template family claims, which the
    lexicon of what error pages are (pagesubject.py) recognises."""
    from archivecheck.judge import REQUEST_SUBJECT
    from archivecheck.pagesubject import lexicon

    pages = {p.file: p for p in load_pages()}
    assert lexicon().examples
    for name in lexicon().examples:
        page = pages[f"pages/{name}.html"]
        assert page.is_error and judge(page).family == REQUEST_SUBJECT, name


def test_the_request_subject_lexicon_alone():
    """The lexicon with every template family left out: how far what error pages ARE carries on its
    own (printed; its recall is not a target, its false-broken count is)."""
    from archivecheck.judge import read_page
    from archivecheck.pagesubject import read_subject

    pages = load_pages()
    s = score(pages, {p.file: read_subject(read_page(p.body)).is_error for p in pages})
    print("\n" + _figures("request-subject lexicon alone, development set", s))
    assert s.false_broken_rate <= MAX_FALSE_BROKEN


def test_a_storage_services_xml_error_is_an_error_page():
    """Amazon S3's (and GCS's, Azure's) XML error document where a bucket-hosted site was: no HTML at
    all, so only judge.storage_error reads it; an ordinary XML document is not one."""
    from archivecheck.judge import STORAGE_ERROR, judge_document

    page = {p.file: p for p in load_pages()}["pages/s3-nosuchbucket.html"]
    j = judge(page)
    assert not j.fits and j.family == STORAGE_ERROR and "NoSuchBucket" in j.problem
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Error reports</title></channel></rss>'
    assert judge_document("https://example.gov.uk/feed.xml", feed, feed, "application/xml").fits


def test_a_kept_json_answer_is_judged_as_served(tmp_path):
    """A visible-text page whose text is a JSON document is an API's answer: it is judged as the
    body it was (statusbody.py reads it), not wrapped in a page's <title> and <h1>."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "api.html").write_text('{"error": {"code": 404, "message": "Not Found"}}\n', encoding="utf-8")
    (tmp_path / "pages" / "text.html").write_text("Opening hours\nThe library opens at nine.\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text(json.dumps([
        {"file": "pages/api.html", "label": "error", "content": "visible-text"},
        {"file": "pages/text.html", "label": "ordinary", "content": "visible-text"}]), encoding="utf-8")
    api, text = load_pages(tmp_path)
    assert api.body.startswith(b'{"error"') and judged_error(api)
    assert text.body.startswith(b"<!DOCTYPE html>") and not judged_error(text)

