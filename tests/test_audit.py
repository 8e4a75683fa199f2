"""`archivecheck audit` against the real local archive, a local live site and an SPN2 stand-in."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli
from archivecheck.config import NetworkPolicy
from archivecheck.http import ArchiveSession
from archivecheck.live import LiveHosts, check_live
from archivecheck.sources import urls_from_page
from tests.livesite import LiveSite, Snapshot, add_snapshots, fake_pdf, gzipped, sitemap, sitemap_index
from tests.spn_standin import StandIn

ROOT = "https://www.gov.uk/government/uploads/audit-fixture/"
LISTING = "https://www.gov.uk/government/publications/audit-fixture"

# category: (how many, live status, HEAD allowed on every other one, captures, expected verdict,
#            risk, archive verified, good captures)
CATEGORIES = {
    "same": (40, 200, [("ukgwa", "20210301120000", "same")], "ok", None, "ukgwa", 1),
    "changed": (20, 200, [("ukgwa", "20190301120000", "old"), ("ukgwa", "20210301120000", "v2")],
                "ok", "stale-capture", "ukgwa", 2),
    "removed": (20, 410, [("ukgwa", "20200101120000", "x"), ("web", "20200202120000", "x")],
                "ok", None, "ukgwa", 2),
    "web-only": (20, 404, [("web", "20180505120000", "x")], "ok", None, "wayback", 1),
    "unarchived": (40, 200, [], "not_archived", "live-unarchived", None, 0),
    "lost": (30, 404, [], "not_archived", None, None, 0),
    "soft404": (10, 200, [("ukgwa", "20220101120000", "soft404")], "not_archived", "live-unarchived", None, 0),
    "redirected": (10, 301, [("ukgwa", "20170101120000", "x")], "ok", None, "ukgwa", 1),
    "unverifiable": (10, 200, [("ukgwa", "20210101120000", "x")], "unverifiable", None, None, None),
}
SOFT_404 = b"<html><head><title>Page not found - GOV.UK</title></head><body><h1>Page not found</h1></body></html>"


@dataclass
class Scenario:
    site: LiveSite
    urls: list[str] = field(default_factory=list)
    expected: dict = field(default_factory=dict)  # url -> (status, risk, live_status, archive, good)
    head_refused: set = field(default_factory=set)


def _build(local_archive) -> Scenario:
    site = LiveSite()
    sc = Scenario(site)
    snaps = {"ukgwa": [], "web": []}
    for cat, (n, live, captures, status, risk, archive, good) in CATEGORIES.items():
        for i in range(n):
            url = f"{ROOT}{cat}-{i:03d}.pdf"
            head = i % 2 == 0
            for coll, ts, tag in captures:
                body = SOFT_404 if tag == "soft404" else fake_pdf(f"{url} {tag if tag != 'same' else 'x'}")
                mime = "text/html" if tag == "soft404" else "application/pdf"
                snaps[coll].append(Snapshot(url, ts, body, 200, mime))
            live_body = fake_pdf(f"{url} {'x' if cat == 'same' else 'live-now'}")
            if live == 301:
                site.add(url, b"", status=301, mime="text/html", head=head,
                         headers={"Location": "https://www.gov.uk/government/publications"})
            elif live == 200:
                site.add(url, live_body, head=head)
            elif live == 410:
                site.add(url, b"<html><title>Gone</title></html>", status=410, mime="text/html", head=head)
            # 404: not registered at all
            if not head and live != 404:
                sc.head_refused.add(url)
            sc.urls.append(url)
            sc.expected[url] = (status, risk, live, archive, good)
    for coll, items in snaps.items():
        add_snapshots(local_archive.root, coll, items, name=f"audit-fixture-{coll}")
    # The listing page: 200 document links (relative and absolute, some twice, some with fragments)
    # among links the rule must drop.
    links = []
    for i, url in enumerate(sc.urls):
        href = url.replace("https://www.gov.uk", "") if i % 3 else url
        links.append(f'<li><a href="{href}">Document {i}</a></li>')
        if i % 25 == 0:
            links.append(f'<li><a href="{href}#page=2">Document {i}, page 2</a></li>')
    page = f"""<!DOCTYPE html><html><head><title>Audit fixture publications</title></head><body>
