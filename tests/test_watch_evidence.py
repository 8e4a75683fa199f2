"""`watch --evidence DIR` (#22): a pack only for a link whose state changed — newly broken, newly not
archived, recovered — holding that link's exchanges and no other link's; nothing for a link that
stayed as it was."""
from __future__ import annotations

import zipfile
from urllib.parse import unquote

from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tests.archive import capture, link
from tests.test_watch import FAST_POLICY, SOFT_404, run_cli

GOOD = link("link_ico_mps").input
MIXED_2023 = link("link_mixed_2023").input  # a soft-404 capture: broken
B_CAP = capture("html_page_ukgwa")
B = B_CAP.public_url()


def uris(wacz) -> list[str]:
    """The URLs asked, decoded (an index query carries the link's URL in its query string)."""
    with zipfile.ZipFile(wacz) as zf, zf.open("archive/data.warc") as f:
        return [unquote(r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(f)
                if r.rec_type == "response"]


def test_watch_keeps_a_pack_only_when_a_links_state_changes(local_archive, tmp_path):
    import json

    config = tmp_path / "fast.toml"
    config.write_text(FAST_POLICY, encoding="utf-8")
    listfile = tmp_path / "links.txt"
    listfile.write_text("\n".join([GOOD, B, MIXED_2023]) + "\n")
    db, evidence = tmp_path / "watch.db", tmp_path / "evidence"

    def night(folder):
        code, out, err = run_cli(["--config", str(config), *local_archive.cli_args(), "watch", str(listfile), "--db",
                                  str(db), "--no-progress", "--format", "json", "--max-age", "0",
                                  "--evidence", str(folder)])
        assert code in (0, 1), err
        return json.loads(out), err

    # Night 1: the soft 404 is newly broken; the two good links are new and ok: no change to explain.
    doc, err = night(evidence / "1")
    (pack,) = doc["summary"]["evidence"]["packs"]
    files = sorted((evidence / "1").iterdir())
    assert [f.name for f in files] == [pack["wacz"].rsplit("/", 1)[1]]  # no spool left behind
    assert pack["wacz"].rsplit("/", 1)[1].startswith("newly_broken-")
    kept = uris(files[0])
    assert len(kept) >= 2 and all("777777/statistics-bulletin.pdf" in u for u in kept)  # that link's only
    assert any("/cdx?" in u for u in kept)  # the index search for a capture to cite instead, too
    assert f"evidence: 1 pack kept for links whose state changed ({pack['bytes']:,} bytes)" in err
    assert CliRunner().invoke(__import__("archivecheck.cli", fromlist=["cli"]).cli,
                              ["evidence", "verify", pack["wacz"]]).exit_code == 0

    # Night 2: B's capture now replays as a soft 404 (newly broken); the broken link stays broken.
    local_archive.front.inject(B_CAP.url, "status", times=None, **SOFT_404)
    doc, _ = night(evidence / "2")
    (pack,) = doc["summary"]["evidence"]["packs"]
    assert all(B_CAP.url.split("://", 1)[1] in u for u in uris(pack["wacz"]))

    # Night 3: B recovers; nothing else changes.
    local_archive.front.clear_faults()
    doc, _ = night(evidence / "3")
    (pack,) = doc["summary"]["evidence"]["packs"]
    assert pack["wacz"].rsplit("/", 1)[1].startswith("recovered-")

    # Night 4: nothing changes: no pack at all.
    doc, _ = night(evidence / "4")
    assert doc["summary"]["evidence"]["packs"] == [] and list((evidence / "4").iterdir()) == []
