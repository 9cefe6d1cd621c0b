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


def lock_for_counting(session) -> None:
    """Take the database's write lock now, before counting what a cap allows.

    SQLite: `BEGIN IMMEDIATE`, so a second writer waits here (busy_timeout) until the first has
    committed, and then counts what it wrote. Python's sqlite3 starts a transaction only at the
    first write, so a count before it would run unlocked; once the transaction has written it
    already holds the lock and nothing is done. PostgreSQL: nothing — the services lock the rows
    the caps hang on (`FOR UPDATE`) before they count.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
