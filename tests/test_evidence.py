"""Evidence packs (#22): `check`/`scan --evidence DIR` keep every HTTP exchange as WARC records in a
WACZ, against the real local archive; `evidence verify` checks every digest and the signature, and
fails, naming the WARC inside the pack, when one byte of one record's payload is flipped or the
signature is altered."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from warcio.archiveiterator import ArchiveIterator

from archivecheck.cli import cli
from tests.reference import REFERENCE_LINK, REFERENCE_LINK_DAMAGED

REPO = Path(__file__).resolve().parents[1]
LETTER = REPO / "fixtures" / "letters" / "ico-foi-response-IC-252019-Z2Y2.md"


def invoke(local_archive, fast_config, *args):
    argv = ["--config", str(fast_config), *local_archive.cli_args(), *args]
    result = CliRunner().invoke(cli, argv)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def verify(*args):
    return CliRunner().invoke(cli, ["evidence", "verify", *map(str, args)])


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records_of(wacz: Path) -> list[tuple]:
    """(type, target URI, status, payload bytes, headers) of every record in the pack's WARC."""
    out = []
    with zipfile.ZipFile(wacz) as zf, zf.open("archive/data.warc") as f:
        for record in ArchiveIterator(f):
            status = record.http_headers.get_statuscode() if record.http_headers else None
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), status,
                        record.content_stream().read(), record.rec_headers))
    return out


def keypair(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private, public = tmp_path / f"{name}.pem", tmp_path / f"{name}.pub"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def rewrite_member(wacz: Path, out: Path, name: str, change) -> None:
    """Copy the pack with one member's bytes changed and a valid zip around it (a careful forger)."""
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == name else data)


@pytest.fixture(scope="module")
def scanned(local_archive, fast_config, tmp_path_factory):
    """`scan --evidence DIR` of the reference letter, signed: (result JSON, the DIR, the key pair)."""
    folder = tmp_path_factory.mktemp("evidence")
    private, public = keypair(folder.parent, "org")
    local_archive.front.reset()
    result = invoke(local_archive, fast_config, "scan", "--format", "json", "--no-progress",
                    "--evidence", str(folder), "--sign-key", str(private), str(LETTER))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), folder, (private, public)


def test_scan_writes_one_wacz_named_with_its_sha256(scanned):
    doc, folder, _ = scanned
    packs = list(folder.glob("*.wacz"))
    assert len(packs) == 1
    assert [p.name for p in folder.iterdir()] == [packs[0].name]  # no spool left behind
    (named,) = doc["summary"]["evidence"]
    assert Path(named["wacz"]) == packs[0]
    assert named["sha256"] == sha256_of(packs[0])
    assert named["letter"] == str(LETTER) and named["signed"] is True
    assert "127.0.0.1" not in json.dumps(doc["results"])  # the report stays in public form


def test_the_pack_holds_the_verified_capture_exactly_as_received(scanned):
    doc, folder, _ = scanned
    (result,) = doc["results"]
    assert result["status"] == "ok" and result["url"] == REFERENCE_LINK
    wacz = next(folder.glob("*.wacz"))
    records = records_of(wacz)
    assert records[0][0] == "warcinfo"
    responses = [r for r in records if r[0] == "response"]
    requests = [r for r in records if r[0] == "request"]
    assert len(requests) == len(responses) >= 2  # the index lookup that settled the repair, then the capture
    capture = [r for r in responses if "20220201210413id_/https://ico.org.uk/" in r[1]]
    assert len(capture) == 1
    _, uri, status, payload, headers = capture[0]
    assert status == "200"
    assert hashlib.sha256(payload).hexdigest() == result["sha256"]
    assert len(payload) == result["content_length"]
    assert headers.get_header("WARC-Payload-Digest") == "sha256:" + result["sha256"]
    assert headers.get_header("WARC-Date") and headers.get_header("WARC-Truncated") is None
    assert any("/cdx" in r[1] for r in responses)  # the repair's confirmation is evidence too
    with zipfile.ZipFile(wacz) as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
        manifest = json.loads(zf.read("datapackage.json"))
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    assert pages[0]["format"] == "json-pages-1.0"
    assert [p["url"] for p in pages[1:]] == [uri]
    assert pages[1]["title"] == result["title"]
    assert manifest["profile"] == "data-package" and manifest["wacz_version"] == "1.1.1"
    assert {r["path"] for r in manifest["resources"]} == {"archive/data.warc", "indexes/index.cdx",
                                                          "pages/pages.jsonl"}


