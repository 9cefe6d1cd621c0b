"""`flask files clean`: delete stored files that no row names any more."""

from datetime import timedelta

import click
from flask.cli import with_appcontext

from app.files.storage import clean_orphans
from app.models import utcnow


@click.group("files")
def files_cli() -> None:
    """Uploaded files kept outside the database."""


@files_cli.command("clean")
@click.option("--hours", default=1, show_default=True, type=click.IntRange(min=0),
              help="Keep files younger than this: an upload may still be committing its row.")
@with_appcontext
def clean(hours: int) -> None:
    """Delete files no row refers to (left by removed entries or an interrupted upload)."""
    removed = clean_orphans(utcnow(), timedelta(hours=hours))
    click.echo(f"removed {removed} orphan file(s)")