<header><a href="/search/all.csv">Search (csv)</a></header>
<nav><a href="/government/publications/nav.pdf">Nav PDF</a></nav>
<main><ul>{''.join(links)}</ul>
<p><a href="mailto:foi@example.gov.uk">Email</a> <a href="javascript:print()">Print</a>
<a href="#top">Top</a> <a href="/government/organisations/hm-treasury">HM Treasury</a>
<a href="tel:+442070000000">Phone</a></p></main>
<footer><a href="/help/accessibility-statement.pdf">Accessibility</a></footer></body></html>"""
    site.add(LISTING, page.encode(), mime="text/html")
    return sc


@pytest.fixture(scope="module")
def scenario(local_archive):
    sc = _build(local_archive)
    yield sc
    sc.site.close()


@pytest.fixture
def fast_config(tmp_path):
    """Rates scaled up for a loopback test (the defaults are for the real archives); no retries so
    an injected 503 is unverifiable at once."""
    path = tmp_path / "fast.toml"
    path.write_text("[network]\nretries = 0\nbackoff = 0\nindex_per_minute = 60000\n"
                    "replay_per_minute = 60000\nlive_per_minute = 60000\nsave_per_minute = 60000\n"
                    "rate_limit_retries = 3\n")
    return str(path)


def _run(args, env=None):
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    return result


def _overrides(site):
    return [a for o in site.overrides() for a in ("--live-override", o)]


def test_listing_page_of_200_urls_reports_every_verdict_and_risk(scenario, local_archive, fast_config):
    local_archive.front.inject("audit-fixture/unverifiable-", "503", times=None)
    args = ["audit", "--page", LISTING, "--format", "json", "--config", fast_config,
            *local_archive.cli_args(), *_overrides(scenario.site)]
    result = _run(args)
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    got = {r["original_url"]: (r["status"], r["risk"], r["live_status"], r["archive"], r["good_captures"])
           for r in doc["results"]}
    assert [r["original_url"] for r in doc["results"]] == scenario.urls  # all 200, page order, no extras
    assert got == scenario.expected
    s = doc["summary"]
    assert s["verdicts"] == {"ok": 110, "not_archived": 80, "unverifiable": 10}
    assert s["risks"] == {"live-unarchived": 50, "stale-capture": 20, "none": 130}
    assert s["archives_holding"] == {"ukgwa": 90, "wayback": 40}  # unverifiable: index unreadable
    for r in doc["results"]:
        if r["original_url"].startswith(ROOT + "same-"):
            assert r["digest_match"] is True and r["memento_datetime"] == "2021-03-01T12:00:00Z"
        if r["original_url"].startswith(ROOT + "changed-"):
            assert r["digest_match"] is False and r["newest_capture"] == "2021-03-01T12:00:00Z"

    # Politeness: documents are never downloaded unless hashed against a capture digest (≤ once),
    # a refused HEAD costs one 1 KiB ranged GET, and each URL costs at most 2 index + 3 replays.
    for url in scenario.urls:
        hits = scenario.site.hits(url)
        full = [h for h in hits if h.method == "GET" and h.range is None]
        hashed = url.startswith((ROOT + "same-", ROOT + "changed-"))
        assert len(full) == (1 if hashed else 0), (url, hits)
        assert all(h.body_bytes <= 1024 for h in hits if h.range)
        if url in scenario.head_refused:
            assert [h.status for h in hits if h.method == "HEAD"] == [405]
            assert len([h for h in hits if h.range == "bytes=0-1023"]) == 1
    log = [r for r in local_archive.front.requests if "audit-fixture" in r.path]
    assert sum(1 for r in log if r.endpoint == "index") <= 2 * 200
    assert sum(1 for r in log if r.endpoint == "replay") <= 200 + 10 * 2


def test_text_csv_markdown_reports(scenario, local_archive, fast_config):
    urls = [ROOT + "same-000.pdf", ROOT + "changed-001.pdf", ROOT + "unarchived-002.pdf", ROOT + "lost-003.pdf"]
    base = ["audit", "-", "--config", fast_config, *local_archive.cli_args(), *_overrides(scenario.site)]
    text = CliRunner().invoke(cli, base, input="\n".join(urls) + "\n")
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["VERDICT", "RISK", "LIVE", "ARCHIVES", "URL"]
    assert lines[1].split() == ["ok", "-", "200", "ukgwa", "1", "(2021-03-01),", "wayback", "0", urls[0]]
    assert lines[2].split()[:3] == ["ok", "stale-capture", "200"]
    assert lines[3].split() == ["not_archived", "live-unarchived", "200", "ukgwa", "0,", "wayback", "0", urls[2]]
    assert lines[4].split()[:3] == ["not_archived", "-", "404"]
    assert lines[6:10] == ["4 URLs: 2 ok, 2 not archived, 0 unverifiable",
                           "risk: 1 live-unarchived, 1 stale-capture", "live: 3 live, 1 gone, 0 unknown",
                           "archives holding a good capture: ukgwa 2, wayback 0"]
    csv_out = CliRunner().invoke(cli, base + ["--format", "csv"], input="\n".join(urls) + "\n").stdout
    header = csv_out.splitlines()[0].split(",")
    assert header[:2] == ["input", "url"] and "risk" in header and "archives" in header
    assert "ukgwa 1 (2021-03-01); wayback 0" in csv_out
    md = CliRunner().invoke(cli, base + ["--format", "markdown"], input="\n".join(urls) + "\n").stdout
    assert md.startswith("# Archive coverage audit")
    assert f"| not_archived | live-unarchived | 200 | ukgwa 0, wayback 0 | {urls[2]} | — |" in md


def test_page_link_rule():
    html = b"""<html><body><nav><a href="/a.pdf">nav</a></nav>
    <a href="docs/one.pdf#p2">1</a><a href="docs/one.pdf">1 again</a><a href="mailto:x@y.uk">m</a>
    <a href="javascript:void(0)">j</a><a href="/page">html page</a><a href="https://other.example/two.CSV">2</a>
    <a href="#top">top</a><footer><a href="/f.pdf">f</a></footer></body></html>"""
    base = "https://www.gov.uk/government/publications/x"
    assert urls_from_page(html, base) == ["https://www.gov.uk/government/publications/docs/one.pdf",
                                          "https://other.example/two.CSV"]
    assert urls_from_page(html, base, match=r"/page$") == ["https://www.gov.uk/page"]


def test_page_file_needs_base_for_relative_links(tmp_path, local_archive):
    page = tmp_path / "list.html"
    page.write_bytes(b'<a href="docs/one.pdf">1</a>')
    from archivecheck.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["audit", "--page", str(page)])
    assert exc.value.code == 2


def test_sitemap_index_with_gzip_sitemap(scenario, local_archive, fast_config):
    site = scenario.site
    first, second = scenario.urls[:3], scenario.urls[100:102]
    site.add("https://www.gov.uk/sitemaps/one.xml", sitemap(first), mime="application/xml")
    site.add("https://www.gov.uk/sitemaps/two.xml.gz", gzipped(sitemap(second)), mime="application/gzip")
    site.add("https://www.gov.uk/sitemap.xml", sitemap_index(
        ["https://www.gov.uk/sitemaps/one.xml", "https://www.gov.uk/sitemaps/two.xml.gz"]),
        mime="application/xml")
    result = _run(["audit", "--sitemap", "https://www.gov.uk/sitemap.xml", "--format", "jsonl",
                   "--config", fast_config, *local_archive.cli_args()],
                  env={"ARCHIVECHECK_LIVE_OVERRIDE": site.env_value()})
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["original_url"] for r in rows] == first + second
    assert [r["status"] for r in rows] == [scenario.expected[u][0] for u in first + second]


def test_head_refused_falls_back_to_ranged_get(scenario):
    url = sorted(scenario.head_refused & {u for u in scenario.urls if "unarchived" in u})[0]
    hosts = LiveHosts.parse(tuple(scenario.site.overrides()), environ={})
    with ArchiveSession(NetworkPolicy(live_per_minute=60000)) as session:
        live = check_live(session, hosts, url)
    assert (live.status, live.method, live.live) == (200, "GET bytes=0-1023", True)
    assert live.length == len(scenario.site.pages[url].body)


def test_live_checks_respect_the_per_host_rate(scenario):
    urls = [u for u in scenario.urls if "lost" in u][:5]
    hosts = LiveHosts.parse(tuple(scenario.site.overrides()), environ={})
    start = time.monotonic()
    with ArchiveSession(NetworkPolicy(live_per_minute=300)) as session:  # one per 0.2 s
        for url in urls:
            check_live(session, hosts, url)
    elapsed = time.monotonic() - start
    times = sorted(h.at for u in urls for h in scenario.site.hits(u) if h.at >= start)
    assert len(times) == 5
    # A burst of 2, then one every 0.2 s: the fifth request cannot leave before 0.6 s. Measured on
    # the client, since arrival times at the server are compressed by scheduling jitter under load.
    assert elapsed >= 0.6


@pytest.fixture
def stand_in(local_archive, scenario):
    def fetch(url):
        page = scenario.site.pages.get(url)
        return None if page is None else (page.status, page.mime, page.body)

    with StandIn(local_archive.front.port, local_archive.root, fetch, per_minute=2, window=3.0) as s:
        yield s


def _save_args(scenario, local_archive, stand_in, fast_config, *extra):
    return ["audit", "-", "--format", "json", "--config", fast_config, "--save", "--save-poll", "0.2",
            "--save-timeout", "30", "--archive", "ukgwa=" + local_archive.ukgwa_base,
            "--archive", "wayback=" + stand_in.wayback_base, *_overrides(scenario.site), *extra]


def test_save_captures_live_unarchived_urls_and_reverifies(scenario, local_archive, stand_in, fast_config):
    targets = [ROOT + f"unarchived-{i:03d}.pdf" for i in (10, 11, 12)]
    urls = targets + [ROOT + "same-004.pdf", ROOT + "lost-005.pdf"]
    stand_in.force_429 = 1  # the first submission is refused with Retry-After: 1
    result = CliRunner().invoke(cli, _save_args(scenario, local_archive, stand_in, fast_config),
                                input="\n".join(urls) + "\n")
    doc = json.loads(result.stdout)
    rows = {r["original_url"]: r for r in doc["results"]}
    for url in targets:
        r = rows[url]
        assert (r["status"], r["archive"], r["risk"]) == ("ok", "wayback", None), r
        wb, tna = r["saves"]
        assert wb["status"] == "success" and wb["job_id"].startswith("spn2-") and len(wb["timestamp"]) == 14
        assert r["memento_url"] == f"https://web.archive.org/web/{wb['timestamp']}/{url}"
        assert r["archives"]["wayback"]["good_captures"] == 1 and r["good_captures"] == 1
        assert tna["status"] == "ask The National Archives" and "no public save API" in tna["message"]
    assert rows[urls[3]]["saves"] == [] and rows[urls[4]]["saves"] == []
    assert result.exit_code == 1  # lost-005 is still not archived
    # Politeness: never more than 2 accepted submissions in any 3 s window; every 429 was waited out.
    accepted = [t for t, s in stand_in.posts if s == 200]
    assert len(accepted) == 3
    assert all(b - a >= 3.0 - 0.05 for a, b in zip(accepted, accepted[2:]))
    statuses = [s for _, s in stand_in.posts]
    assert statuses.count(429) <= 3
    for (t429, s), (t_next, _) in zip(stand_in.posts, stand_in.posts[1:]):
        if s == 429:
            assert t_next - t429 >= 0.95


def test_save_dry_run_lists_and_saves_nothing(scenario, local_archive, stand_in, fast_config):
    urls = [ROOT + "unarchived-020.pdf", ROOT + "soft404-001.pdf", ROOT + "removed-001.pdf"]
    result = CliRunner().invoke(cli, _save_args(scenario, local_archive, stand_in, fast_config, "--dry-run"),
                                input="\n".join(urls) + "\n")
    doc = json.loads(result.stdout)
    assert [[j["status"] for j in r["saves"]] for r in doc["results"]] == [
        ["would-save", "ask The National Archives"], ["would-save", "ask The National Archives"], []]
    assert stand_in.posts == []


def test_usage_errors_exit_2(tmp_path):
    from archivecheck.cli import main

    for argv in (["audit"], ["audit", "x.txt", "--sitemap", "s.xml"], ["audit", "--dry-run", "-"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
