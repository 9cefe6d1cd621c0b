"""`flask rebuild-totals`: recompute the diary's running totals from the records."""

import time

import click

from app.diary_totals import rebuild
from app.extensions import db


@click.command("rebuild-totals")
def rebuild_totals() -> None:
    """Recompute the diary's week, college and mentor totals from the diary itself."""
    started = time.perf_counter()
    counts = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Diary totals rebuilt in {time.perf_counter() - started:.1f} s:")
    for table, count in counts.items():
        click.echo(f"  {table:<22} {count:>10,}")