def test_the_index_is_what_webrecorders_indexer_makes_of_the_warc(scanned, tmp_path):
    from cdxj_indexer.main import write_cdx_index

    _, folder, _ = scanned
    with zipfile.ZipFile(next(folder.glob("*.wacz"))) as zf:
        zf.extract("archive/data.warc", tmp_path)
        ours = zf.read("indexes/index.cdx").decode()
    theirs = tmp_path / "index.cdx"
    write_cdx_index(str(theirs), [str(tmp_path / "archive" / "data.warc")], {"sort": True})
    assert ours == theirs.read_text()
    assert len(ours.splitlines()) >= 2


def test_verify_holds_on_the_pack_as_written(scanned):
    doc, folder, (_, public) = scanned
    exchanges = doc["summary"]["evidence"][0]["exchanges"]  # as many as repair and verification needed
    wacz = next(folder.glob("*.wacz"))
    result = verify(wacz, "--public-key", public)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "✓ archive/data.warc: SHA-256 matches datapackage.json" in result.output
    assert "✓ datapackage.json: SHA-256 matches datapackage-digest.json" in lines
    assert any(line.startswith("✓ signature by the key in the pack (secp256r1) is valid") for line in lines)
    assert "✓ the signing key is the organisation's key given with --public-key" in lines
    # warcinfo, then a request and a response per exchange
    assert f"✓ archive/data.warc: {1 + 2 * exchanges} WARC records, each matching its block and payload digests" in lines
    assert f"✓ indexes/index.cdx: {exchanges} index lines, each pointing at its record" in lines
    (capture,) = [line for line in lines if line.startswith("✓ verified capture: ")]
    assert "20220201210413id_/https://ico.org.uk/" in capture and capture.endswith(f"SHA-256 {doc['results'][0]['sha256']}")
    assert lines[-1] == f"{wacz}: all {len(lines) - 1} checks hold"


def test_one_flipped_payload_byte_fails_naming_the_warc_and_the_record(scanned, tmp_path):
    doc, folder, _ = scanned
    wacz = next(folder.glob("*.wacz"))
    data = bytearray(wacz.read_bytes())
    with zipfile.ZipFile(wacz) as zf:
        start = zf.getinfo("archive/data.warc").header_offset
    at = data.index(b"%PDF-", start) + 20  # inside the verified capture's payload, stored as is
    data[at] ^= 0x01
    flipped = tmp_path / "flipped.wacz"
    flipped.write_bytes(bytes(data))
    result = verify(flipped)
    assert result.exit_code == 1, result.output
    failing = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert failing[0].startswith("✗ archive/data.warc: its bytes changed after packing")
    assert any(line.startswith("✗ archive/data.warc: the response record for http://127.0.0.1:")
               and "20220201210413id_/https://ico.org.uk/" in line and "payload digest failed" in line
               for line in failing)
    assert result.output.splitlines()[-1].startswith(f"{flipped}: ") and "FAIL" in result.output


def test_a_flip_behind_a_rebuilt_zip_still_fails_on_the_manifest_and_the_record(scanned, tmp_path):
    # A forger who rebuilds the zip (so its CRC is right) still meets datapackage.json's SHA-256
    # and the record's own digest.
    _, folder, _ = scanned
    wacz, forged = next(folder.glob("*.wacz")), tmp_path / "forged.wacz"

    def flip(data: bytes) -> bytes:
        at = data.index(b"%PDF-") + 20
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]

    rewrite_member(wacz, forged, "archive/data.warc", flip)
    result = verify(forged)
    assert result.exit_code == 1
    assert "✗ archive/data.warc: SHA-256 " in result.output
    assert "is not the " in result.output and "payload digest failed" in result.output


