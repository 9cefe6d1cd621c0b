"""SQL the dashboards need that each database spells its own way, written once for both."""

from sqlalchemy import Date, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class week_start(FunctionElement):  # noqa: N801 - a SQL function, named like one
    """The Monday of a date's ISO week."""

    type = Date()
    inherit_cache = True


@compiles(week_start)
def _week_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


class hours_between(FunctionElement):  # noqa: N801 - a SQL function, named like one
    """Hours from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(hours_between)
def _hours_between_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


class unindexed(FunctionElement):  # noqa: N801 - a SQL expression, named like one
    """A column SQLite must not pick an index for (its unary-plus idiom; a no-op elsewhere).

    Without statistics SQLite prefers the diary's status index even when nearly every entry
    is approved, and reads the table row by row through it: ten times slower than a scan.
    """

    type = String()
    inherit_cache = True


@compiles(unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.clauses, **kw)}"
