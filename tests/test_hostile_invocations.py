"""Bad invocations, as a new user or an attacker would type them (#11 item 7): every one exits 2
with one line on stderr, no traceback, and leaves every file it was not asked to write as it was.

The archives are remapped to a closed loopback port, so nothing can leave the machine; every case
here fails before any request is made.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from archivecheck.cli import cli

from . import hostile

CLOSED = ["--archive", "ukgwa=http://127.0.0.1:9/ukgwa/", "--archive", "wayback=http://127.0.0.1:9/web/"]
URL = "https://www.gov.uk/government/publications/foi-guidance"

NUMBERS = ["nan", "inf", "-inf", "-1", "0", "abc", "", "1e999", "NaN", "0x10"]
NUMERIC_OPTIONS = [  # (command prefix, option, values that are fine and so left out)
    (["check", URL], "--timeout", set()),
    (["scan", "{letter}"], "--timeout", set()),
    (["repair", "{letter}", "--offline"], "--timeout", set()),
    (["audit", "{links}"], "--timeout", set()),
    (["audit", "{links}", "--save"], "--save-poll", set()),
    (["audit", "{links}", "--save"], "--save-timeout", set()),
    (["audit", "{links}"], "--workers", set()),
    (["serve", "--port", "0"], "--keep-days", {"0"}),
    (["serve", "--port", "0"], "--max-upload", set()),
    (["serve"], "--port", {"0"}),
    (["serve", "--port", "0"], "--threads", set()),
    (["watch", "{links}", "--db", "{tmp}/new.db"], "--concurrency", set()),
]
NUMERIC_CASES = [(prefix + [option, value], f"{prefix[0]} {option} {value!r}")
                 for prefix, option, fine in NUMERIC_OPTIONS for value in NUMBERS if value not in fine]

CONFIGS = [
    "[network]\ntimeout = 0\n", "[network]\ntimeout = nan\n", "[network]\ntimeout = inf\n",
    "[network]\ntimeout = -inf\n", "[network]\ntimeout = -1\n", '[network]\ntimeout = "30"\n',
    "[network]\ntimeout = true\n", "[network]\nconnect_timeout = 0\n", "[network]\nretries = -1\n",
    "[network]\nretries = 1.5\n", "[network]\nretries = nan\n", "[network]\nbackoff = -2\n",
    "[network]\nbackoff = inf\n", "[network]\nindex_per_minute = 0\n", "[network]\nindex_per_minute = nan\n",
    "[network]\nreplay_per_minute = -300\n", "[network]\nlive_per_minute = inf\n",
    "[network]\nsave_per_minute = 0\n", "[network]\nmax_bytes = 0\n", "[network]\nmax_bytes = 1e400\n",
    "[network]\nkeep_bytes = -1\n", "[network]\nmax_retry_after = nan\n", "[network]\nuser_agent = 5\n",
    "[network]\nnosuch = 1\n", "archives = 5\n", "network = 5\n", 'archives = "ukgwa"\n', "[archives]\nukgwa = 5\n",
    '[archives.ukgwa]\nbase = "ftp://x/"\n', '[archives.new]\nbase = "https://a.example/"\nindex_per_minute = 0\n',
    '[archives.new]\nbase = "https://a.example/"\nreplay_per_minute = nan\n', '[archives.new]\nlabel = "x"\n',
    '[archives.new]\nbase = "https://a.example/"\ndialect = "heritrix"\n', "prefer = 5\n", 'prefer = ["nosuch"]\n',
    "prefer = []\n", "[network\n", "\xff\xfe", "timeout = 30\n", "[[network]]\ntimeout = 3\n",
]
CONFIG_CASES = [(["check", URL, "--config", "{tmp}/config-%d.toml" % i], f"config {text!r}")
                for i, text in enumerate(CONFIGS)]

INPUT_CASES = [
    (["check"], "check with nothing"),
    (["check", "not a url"], "check a word"),
    (["check", "javascript:alert(1)"], "check javascript:"),
    (["check", "file:///etc/passwd"], "check file:"),
    (["check", "--from", "{tmp}/missing.txt"], "check --from missing"),
    (["check", "--from", "{tmp}"], "check --from a directory"),
    (["check", "--from", "{binary}"], "check --from binary"),
    (["check", "--from", "{empty}"], "check --from empty"),
    (["check", "--from", "/dev/zero"], "check --from /dev/zero"),
    (["check", URL, "--at", "yesterday"], "check --at words"),
    (["check", URL, "--at", "2022-13-45"], "check --at impossible date"),
    (["check", URL, "--at", "99999999999999"], "check --at 14 nines"),
    (["check", URL, "--prefer", "nosuch"], "check --prefer unknown"),
    (["check", URL, "--prefer", ","], "check --prefer empty"),
    (["check", URL, "--archive", "ukgwa"], "--archive without ="),
    (["check", URL, "--archive", "nosuch=http://127.0.0.1:9/x/"], "--archive unknown name"),
    (["check", URL, "--archive", "ukgwa=ftp://127.0.0.1/x/"], "--archive ftp"),
    (["check", URL, "--archive", "=http://127.0.0.1:9/"], "--archive empty name"),
    (["check", URL, "--format", "xml"], "--format xml"),
    (["check", URL, "--output", "{tmp}/missing-dir/report.txt"], "--output missing directory"),
    (["check", URL, "--output", "{tmp}"], "--output a directory"),
    (["check", URL, "--config", "{tmp}/missing.toml"], "--config missing"),
    (["check", URL, "--config", "{tmp}"], "--config a directory"),
    (["check", URL, "--nosuch"], "unknown option"),
    (["nosuch"], "unknown command"),
    (["scan"], "scan with nothing"),
    (["scan", "{tmp}/missing.md"], "scan missing"),
    (["scan", "{binary}"], "scan binary"),
    (["scan", "{zip}"], "scan a zip that is no letter"),
    (["scan", "{legacy}"], "scan a legacy .doc"),
    (["scan", "{fakepdf}"], "scan a .pdf that is not one"),
    (["scan", "{huge}"], "scan a letter over the cap"),
    (["scan", "{bomb}"], "scan a .docx zip bomb"),
    (["scan", "{laughs}"], "scan billion laughs"),
    (["scan", "{letter}", "--output", "{letter}"], "scan --output the letter"),
    (["repair", "{tmp}/missing.txt"], "repair missing"),
    (["repair", "{binary}"], "repair binary"),
    (["repair", "{letter}", "--output", "{letter}"], "repair --output the letter"),
    (["repair", "{html}", "--rewrite", "--offline"], "repair --rewrite html"),
    (["repair", "{letter}", "--format", "yaml"], "repair --format yaml"),
    (["audit"], "audit with nothing"),
    (["audit", "{links}", "--sitemap", "{links}"], "audit two sources"),
    (["audit", "{links}", "--dry-run"], "audit --dry-run alone"),
    (["audit", "{links}", "--match", "x"], "audit --match without --page"),
    (["audit", "--page", "{relative}"], "audit --page relative links without --base"),
    (["audit", "--page", "{relative}", "--base", "https://x.org/", "--match", "("], "audit --match bad regex"),
    (["audit", "--sitemap", "{links}"], "audit --sitemap not XML"),
    (["audit", "--sitemap", "/dev/zero"], "audit --sitemap /dev/zero"),
    (["audit", "--sitemap", "{entities}"], "audit --sitemap with entities"),
    (["audit", "{notlinks}"], "audit list of words"),
    (["audit", "{links}", "--output", "{links}"], "audit --output the list"),
    (["watch", "{links}"], "watch without --db"),
    (["history", URL], "history without --db"),
]

CASES = NUMERIC_CASES + CONFIG_CASES + INPUT_CASES


@functools.lru_cache(maxsize=None)
def _built(name: str, *args) -> bytes:
    return getattr(hostile, name)(*args)  # built once: each bomb takes seconds to make


@pytest.fixture
def workspace(tmp_path):
    files = {
        "letter": ("letter.md", f"Dear requester,\n\nSee {URL} for the guidance.\n".encode()),
        "links": ("links.txt", f"{URL}\n".encode()),
        "notlinks": ("words.txt", b"hello\nworld\n"),
        "binary": ("data.bin", bytes(range(256)) * 8),
        "empty": ("empty.txt", b""),
        "zip": ("letter.docx", hostile._stream_zip({"hello.txt": b"hi"})),
        "legacy": ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        "fakepdf": ("letter.pdf", b"this is no pdf"),
        "bomb": ("bomb.docx", _built("docx_paragraph_flood", 40_000_000)),
        "laughs": ("laughs.docx", hostile.docx_entity_bomb()),
        "html": ("letter.html", f"<p>See <a href='{URL}'>{URL}</a></p>".encode()),
        "relative": ("listing.html", b'<a href="docs/one.pdf">1</a>'),
        "entities": ("sitemap.xml", b'<!DOCTYPE u [<!ENTITY a "x">]><urlset><url><loc>&a;</loc></url></urlset>'),
    }
    paths = {"tmp": str(tmp_path)}
    for key, (name, data) in files.items():
        (tmp_path / name).write_bytes(data)
        paths[key] = str(tmp_path / name)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: the size is what is tested, not the disk
        fh.truncate(60 * 1024 * 1024)
    paths["huge"] = str(huge)
    for i, text in enumerate(CONFIGS):
        (tmp_path / f"config-{i}.toml").write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    return tmp_path, paths


def _snapshot(root: Path) -> dict[str, tuple[int, str]]:
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size < 50_000_000 else "big"
            state[str(path)] = (path.stat().st_mtime_ns, digest)
    return state


@pytest.mark.parametrize("argv", [c[0] for c in CASES], ids=[c[1] for c in CASES])
def test_bad_invocation_is_one_line_and_exit_2(workspace, argv, monkeypatch):
    root, paths = workspace
    monkeypatch.delenv("ARCHIVECHECK_LIVE_OVERRIDE", raising=False)
    argv = [a.format(**paths) for a in argv]
    before = _snapshot(root)
    result = CliRunner().invoke(cli, [*argv, *CLOSED] if argv[0] not in ("nosuch", "history", "serve") else argv)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert len(lines) == 1 and lines[0].startswith("archivecheck: error: "), result.stderr
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    after = _snapshot(root)
    assert {k: v for k, v in after.items() if not k.endswith(".db")} == \
        {k: v for k, v in before.items() if not k.endswith(".db")}


def test_the_suite_is_at_least_120_invocations():
    assert len(CASES) >= 120, len(CASES)
