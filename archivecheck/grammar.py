"""The archive URL grammar at text level, compiled from the archives a run knows.

``ArchiveRegistry.parse`` takes apart a link that is already whole. Finding and repairing links
works on text that is still damaged (a space in the timestamp, the link cut after its archive
prefix, the scheme lost), so it needs the same knowledge as regular expressions: where a link into
an archive starts, what an unfinished one looks like, where its original URL begins. Compiling those
from the registry (built-ins, the config file, remaps) is what makes a configured archive found and
repaired exactly as UKGWA and the Wayback Machine are; nothing else in the package names a host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # archives.py imports nothing from here; the type is only for signatures
    from .archives import ArchiveRegistry

__all__ = ["ArchiveGrammar", "builtin_grammar", "compile_grammar"]

# Original URLs that letters cite without a scheme: UK public-sector hosts. Not archives, so not in
# the registry, but "ico.org.uk/media/..." at a line start is as much a link as "https://ico...".
_UK_SUFFIX = r"\.(?:gov|org|nhs|police|ac|co|sch|mod|parliament)\.uk/"
_BARE_UK_HOST = r"[a-z0-9-]+(?:\.[a-z0-9-]+)*" + _UK_SUFFIX
# A scheme a typesetter hyphenated at a line end ("ht-" / "tps://": LibreOffice's en_GB patterns do).
# A scheme that lost its first letters (a page break or a hyphenation cut "ht-" off): "ttps://",
# "tps://" still say which scheme it was.
_CUT_SCHEME = r"t?tps"
_HYPHENATED_SCHEME = "|".join(
    rf"{'https'[:i]}-[ \t]*\r?\n[ \t]*{'https'[i:]}?" if i < 4 else rf"http-[ \t]*\r?\n[ \t]*s" for i in range(1, 5)
)
# After an archive prefix: a timestamp that is not complete yet, or a complete one whose modifier
# or the original's scheme is still being written. Such a link cannot end there.
# The legacy "/+/" (latest capture) and "/*/" (calendar) forms stand where a timestamp would.
_UNFINISHED_TAIL = r"(?:\d{0,13}|(?:\d{14}(?:[a-z]{1,2}\\?_?)?|\d{0,14}\*|\+)/?(?:h(?:t(?:t(?:p(?:s)?)?)?)?)?:?/{0,2})$"


@dataclass(frozen=True)
class ArchiveGrammar:
    """Regular expressions for archive links in damaged text (all case-insensitive).

    ``prefixes``: every schemeless, lower-case prefix a link to a known archive may be written
    with, longest first. ``archive_link`` takes a whole link (gaps closed) apart into ``base``,
    ``ts``, ``mod`` and ``orig``. ``start`` finds where a link starts in text. ``unfinished``
    matches the end of a link cut inside its archive prefix or timestamp. ``bare_host`` matches the
    start of a schemeless link that may be given ``https://``.
    """

    prefixes: tuple[str, ...]
    hosts: tuple[str, ...]  # the archives' hosts (lower-case): a cheap test before ``unfinished``
    archive_link: re.Pattern[str]
    start: re.Pattern[str]
    anchor: re.Pattern[str]
    unfinished: re.Pattern[str]
    bare_host: re.Pattern[str]

    def cut_short(self, link: str) -> bool:
        """Whether ``link`` (gaps closed) ends inside an archive prefix or timestamp. Only its last
        stretch is searched, and only when it names an archive at all: this runs on every gap."""
        end = link[-120:]
        lowered = end.lower()
        return any(host in lowered for host in self.hosts) and self.unfinished.search(end) is not None


def _any_prefix_of(text: str) -> str:
    """A regex matching any prefix of ``text``, the empty one included: ``(?:a(?:b(?:c)?)?)?``."""
    pattern = ""
    for char in reversed(text):
        pattern = f"(?:{re.escape(char)}{pattern})?"
    return pattern


def _unfinished_alternatives(prefix: str) -> list[str]:
    """A link that ends inside ``prefix``'s collection path, or after it with no timestamp yet."""
    host, _, path = prefix.partition("/")
    out = [re.escape(prefix) + _UNFINISHED_TAIL]
    if path:
        # "web.archive.org/we" at a line end: the rest of "web/" is on the next line.
        out.append(re.escape(host + "/" + path[0]) + _any_prefix_of(path[1:]) + "$")
    return out


@lru_cache(maxsize=64)
def _compile(prefixes: tuple[str, ...]) -> ArchiveGrammar:
    alternation = "|".join(re.escape(p) for p in prefixes)
    hosts = dict.fromkeys(p.partition("/")[0] + "/" for p in prefixes)
    flags = re.IGNORECASE | re.VERBOSE
    # The legacy "/+/" (latest capture) and "/*/" (calendar) forms stand where a timestamp would.
    archive_link = re.compile(
        rf"^(?P<base>https?://(?:{alternation}))(?P<ts>\d{{4,14}}\*?|[*+])(?P<mod>[a-z]{{2}}_)?/(?P<orig>.+)$",
        re.IGNORECASE | re.DOTALL,
    )
    bare_hosts = "|".join(re.escape(h) for h in hosts)
    # The look-behind keeps a link from starting inside a word, an address or another URL. (A word
    # glued to the front by text extraction, "fromhttps://", is found by textlinks separately: a
    # second branch here would be tried at every position of every text, halving the scan's speed.)
    start = re.compile(
        rf"""(?<![\w@.\-/\\%])(?:
                (?:https?|hxxps?|ftp|{_HYPHENATED_SCHEME})(?::[ \t]?\r?\n?[ \t]*/{{1,3}}|//)
              | {_CUT_SCHEME}://(?=[a-z0-9])
              | www\.[a-z0-9-]
              | {bare_hosts}
              | {_BARE_UK_HOST}
            )""",
        flags,
    )
    # Where a link may start, without the look-behind: a pattern the regex engine can skip through
    # text with (every branch begins with a known character), each hit then checked with ``start``.
    # A schemeless UK host is anchored at its ".gov.uk/" and walked back to its start.
    # ("://" last: a scheme that lost its first letters, "tps://", is found at its "://" and walked
    # back — an anchor starting at "t" would be tried at every "t" of every letter.)
    anchor = re.compile(
        rf"(?:https?|hxxps?|ftp|{_HYPHENATED_SCHEME})(?::[ \t]?\r?\n?[ \t]*/{{1,3}}|//)|www\.[a-z0-9-]|{bare_hosts}|{_UK_SUFFIX}|://",
        re.IGNORECASE,
    )
    unfinished = re.compile("|".join(alt for p in prefixes for alt in _unfinished_alternatives(p)), re.IGNORECASE)
    bare_host = re.compile(rf"^(?:www\.|{bare_hosts}|{_BARE_UK_HOST})", re.IGNORECASE)
    host_names = tuple(h.rstrip("/") for h in hosts)
    return ArchiveGrammar(prefixes, host_names, archive_link, start, anchor, unfinished, bare_host)


def compile_grammar(registry: "ArchiveRegistry") -> ArchiveGrammar:
    """The grammar of every archive in ``registry`` (cached: registries repeat across a run)."""
    prefixes = {p for archive in registry.archives.values() for p in archive.prefixes()}
    # Longest first, so ".../ukgwa/" is tried before the legacy bare host it extends.
    return _compile(tuple(sorted(prefixes, key=lambda p: (-len(p), p))))


@lru_cache(maxsize=1)
def builtin_grammar() -> ArchiveGrammar:
    """The grammar of the built-in archives (what library calls without settings use)."""
    from .archives import ArchiveRegistry

    return compile_grammar(ArchiveRegistry.builtin())
