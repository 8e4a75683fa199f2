"""What we know about each archive: its URL grammar, endpoints, CDX dialect, and remapping.

An `Archive` has two faces. Its *public* base is how links look in letters and is the only form we
ever print; its *request* base is where we actually send requests (the same, unless remapped with
`--archive NAME=URL` or `ARCHIVECHECK_ARCHIVE_<NAME>`, which is how tests and organisations running
their own pywb point the tool elsewhere).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from .errors import ConfigError

# Replay modifiers seen in links. `id_` asks for the original bytes with no rewriting.
MODIFIERS = ("mp_", "id_", "im_", "js_", "cs_", "if_", "fw_", "oe_")



class Dialect(str, enum.Enum):
    """How an archive is asked, and what follows from that: where its CDX server sits, whether
    the index pages with resume keys, or whether there is only a TimeMap. A str enum, so a config
    file's `dialect = "pywb"` and the member compare equal."""

    PYWB = "pywb"  # CDX at {base}cdx, NDJSON, one page (pywb's CDX server has no resume keys)
    WAYBACK = "wayback"  # the Internet Archive's: CDX at {host}/cdx/search/cdx, pages by resume key
    MEMENTO = "memento"  # TimeMap/TimeGate only, no CDX

    def cdx_url(self, request_base: str) -> str | None:
        """Where an archive of this dialect keeps its CDX server, or None when it has none."""
        if self is Dialect.PYWB:
            return f"{request_base}cdx"
        if self is Dialect.WAYBACK:
            parts = urlsplit(request_base)
            return f"{parts.scheme}://{parts.netloc}/cdx/search/cdx"
        return None

    @property
    def pages_by_resume_key(self) -> bool:
        """IA's CDX server ends a page with a resume key (`showResumeKey=true`); pywb's never does."""
        return self is Dialect.WAYBACK

    @property
    def timemap_only(self) -> bool:
        return self is Dialect.MEMENTO


PYWB, WAYBACK, MEMENTO = Dialect.PYWB, Dialect.WAYBACK, Dialect.MEMENTO
DIALECTS = tuple(Dialect)
CDX_DIALECTS = (Dialect.PYWB, Dialect.WAYBACK)


@dataclass(frozen=True)
class CdxPlace:
    """One place a CDX server may answer, with the dialect whose place it is (which says how it pages)."""

    url: str
    dialect: Dialect

# A timestamp may end in "*": the Wayback Machine's calendar form ("/web/2023*/url") lists the
# captures from then on; it names no single capture, so it is read as the latest one.
_TIMESTAMP_PART = re.compile(
    r"^(?P<ts>\d{4,14}\*?|\*|\+)?(?P<mod>[a-z]{2}_)?/(?P<rest>.*)$", re.DOTALL
)
_SCHEME_FIX = re.compile(r"^(https?):/+(?=[^/])", re.IGNORECASE)


