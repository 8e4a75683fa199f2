"""Package a recorder's WARC as a WACZ, and check a WACZ's digests and signature.

The layout is WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/):

    archive/data.warc          the exchanges, uncompressed WARC 1.1 (see below)
    indexes/index.cdx          CDXJ, one line per response record, sorted
    pages/pages.jsonl          the verified captures, to open first in a replay tool
    datapackage.json           every file above with its SHA-256 and size
    datapackage-digest.json    the SHA-256 of datapackage.json, and its signature when signed

Written with zipfile, warcio and `surt` rather than the `wacz` package: `wacz` is a command-line
tool (argparse in, files out) that indexes by reading the whole WARC again and brings ~30 packages
(frictionless, pydantic, typer, rich …) into a runtime that needs none of them; its signing calls
an external signing server. The recorder already knows every record's offset, length and digest
as it writes it, so the index costs no second pass over a 1 GB capture. The index is the same as
webrecorder's cdxj-indexer makes of the same WARC (tests/test_evidence.py compares them), and pywb
replays the pack from it (tests/test_evidence_replay.py).

Every entry is stored, not deflated, as the spec asks (replay tools read records at their offsets),
and the WARC is not gzipped: a capture is mostly PDF, already compressed, and an uncompressed
record can be read — and a flipped byte found — without inflating anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..errors import InputError
from .recorder import WARC_NAME, Exchange, IndexEntry, Recorder

WACZ_VERSION = "1.1.1"
WARC_PATH = f"archive/{WARC_NAME}"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
MANIFEST = "datapackage.json"
DIGEST = "datapackage-digest.json"


@dataclass(frozen=True)
class EvidencePack:
    """A written WACZ: where, its SHA-256 (of the .wacz file itself), and what it holds."""

    path: Path
    sha256: str
    size: int
    exchanges: int  # HTTP exchanges recorded
    pages: int  # verified captures listed in pages.jsonl
    signed: bool
    letter: str | None = None  # the letter it is the evidence of (scan), None for a check

    def to_dict(self) -> dict:
        out = {"wacz": str(self.path), "sha256": self.sha256, "bytes": self.size, "exchanges": self.exchanges,
               "signed": self.signed}
        if self.letter is not None:
            out["letter"] = self.letter
        return out


@dataclass
class Evidence:
    """Where a run keeps its evidence packs and the key it signs them with (None: unsigned);
    `packs` lists what it wrote, in order."""

    directory: Path
    signing_key: object = None  # cryptography EllipticCurvePrivateKey (signing.load_signing_key)
    packs: list[EvidencePack] = field(default_factory=list)

    def __post_init__(self):
        self.directory = Path(self.directory)

    @contextmanager
    def recording(self) -> Iterator[Recorder]:
        """A recorder whose spool lives beside the packs (same disk, so the WARC is moved, not
        copied); whatever is not packaged is deleted when the block ends."""
        self.directory.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".archivecheck-evidence-", dir=self.directory))
        recorder = Recorder(folder)
        try:
            yield recorder
        finally:
            recorder.close()
            shutil.rmtree(folder, ignore_errors=True)

    def package(self, recorder: Recorder, name: str, results: Iterable = (), *, title: str,
                letter: str | None = None) -> EvidencePack:
        """Write `recorder`'s exchanges as DIR/NAME-<time>.wacz; `results` (contract Results) name
        the verified captures for pages.jsonl."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "evidence"
        when = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = _free_name(self.directory, f"{stem}-{when}")
        pack = write_wacz(recorder, target, results, title=title, signing_key=self.signing_key, letter=letter)
        self.packs.append(pack)
        return pack


def _free_name(directory: Path, stem: str) -> Path:
    path, n = directory / f"{stem}.wacz", 1
    while path.exists():
        n += 1
        path = directory / f"{stem}-{n}.wacz"
    return path


