"""(#12) A broken link's replacement is remembered: night 1 spends at most one index request on
it, later nights re-verify the remembered capture with one replay request and search again only
when that fails; the change report says when the suggestion changed."""
from __future__ import annotations

from tests.archive import link
from tests.test_watch import by_input, config, run_cli, watch  # noqa: F401 - config is a fixture

MIXED_2023 = link("link_mixed_2023").input  # soft 404; good captures in 2021 and 2019
SOFT_ONLY = link("link_soft404_pdf").input  # soft 404; no good capture anywhere
NEVER = link("link_never_archived_memento").input  # nothing archived at all
FIRST = "https://webarchive.nationalarchives.gov.uk/ukgwa/20210315120000/https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/777777/statistics-bulletin.pdf"
SECOND = FIRST.replace("20210315120000", "20190315120000")
PDF_AS_HTML = dict(status=200, content_type="text/html", headers={"Memento-Datetime": "Mon, 15 Mar 2021 12:00:00 GMT"},
                   body="<html><head><title>Page not found</title></head><body>Page not found</body></html>")


def test_suggestions_are_remembered_and_searched_again_only_when_they_fail(local_archive, config, tmp_path):  # noqa: F811
    front = local_archive.front
    listfile = tmp_path / "links.txt"
    listfile.write_text(f"{MIXED_2023}\n{SOFT_ONLY}\n{NEVER}\n")
    db = tmp_path / "watch.db"

    # Night 1: one index request for each broken link that has captures, none for the one that has none.
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    r = by_input(doc)
    assert [r[u]["status"] for u in (MIXED_2023, SOFT_ONLY, NEVER)] == ["broken"] * 3
    assert r[MIXED_2023]["suggestion"] == FIRST and r[SOFT_ONLY]["suggestion"] is None
    assert front.counts["index"] == 2 and doc["summary"]["index_queries"] == 2
    assert r[MIXED_2023]["suggestion_searched_at"] and r[SOFT_ONLY]["suggestion_searched_at"]

    # Night 2: no index request at all; the suggestion is re-verified with one replay request.
    front.reset_log()
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0")
    r = by_input(doc)
    assert front.counts["index"] == 0
    paths = [q.path for q in front.requests]
    assert sum("20210315120000id_/" in p for p in paths) == 1
    assert sum("annual-accounts-2018" in p for p in paths) == 1  # the link itself, nothing more
    assert r[MIXED_2023]["suggestion"] == FIRST and r[MIXED_2023]["suggestion_change"] is None
    assert r[MIXED_2023]["change"] == "still_broken" and doc["summary"]["suggestions_changed"] == 0

    # Night 3: the remembered capture now replays as a soft 404: searched again (one index
    # request), the stale capture not fetched twice, and the report says the suggestion changed.
    front.reset_log()
    front.inject("20210315120000id_/", "status", times=None, **PDF_AS_HTML)
    code, doc, _ = watch(local_archive, config, listfile, db, "--max-age", "0", "--format", "json")
    r = by_input(doc)
    assert front.counts["index"] == 1
    assert sum("20210315120000id_/" in q.path for q in front.requests) == 1
    assert r[MIXED_2023]["suggestion"] == SECOND
    assert (r[MIXED_2023]["suggestion_change"], r[MIXED_2023]["previous_suggestion"]) == ("changed", FIRST)
    assert doc["summary"]["suggestions_changed"] == 1

    # Night 4, --suggestion-max-age 0: every broken link is searched again; the 2021 capture
    # works again, and the text report says the suggestion changed back, in words.
    front.reset_log()
    front.clear_faults()
    code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile),
                              "--db", str(db), "--no-progress", "--max-age", "0", "--suggestion-max-age", "0"])
    assert front.counts["index"] == 2
    assert f"cite instead: {FIRST}" in out
    assert f"the capture to cite instead has changed (was {SECOND})" in out


def test_index_work_never_holds_up_other_links_replay_work(local_archive, tmp_path):
    """(#12) Two workers, four broken links that each need the index, the index paced at one
    request every 2 s (the first two at once): the healthy links' replay requests all go while the
    index queue works through the rest, instead of waiting with both workers stuck behind it (the
    order of requests, not their timing, is asserted)."""
    from tests.archive import capture

    # healthy captures unrelated to the broken links (none is a candidate suggestion for them)
    good = ["ico_mps_ukgwa", "ico_mps_web", "web_only_pdf", "html_page_ukgwa", "cooperation_hyphenated", "email_policy"]

    cfg = tmp_path / "slow-index.toml"
    cfg.write_text("[network]\nindex_per_minute = 30\nreplay_per_minute = 6000\nretries = 1\nbackoff = 0.1\n")
    broken = [MIXED_2023, SOFT_ONLY, link("link_captured_404").input, link("link_mixed_2020").input]
    healthy = [capture(c).public_url("id_") for c in good]
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(u + "\n" for u in broken + healthy))
    front = local_archive.front
    code, doc, _ = watch(local_archive, cfg, listfile, tmp_path / "w.db", "--concurrency", "2")
    assert [r["status"] for r in doc["results"]] == ["broken"] * 4 + ["ok"] * 6
    log = front.requests
    index_at = [i for i, r in enumerate(log) if r.endpoint == "index"]
    healthy_paths = {capture(c).replay_path("id_") for c in good}
    healthy_at = [i for i, r in enumerate(log) if r.path.split("?")[0] in healthy_paths]
    assert len(index_at) == 4 and len(healthy_at) == 6
    assert max(healthy_at) < index_at[2]  # every healthy link checked before the first paced index request


def test_a_utf16_list_is_read(local_archive, config, tmp_path):  # noqa: F811
    """(#11) A list saved as UTF-16 (as Windows tools do) is read like any other."""
    listfile = tmp_path / "links.txt"
    listfile.write_text(f"# sent in May\n{MIXED_2023}\n", encoding="utf-16")
    code, doc, err = watch(local_archive, config, listfile, tmp_path / "w.db")
    assert code == 1 and [r["input"] for r in doc["results"]] == [MIXED_2023], err
