"""The demo world: fictional people and organisations in real towns of East Kazakhstan,
in three sizes — small (every feature to show and test), region and national (benchmarks).

Everything is drawn from one `random.Random(seed)` on a fixed calendar (calendar.TODAY), so a
seed always gives the same world, and moved as it is written by whole weeks to the day it is
loaded; rows go in through bulk inserts with ids given up front.
"""

import random
from datetime import date

from app.authentication import hash_password
from app.demo.writer import BulkWriter, empty_all_tables, is_empty
from app.extensions import db

SCALES = ("small", "region", "national")
# The documented password of every demo account.
DEMO_PASSWORD = "demo12345"  # noqa: S105  # nosec B105

__all__ = ["DEMO_PASSWORD", "SCALES", "database_is_empty", "empty_database", "load_world"]


def database_is_empty() -> bool:
    """True when no domain table of the current app's database holds a row."""
    return is_empty(db.session.connection())


def empty_database() -> None:
    """Delete every row of every domain table (the caller commits)."""
    empty_all_tables(db.session.connection())


def load_world(scale: str = "small", seed: int = 2025,
               load_day: date | None = None) -> dict[str, int]:
    """Fill the current app's (empty) database with a demo world, moved by whole weeks to be
    current on `load_day` (the region's today by default); returns rows per table.

    Needs an app context; the caller commits.
    """
    from app import clock
    from app.demo.calendar import shift_to
    from app.demo.scale import NATIONAL, REGION, build_scaled
    from app.demo.small import build_small
    from app.demo.world import World
    from app.diary_totals import rebuild as rebuild_totals

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    connection = db.session.connection()
    if not is_empty(connection):
        raise ValueError("the database is not empty: the demo world needs an empty one")
    writer = BulkWriter(connection, shift=shift_to(load_day or clock.today()))
    # Argon2 is slow on purpose: hash the shared password once for every account.
    world = World(writer, random.Random(seed), hash_password(DEMO_PASSWORD))
    small = build_small(world)
    if scale != "small":
        build_scaled(world, small, REGION if scale == "region" else NATIONAL)
    counts = writer.finish()
    # The loader bypasses the ORM's flushes: the diary's totals are summed once, in SQL.
    counts.update(rebuild_totals(connection))
    db.session.expire_all()
    return dict(counts)