def write_wacz(recorder: Recorder, target: Path, results: Iterable = (), *, title: str,
               signing_key=None, letter: str | None = None, mode: int | None = None) -> EvidencePack:
    """Close `recorder` and write its WACZ at `target` (atomically: temp file, then rename), with
    file `mode` (None: an ordinary new file's, as the umask allows)."""
    warc_sha256, warc_size = recorder.close()
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    index = cdxj_lines(recorder.index, WARC_NAME)
    pages = pages_jsonl(recorder.exchanges, results)
    resources = [_resource(WARC_PATH, warc_sha256, warc_size), _resource_of(INDEX_PATH, index),
                 _resource_of(PAGES_PATH, pages)]
    manifest = {"profile": "data-package", "wacz_version": WACZ_VERSION, "title": title,
                "description": "HTTP exchanges archivecheck made to verify the links, as received",
                "created": created, "software": f"archivecheck {__version__}", "resources": resources}
    verified = [e for e in _verified(recorder.exchanges, results)]
    if verified:
        manifest["mainPageUrl"], manifest["mainPageDate"] = verified[0].url, verified[0].date
    manifest_bytes = json.dumps(manifest, indent=2).encode("utf-8")
    digest = {"path": MANIFEST, "hash": "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()}
    if signing_key is not None:
        from .signing import sign_hash

        digest["signedData"] = sign_hash(signing_key, digest["hash"], created)
    digest_bytes = json.dumps(digest, indent=2).encode("utf-8")

    fd, temp = tempfile.mkstemp(prefix=".wacz-", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.write(recorder.warc_path, WARC_PATH)
            zf.writestr(INDEX_PATH, index)
            zf.writestr(PAGES_PATH, pages)
            zf.writestr(MANIFEST, manifest_bytes)
            zf.writestr(DIGEST, digest_bytes)
        sha256, size = _file_sha256(temp)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return EvidencePack(target, sha256, size, len(recorder.exchanges), len(verified), signing_key is not None,
                        letter)


def cdxj_lines(entries: Iterable[IndexEntry], filename: str) -> bytes:
    """CDXJ for the response records: `<SURT> <14-digit timestamp> <JSON>`, sorted, with the
    fields (and their order and string values) webrecorder's cdxj-indexer writes."""
    import surt

    lines = []
    for e in entries:
        fields = {"url": e.url}
        if e.mime:
            fields["mime"] = e.mime
        fields.update(status=str(e.status), digest=e.digest, length=str(e.length), offset=str(e.offset),
                      filename=filename)
        try:
            key = surt.surt(e.url)
        except Exception:  # the indexer's own fallback for a URL surt cannot canonicalise
            key = e.url
        lines.append(f"{key} {e.timestamp} {json.dumps(fields)}\n")
    return "".join(sorted(set(lines))).encode("utf-8")


def _verified(exchanges: list[Exchange], results: Iterable) -> list[Exchange]:
    """The recorded answers that are the captures verified ok: status 200, same bytes (SHA-256)."""
    wanted = {r.sha256: r for r in results if getattr(r, "sha256", None) and r.status.value == "ok"}
    seen, out = set(), []
    for e in exchanges:
        if e.status == 200 and not e.truncated and e.sha256 in wanted and e.sha256 not in seen:
            seen.add(e.sha256)
            out.append(e)
    return out


def pages_jsonl(exchanges: list[Exchange], results: Iterable) -> bytes:
    results = list(results)
    titles = {r.sha256: r.title for r in results if getattr(r, "sha256", None)}
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Verified captures"}]
    for n, e in enumerate(_verified(exchanges, results), 1):
        page = {"id": f"capture-{n}", "url": e.url, "ts": e.date}
        if titles.get(e.sha256):
            page["title"] = titles[e.sha256]
        lines.append(page)
    return "".join(json.dumps(line) + "\n" for line in lines).encode("utf-8")


def _resource(path: str, sha256: str, size: int) -> dict:
    return {"name": path.rsplit("/", 1)[-1], "path": path, "hash": f"sha256:{sha256}", "bytes": size}


def _resource_of(path: str, data: bytes) -> dict:
    return _resource(path, hashlib.sha256(data).hexdigest(), len(data))


def _file_sha256(path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# -- checking a pack -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One thing `verify_wacz` checked: whether it holds, and what, in a sentence."""

    ok: bool
    what: str


@dataclass(frozen=True)
class PackCheck:
    path: str
    findings: tuple[Finding, ...]
    signed: bool

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)


def verify_wacz(path: str | Path, *, public_key=None) -> PackCheck:
    """Check every digest of a WACZ — each file against datapackage.json, datapackage.json against
    datapackage-digest.json, each WARC record against its own block and payload digests, each index
    line against the record it points at — and the signature when there is one (against
    `public_key` too, when given). Raises InputError when the file is not a WACZ at all."""
    findings: list[Finding] = []
    add = lambda ok, what: findings.append(Finding(ok, what))  # noqa: E731
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a WACZ (zip) file: {exc}") from None
    signed = False
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            raise InputError(f"{path}: not a WACZ: it has no {MANIFEST}")
        try:
            manifest_bytes = zf.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            resources = manifest["resources"]
        except (zipfile.BadZipFile, ValueError, KeyError, TypeError) as exc:
            add(False, f"{MANIFEST} cannot be read: {exc}")
            return PackCheck(str(path), tuple(findings), signed)
        add(True, f"{MANIFEST}: WACZ {manifest.get('wacz_version', '?')}, {len(resources)} files listed,"
                  f" created {manifest.get('created', '?')} by {manifest.get('software', '?')}")
        listed = set()
        for resource in resources:
            listed.add(resource.get("path"))
            findings.append(_check_resource(zf, names, resource))
        for stray in sorted(names - listed - {MANIFEST, DIGEST}):
            if not stray.endswith("/"):
                add(False, f"{stray}: in the pack but covered by no digest in {MANIFEST}")
        checked, signed = _check_digest_file(zf, names, manifest_bytes, public_key)
        findings += checked
        for resource in resources:
            name = resource.get("path", "")
            if name.startswith("archive/") and name in names:
                findings += _check_warc_records(zf, name)
        for resource in resources:
            name = resource.get("path", "")
            if name.startswith("indexes/") and name in names and name.endswith((".cdx", ".cdxj")):
                findings += _check_index(zf, name, names)
        if PAGES_PATH in names and INDEX_PATH in names:
            findings += _name_pages(zf)
    return PackCheck(str(path), tuple(findings), signed)


def _name_pages(zf: zipfile.ZipFile) -> list[Finding]:
    """Each verified capture the pack lists, with the SHA-256 its record holds: the figure to hold
    against the evidence record's."""
    try:
        digests = {}
        for line in zf.read(INDEX_PATH).decode("utf-8").splitlines():
            if line.strip():
                fields = json.loads(line.split(" ", 2)[2])
                digests[fields.get("url")] = fields.get("digest", "")
        pages = [json.loads(line) for line in zf.read(PAGES_PATH).decode("utf-8").splitlines() if line.strip()][1:]
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, IndexError) as exc:
        return [Finding(False, f"{PAGES_PATH} cannot be read with the index: {exc}")]
    out = []
    for page in pages:
        url, digest = page.get("url"), digests.get(page.get("url"), "")
        if not digest.startswith("sha256:"):
            out.append(Finding(False, f"{PAGES_PATH} lists {url}, which the index does not hold"))
        else:
            out.append(Finding(True, f"verified capture: {url}, fetched {page.get('ts')}, SHA-256 {digest[7:]}"))
    return out


def _check_resource(zf: zipfile.ZipFile, names: set, resource: dict) -> Finding:
    name, expected = resource.get("path"), str(resource.get("hash", ""))
    if name not in names:
        return Finding(False, f"{name}: listed in {MANIFEST} but missing from the pack")
    algorithm, _, value = expected.partition(":")
    if algorithm != "sha256" or not value:
        return Finding(False, f"{name}: {MANIFEST} gives no sha256 hash for it ({expected or 'none'})")
    digest, size = hashlib.sha256(), 0
    try:
        with zf.open(name) as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # zip's own CRC catches a changed byte too
        return Finding(False, f"{name}: its bytes changed after packing ({exc})")
    if digest.hexdigest() != value:
        return Finding(False, f"{name}: SHA-256 {digest.hexdigest()} is not the {value} in {MANIFEST}"
                              " (its bytes changed after packing)")
    if resource.get("bytes") is not None and resource.get("bytes") != size:
        return Finding(False, f"{name}: {size:,} bytes, {MANIFEST} says {resource.get('bytes'):,}")
    return Finding(True, f"{name}: SHA-256 matches {MANIFEST} ({size:,} bytes)")


def _check_digest_file(zf: zipfile.ZipFile, names: set, manifest_bytes: bytes,
                       public_key) -> tuple[list[Finding], bool]:
    """The findings about datapackage-digest.json and its signature, and whether it is signed."""
    if DIGEST not in names:
        return [Finding(False, f"{DIGEST} is missing: nothing vouches for {MANIFEST} itself")], False
    try:
        digest = json.loads(zf.read(DIGEST))
        expected = str(digest["hash"])
    except (zipfile.BadZipFile, ValueError, KeyError, TypeError) as exc:
        return [Finding(False, f"{DIGEST} cannot be read: {exc}")], False
    actual = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
    out = [Finding(actual == expected, f"{MANIFEST}: SHA-256 matches {DIGEST}" if actual == expected
                   else f"{MANIFEST}: {actual} is not the {expected} in {DIGEST} (it changed after packing)")]
    signed = digest.get("signedData")
    if signed is None:
        if public_key is not None:
            out.append(Finding(False, "the pack is not signed, but --public-key asks for a signature"))
        else:
            out.append(Finding(True, "not signed (nothing vouches for who made the pack)"))
        return out, False
    from .signing import check_signed_data

    out += [Finding(c.ok, c.detail) for c in check_signed_data(signed, actual, public_key)]
    return out, True


@contextmanager
def _member(zf: zipfile.ZipFile, name: str):
    """A member's bytes as stored. For a stored (uncompressed) member, read straight from the zip
    file, past zipfile's CRC check: that check only says *that* a byte changed, at the member's end,
    while reading on names the record it changed in."""
    info = zf.getinfo(name)
    if info.compress_type != zipfile.ZIP_STORED:
        with zf.open(name) as f:
            yield f
        return
    with open(zf.filename, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{name}: bad local header")
        name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
        start = info.header_offset + 30 + name_len + extra_len
        yield _Window(f, start, info.compress_size)


class _Window(io.RawIOBase):
    """`length` bytes of an open file from `start`, seekable within them."""

    def __init__(self, f, start: int, length: int):
        self._f, self._start, self._length, self._pos = f, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        self._pos = {0: pos, 1: self._pos + pos, 2: self._length + pos}[whence]
        return self._pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self._length - self._pos))
        if not n:
            return 0
        self._f.seek(self._start + self._pos)
        data = self._f.read(n)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)