def test_an_altered_signature_fails(scanned, tmp_path):
    _, folder, (_, public) = scanned
    wacz, altered = next(folder.glob("*.wacz")), tmp_path / "altered.wacz"

    def alter(data: bytes) -> bytes:
        digest = json.loads(data)
        signature = bytearray(base64.b64decode(digest["signedData"]["signature"]))
        signature[-1] ^= 0x01
        digest["signedData"]["signature"] = base64.b64encode(bytes(signature)).decode()
        return json.dumps(digest).encode()

    rewrite_member(wacz, altered, "datapackage-digest.json", alter)
    result = verify(altered)
    assert result.exit_code == 1
    assert "✗ the signature does not match the signed hash and key" in result.output.splitlines()
    assert "✓ archive/data.warc: SHA-256 matches datapackage.json" in result.output  # the rest still holds


def test_a_pack_signed_with_another_key_fails_against_the_organisations_key(scanned, tmp_path):
    _, folder, _ = scanned
    _, other = keypair(tmp_path, "other")
    result = verify(next(folder.glob("*.wacz")), "--public-key", other)
    assert result.exit_code == 1
    assert "✗ the pack was signed with another key than the one given with --public-key" in result.output


def test_a_changed_manifest_fails_on_the_digest_file(scanned, tmp_path):
    _, folder, _ = scanned
    wacz, changed = next(folder.glob("*.wacz")), tmp_path / "changed.wacz"
    rewrite_member(wacz, changed, "datapackage.json", lambda data: data.replace(b'"title": "', b'"title": "X'))
    result = verify(changed)
    assert result.exit_code == 1
    assert "datapackage.json: sha256:" in result.output and "changed after packing" in result.output


def test_verify_refuses_what_is_not_a_wacz(tmp_path):
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"not a zip")
    result = verify(junk)
    assert result.exit_code == 2
    assert result.output.startswith("archivecheck: error: ") and "not a WACZ" in result.output
    assert verify(tmp_path / "missing.wacz").exit_code == 2


def test_check_keeps_every_hop_and_retry(local_archive, fast_config, tmp_path):
    # A 429 the session waited out, then a Wayback-style redirect to the nearest capture: the
    # pack holds all three answers, each with its request.
    local_archive.front.inject("20220101000000", "429", times=1, retry_after=0)
    link = ("https://web.archive.org/web/20220101000000/https://ico.org.uk/media/action-weve-taken/"
            "audits-and-advisory-visits/4018997/metropolitan-police-service-executive-summary-v1_0.pdf")
    result = invoke(local_archive, fast_config, "check", "--no-progress", "--evidence", str(tmp_path), link)
    assert result.exit_code == 0, result.output
    (wacz,) = tmp_path.glob("check-*.wacz")
    assert f"evidence: {wacz}\n          SHA-256 {sha256_of(wacz)} (" in result.stdout
    responses = [r for r in records_of(wacz) if r[0] == "response"]
    assert [r[2] for r in responses] == ["429", "302", "200"]
    assert "20220101000000id_/" in responses[0][1] and "20220315093000id_/" in responses[2][1]
    assert verify(wacz).exit_code == 0


def test_a_body_not_read_is_marked_truncated_never_padded(local_archive, fast_config, tmp_path):
    # The captured redirect (a 302 with a 100-byte body, served by pywb) ends the dialogue; the
    # session closes it unread, so its record holds no body and says it was cut: WARC-Truncated.
    link = ("https://webarchive.nationalarchives.gov.uk/ukgwa/20210511080000/https://www.gov.uk/government/"
            "uploads/system/uploads/attachment_data/file/600123/removed-report.pdf")
    invoke(local_archive, fast_config, "check", "--no-progress", "--evidence", str(tmp_path), link)
    (wacz,) = tmp_path.glob("check-*.wacz")
    redirects = [r for r in records_of(wacz) if r[0] == "response" and r[2] == "302"]
    assert redirects
    for _, _, _, payload, headers in redirects:
        assert payload == b"" and headers.get_header("WARC-Truncated") == "length"
    assert verify(wacz).exit_code == 0  # truncated is honest, not broken: its digests still hold


