"""Memento (RFC 7089): TimeMaps in link-format, and the Memento-Datetime header.

Used for archives declared with `dialect = "memento"` (no CDX server) and to read the datetime of the
capture an archive actually served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .answers import Excluded, refusal_reason
from .archives import Archive
from .errors import NetworkError
from .http import INDEX, ArchiveSession
from .models import CdxRecord, datetime_to_timestamp, parse_http_date

# One link-value: <uri>; param="value"; param=value ... (RFC 8288 §3), separated by commas.
_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[A-Za-z0-9*_-]+\s*=\s*(?:"[^"]*"|[^;,]*))*)')
_PARAM = re.compile(r';\s*([A-Za-z0-9*_-]+)\s*=\s*(?:"([^"]*)"|([^;,]*))')


@dataclass(frozen=True)
class Link:
    uri: str
    rel: tuple[str, ...]
    datetime: datetime | None


def parse_link_format(text: str) -> list[Link]:
    """Parse application/link-format (a TimeMap, or a Link header)."""
    links = []
    for m in _LINK.finditer(text):
        params = {}
        for p in _PARAM.finditer(m.group(2)):
            params[p.group(1).lower()] = p.group(2) if p.group(2) is not None else p.group(3).strip()
        when = parse_http_date(params.get("datetime"))
        links.append(Link(m.group(1), tuple(params.get("rel", "").split()), when))
    return links


def timemap_captures(session: ArchiveSession, archive: Archive, original: str) -> list[CdxRecord]:
    """The archive's mementos of `original` from its TimeMap, as CdxRecords with unknown status/mime.

    Raises Excluded when the archive refuses the URL for good, NetworkError when the TimeMap cannot
    be read; [] when the archive has none (404).
    """
    resp = session.get(archive.timemap_url(original), endpoint=INDEX)
    if resp.status_code == 404:
        resp.close()
        return []
    if resp.status_code != 200:
        status = resp.status_code
        refusal = refusal_reason(status, resp.headers, session.read_head(resp).decode("utf-8", "replace"))
        if refusal:  # a blocked site's TimeMap is refused for good, as its CDX is
            raise Excluded(f"{refusal} (its TimeMap answered HTTP {status})")
        raise NetworkError(f"the TimeMap at {archive.name} answered HTTP {status}")
    records = []
    for link in parse_link_format(session.read_text(resp)):
        if "memento" in link.rel and link.datetime is not None:
            ts = datetime_to_timestamp(link.datetime)
            records.append(CdxRecord(original, ts, None, None, None, None))
    records.sort(key=lambda r: r.timestamp)
    return records
