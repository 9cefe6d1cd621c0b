"""Placeholder until the demo world lands."""

import click


@click.command("demo-data")
@click.option("--if-empty", is_flag=True)
def demo_data(if_empty: bool) -> None:
    """Fill an empty database with the demo world."""
