"""Per-connection settings that SQLite needs to behave like a real database."""

from sqlalchemy import Engine, event


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    # Enforce foreign keys; let readers and a writer work at once; wait for a lock, don't fail.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's lower() folds ASCII only; Python's folds Cyrillic and Kazakh too, so that
    # ilike (compiled to lower() LIKE lower()) searches "казц" in "Казцинк" as PostgreSQL does.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value