@dataclass(frozen=True)
class Archive:
    """One web archive. `public_base` and `request_base` are replay bases ending in '/'."""

    name: str
    public_base: str
    dialect: Dialect
    request_base: str = ""
    # Other prefixes under which links to this archive appear (old hosts, http, legacy paths).
    aliases: tuple[str, ...] = ()
    label: str = ""
    # This archive's own published request limits, when they differ from the [network] defaults
    # (a small institution's pywb may allow fewer index queries than the Internet Archive).
    index_per_minute: float | None = None
    replay_per_minute: float | None = None
    # (#20) Extra request headers for this archive ([archives.NAME] headers): an allow-list token,
    # say. Secret: kept out of repr (identity.py).
    request_headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self):
        if not self.request_base:
            object.__setattr__(self, "request_base", self.public_base)
        # A config file names the dialect as a string; carry the enum (and its behaviour) from here on.
        object.__setattr__(self, "dialect", Dialect(self.dialect))

    # -- building URLs -------------------------------------------------------------------------
    def replay_url(self, timestamp: str, original: str, modifier: str = "", *, public: bool = True) -> str:
        base = self.public_base if public else self.request_base
        return f"{base}{timestamp}{modifier}/{original}"

    def cdx_url(self) -> str | None:
        """Where this archive's CDX server listens (request side), or None for Memento-only archives."""
        return self.dialect.cdx_url(self.request_base)

    def cdx_places(self) -> tuple[CdxPlace, ...]:
        """Where to look for a CDX server, most likely first: the dialect's own place, then the
        other dialect's (a remapped archive may be a plain pywb, or IA-style CDX behind a pywb).
        Empty for a TimeMap-only archive."""
        if self.dialect.timemap_only:
            return ()
        order = (self.dialect,) + tuple(d for d in CDX_DIALECTS if d is not self.dialect)
        places: dict[str, CdxPlace] = {}
        for dialect in order:
            url = dialect.cdx_url(self.request_base)
            places.setdefault(url, CdxPlace(url, dialect))
        return tuple(places.values())

    def cdx_urls(self) -> tuple[str, ...]:
        return tuple(place.url for place in self.cdx_places())

    def timemap_url(self, original: str) -> str:
        return f"{self.request_base}timemap/link/{original}"

    def timegate_url(self, original: str) -> str:
        return f"{self.request_base}{original}"

    @property
    def remapped(self) -> bool:
        return self.request_base != self.public_base

    def to_public(self, url: str) -> str:
        """Rewrite a request-side URL (say a Location header from a remapped server) to public form."""
        if self.remapped and url.startswith(self.request_base):
            return self.public_base + url[len(self.request_base):]
        return url

    def publicise(self, text: str) -> str:
        """Rewrite every request-side URL or host named in `text` (an error message, say) to public form.

        Messages from the HTTP layer name the host they talked to; for a remapped archive that is a
        private address, and the contract says everything we print stays public.
        """
        if not self.remapped:
            return text
        text = text.replace(self.request_base, self.public_base)
        request_host = urlsplit(self.request_base)
        public_host = urlsplit(self.public_base)
        text = text.replace(f"{request_host.scheme}://{request_host.netloc}", f"{public_host.scheme}://{public_host.netloc}")
        return text.replace(request_host.netloc, public_host.netloc)

    def remap(self, request_base: str) -> "Archive":
        return replace(self, request_base=normalise_base(request_base, what=f"--archive {self.name}"))

    # -- reading links -------------------------------------------------------------------------
    def prefixes(self) -> tuple[str, ...]:
        """Every prefix (lower-case, no scheme) under which a link to this archive may be written."""
        out = [_strip_scheme(self.public_base)]
        out += [_strip_scheme(a) for a in self.aliases]
        if self.remapped:
            out.append(_strip_scheme(self.request_base))
        return tuple(dict.fromkeys(p.lower() for p in out))


@dataclass(frozen=True)
class ArchiveLink:
    """A link into an archive, taken apart."""

    archive: Archive
    timestamp: str | None  # 4–14 digits as written, or None for "latest" (`*`, `+`, or absent)
    modifier: str  # "" or one of MODIFIERS
    original_url: str

    def public_url(self) -> str:
        if not self.timestamp:
            # The TimeGate form (`{base}{original}`): "{base}/{original}" with an empty timestamp
            # is not a link either archive understands.
            return f"{self.archive.public_base}{self.original_url}"
        return self.archive.replay_url(self.timestamp, self.original_url, self.modifier)


# UKGWA served replays without the /ukgwa/ collection path until 2022; those links still circulate
# and redirect, so they are the same archive.
BUILTIN_ARCHIVES: tuple[Archive, ...] = (
    Archive(
        name="ukgwa",
        public_base="https://webarchive.nationalarchives.gov.uk/ukgwa/",
        dialect=PYWB,
        aliases=("https://webarchive.nationalarchives.gov.uk/",),
        label="The National Archives' UK Government Web Archive",
    ),
    Archive(
        name="wayback",
        public_base="https://web.archive.org/web/",
        dialect=WAYBACK,
        aliases=("https://wayback.archive.org/web/", "https://archive.org/wayback/"),
        label="the Internet Archive's Wayback Machine",
    ),
)


