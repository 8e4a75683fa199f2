"""An archive declared in the config file is found and repaired exactly as UKGWA and Wayback are:
one archive grammar, compiled from the registry (#8 item 1).

Offline with the public base only, and through the index of a local pywb serving an ``arquivo``
collection (built from a capture made here, see tests/archive/build.py ``extra``).
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archivecheck.archives import ArchiveRegistry
from archivecheck.cli import cli
from archivecheck.config import load_settings
from archivecheck.grammar import builtin_grammar, compile_grammar
from archivecheck.repair import repair_text
from tests.archive import Capture, LocalArchive
from tests.conftest import FAST_NETWORK_POLICY

PUBLIC = "https://arquivo.pt/wayback/"
ORIGINAL = "https://www.example.pt/relatorio-anual.pdf"
DAMAGED = f"See {PUBLIC}2019010 1000000/{ORIGINAL}"
REPAIRED = f"{PUBLIC}20190101000000/{ORIGINAL}"
# A reading only the index can settle: a line break inside "relatorio-anual", no hyphen shown,
# and no English word frequency to go by.
AMBIGUOUS = f"See {PUBLIC}20190101000000/https://www.example.pt/relatorio\nanual.pdf for the report."

ARQUIVO_CAPTURE = Capture(
    id="arquivo_relatorio", collection="arquivo", url=ORIGINAL, timestamp="20190101000000", status=200,
    mime="application/pdf", body_file="annual-report-2019.pdf", expected="ok",
    tests="a configured (non-built-in) pywb archive: its links are found, repaired and verified",
)


@pytest.fixture(scope="module")
def arquivo_archive(tmp_path_factory):
    archive = LocalArchive.start(tmp_path_factory.mktemp("arquivo-archive"), extra_captures=[ARQUIVO_CAPTURE])
    yield archive
    archive.stop()


def _config(tmp_path, table: str):
    path = tmp_path / "arq.toml"
    path.write_text(table + "\n" + FAST_NETWORK_POLICY, encoding="utf-8")
    return str(path)


def _invoke(*argv, input=None):
    result = CliRunner().invoke(cli, list(argv), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_the_grammar_knows_every_archive_in_the_registry():
    settings = load_settings(environ={}, config_file=None)
    assert compile_grammar(settings.registry) is builtin_grammar()  # compiled once, shared
    registry = ArchiveRegistry.builtin()
    from archivecheck.archives import Archive

    # Arquivo.pt is among the public archives known out of the box (#19), so the archive declared
    # here is one no built-in list knows: only the registry's grammar can find its links.
    public = "https://webarchive.example.org/wayback/"
    damaged, repaired_link = DAMAGED.replace(PUBLIC, public), REPAIRED.replace(PUBLIC, public)
    registry = registry.with_archive(Archive("example", public, "pywb"))
    grammar = compile_grammar(registry)
    assert "webarchive.example.org/wayback/" in grammar.prefixes
    assert grammar.archive_link.match(repaired_link).group("orig") == ORIGINAL
    assert not builtin_grammar().archive_link.match(repaired_link)
    # The built-in grammar sees only a space inside some link's path (a re-wrap's, #16), not a
    # timestamp …
    [unknown] = repair_text(damaged)
    assert "timestamp-space" not in unknown.repairs
    # … the registry's grammar repairs it as it would a UKGWA link.
    [repaired] = repair_text(damaged, grammar=grammar)
    assert repaired.url == repaired_link and "timestamp-space" in repaired.repairs


def test_configured_archive_repaired_offline(tmp_path):
    config = _config(tmp_path, f'[archives.arquivo]\nbase = "{PUBLIC}"\n')
    result = _invoke("--config", config, "repair", "--offline", "-", input=DAMAGED + "\n")
    assert result.exit_code == 0, result.output
    assert f"  -> {REPAIRED}\n" in result.output
    assert "(no repair needed)" not in result.output


def test_configured_archive_repaired_and_verified_through_a_local_pywb(tmp_path, arquivo_archive):
    local_base = arquivo_archive.base + "arquivo/"
    config = _config(tmp_path, f'[archives.arquivo]\nbase = "{local_base}"\npublic_base = "{PUBLIC}"\n')
    arquivo_archive.front.reset_log()
    repaired = _invoke("--config", config, "repair", "-", input=AMBIGUOUS + "\n")
    assert repaired.exit_code == 0, repaired.output
    assert f"  -> {PUBLIC}20190101000000/https://www.example.pt/relatorio-anual.pdf\n" in repaired.output
    assert "confirmed by the archive" in repaired.output
    # The index that settled it is the configured archive's, on loopback; the output stays public.
    assert any(r.path.startswith("/arquivo/cdx") for r in arquivo_archive.front.requests)
    assert "127.0.0.1" not in repaired.output

    checked = _invoke("--config", config, "check", "--no-progress", "--format", "json", DAMAGED[4:])
    assert checked.exit_code == 0, checked.output
    [record] = json.loads(checked.output)["results"]
    assert record["url"] == REPAIRED
    assert record["status"] == "ok" and record["archive"] == "arquivo"
    assert record["memento_url"].startswith(PUBLIC) and "127.0.0.1" not in checked.output


def test_an_archive_may_have_request_limits_of_its_own(tmp_path):
    from archivecheck.errors import ConfigError
    from archivecheck.http import ArchiveSession

    config = _config(tmp_path, f'[archives.arquivo]\nbase = "http://127.0.0.1:9/arquivo/"\npublic_base = "{PUBLIC}"\n'
                               'index_per_minute = 6\nreplay_per_minute = 30\n'
                               '[archives.ukgwa]\nindex_per_minute = 12\n')
    settings = load_settings(config, environ={})
    assert settings.registry.get("arquivo").index_per_minute == 6
    with ArchiveSession(settings.network) as session:
        assert session.limiter("http://127.0.0.1:9/arquivo/cdx", "index").interval == 10.0
        assert session.limiter("http://127.0.0.1:9/arquivo/2019/x", "replay").interval == 2.0
        assert session.limiter("https://webarchive.nationalarchives.gov.uk/ukgwa/cdx", "index").interval == 5.0
        # Archives without limits of their own keep the [network] policy's.
        assert session.limiter("https://web.archive.org/cdx/search/cdx", "index").interval == \
            60.0 / settings.network.index_per_minute
    # The limit follows the archive to wherever it is remapped.
    remapped = load_settings(config, ("ukgwa=http://127.0.0.1:8/ukgwa/",), environ={})
    with ArchiveSession(remapped.network) as session:
        assert session.limiter("http://127.0.0.1:8/ukgwa/cdx", "index").interval == 5.0
    for bad in ("0", "-1", '"fast"'):
        with pytest.raises(ConfigError, match="index_per_minute must be a positive number"):
            load_settings(_config(tmp_path, f'[archives.arquivo]\nbase = "{PUBLIC}"\nindex_per_minute = {bad}\n'),
                          environ={})
