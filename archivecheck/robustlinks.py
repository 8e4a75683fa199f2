"""Robust Links (https://robustlinks.mementoweb.org/spec/): a link to a capture that also names the
original URL and the capture's date, so a reader (or a browser script) can fall back to the live
page or to another archive's capture of the same date when this archive is unreachable.

    <a href="MEMENTO" data-originalurl="ORIGINAL" data-versiondate="YYYY-MM-DD">TEXT</a>

The spec's `data-versiondate` is the date the linked version is of: for a memento, its capture
date (ISO 8601; the day is what a letter states, so the day is what we write).
"""

from __future__ import annotations

from html import escape

from .models import Result, Status


def robust_link(result: Result, text: str | None = None) -> str | None:
    """The Robust Link HTML for an ok result's capture (its URL as the text by default); None when
    the result names no verified capture."""
    if result.status is not Status.OK or not result.memento_url or not result.memento_datetime:
        return None
    label = text if text is not None else result.memento_url
    return (f'<a href="{escape(result.memento_url)}" data-originalurl="{escape(result.original_url or "")}"'
            f' data-versiondate="{result.memento_datetime[:10]}">{escape(label)}</a>')


def robust_sentence(sentence: str | None, result: Result) -> str | None:
    """The citation sentence in HTML, its trailing link made a Robust Link."""
    link = robust_link(result)
    if sentence is None or link is None or not sentence.endswith(result.memento_url):
        return None
    return escape(sentence[: -len(result.memento_url)]) + link
