"""(#21) The rolling schedule: `watch --window 6h --every 7d` checks failing, due and new links
first, spreads the rest evenly over the days, stops at the end of the window and picks up where it
stopped next night; the report says how far the pace covers the list. Nights and the window are
simulated with the run's injectable clocks; the links are real, checked against the local archive."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from archivecheck.config import load_settings
from archivecheck.watch import WatchOptions, read_watch_list, run_watch
from tests.archive import capture, link
from tests.test_watch import FAST_POLICY, run_cli

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
PAGE = capture("html_page_ukgwa")
BROKEN = link("link_mixed_2023").input  # a soft 404: broken every night
# 14 distinct links (as written in a list) to good captures: the same capture cited with
# different timestamp precisions and modifiers, as letters do
GOOD = [PAGE.public_url(mod).replace(PAGE.timestamp, PAGE.timestamp[:n]) for mod in ("", "id_") for n in (8, 9, 10, 11, 12, 13, 14)]


def night(local_archive, tmp_path, links, day, *, progress=None, monotonic=None, **options):
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_POLICY, encoding="utf-8")
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(u + "\n" for u in links))
    settings = load_settings(str(cfg), environ=local_archive.env())
    opts = WatchOptions(max_age=timedelta(0), concurrency=1, clock=lambda: T0 + timedelta(days=day),
                        monotonic=monotonic, **options)
    report = run_watch(settings, read_watch_list(str(listfile)), db=str(tmp_path / "watch.db"),
                       list_path=str(listfile), options=opts, progress=progress)
    return report, [r.result.input for r in report.results_list]


def test_every_link_is_checked_within_every_and_the_rest_is_spread_evenly(local_archive, tmp_path):
    assert len(set(GOOD)) == 14
    links = GOOD + [BROKEN]
    last_checked = {}
    per_night = []
    for day in range(22):
        report, checked = night(local_archive, tmp_path, links, day, every=timedelta(days=7))
        assert BROKEN in checked  # failed last time: checked every night
        for u in checked:
            last_checked[u] = day
        assert all(day - last_checked[u] < 7 for u in links), (day, last_checked)
        cov = report.summary["coverage"]
        assert cov["overdue"] == 0 and cov["links"] == 15 and cov["checked_tonight"] == len(checked)
        per_night.append(len(checked))
    assert per_night[0] == 15  # night 1: everything is new
    # then about a seventh a night (2 of the 14 good ones, and the broken one), a few more on the
    # night the first night's batch falls due (a night early: the due threshold keeps a night's slack)
    assert per_night[1:6] == [3] * 5 and max(per_night[1:]) <= 5 and sum(per_night[1:8]) >= 14


def test_the_window_closes_and_the_next_night_goes_on_from_there(local_archive, tmp_path):
    """A 3-hour window, each link taking an hour on the simulated clock: three links a night, the
    ones not reached tonight come first tomorrow, and the report says what is left."""
    clock = {"t": 0.0}

    def one_hour_per_link(event):
        clock["t"] += 3600

    links = GOOD[:7]
    report, first = night(local_archive, tmp_path, links, 0, window=timedelta(hours=3), every=timedelta(days=7),
                          progress=one_hour_per_link, monotonic=lambda: clock["t"])
    cov = report.summary["coverage"]
    assert first == links[:3] and cov["stopped_by_window"] and cov["left_needing_attention"] == 4
    assert cov["sentence"] == ("3 of 7 links checked tonight; every link checked within 7 days at this pace; "
                               "4 links overdue; the 3h window closed with 4 failing, due or new links still to check.")
    clock["t"] = 0.0
    report, second = night(local_archive, tmp_path, links, 1, window=timedelta(hours=3), every=timedelta(days=7),
                           progress=one_hour_per_link, monotonic=lambda: clock["t"])
    assert second == links[3:6]  # never checked before: first in line
    clock["t"] = 0.0
    report, third = night(local_archive, tmp_path, links, 2, window=timedelta(hours=3), every=timedelta(days=7),
                          progress=one_hour_per_link, monotonic=lambda: clock["t"])
    # the last new one; that is already tonight's even share (7 links over 7 days), so no more
    assert third == [links[6]]
    assert report.summary["coverage"]["overdue"] == 0


def test_a_link_falling_due_goes_before_the_even_share(local_archive, tmp_path):
    links = GOOD[:7]
    night(local_archive, tmp_path, links, 0, every=timedelta(days=7))  # all new: all checked
    with sqlite3.connect(tmp_path / "watch.db") as conn:  # as if one had last been checked 8 days ago
        conn.execute("UPDATE link_state SET checked_at='2026-11-24T01:00:00Z' WHERE link=?", (links[5],))
    report, checked = night(local_archive, tmp_path, links, 1, every=timedelta(days=7))
    assert checked == [links[5]]  # due: first; and it is tonight's whole even share (7 links / 7 days)


def test_window_and_every_on_the_command_line(local_archive, tmp_path):
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_POLICY, encoding="utf-8")
    listfile = tmp_path / "links.txt"
    listfile.write_text("".join(u + "\n" for u in GOOD[:3]))
    base = ["--config", str(cfg), *local_archive.cli_args(), "watch", str(listfile), "--db", str(tmp_path / "w.db"),
            "--no-progress"]
    code, out, err = run_cli(base + ["--window", "6h", "--every", "7d"])
    assert code == 0, err
    assert "Coverage: 3 of 3 links checked tonight; every link checked within 7 days at this pace; 0 links overdue." in out
    code, out, err = run_cli(base + ["--window", "6h", "--format", "json", "--max-age", "0"])
    doc = json.loads(out)
    assert doc["summary"]["coverage"]["every_days"] == 7 and doc["summary"]["total"] == 1  # a seventh of 3, rounded up
    code, out, err = run_cli(base + ["--window", "0"])
    assert code == 2 and "--window" in err


def test_once_the_window_closes_no_new_index_search_starts(local_archive, tmp_path):
    """A broken link whose search for a replacement would need the index, after the window closed:
    reported broken without a suggestion, not remembered as having none (so searched next time),
    and no index request sent."""
    from archivecheck.check import Checker
    from archivecheck.schedule import NightScheduler

    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_POLICY, encoding="utf-8")
    settings = load_settings(str(cfg), environ=local_archive.env())
    checker = Checker(settings)
    try:
        scheduler = NightScheduler(checker, workers=1)
        scheduler.stop_searching()
        [(got, night_check)] = list(scheduler.run([(BROKEN, None)]))
    finally:
        checker.session.close()
    assert got == BROKEN and night_check.result.status.value == "broken"
    assert night_check.result.suggestion is None and night_check.suggestion_searched_at is None
    assert local_archive.front.counts["index"] == 0 and scheduler.index_queries == 0
