"""archivecheck serve keeps no more than it needs and trusts nothing the client chooses (#19):
no letter text on disk, owner-only files, purging on a timer, no Host reflection, HMAC-bound CSRF,
a queue with its position, a cap on links."""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import archivecheck
from archivecheck.web import CheckService, CheckStore, create_app
from archivecheck.web.retention import RetentionTimer
from tests.archive import capture, link
from tests.reference import REFERENCE_LINK
from tests.test_web import _finished, _submit, _token, web  # noqa: F401 - `web` is a fixture

REQUESTER = "Philippa Quennell-Arbuthnot"
ADDRESS = "17 Marrowbone Terrace, Little Snoring"
LETTER = (f"Dear {REQUESTER},\n{ADDRESS}\n\nThe report you asked for is at {REFERENCE_LINK} and the bulletin at "
          f"{link('link_mixed_2023').input}.\n\nYours sincerely\n")


def _settings(local_archive, fast_config):
    return archivecheck.load_settings(str(fast_config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base})


def _every_file(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_by_default_no_file_the_service_writes_holds_a_word_of_the_letter(local_archive, fast_config, tmp_path):
    folder = tmp_path / "service"
    old = os.umask(0)  # the most permissive umask: the service must not rely on the caller's
    try:
        store = CheckStore(folder / "db" / "checks.sqlite")
        # A reader kept open, so SQLite leaves its -wal and -shm files in place (the last connection
        # to close folds them into the database): they are grepped too, with all the writes in them.
        keeper = sqlite3.connect(store.path)
        keeper.execute("SELECT COUNT(*) FROM checks").fetchone()
        with CheckService(_settings(local_archive, fast_config), store) as service:
            app = create_app(service)
            client = app.test_client()
            location = _submit(client, text=LETTER).headers["Location"]
            record = _finished(client, location)
            assert [r["status"] for r in record["results"]] == ["ok", "broken"]
            # The page still builds the corrected letter from memory while the letter is held...
            assert REQUESTER in client.get(location + "/letter").get_data(as_text=True)
            client.get(location + "/evidence.md")
            files = _every_file(folder) + _every_file(Path(app.extensions["archivecheck"]["uploads"].folder))
            assert {p.name for p in files} >= {"checks.sqlite", "checks.sqlite-wal", "checks.sqlite-shm"}
            for path in files:
                data = path.read_bytes()
                for word in (REQUESTER, "Marrowbone", "Yours sincerely", "Dear "):
                    assert word.encode() not in data, f"{word!r} written to {path}"
                assert path.stat().st_mode & 0o777 == 0o600, path
            for sub in [folder / "db"] + [p for p in folder.rglob("*") if p.is_dir()]:
                assert sub.stat().st_mode & 0o777 == 0o700, sub
            # ... and forgets it when its time is up: the page says so instead of a letter.
            assert service.forget_expired(now=time.monotonic() + 59 * 60) == 0
            assert service.forget_expired(now=time.monotonic() + 61 * 60) == 1
            assert client.get(location + "/letter").status_code == 404
            assert "The letter is no longer held by this service" in client.get(location).get_data(as_text=True)
            app.extensions["archivecheck"]["uploads"].close()
        keeper.close()
    finally:
        os.umask(old)


def test_keeping_the_letter_is_an_option_with_its_own_retention(local_archive, fast_config, tmp_path):
    store = CheckStore(tmp_path / "checks.sqlite")
    with CheckService(_settings(local_archive, fast_config), store, keep_letter_days=2, hold_minutes=0) as service:
        client = create_app(service).test_client()
        location = _submit(client, text=LETTER).headers["Location"]
        _finished(client, location)
        assert REQUESTER in client.get(location + "/letter").get_data(as_text=True)  # from the store, not memory
        with store._connect() as db:
            db.execute("UPDATE checks SET letter_until = '2001-01-01T00:00:00Z'")
        assert store.purge(30) == 0  # the check stays for its 30 days...
        assert client.get(location + "/letter").status_code == 404  # ... the letter went after its 2
        with store._connect() as db:
            assert db.execute("SELECT COUNT(*) FROM checks WHERE letter IS NOT NULL").fetchone()[0] == 0


def test_the_start_page_says_what_is_kept_and_for_how_long(web):
    client, _ = web
    page = client.get("/").get_data(as_text=True)
    assert "What this service keeps" in page
    assert "These are deleted automatically 30 days after the check." in page
    assert "Not the letter’s text or file: they are never written to disk." in page
    assert "held in the service’s memory for up to 60 minutes" in page
    assert "deleted once it has been checked" not in page


def test_a_check_past_its_retention_is_purged_by_the_timer_without_any_upload(tmp_path):
    store = CheckStore(tmp_path / "c.sqlite")
    old_id = store.create("old.txt", "txt", [("old.txt", "x", "x", ())])
    new_id = store.create("new.txt", "txt", [("new.txt", "y", "y", ())])
    with store._connect() as db:
        db.execute("UPDATE checks SET created_at = '2001-01-01T00:00:00Z' WHERE id = ?", (old_id,))

    class Service:  # the timer's view of the service: its store and its held letters
        def __init__(self):
            self.store, self.forgotten = store, threading.Event()
            self.packs = SimpleNamespace(purge=lambda store: 0)  # evidence packs (#22): none here

        def forget_expired(self):
            self.forgotten.set()
            return 0

    service = Service()
    timer = RetentionTimer(service, keep_days=30, interval=0.05)
    timer._thread.start()  # not start(): that purges at once; here only the timer may do it
    try:
        deadline = time.monotonic() + 5
        while store.get(old_id) is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.get(old_id) is None and store.get(new_id) is not None
        assert service.forgotten.wait(5)
    finally:
        timer.stop()
    assert not timer._thread.is_alive()


def test_the_host_header_changes_nothing_and_the_public_address_is_configured(local_archive, fast_config, tmp_path):
    with CheckService(_settings(local_archive, fast_config), CheckStore(tmp_path / "c.sqlite")) as service:
        for public in (None, "https://checks.example.gov.uk/"):
            app = create_app(service, public_url=public)
            client = app.test_client()
            location = _submit(client, text=REFERENCE_LINK).headers["Location"]
            _finished(client, location)
            for path in ("/", location, location + "/progress", location + "/evidence", location + "/evidence?address=1",
                         location + "/evidence.md", location + "/evidence.md?address=1", location + ".json"):
                body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
                assert "evil.example" not in body, path
            page = client.get(location, headers={"Host": "evil.example"}).get_data(as_text=True)
            if public:
                assert f"https://checks.example.gov.uk{location}</a>" in page
                # The case-file records carry the address only when asked.
                assert "checks.example.gov.uk" not in client.get(location + "/evidence").get_data(as_text=True)
                assert "checks.example.gov.uk" not in client.get(location + "/evidence.md").get_data(as_text=True)
                assert f"https://checks.example.gov.uk{location}" in client.get(location + "/evidence?address=1").get_data(as_text=True)
                assert f"https://checks.example.gov.uk{location}" in client.get(location + "/evidence.md?address=1").get_data(as_text=True)
            else:
                assert "this page’s address" in page and "http://localhost" not in page
            app.extensions["archivecheck"]["uploads"].close()


def test_a_planted_cookie_and_token_pair_is_refused_and_https_uses_a_host_cookie(web):
    client, _ = web
    planted = "A" * 43
    client.set_cookie("archivecheck_csrf", planted)
    response = client.post("/checks", data={"csrf_token": planted, "text": REFERENCE_LINK},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    # The page's own token (an HMAC of the cookie's value) passes.
    assert _submit(client, text=REFERENCE_LINK).status_code == 303

    secure = client.application.test_client()
    response = secure.get("/", base_url="https://checks.example.gov.uk")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-archivecheck_csrf=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie and "SameSite=Strict" in cookie and "HttpOnly" in cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    nonce = cookie.split(";")[0].split("=", 1)[1]
    assert token != nonce  # the token is not the cookie's value: it cannot be planted beside it
    sent = secure.post("/checks", data={"csrf_token": token, "text": REFERENCE_LINK},
                       base_url="https://checks.example.gov.uk", content_type="multipart/form-data")
    assert sent.status_code == 303


def test_each_waiting_letter_shows_how_many_are_ahead_of_it(local_archive, fast_config, tmp_path):
    with CheckService(_settings(local_archive, fast_config), CheckStore(tmp_path / "c.sqlite"), workers=1) as service:
        client = create_app(service).test_client()
        # The single worker is kept busy by hand, so the queue is there to be seen.
        release = threading.Event()
        service._pool.submit(release.wait, 20)
        locations = [_submit(client, text=REFERENCE_LINK).headers["Location"] for _ in range(4)]
        try:
            for ahead, location in enumerate(locations):
                page = client.get(location).get_data(as_text=True)
                if ahead:
                    assert f"Waiting to start: {ahead} letter{'s' if ahead > 1 else ''} ahead of yours." in page
                    assert client.get(location + ".json").get_json()["letters_ahead"] == ahead
                else:
                    assert "Waiting to start: 0" not in page and "ahead of yours" not in page
        finally:
            release.set()
        assert all(_finished(client, location)["state"] == "done" for location in locations)
        assert "ahead of yours" not in client.get(locations[-1]).get_data(as_text=True)


def test_a_letter_with_more_links_than_the_cap_gets_a_clear_message(local_archive, fast_config, tmp_path):
    with CheckService(_settings(local_archive, fast_config), CheckStore(tmp_path / "c.sqlite"), max_links=2) as service:
        client = create_app(service).test_client()
        text = " ".join(capture(c).public_url() for c in ("ico_mps_ukgwa", "mixed_2021", "web_only_pdf"))
        response = _submit(client, text=text)
        assert response.status_code == 422
        assert "The letter has 3 links; this service checks up to 2 in one letter" in response.get_data(as_text=True)


def test_a_public_url_that_is_not_an_http_address_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from archivecheck.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--public-url", "javascript:alert(1)", "--db", str(tmp_path / "x" / "c.sqlite")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["archivecheck: error: --public-url: 'javascript:alert(1)' is not an http(s) address"]
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(cli, ["serve", "--user-header", "X-Remote-User", "--db", str(tmp_path / "x" / "c.sqlite")])
    assert result.exit_code == 2 and "--user-header needs --trusted-proxy" in result.output


def test_the_signed_in_user_named_by_the_proxy_is_recorded_with_a_decision(local_archive, fast_config, tmp_path):
    from tests.test_web import _decide

    with CheckService(_settings(local_archive, fast_config), CheckStore(tmp_path / "c.sqlite")) as service:
        app = create_app(service, user_header="X-Remote-User")
        client = app.test_client()
        location = _submit(client, text=link("link_mixed_2023").input).headers["Location"]
        _finished(client, location)
        _decide(client, location, 0, "Keep the link as written", headers={"X-Remote-User": "<b>j.smith</b>"})
        evidence = client.get(location + "/evidence.md").get_data(as_text=True)
        assert "(by &lt;b>j.smith&lt;/b>, 20" in evidence
        assert "Decided by &lt;b&gt;j.smith&lt;/b&gt; on " in client.get(location).get_data(as_text=True)
        app.extensions["archivecheck"]["uploads"].close()


def test_past_the_memory_budget_the_oldest_letter_and_its_corrected_version_are_forgotten(local_archive, fast_config,
                                                                                          tmp_path):
    with CheckService(_settings(local_archive, fast_config), CheckStore(tmp_path / "c.sqlite"),
                      hold_budget=len(LETTER.encode()) + 10) as service:
        client = create_app(service).test_client()
        first = _submit(client, text=LETTER).headers["Location"]
        _finished(client, first)
        assert REQUESTER in client.get(first + "/letter").get_data(as_text=True)  # built, and cached
        second = _submit(client, text=LETTER.replace(REQUESTER, "Somebody Else")).headers["Location"]
        _finished(client, second)
        assert client.get(first + "/letter").status_code == 404
        assert "Somebody Else" in client.get(second + "/letter").get_data(as_text=True)
        assert not any(REQUESTER in (built.data or b"").decode("utf-8", "replace") for built in service._built.values())


def test_a_database_from_the_first_version_is_emptied_of_its_letters_when_opened(tmp_path):
    # The first version kept every corrected letter for the whole retention (checks.corrected and
    # checks.corrected_suggested): opening such a file now clears them, and overwrites their pages.
    path = tmp_path / "old.sqlite"
    letter = (f"Dear {REQUESTER}, " * 400).encode()  # long enough for SQLite's overflow pages
    with sqlite3.connect(path) as db:
        db.executescript("""CREATE TABLE checks (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, finished_at TEXT,
            name TEXT NOT NULL, format TEXT NOT NULL, state TEXT NOT NULL, message TEXT, corrected BLOB,
            corrected_suggested BLOB, corrected_type TEXT);""")
        db.execute("INSERT INTO checks VALUES ('abcdefghijkl', '2026-12-01T00:00:00Z', NULL, 'a.txt', 'txt', 'done', NULL, ?, ?, 'txt')",
                   (letter, letter))
    db.close()
    assert REQUESTER.encode() in path.read_bytes()
    store = CheckStore(path)
    assert store.get("abcdefghijkl").name == "a.txt"
    for suffix in ("", "-wal"):
        if Path(f"{path}{suffix}").exists():
            assert REQUESTER.encode() not in Path(f"{path}{suffix}").read_bytes(), suffix