def test_an_empty_body_is_complete(local_archive, fast_config, tmp_path):
    # The Wayback-style hop to the nearest capture has Content-Length: 0: nothing was cut.
    link = ("https://web.archive.org/web/20220101000000/https://ico.org.uk/media/action-weve-taken/"
            "audits-and-advisory-visits/4018997/metropolitan-police-service-executive-summary-v1_0.pdf")
    invoke(local_archive, fast_config, "check", "--no-progress", "--evidence", str(tmp_path), link)
    (wacz,) = tmp_path.glob("check-*.wacz")
    (hop,) = [r for r in records_of(wacz) if r[0] == "response" and r[2] == "302"]
    assert hop[3] == b"" and hop[4].get_header("WARC-Truncated") is None


def test_markdown_evidence_record_names_the_pack(local_archive, fast_config, tmp_path):
    result = invoke(local_archive, fast_config, "scan", "--format", "markdown", "--no-progress",
                    "--evidence", str(tmp_path), str(LETTER))
    assert result.exit_code == 0
    (wacz,) = tmp_path.glob("*.wacz")
    assert "## Evidence packs" in result.stdout
    assert f"| {LETTER} | `{wacz.name}` | `{sha256_of(wacz)}` | " in result.stdout


def test_sign_key_alone_is_a_usage_error(local_archive, fast_config, tmp_path):
    private, _ = keypair(tmp_path, "org")
    result = invoke(local_archive, fast_config, "check", "--sign-key", str(private), REFERENCE_LINK_DAMAGED)
    assert result.exit_code == 2
    assert "--sign-key signs evidence packs: give --evidence DIR too" in result.output