def normalise_base(url: str, *, what: str) -> str:
    """Validate a replay base; add the trailing '/' people forget. Raises ConfigError."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{what}: {url!r} is not an http(s) URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"{what}: {url!r} must be a replay base, without query or fragment")
    return url if url.endswith("/") else url + "/"


def _strip_scheme(url: str) -> str:
    return re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)


@dataclass(frozen=True)
class ArchiveRegistry:
    """The archives known to a run, in declaration order."""

    archives: dict[str, Archive] = field(default_factory=dict)

    @classmethod
    def builtin(cls) -> "ArchiveRegistry":
        return cls({a.name: a for a in BUILTIN_ARCHIVES})

    def get(self, name: str) -> Archive:
        try:
            return self.archives[name]
        except KeyError:
            known = ", ".join(self.archives)
            raise ConfigError(f"unknown archive {name!r} (known: {known})") from None

    def with_archive(self, archive: Archive) -> "ArchiveRegistry":
        return ArchiveRegistry({**self.archives, archive.name: archive})

    def parse(self, url: str) -> ArchiveLink | None:
        """Take an archive link apart; None when the URL is not a link into a known archive.

        Tolerates partial (4–14 digit) timestamps, `*`/`+`/missing timestamps (latest), schemeless
        originals (`/ukgwa/2022…/ico.org.uk/…`) and originals whose `//` a server collapsed.
        """
        bare = _strip_scheme(url.strip())
        lowered = bare.lower()
        # Longest prefix first, so `…/ukgwa/` wins over the legacy bare-host alias.
        candidates = sorted(
            ((p, a) for a in self.archives.values() for p in a.prefixes()), key=lambda pa: -len(pa[0])
        )
        for prefix, archive in candidates:
            if not lowered.startswith(prefix):
                continue
            rest = bare[len(prefix):]
            m = _TIMESTAMP_PART.match(rest)
            if m and m.group("rest"):
                ts, modifier, tail = m.group("ts"), m.group("mod") or "", m.group("rest")
            elif _looks_like_original(rest):  # a TimeGate-style link: `/web/https://…`
                ts, modifier, tail = None, "", rest
            else:
                continue
            if ts is None and not _looks_like_original(tail):
                continue
            if modifier and modifier not in MODIFIERS:
                continue
            original = normalise_original(tail)
            if not original:
                continue
            return ArchiveLink(archive, ts if ts and ts.isdigit() else None, modifier, original)
        return None


def _looks_like_original(rest: str) -> bool:
    return bool(re.match(r"^(https?:/|[a-z0-9-]+(\.[a-z0-9-]+)+)", rest, re.IGNORECASE))


def normalise_original(url: str) -> str:
    """Give an original URL a scheme and repair a collapsed `https:/host`; '' when it is not a URL."""
    url = url.strip()
    url = _SCHEME_FIX.sub(lambda m: m.group(1).lower() + "://", url)
    if not re.match(r"^https?://", url, re.IGNORECASE):
        if not re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+([/:?#]|$)", url, re.IGNORECASE):
            return ""
        url = "http://" + url
    parts = urlsplit(url)
    if not parts.netloc or " " in parts.netloc:
        return ""
    return url


def same_document(a: str, b: str) -> bool:
    """Do two original URLs name the same document, as archives canonicalise them?

    Archives key captures by a SURT that ignores scheme, a leading `www.` and letter case in the
    host, so an http→https or www redirect captured by the crawler is not "a redirect elsewhere".
    """
    return document_key(a) == document_key(b)


def document_key(url: str) -> str:
    parts = urlsplit(normalise_original(url) or url)
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    host = host.removesuffix(":80").removesuffix(":443")
    path = parts.path or "/"
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")