def _check_warc_records(zf: zipfile.ZipFile, name: str) -> list[Finding]:
    """Each record against its own WARC-Block-Digest and WARC-Payload-Digest, streamed (warcio)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    out, count = [], 0
    try:
        with _member(zf, name) as f:
            for record in ArchiveIterator(f, check_digests=True):
                count += 1
                stream = record.content_stream()
                while stream.read(1 << 20):
                    pass
                if record.digest_checker.passed is False:
                    uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
                    problems = "; ".join(str(p) for p in record.digest_checker.problems)
                    out.append(Finding(False, f"{name}: the {record.rec_type} record for {uri}"
                                              f" ({record.rec_headers.get_header('WARC-Record-ID')}) fails its digest: {problems}"))
    except (zipfile.BadZipFile, ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        out.append(Finding(False, f"{name}: the WARC cannot be read to its end after {count} records ({exc})"))
        return out
    if not out:
        out.append(Finding(True, f"{name}: {count} WARC records, each matching its block and payload digests"))
    return out


def _check_index(zf: zipfile.ZipFile, name: str, names: set) -> list[Finding]:
    """Each CDXJ line names a WARC in the pack, and at its offset lies a record of its URL."""
    from warcio.archiveiterator import ArchiveIterator

    bad, count = [], 0
    try:
        lines = zf.read(name).decode("utf-8").splitlines()
    except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
        return [Finding(False, f"{name} cannot be read: {exc}")]
    for line in lines:
        if not line.strip():
            continue
        count += 1
        try:
            fields = json.loads(line.split(" ", 2)[2])
            warc = f"archive/{fields['filename']}"
            offset, length = int(fields["offset"]), int(fields["length"])
        except (IndexError, ValueError, KeyError):
            bad.append(f"line {count} cannot be read")
            continue
        if warc not in names:
            bad.append(f"line {count} points into {warc}, which the pack lacks")
            continue
        try:
            with _member(zf, warc) as f:
                f.seek(offset)
                record = next(iter(ArchiveIterator(io.BytesIO(f.read(min(length, 65536))))), None)
        except Exception:  # a corrupt record at that offset: any parse failure means the same
            record = None
        if record is None or record.rec_headers.get_header("WARC-Target-URI") != fields.get("url"):
            bad.append(f"line {count} ({fields.get('url')}) does not point at that URL's record")
    if bad:
        return [Finding(False, f"{name}: " + "; ".join(bad[:5]) + (" …" if len(bad) > 5 else ""))]
    return [Finding(True, f"{name}: {count} index lines, each pointing at its record")]
