"""Settings: config file, environment and --archive remaps, --prefer, --timeout (archivecheck/config.py)."""
from __future__ import annotations

import pytest

from archivecheck.config import NetworkPolicy, load_settings
from archivecheck.errors import ConfigError

UKGWA = "https://webarchive.nationalarchives.gov.uk/ukgwa/"


def write(tmp_path, text, name="c.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_suit_the_real_archives():
    s = load_settings(environ={})
    assert s.prefer == ("ukgwa", "wayback")
    assert s.network == NetworkPolicy()
    assert s.network.index_per_minute < 30  # below the Internet Archive's ~30/min for CDX
    assert s.registry.get("ukgwa").request_base == UKGWA
    assert not s.registry.get("wayback").remapped


def test_network_settings_from_file(tmp_path):
    cfg = write(tmp_path, "[network]\ntimeout = 2\nretries = 1\nbackoff = 0.05\nretry_after_default = 0.2\n"
                          "max_bytes = 1000\nuser_agent = \"test-agent\"\n")
    net = load_settings(cfg, environ={}).network
    assert (net.timeout, net.retries, net.backoff, net.retry_after_default, net.max_bytes, net.user_agent) == \
        (2.0, 1, 0.05, 0.2, 1000, "test-agent")
    assert isinstance(net.retries, int) and isinstance(net.max_bytes, int)
    assert net.index_per_minute == NetworkPolicy().index_per_minute  # untouched keys keep defaults


def test_precedence_config_then_env_then_option(tmp_path):
    cfg = write(tmp_path, '[archives.ukgwa]\nbase = "http://127.0.0.1:1/ukgwa/"\n')
    assert load_settings(cfg, environ={}).registry.get("ukgwa").request_base == "http://127.0.0.1:1/ukgwa/"
    env = {"ARCHIVECHECK_ARCHIVE_UKGWA": "http://127.0.0.1:2/ukgwa"}
    assert load_settings(cfg, environ=env).registry.get("ukgwa").request_base == "http://127.0.0.1:2/ukgwa/"
    s = load_settings(cfg, ("ukgwa=http://127.0.0.1:3/ukgwa/",), environ=env)
    ukgwa = s.registry.get("ukgwa")
    assert ukgwa.request_base == "http://127.0.0.1:3/ukgwa/"
    assert ukgwa.public_base == UKGWA  # remapping never changes the public form


def test_archive_option_name_is_case_insensitive():
    s = load_settings(remaps=("WayBack=http://127.0.0.1:4/web/",), environ={})
    assert s.registry.get("wayback").request_base == "http://127.0.0.1:4/web/"


def test_empty_env_value_is_ignored():
    s = load_settings(environ={"ARCHIVECHECK_ARCHIVE_UKGWA": ""})
    assert not s.registry.get("ukgwa").remapped


def test_declare_an_archive(tmp_path):
    cfg = write(tmp_path, '[archives.myarchive]\nbase = "https://archive.example.org/coll"\n'
                          'dialect = "memento"\nlabel = "Example"\n')
    s = load_settings(cfg, environ={})
    a = s.registry.get("myarchive")
    assert (a.public_base, a.dialect, a.label) == ("https://archive.example.org/coll/", "memento", "Example")
    assert a.cdx_url() is None
    assert s.prefer == ("ukgwa", "wayback", "myarchive")  # declaration order by default


def test_prefer_from_file_and_option(tmp_path):
    cfg = write(tmp_path, 'prefer = ["wayback"]\n')
    assert load_settings(cfg, environ={}).prefer == ("wayback",)
    assert load_settings(cfg, environ={}, prefer="ukgwa, WAYBACK,ukgwa").prefer == ("ukgwa", "wayback")


def test_timeout_option():
    net = load_settings(environ={}, timeout=5).network
    assert (net.timeout, net.connect_timeout) == (5.0, 5.0)


@pytest.mark.parametrize("text, message", [
    ("[network\ntimeout = ", "not valid TOML"),
    ("[network]\ntimeuot = 3\n", "unknown setting [network].timeuot"),
    ("[network]\ntimeout = -1\n", "non-negative"),
    ("[network]\nretries = true\n", "non-negative"),
    ("[network]\ntimeout = \"fast\"\n", "non-negative"),
    ("[network]\nuser_agent = 3\n", "user_agent"),
    ("[nework]\ntimeout = 3\n", "unknown section"),
    ('[archives.ukgwa]\nbase = "ftp://x/"\n', "not an http(s) URL"),
    ('[archives.ukgwa]\nbsae = "http://x/"\n', "unknown key archives.ukgwa.bsae"),
    ('[archives.new]\ndialect = "pywb"\n', "needs a base URL"),
    ('[archives.new]\nbase = "http://x/"\ndialect = "heritrix"\n', "dialect must be one of"),
    ('prefer = ["nosuch"]\n', "unknown archive 'nosuch'"),
    ('prefer = 3\n', "prefer must be a list"),
    ("\xff", "not valid TOML"),
])
def test_bad_config_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_bytes(text.encode("latin-1") if text == "\xff" else text.encode("utf-8"))
    with pytest.raises(ConfigError) as err:
        load_settings(str(path), environ={})
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(str(tmp_path / "nope.toml"), environ={})


@pytest.mark.parametrize("remap, message", [
    ("ukgwa", "expects NAME=URL"),
    ("=http://127.0.0.1/x/", "expects NAME=URL"),
    ("ukgwa=", "expects NAME=URL"),
    ("ukgwa=ftp://127.0.0.1/x/", "not an http(s) URL"),
    ("nosuch=http://127.0.0.1/x/", "unknown archive 'nosuch'"),
])
def test_bad_archive_option(remap, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(remaps=(remap,), environ={})


def test_bad_env_remap():
    with pytest.raises(ConfigError, match="not an http"):
        load_settings(environ={"ARCHIVECHECK_ARCHIVE_UKGWA": "127.0.0.1:8080/ukgwa/"})
    with pytest.raises(ConfigError, match="unknown archive"):
        load_settings(environ={"ARCHIVECHECK_ARCHIVE_NOSUCH": "http://127.0.0.1/x/"})


@pytest.mark.parametrize("kwargs", [{"prefer": "ukgwa,nosuch"}, {"prefer": " , "}, {"timeout": 0}])
def test_bad_options(kwargs):
    with pytest.raises(ConfigError):
        load_settings(environ={}, **kwargs)
