"""Bulk writing of the demo world: precomputed ids, rows buffered per table and written in
chunks — SQLAlchemy Core executemany, or COPY on PostgreSQL — parents always before children."""

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ColumnDefault, Connection, Date, DateTime, Table, func, select, text

from app.audit_chain import link_rows, reset_head
from app.demo.calendar import NOW
from app.models import BOOKKEEPING_TABLES, Base

CHUNK_ROWS = 20_000
# What stays where it is when the world moves to the load day: a person's birth date.
UNMOVED = {("student_profiles", "birth_date")}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _column_defaults(table: Table) -> dict[str, Any]:
    """The value each column gets when a row leaves it out (stable, no clock)."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if isinstance(column.type, DateTime) and default is not None:
            defaults[column.name] = NOW
        elif isinstance(default, ColumnDefault) and default.is_scalar:
            defaults[column.name] = default.arg
        elif isinstance(column.type, JSON):
            defaults[column.name] = {}
        else:
            defaults[column.name] = None
    return defaults


def _moved(value: Any, shift: timedelta) -> Any:
    """A value moved in time: dates and timestamps, and ISO days inside JSON (the audit's)."""
    if isinstance(value, date | datetime):
        return value + shift
    if isinstance(value, str) and ISO_DAY.match(value):
        return (date.fromisoformat(value) + shift).isoformat()
    if isinstance(value, list):
        return [_moved(item, shift) for item in value]
    if isinstance(value, dict):
        return {key: _moved(item, shift) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class BulkWriter:
    """Collects rows with ids given up front and writes them in dependency order."""

    def __init__(self, connection: Connection, chunk_rows: int = CHUNK_ROWS,
                 shift: timedelta = timedelta(0)) -> None:
        self.connection = connection
        self.chunk_rows = chunk_rows
        self.shift = shift  # how far every date moves (calendar.shift_to the load day)
        self.moving = {t.name: [c.name for c in t.columns
                                if isinstance(c.type, Date | DateTime | JSON)
                                and (t.name, c.name) not in UNMOVED]
                       for t in Base.metadata.sorted_tables}
        self.tables = list(Base.metadata.sorted_tables)
        self.defaults = {t.name: _column_defaults(t) for t in self.tables}
        self.columns = {t.name: [c.name for c in t.columns] for t in self.tables}
        self.buffers: dict[str, list[dict[str, Any]]] = {t.name: [] for t in self.tables}
        self.last_id: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.buffered = 0
        self.use_copy = connection.dialect.name == "postgresql"

    def next_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, **values: Any) -> int:
        """Buffer one row (an id is assigned when the table has one and none is given)."""
        if "id" in self.defaults[table] and "id" not in values:
            values["id"] = self.next_id(table)
        row = {**self.defaults[table], **values}
        if len(row) != len(self.defaults[table]):
            unknown = set(values) - set(self.defaults[table])
            raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
        if self.shift:
            for name in self.moving[table]:
                if row[name] is not None:
                    row[name] = _moved(row[name], self.shift)
        self.buffers[table].append(row)
        self.buffered += 1
        if self.buffered >= self.chunk_rows:
            self.flush()
        return values.get("id", 0)

    def flush(self) -> None:
        """Write every buffered row, parents first so foreign keys hold at each statement."""
        for table in self.tables:
            rows = self.buffers[table.name]
            if not rows:
                continue
            if table.name == "audit_events":
                link_rows(self.connection, rows)
            if self.use_copy and not any(isinstance(c.type, JSON) for c in table.columns):
                self._copy(table, rows)
            else:
                self.connection.execute(table.insert(), rows)
            self.counts[table.name] += len(rows)
            self.buffers[table.name] = []
        self.buffered = 0

    def _copy(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        names = self.columns[table.name]
        raw = self.connection.connection.driver_connection
        if raw is None:  # only a connection already closed has none
            raise RuntimeError("The demo writer's connection is closed.")
        columns = ", ".join(f'"{name}"' for name in names)
        with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({columns}) FROM STDIN'  # noqa: S608 - names from our metadata
        ) as copy:
            for row in rows:
                copy.write_row([_plain(row[name]) for name in names])

    def finish(self) -> Counter[str]:
        """Write what is left and move PostgreSQL's id sequences past the ids we gave."""
        self.flush()
        if self.use_copy:
            for table in self.tables:
                if "id" in self.defaults[table.name] and self.counts[table.name]:
                    self.connection.execute(
                        select(func.setval(
                            func.pg_get_serial_sequence(table.name, "id"),
                            select(func.max(table.c.id)).scalar_subquery(),
                        ))
                    )
        return self.counts


def is_empty(connection: Connection) -> bool:
    """True when no table of the domain holds a row."""
    return all(
        connection.execute(select(table).limit(1)).first() is None
        for table in Base.metadata.sorted_tables if table.name not in BOOKKEEPING_TABLES
    )


def empty_all_tables(connection: Connection) -> None:
    """Delete every row of every domain table (and restart ids on PostgreSQL)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            connection.execute(table.delete())
    reset_head(connection)