def test_a_key_that_is_not_ecdsa_is_refused_before_any_request(local_archive, fast_config, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    result = invoke(local_archive, fast_config, "check", "--evidence", str(tmp_path / "ev"), "--sign-key", str(bad),
                    REFERENCE_LINK_DAMAGED)
    assert result.exit_code == 2
    assert result.output.startswith("archivecheck: error: cannot read the signing key")
    assert local_archive.front.requests == []


def test_the_page_offers_the_pack_and_the_printed_record_shows_its_sha256(local_archive, fast_config, tmp_path):
    import io
    import re
    import time

    import archivecheck
    from archivecheck.web import CheckService, CheckStore, create_app
    from archivecheck.web.retention import RetentionTimer

    settings = archivecheck.load_settings(str(fast_config), archives={
        "ukgwa": local_archive.ukgwa_base, "wayback": local_archive.wayback_base})
    with CheckService(settings, CheckStore(tmp_path / "checks.sqlite")) as service:
        app = create_app(service, max_upload=200_000)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
        posted = client.post("/checks", data={"csrf_token": token, "text": "",
                                              "letter": (io.BytesIO(LETTER.read_bytes()), LETTER.name)},
                             content_type="multipart/form-data")
        location = posted.headers["Location"]
        deadline = time.monotonic() + 20
        while client.get(location + ".json").get_json()["state"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        check_id = location.rsplit("/", 1)[1]
        download = client.get(location + "/evidence.wacz")
        assert download.status_code == 200
        assert download.headers["Content-Disposition"] == f"attachment; filename=evidence-{check_id}.wacz"
        saved = tmp_path / "downloaded.wacz"
        saved.write_bytes(download.data)
        digest = hashlib.sha256(download.data).hexdigest()
        page = client.get(location).get_data(as_text=True)
        assert f'href="{location}/evidence.wacz"' in page and digest in page
        printed = client.get(location + "/evidence").get_data(as_text=True)
        assert f"evidence-{check_id}.wacz" in printed and f"SHA-256 <code>{digest}</code>" in printed
        robust = f"Robust Link, for a web page: <code>&lt;a href=&#34;{REFERENCE_LINK}&#34; data-originalurl="
        assert robust in printed and "data-versiondate=&#34;2022-02-01&#34;" in printed
        assert verify(saved).exit_code == 0
        (result,) = client.get(location + ".json").get_json()["results"]
        capture = [r for r in records_of(saved) if r[0] == "response" and r[2] == "200" and "id_/https://ico" in r[1]]
        assert hashlib.sha256(capture[0][3]).hexdigest() == result["sha256"]
        # The pack goes with its check.
        time.sleep(1.1)  # the store's times are to the second
        RetentionTimer(service, keep_days=1e-9).purge_now()
        assert client.get(location + "/evidence.wacz").status_code == 404
        assert list((tmp_path / "evidence").glob("*")) == []
        app.extensions["archivecheck"]["uploads"].close()


def test_the_sentence_and_the_evidence_carry_a_robust_link(local_archive, fast_config, tmp_path):
    result = invoke(local_archive, fast_config, "scan", "--format", "json", "--no-progress", str(LETTER))
    (record,) = json.loads(result.stdout)["results"]
    original = ("https://ico.org.uk/media/action-weve-taken/audits-and-advisory-visits/4018997/"
                "metropolitan-police-service-executive-summary-v1_0.pdf")
    link = (f'<a href="{REFERENCE_LINK}" data-originalurl="{original}" data-versiondate="2022-02-01">'
            f"{REFERENCE_LINK}</a>")
    assert record["sentence_html"] == ("This information is available from The National Archives&#x27; UK Government"
                                       f" Web Archive (captured 1 February 2022): {link}")
    markdown = invoke(local_archive, fast_config, "check", "--format", "markdown", "--no-progress",
                      REFERENCE_LINK_DAMAGED).stdout
    assert f"| Robust Link | `{link}` |" in markdown


def test_a_chunked_body_read_through_iter_content_is_recorded_whole(local_archive, fast_config, tmp_path):
    # The CDX answer comes chunked; read the way requests' iter_content reads (urllib3's stream()),
    # which would take the bytes from under the tee if it could reach the socket file.
    import archivecheck
    from archivecheck.evidence import Recorder
    from archivecheck.http import INDEX, ArchiveSession

    settings = archivecheck.load_settings(str(fast_config), archives={"ukgwa": local_archive.ukgwa_base})
    recorder = Recorder(tmp_path)
    with ArchiveSession(settings.network) as session:
        resp = session.recording(recorder).get(local_archive.ukgwa_base + "cdx", endpoint=INDEX,
                                               params={"url": "https://ico.org.uk/*", "output": "json"})
        assert resp.headers.get("Transfer-Encoding") == "chunked"
        body = b"".join(resp.iter_content(1024))
        resp.close()
    recorder.close()
    (exchange,) = recorder.exchanges
    assert body and exchange.length == len(body) and not exchange.truncated
    assert exchange.sha256 == hashlib.sha256(body).hexdigest()


def test_scan_writes_one_pack_per_letter_each_complete(local_archive, fast_config, tmp_path):
    # Two letters citing the same link: each pack holds the capture its letter's verdict rests on.
    letters = [LETTER, LETTER.with_suffix(".txt")]
    result = invoke(local_archive, fast_config, "scan", "--format", "json", "--no-progress",
                    "--evidence", str(tmp_path), *map(str, letters))
    assert result.exit_code == 0, result.output
    named = json.loads(result.stdout)["summary"]["evidence"]
    assert [n["letter"] for n in named] == [str(p) for p in letters]
    assert sorted(p.name for p in tmp_path.glob("*.wacz")) == sorted(Path(n["wacz"]).name for n in named)
    for n in named:
        responses = [r for r in records_of(Path(n["wacz"])) if r[0] == "response"]
        assert any("20220201210413id_/https://ico.org.uk/" in r[1] and r[2] == "200" for r in responses)
        assert verify(n["wacz"]).exit_code == 0
