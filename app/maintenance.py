"""Database upkeep: planner statistics after bulk loads.

SQLite never gathers statistics on its own and this PostgreSQL runs without autovacuum, so
without ANALYZE both planners guess: SQLite then walks every submitted entry of the region for
one coordinator's home page. The demo loader and `flask analyze` call this after bulk writes.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session


def refresh_planner_statistics(session: Session | scoped_session) -> None:
    """Gather planner statistics for every table (commits what is pending first)."""
    session.commit()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE"))
        session.execute(text("PRAGMA optimize"))
        session.commit()
        return
    # PostgreSQL's ANALYZE may run inside a transaction; VACUUM could not.
    session.execute(text("ANALYZE"))
    session.commit()
