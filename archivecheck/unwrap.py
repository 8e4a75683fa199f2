"""Undo the URL rewriting that mail filters apply before a letter reaches its reader.

A caseworker copies a link out of a received e-mail and pastes it into the reply; what lands in the
letter is then the filter's wrapper, not the archive link. Each unwrapper here follows the
wrapper's public encoding rules:

* Microsoft Safe Links: ``https://<region>.safelinks.protection.outlook.com/?url=<%-encoded>&data=…``
* Proofpoint URL Defense v2: ``https://urldefense.proofpoint.com/v2/url?u=<encoded>&d=…`` where the
  URL was %-encoded, then ``%`` written as ``-`` and ``/`` as ``_``.
* Proofpoint URL Defense v3: ``https://urldefense.com/v3/__<url>__;<base64>!!<tenant>!<sig>$`` where
  characters the filter could not keep in the URL were replaced by ``*``; the replaced characters are
  stored, in order, in the url-safe base64 trailer. ``**X`` stands for a run of several stored
  characters, X giving the run length (``A`` = 2, ``B`` = 3, … through ``A-Za-z0-9-_``).
* Google redirects: ``https://www.google.com/url?q=<url>&sa=…`` (or ``url=``).
* Any other redirector (a newsletter's ``GoToLink?url=``, a site's ``/redirect?u=``, a tracker's
  ``?url=``) whose query holds a link into a known archive: we cannot know every redirector, but
  an archive link as a query value is what one looks like, and it is the link the letter meant.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
from urllib.parse import parse_qsl, parse_qs, unquote, urlsplit

from .grammar import ArchiveGrammar

__all__ = ["unwrap_once", "unwrap_all"]

_SAFELINKS_HOST = re.compile(r"(?:^|\.)safelinks\.protection\.outlook\.com$", re.IGNORECASE)
_GOOGLE_HOST = re.compile(r"^(?:www\.)?google\.[a-z.]{2,6}$", re.IGNORECASE)
_PROOFPOINT_V3 = re.compile(r"^https?://urldefense(?:\.proofpoint)?\.com/v3/__(?P<url>.+?)__;(?P<bytes>[^!]*)!", re.IGNORECASE)
# Run-length markers for v3: the character after "**" indexes this alphabet; index 0 means 2.
_V3_RUN_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
_V3_TOKEN = re.compile(r"\*(\*.)?")


def _query_param(url: str, *names: str) -> str | None:
    query = urlsplit(url).query
    params = parse_qs(query, keep_blank_values=True)
    for name in names:
        if params.get(name):
            return params[name][0]
    return None


def _unwrap_safelinks(url: str) -> str | None:
    return _query_param(url, "url")


def _unwrap_google(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.path != "/url":
        return None
    return _query_param(url, "q", "url")


def _unwrap_proofpoint_v2(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.path.lower().startswith("/v2/url"):
        return None
    # parse_qs would turn "+" into space and unquote; take the raw value instead.
    match = re.search(r"(?:^|&)u=([^&]*)", parts.query)
    if not match:
        return None
    encoded = match.group(1).replace("-", "%").replace("_", "/")
    return unquote(encoded)


def _unwrap_proofpoint_v3(url: str) -> str | None:
    match = _PROOFPOINT_V3.match(url)
    if not match:
        return None
    inner = unquote(match.group("url"))
    trailer = match.group("bytes")
    try:
        stored = base64.urlsafe_b64decode(trailer + "=" * (-len(trailer) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    position = 0

    def replace(token: re.Match[str]) -> str:
        nonlocal position
        if token.group(1) is None:
            length = 1
        else:
            index = _V3_RUN_ALPHABET.find(token.group(1)[1])
            if index < 0:
                return token.group(0)
            length = index + 2
        chunk = stored[position : position + length]
        position += length
        return chunk

    return _V3_TOKEN.sub(replace, inner)


def _unwrap_redirector(url: str, grammar: ArchiveGrammar) -> str | None:
    """The archive link held in any query parameter of a URL that is not itself an archive link."""
    if grammar.archive_link.match(url):
        return None  # an archive link's own original may carry "?url=": that is the document
    for _, value in parse_qsl(urlsplit(url).query, keep_blank_values=False):
        value = value.strip()
        if "%" in value[:12]:
            value = unquote(value)  # encoded twice by some trackers
        if grammar.archive_link.match(value):
            return value
    return None


def unwrap_once(url: str, grammar: ArchiveGrammar | None = None) -> tuple[str, str] | None:
    """Unwrap one layer of mail-filter or redirect wrapping.

    Returns ``(inner_url, repair_name)`` — repair_name is ``safelinks``, ``proofpoint``,
    ``google-redirect`` or, for a redirector holding a link into one of ``grammar``'s archives,
    ``redirect-wrapper`` — or None when ``url`` is not a wrapper we know (or is malformed).
    """
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    inner: str | None = None
    name = ""
    if _SAFELINKS_HOST.search(host):
        inner, name = _unwrap_safelinks(url), "safelinks"
    elif host == "urldefense.proofpoint.com":
        inner, name = _unwrap_proofpoint_v2(url), "proofpoint"
    elif host in ("urldefense.com", "urldefense.proofpoint.com"):
        inner, name = _unwrap_proofpoint_v3(url), "proofpoint"
    elif _GOOGLE_HOST.match(host):
        inner, name = _unwrap_google(url), "google-redirect"
    if host == "urldefense.proofpoint.com" and inner is None:
        inner, name = _unwrap_proofpoint_v3(url), "proofpoint"
    if inner is None and grammar is not None and "?" in url:
        inner, name = _unwrap_redirector(url, grammar), "redirect-wrapper"
    if not inner or not re.match(r"^[a-z][a-z0-9+.-]*:|^www\.", inner, re.IGNORECASE):
        return None
    return inner, name


def unwrap_all(url: str, max_layers: int = 5, *, grammar: ArchiveGrammar | None = None) -> tuple[str, list[str]]:
    """Unwrap nested wrappers (a Safe Link around a Proofpoint link …), at most ``max_layers`` deep.

    Returns the innermost URL and the repair names applied, outermost first. ``grammar``: the
    archives whose links a redirector may hold (None: only the named wrappers are unwrapped).
    """
    names: list[str] = []
    for _ in range(max_layers):
        result = unwrap_once(url, grammar)
        if result is None:
            break
        url, name = result
        names.append(name)
    return url, names
