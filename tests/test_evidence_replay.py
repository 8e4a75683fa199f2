"""The evidence pack replays (#22): the WACZ that `scan --evidence` wrote for the reference letter,
loaded into a real pywb collection the way pywb loads any WACZ (`wb-manager add --unpack-wacz`,
which uses the pack's own CDXJ index), gives back the verified capture byte for byte: the same
SHA-256 the report recorded."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import requests
from click.testing import CliRunner

from archivecheck.cli import cli
from tests.archive.server import _start_pywb, _stop_process

REPO = Path(__file__).resolve().parents[1]
LETTER = REPO / "fixtures" / "letters" / "ico-foi-response-IC-252019-Z2Y2.md"


def test_pywb_replays_the_verified_capture_from_the_pack(local_archive, fast_config, tmp_path):
    from pywb.manager.manager import CollectionsManager

    evidence = tmp_path / "evidence"
    result = CliRunner().invoke(cli, ["--config", str(fast_config), *local_archive.cli_args(), "scan", "--format",
                                      "json", "--no-progress", "--evidence", str(evidence), str(LETTER)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (record,) = doc["results"]
    (wacz,) = evidence.glob("*.wacz")
    with zipfile.ZipFile(wacz) as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()][1:]
    (page,) = pages  # the one verified capture, as the archive was asked for it
    timestamp = page["ts"][:19].replace("-", "").replace("T", "").replace(":", "")

    root = tmp_path / "replay"
    manager = CollectionsManager("evidence", colls_dir=str(root / "collections"), must_exist=False)
    manager.add_collection()
    manager.add_archives([str(wacz)], unpack_wacz=True)
    process, port = _start_pywb(root, timeout=60)
    try:
        replay = requests.get(f"http://127.0.0.1:{port}/evidence/{timestamp}id_/{page['url']}", timeout=30)
        assert replay.status_code == 200
        assert hashlib.sha256(replay.content).hexdigest() == record["sha256"]
        assert len(replay.content) == record["content_length"]
        assert replay.headers["Content-Type"].startswith("application/pdf")
        # And pywb's own index of the pack finds the capture where our CDXJ said it is.
        cdx = requests.get(f"http://127.0.0.1:{port}/evidence/cdx", params={"url": page["url"], "output": "json"},
                           timeout=30)
        (line,) = [json.loads(x) for x in cdx.text.splitlines()]
        assert line["digest"] == "sha256:" + record["sha256"]
    finally:
        _stop_process(process)
