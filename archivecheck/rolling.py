"""The rolling schedule for `watch --window 6h --every 7d` (#21): lists larger than a night.

At the Internet Archive's pace (about 456 replays a minute, README "Politeness") a 9-hour night
holds roughly 250,000 links; a million cannot all be checked every night by a polite client. So
each night checks a share of the list, in this order (history.plan_night):

  0. links that failed or changed last time (not ok, or recovered): the news is there;
  1. links never checked, then links that are due: last checked `--every` less one night ago or
     more, longest ago first (a night early, so that a night whose window cannot hold all of them
     still leaves the rest within `--every` the next night: without it a simulated list slipped to
     8 days; and one queue with the never-checked, which a separate later tier starved);
  3. the rest, longest unchecked first, only up to tonight's even share of the list
     (list size / days in `--every`, assuming one run a day), so the work spreads evenly over
     the days instead of bunching on the night a week's batch falls due.

and stops admitting links when the `--window` is spent (links in flight finish; a broken link
still waiting for the index is reported without a suggestion, and searched for again next time).
Nothing is carried over: the next night plans again from each link's state (kept in the history,
table link_state, written when a run's report is delivered), so "resuming" is simply the next run.

Coverage, reported with the run: how many links were checked tonight, whether a full pass fits in
`--every` at tonight's pace, and how many links are overdue (not checked for `--every` or more).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from .history import History
from .watchlist import WatchEntry

DEFAULT_EVERY = timedelta(days=7)
NIGHT = timedelta(days=1)  # runs are assumed to be a day apart when spreading the list


@dataclass
class NightPlan:
    """Tonight's share of the list and when to stop. `monotonic` is injectable (tests simulate a
    window with it); the window starts when the plan does."""

    every: timedelta
    window: timedelta | None
    now: datetime
    monotonic: Callable[[], float] = time.monotonic
    planned: int = 0  # entries in the list
    admitted: int = 0
    stopped_by_window: bool = False
    left_needing_attention: int = 0  # tiers 0-1 not reached before the window closed

    @property
    def due_before(self) -> str:
        """Links last checked before this are due tonight: a night early (see the module docstring)."""
        early = self.every - NIGHT if self.every >= 2 * NIGHT else self.every
        return (self.now - early).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def overdue_before(self) -> str:
        """Links last checked before this have not been checked within `every`."""
        return (self.now - self.every).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def share(self) -> int:
        """Entries tonight at least, when the list allows: an even share of `every`."""
        nights = max(1.0, self.every / NIGHT)
        return math.ceil(self.planned / nights)

    def entries(self, history: History, list_entries, on_window_closed: Callable[[], None]) -> Iterator[WatchEntry]:
        """The list in tonight's order, ending at tonight's share (once nothing needs attention)
        or when the window closes."""
        self.planned = history.plan_night(list_entries, due_before=self.due_before)
        deadline = self.monotonic() + self.window.total_seconds() if self.window is not None else None
        for position, link, labels, tier in history.planned():
            if deadline is not None and self.monotonic() >= deadline:
                self.stopped_by_window = True
                on_window_closed()
                if tier < 3:
                    self.left_needing_attention += 1
                    continue  # counted, not checked: the rest of tiers 0-1 are shown as left over
                return
            if tier == 3 and self.admitted >= self.share:
                return
            self.admitted += 1
            yield WatchEntry(position, link, labels)

    def summary(self, history: History, run_id: int) -> dict:
        """Coverage after tonight: counts and the sentence the report shows."""
        c = history.coverage(run_id, due_before=self.overdue_before)
        days = self.every / NIGHT
        nights = math.ceil(c["links"] / c["checked"]) if c["checked"] else None
        fits = nights is not None and nights <= max(1, math.floor(days))
        every = f"{days:g} day{'s' if days != 1 else ''}"
        sentence = f"{c['checked']:,} of {c['links']:,} links checked tonight; "
        if fits:
            sentence += f"every link checked within {every} at this pace; "
        elif nights is None:
            sentence += "none checked, so no pace to judge; "
        else:
            sentence += (f"at this pace a full pass takes {nights} nights, more than {every}: give a longer "
                         "--window or a longer --every; ")
        sentence += f"{c['overdue']:,} link{'s' if c['overdue'] != 1 else ''} overdue"
        if self.stopped_by_window:
            sentence += f"; the {_hours(self.window)} window closed"
            if self.left_needing_attention:
                sentence += f" with {self.left_needing_attention:,} failing, due or new links still to check"
        return {"links": c["links"], "checked_tonight": c["checked"], "overdue": c["overdue"],
                "every_days": round(days, 3), "window_hours": round(self.window / timedelta(hours=1), 3) if self.window else None,
                "nights_for_full_pass": nights, "full_pass_within_every": fits,
                "stopped_by_window": self.stopped_by_window, "left_needing_attention": self.left_needing_attention,
                "sentence": sentence + "."}


def _hours(window: timedelta | None) -> str:
    hours = window / timedelta(hours=1) if window else 0
    return f"{hours:g}h"
