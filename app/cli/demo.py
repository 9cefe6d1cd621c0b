"""`flask demo-data`: fill an empty database with the demo world."""

import time

import click

from app.demo import SCALES, database_is_empty, empty_database, load_world
from app.extensions import db
from app.maintenance import refresh_planner_statistics


@click.command("demo-data")
@click.option("--scale", type=click.Choice(SCALES), default="small", show_default=True,
              help="small: every feature to show; region: ВКО; national: Kazakhstan.")
@click.option("--seed", type=int, default=2025, show_default=True,
              help="The same seed always gives the same world.")
@click.option("--reset", is_flag=True, help="Empty every table first.")
@click.option("--if-empty", is_flag=True, help="Quietly do nothing when there is data.")
def demo_data(scale: str, seed: int, reset: bool, if_empty: bool) -> None:
    """Fill an empty database with the demo world."""
    if not database_is_empty():
        if reset:
            empty_database()
        elif if_empty:
            click.echo("The database already has data: demo world not loaded.")
            return
        else:
            raise click.ClickException(
                "The database is not empty. Use --reset to replace its data with the demo world."
            )
    started = time.perf_counter()
    counts = load_world(scale, seed)
    db.session.commit()
    refresh_planner_statistics(db.session)
    elapsed = time.perf_counter() - started
    click.echo(f"Loaded the {scale} demo world (seed {seed}) in {elapsed:.1f} s:")
    for table, count in sorted(counts.items()):
        click.echo(f"  {table:<20} {count:>10,}")
    click.echo("Every demo account's password is demo12345.")


@click.command("analyze")
def analyze() -> None:
    """Refresh the database planner's statistics (after a bulk import or load)."""
    refresh_planner_statistics(db.session)
    click.echo("Planner statistics refreshed.")
