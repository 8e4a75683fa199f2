"""Build the local archive: one WARC.gz per collection from the capture recipes, then pywb collections
``ukgwa`` and ``web`` indexed by pywb's own CollectionsManager (so the CDXJ digest, length, mime and
status are exactly what pywb computes, as in a real deployment).
"""
from __future__ import annotations

import io
import logging
from http import HTTPStatus
from pathlib import Path
from typing import Iterable

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import timestamp_to_iso_date
from warcio.warcwriter import WARCWriter

from tests.archive.cases import CASES, Capture

COLLECTIONS = ("ukgwa", "web")


def _http_headers(cap: Capture) -> StatusAndHeaders:
    reason = HTTPStatus(cap.status).phrase
    headers = [("Content-Type", cap.mime if not cap.mime.startswith("text/") else cap.mime + "; charset=utf-8")]
    headers += list(cap.headers.items())
    headers.append(("Content-Length", str(len(cap.body))))
    headers.append(("Date", cap.http_date))
    return StatusAndHeaders("%d %s" % (cap.status, reason), headers, protocol="HTTP/1.1")


def write_warc(path: Path, captures: list[Capture]) -> Path:
    """Write request+response records for ``captures`` to a gzipped WARC at ``path``."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for cap in captures:
            warc_date = timestamp_to_iso_date(cap.timestamp)
            response = writer.create_warc_record(
                cap.url, "response", payload=io.BytesIO(cap.body),
                http_headers=_http_headers(cap),
                warc_headers_dict={"WARC-Date": warc_date},
            )
            host = cap.url.split("/")[2]
            path_qs = "/" + cap.url.split("/", 3)[3] if cap.url.count("/") >= 3 else "/"
            request = writer.create_warc_record(
                cap.url, "request", payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders("GET %s HTTP/1.1" % path_qs,
                                              [("Host", host), ("User-Agent", "archivecheck-fixture-crawler")],
                                              is_http_request=True),
                warc_headers_dict={"WARC-Date": warc_date},
            )
            writer.write_request_response_pair(request, response)
    return path


def build_collections(root: Path, extra: Iterable[Capture] = ()) -> Path:
    """Create ``root/collections/{ukgwa,web}`` with WARCs and CDXJ indexes; returns ``root``.

    ``extra``: more captures, built programmatically by a test (a configured archive's collection,
    the real-world corpus' intended links); a capture naming a collection other than ``ukgwa`` or
    ``web`` gets a collection of its own, served at ``/<collection>/`` like the others.
    ``root`` becomes pywb's working directory (its config.yaml is written by the server).
    """
    # Imported here: pywb.manager pulls in distutils & yaml; nothing from gevent.
    from pywb.manager.manager import CollectionsManager

    root = Path(root)
    colls_dir = root / "collections"
    warcs_dir = root / "warcs"
    warcs_dir.mkdir(parents=True, exist_ok=True)
    logging.getLogger().setLevel(logging.getLogger().level)  # the manager logs at INFO; leave levels alone
    everything = list(CASES.values()) + list(extra)
    for coll in dict.fromkeys(COLLECTIONS + tuple(c.collection for c in everything)):
        captures = [c for c in everything if c.collection == coll]
        warc = write_warc(warcs_dir / ("%s.warc.gz" % coll), captures)
        manager = CollectionsManager(coll, colls_dir=str(colls_dir), must_exist=False)
        manager.add_collection()
        manager.add_archives([str(warc)])
    return root
