"""`archivecheck history URL --db FILE`: the story of one watched link, run by run."""

from __future__ import annotations

import click

from ..report.watch import STORY_FORMATS, render_story
from ..watch import link_story
from .options import write_report


@click.command("history")
@click.argument("url")
@click.option("--db", required=True, metavar="FILE", help="The database `watch --db` writes.")
@click.option("--format", "fmt", type=click.Choice(STORY_FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to FILE instead of stdout.")
def command(url, db, fmt, output):
    """Show every watch run's result for URL (as written in the list): date, status, capture, detail."""
    write_report(render_story(url, link_story(db, url), fmt), output)
