"""CDX queries in both dialects → `CdxRecord`s.

The Internet Archive's CDX server (`/cdx/search/cdx`, `output=json`) answers an array of arrays whose
first row is the header; with `showResumeKey=true` the last rows are `[]` and `[resumeKey]` (in plain
text: a blank line, then the key). pywb's CDX server (`{base}cdx`, `output=json`) answers NDJSON
objects. Either may sit behind either kind of archive base (a remapped archive can be anything), so
responses are parsed by their shape, not by where they came from; whether to ask for pages is the
dialect of the place asked.

Rows that are not captures of the asked URL are dropped here: pywb marks rows it found by "fuzzy"
matching (another URL it deems close, `is_fuzzy=1`). A permanent refusal (a blocked site) raises
`Excluded`, not a NetworkError: it is an answer, not a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .answers import Excluded, refusal_reason
from .archives import Archive
from .errors import NetworkError
from .http import INDEX, ArchiveSession
from .models import CdxRecord

IA_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# web.archive.org's timemap/cdxj answers plain text with eleven fields (seen in a recorded answer).
IA_FIELDS_11 = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "redirect", "robotflags",
                "length", "offset", "filename")


def query_captures(
    session: ArchiveSession,
    archive: Archive,
    url: str,
    *,
    match_type: str = "exact",
    limit: int | None = None,
    page_size: int = 1000,
    from_ts: str | None = None,
    to_ts: str | None = None,
    filters: tuple[str, ...] = (),
    collapse: str | None = None,
) -> Iterator[CdxRecord]:
    """Yield the captures an archive's index lists for `url`, oldest first, paging as needed.

    `filters` are CDX `filter` values ("field:value"); only a form both dialects read the same way
    belongs here: pywb matches "digest:X" as "contains X", IA as the regex X on the whole field, which
    agree for a value of plain letters and digits as long as the field (a whole SHA-1 digest).
    `collapse` ("urlkey": one row per URL) is IA's; pywb ignores the parameter (seen on loopback).

    Raises Excluded when the archive refuses the URL for good, NetworkError (or a subclass) when
    the index cannot be asked; returns nothing for an archive without a CDX server (Memento-only).
    """
    places = list(archive.cdx_places())
    if not places:
        return
    place = places.pop(0)
    params: dict[str, str] = {"url": url, "output": "json"}
    if match_type != "exact":
        params["matchType"] = match_type
    if from_ts:
        params["from"] = from_ts
    if to_ts:
        params["to"] = to_ts
    if collapse:
        params["collapse"] = collapse
    remaining = limit
    resume_key: str | None = None
    while True:
        page: dict = dict(params)
        if filters:
            page["filter"] = list(filters)  # repeated: every filter must hold
        page["limit"] = str(page_size if remaining is None else min(page_size, remaining))
        if place.dialect.pages_by_resume_key:
            page["showResumeKey"] = "true"
            if resume_key:
                page["resumeKey"] = resume_key
        answer = read_cdx_page(session, place.url, page, archive_name=archive.name)
        if answer is None:
            # Either "no captures" (some pywb versions answer 404) or no CDX server here at all
            # (a remapped archive may keep it in the other dialect's place): try the next place.
            if places and resume_key is None:
                place = places.pop(0)
                continue
            return
        records, resume_key = answer
        for record in records:
            yield record
            if remaining is not None:
                remaining -= 1
                if remaining <= 0:
                    return
        if not resume_key or not records:
            return


def read_cdx_page(session: ArchiveSession, url: str, params: dict | None = None, *,
                  archive_name: str = "the archive") -> tuple[list[CdxRecord], str | None] | None:
    """Ask one CDX page: its records and resume key, or None for a 404 (nothing here). Raises
    Excluded for a permanent refusal, NetworkError for any other failure."""
    resp = session.get(url, endpoint=INDEX, params=params)
    if resp.status_code == 404:
        resp.close()
        return None
    if resp.status_code != 200:
        status = resp.status_code
        refusal = refusal_reason(status, resp.headers, session.read_head(resp).decode("utf-8", "replace"))
        if refusal:
            raise Excluded(f"{refusal} (its index answered HTTP {status})", url=url)
        raise NetworkError(f"the index at {archive_name} answered HTTP {status}", url=url)
    return parse_cdx(session.read_text(resp))


def parse_cdx(text: str) -> tuple[list[CdxRecord], str | None]:
    """Parse any CDX answer we know: IA JSON, pywb NDJSON, IA text lines or CDXJ.

    Returns the records and the resume key, if the answer carried one. Raises NetworkError for an
    answer that is none of these (an HTML error page, say), since that is the archive failing.
    """
    stripped = text.strip()
    if not stripped:
        return [], None
    if stripped.startswith("["):
        return _parse_ia_json(stripped)
    lines = stripped.splitlines()
    resume_key = None
    # IA's plain text ends a page with a blank line and the resume key: one token, not a row.
    if len(lines) >= 2 and not lines[-2].strip() and len(lines[-1].split()) == 1:
        resume_key = lines[-1].strip()
        lines = lines[:-2]
    records: list[CdxRecord] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            obj = _loads(line)
        elif " {" in line:  # CDXJ: "urlkey timestamp {json}"
            urlkey, ts, rest = line.split(" ", 2)
            obj = _loads(rest)
            obj.setdefault("timestamp", ts)
        else:
            parts = line.split(" ")
            if len(parts) < 7 or not parts[1].isdigit():
                raise NetworkError("the index answered something that is not CDX")
            obj = dict(zip(IA_FIELDS_11 if len(parts) == 11 else IA_FIELDS, parts))
        if _is_fuzzy(obj):
            continue
        records.append(_record_from_mapping(obj))
    return records, resume_key


def _parse_ia_json(text: str) -> tuple[list[CdxRecord], str | None]:
    rows = _loads(text)
    if not isinstance(rows, list) or not rows:
        return [], None
    header = rows[0]
    resume_key = None
    body = rows[1:]
    # showResumeKey appends an empty row and then [key].
    if len(body) >= 2 and body[-2] == [] and len(body[-1]) == 1:
        resume_key = body[-1][0]
        body = body[:-2]
    mappings = [dict(zip(header, row)) for row in body if row]
    records = [_record_from_mapping(m) for m in mappings if not _is_fuzzy(m)]
    return records, resume_key


def _is_fuzzy(obj) -> bool:
    """A row pywb found by fuzzy matching: a capture of another URL it deems close, not of the one asked."""
    return isinstance(obj, dict) and str(obj.get("is_fuzzy", "")).lower() in ("1", "true")


def _loads(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise NetworkError("the index answered malformed JSON") from None


def _record_from_mapping(obj: dict) -> CdxRecord:
    """pywb names fields url/mime/status; IA names them original/mimetype/statuscode."""
    if not isinstance(obj, dict):
        raise NetworkError("the index answered an unexpected record")
    original = obj.get("original") or obj.get("url") or ""
    ts = str(obj.get("timestamp", ""))
    return CdxRecord(
        original=original,
        timestamp=ts,
        mime=_dash_none(obj.get("mimetype", obj.get("mime"))),
        status=_int_or_none(obj.get("statuscode", obj.get("status"))),
        digest=_dash_none(obj.get("digest")),
        length=_int_or_none(obj.get("length")),
    )


def _dash_none(value) -> str | None:
    if value in (None, "", "-"):
        return None
    return str(value)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
