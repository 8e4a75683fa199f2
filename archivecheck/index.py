"""The archives' indexes as the repairer sees them: "does any archive hold this URL?"

This is how an ambiguous repair (a hyphen lost at a line end or not) is settled by the archive
rather than by guessing. Exact lookups are cheap; a prefix query on the longest undamaged part of
the URL finds the reading the archive holds when there are too many to try one by one.
"""

from __future__ import annotations

import re

from .answers import Excluded
from .cdx import query_captures
from .config import Settings
from .errors import NetworkError
from .http import ArchiveSession
from .archives import normalise_original


# A replay modifier after the timestamp ("20180307232845tf_/"): any two letters and "_", as archives
# coin them; the registry knows the common ones only.
_MODIFIER = re.compile(r"(/\d{4,14})[a-z]{2}_/")


class CdxIndex:
    """Implements the repairer's ArchiveIndex protocol over the configured archives' CDX servers."""

    def __init__(self, session: ArchiveSession, settings: Settings):
        self.session = session
        self.settings = settings
        self._cache: dict[tuple, object] = {}

    def _archives_for(self, url: str):
        link = self.settings.registry.parse(url)
        if link is None and _MODIFIER.search(url):
            # A modifier the registry does not list ("tf_"): still a link into that archive, and
            # its index is asked about the original all the same.
            link = self.settings.registry.parse(_MODIFIER.sub(r"\1/", url, count=1))
        if link is not None:
            return [link.archive], link.original_url
        names = self.settings.prefer
        return [self.settings.registry.get(n) for n in names], normalise_original(url) or url

    def holds(self, url: str) -> bool | None:
        """True if an archive lists any capture of the URL; None if no archive could be asked."""
        archives, original = self._archives_for(url)
        key = ("holds", tuple(a.name for a in archives), original)
        if key not in self._cache:
            self._cache[key] = self._ask(archives, lambda a: any(
                True for _ in query_captures(self.session, a, original, limit=1)))
        return self._cache[key]

    def originals_under(self, url_prefix: str) -> list[str] | None:
        """Original URLs the archives list under a prefix; None if no archive could be asked."""
        archives, original = self._archives_for(url_prefix)
        key = ("under", tuple(a.name for a in archives), original)
        if key not in self._cache:
            def ask(archive):
                found = [r.original for r in query_captures(self.session, archive, original,
                                                            match_type="prefix", limit=2000)]
                return list(dict.fromkeys(found))
            self._cache[key] = self._ask(archives, ask, combine=True)
        return self._cache[key]

    @staticmethod
    def _ask(archives, question, combine: bool = False):
        answered = False
        collected: list = []
        for archive in archives:
            if archive.dialect.timemap_only:
                continue
            try:
                answer = question(archive)
            except Excluded:
                answer = [] if combine else False  # it refuses the URL: an answer, and it holds nothing usable
            except NetworkError:
                continue
            answered = True
            if combine:
                collected.extend(answer)
            elif answer:
                return True
        if not answered:
            return None
        return collected if combine else False
