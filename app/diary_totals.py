"""The diary's running totals (app/models/summaries.py): kept current in the transaction that
changes the diary, and rebuilt from the records on demand.

Every flush that adds, changes or deletes a diary entry — the student's week, the mentor's
sign-off, the offline and API writes, a test's builder — recomputes only what it touched: the
placement's week cells (at most seven entries each) and its whole-diary row (a sum of its
weeks), the colleges' week cells of those weeks
(a sum over the college's placements' cells) and the stats of the mentor whose signed entries
changed (over that mentor's entries). A placement whose college, status or mentor changes
moves its weeks between colleges and its signatures between mentors the same way.

Concurrency: a cell is first locked (an upsert that rewrites it unchanged: a row lock on
PostgreSQL, the write lock on SQLite), then recomputed by a later statement, whose snapshot
sees every transaction that held the lock before — so two students of one college writing the
same week never lose each other's hours. Locks are taken in key order: week cells, then
placements, colleges, mentors. Emptied cells stay as zeros: a writer may be waiting on the row.

Bulk writers that bypass the ORM (the demo loader) call `rebuild` once when they are done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    event,
    extract,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import inspect as inspect_state
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.dashboard.sql import hours_between, unindexed, week_start
from app.models import (
    DiaryCollegeWeek,
    DiaryEntry,
    DiaryPlacementTotal,
    DiaryWeekTotal,
    EntryStatus,
    MentorSignoffStat,
    Placement,
    PlacementStatus,
)
from app.models.base import Base

WEEK_FIGURES = ("entries", "logged_minutes", "approved_minutes", "submitted_minutes",
                "submitted_entries", "last_work_date", "oldest_submitted_at")
PLACEMENT_FIGURES = ("entries", "approved_minutes", "submitted_minutes", "submitted_entries",
                     "last_work_date", "oldest_submitted_at")
COLLEGE_SUMS = ("entries", "logged_minutes", "approved_minutes")
MENTOR_FIGURES = ("approved_entries", "approved_minutes", "median_hours")

Cell = tuple[int, date, int]  # placement or college, the week's Monday, the calendar year


def week_of(day: date) -> tuple[date, int]:
    """The Monday of a date's ISO week and the date's own calendar year."""
    return day - timedelta(days=day.weekday()), day.year


def as_date(value: Any) -> date:
    """A date the database handed back (SQLite gives computed dates as text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- the totals, computed from the records -----------------------------------------------------


def _minutes_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, DiaryEntry.minutes), else_=0)), 0)


def week_cells(*conditions: Any) -> Any:
    """Each placement's entries summed per ISO week and calendar year."""
    week = week_start(DiaryEntry.work_date)
    year = extract("year", DiaryEntry.work_date)
    submitted = DiaryEntry.status == EntryStatus.SUBMITTED
    return (
        select(
            DiaryEntry.placement_id, week.label("week_start"), year.label("work_year"),
            func.count().label("entries"),
            _minutes_if(DiaryEntry.status != EntryStatus.DRAFT).label("logged_minutes"),
            _minutes_if(DiaryEntry.status == EntryStatus.APPROVED).label("approved_minutes"),
            _minutes_if(submitted).label("submitted_minutes"),
            func.coalesce(func.sum(case((submitted, 1), else_=0)), 0).label("submitted_entries"),
            func.max(DiaryEntry.work_date).label("last_work_date"),
            func.min(case((submitted, DiaryEntry.submitted_at))).label("oldest_submitted_at"),
        )
        .where(*conditions)
        .group_by(DiaryEntry.placement_id, week, year)
    )


def placement_totals(*conditions: Any) -> Any:
    """Each placement's week totals summed: its whole diary."""
    t = DiaryWeekTotal
    return (
        select(t.placement_id,
               *(func.coalesce(func.sum(getattr(t, name)), 0).label(name)
                 for name in PLACEMENT_FIGURES[:4]),
               func.max(t.last_work_date).label("last_work_date"),
               func.min(t.oldest_submitted_at).label("oldest_submitted_at"))
        .where(*conditions)
        .group_by(t.placement_id)
    )


def college_cells(*conditions: Any) -> Any:
    """Each college's week cells: its agreements' cells summed, drafts left out."""
    t = DiaryWeekTotal
    return (
        select(Placement.college_id, t.week_start, t.work_year,
               *(func.coalesce(func.sum(getattr(t, name)), 0).label(name)
                 for name in COLLEGE_SUMS))
        .join(Placement, Placement.id == t.placement_id)
        .where(Placement.status != PlacementStatus.DRAFT, *conditions)
        .group_by(Placement.college_id, t.week_start, t.work_year)
    )


def signoff_per_mentor(*conditions: Any) -> Any:
    """Per mentor of the placements selected: entries and minutes approved, and the median
    hours from submitting an entry to its approval — one pass over the approved entries, the
    median by row numbers."""
    approved = (
        select(
            Placement.mentor_id.label("mentor_id"),
            DiaryEntry.minutes.label("minutes"),
            hours_between(DiaryEntry.submitted_at, DiaryEntry.reviewed_at).label("hours"),
        )
        .join(Placement, Placement.id == DiaryEntry.placement_id)
        .where(*conditions, unindexed(DiaryEntry.status) == EntryStatus.APPROVED.value)
        .subquery()
    )
    # The hours are worked out once per entry, then numbered within each mentor's entries.
    entries = select(
        approved,
        func.row_number().over(partition_by=approved.c.mentor_id,
                               order_by=approved.c.hours.asc().nulls_last()).label("rn"),
        func.count(approved.c.hours).over(partition_by=approved.c.mentor_id).label("n"),
    ).subquery()
    # The middle row, or the two middle rows (integer division on both databases).
    middle = and_(entries.c.hours.is_not(None), or_(entries.c.rn == (entries.c.n + 1) // 2,
                                                    entries.c.rn == (entries.c.n + 2) // 2))
    return (
        select(
            entries.c.mentor_id,
            func.count().label("approved_entries"),
            func.sum(entries.c.minutes).label("approved_minutes"),
            func.avg(case((middle, entries.c.hours))).label("median_hours"),
        )
        .group_by(entries.c.mentor_id)
    )


def rebuild(connection: Connection) -> dict[str, int]:
    """Recompute every total from the records (the caller commits); returns rows per table."""
    tables = [MentorSignoffStat, DiaryCollegeWeek, DiaryPlacementTotal, DiaryWeekTotal]
    if connection.dialect.name == "postgresql":
        names = ", ".join(model.__tablename__ for model in tables)
        connection.execute(text(f"TRUNCATE {names}"))
    else:
        for model in tables:
            connection.execute(delete(model))
    connection.execute(insert(DiaryWeekTotal).from_select(
        ["placement_id", "week_start", "work_year", *WEEK_FIGURES], week_cells()))
    connection.execute(insert(DiaryPlacementTotal).from_select(
        ["placement_id", *PLACEMENT_FIGURES], placement_totals()))
    connection.execute(insert(DiaryCollegeWeek).from_select(
        ["college_id", "week_start", "work_year", *COLLEGE_SUMS], college_cells()))
    connection.execute(insert(MentorSignoffStat).from_select(
        ["mentor_id", *MENTOR_FIGURES],
        signoff_per_mentor(Placement.status != PlacementStatus.DRAFT)))
    return {model.__tablename__: connection.scalar(select(func.count()).select_from(model)) or 0
            for model in reversed(tables)}


# --- what a flush touched ----------------------------------------------------------------------


@dataclass
class Touched:
    """The cells a flush changed the records of."""

    weeks: set[Cell] = field(default_factory=set)  # (placement, Monday, year)
    # Placements moved between colleges or in or out of draft: their colleges, old and new.
    moved: dict[int, set[int]] = field(default_factory=dict)
    colleges: set[int] = field(default_factory=set)  # every cell of these (deleted placements)
    mentors: set[int] = field(default_factory=set)
    signed_on: set[int] = field(default_factory=set)  # placements whose signed entries changed

    def __bool__(self) -> bool:
        return bool(self.weeks or self.moved or self.colleges or self.mentors
                    or self.signed_on)


def _values(state: Any, name: str) -> set[Any]:
    """Every value an attribute had or has in this flush (its old and its new value)."""
    history = state.attrs[name].history
    found = {*history.added, *history.unchanged, *history.deleted}
    if not found:
        found = {getattr(state.obj(), name)}
    return found - {None}


def _changed(state: Any, *names: str) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def touched_by(session: Session) -> Touched:
    """What the pending flush changes: entries' weeks, and placements moved between colleges,
    in or out of draft, or to another mentor."""
    touched = Touched()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, DiaryEntry):
            state = inspect_state(obj)
            if obj in session.dirty and not session.is_modified(obj):
                continue
            placements = _values(state, "placement_id")
            for placement_id in placements:
                for day in _values(state, "work_date"):
                    touched.weeks.add((placement_id, *week_of(day)))
            if EntryStatus.APPROVED in _values(state, "status"):
                touched.signed_on |= placements
        elif isinstance(obj, Placement) and obj not in session.new:
            state = inspect_state(obj)
            if obj in session.deleted:
                # The database has deleted its week cells with it: redo its colleges whole.
                touched.colleges |= _values(state, "college_id")
            elif _changed(state, "college_id", "status"):
                touched.moved[obj.id] = _values(state, "college_id")
            if obj in session.deleted or _changed(state, "mentor_id", "status"):
                touched.mentors |= _values(state, "mentor_id")
    return touched


# --- recomputing what was touched --------------------------------------------------------------


def _upsert(connection: Connection):
    return postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert


def _lock(connection: Connection, model: type[Base], keys: list[tuple], names: tuple[str, ...],
          blank: dict[str, Any]) -> None:
    """Make each row if missing and lock it, in key order."""
    if not keys:
        return
    table = cast(Table, model.__table__)
    first = "approved_entries" if model is MentorSignoffStat else "entries"
    stmt = _upsert(connection)(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(names),
                                      set_={first: getattr(table.c, first)})
    connection.execute(stmt, [dict(zip(names, key, strict=True), **blank) for key in keys])


def _store(connection: Connection, model: type[Base], names: tuple[str, ...],
           figures: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    table = cast(Table, model.__table__)
    rows = list(rows)
    if not rows:
        return
    stmt = (update(table)
            .where(*(getattr(table.c, name) == bindparam(f"key_{name}") for name in names))
            .values({name: bindparam(f"new_{name}") for name in figures}))
    connection.execute(stmt, [
        {**{f"key_{name}": row[name] for name in names},
         **{f"new_{name}": row[name] for name in figures}} for row in rows])


def _typed(value: Any) -> Any:
    # SQLite hands back a computed min/max of dates and times as text.
    if isinstance(value, str):
        return datetime.fromisoformat(value) if " " in value or "T" in value \
            else date.fromisoformat(value)
    return value


def _refresh_weeks(connection: Connection, cells: set[Cell]) -> None:
    keys = sorted(cells)
    names = ("placement_id", "week_start", "work_year")
    blank = dict.fromkeys(WEEK_FIGURES, 0) | {"last_work_date": None,
                                              "oldest_submitted_at": None}
    _lock(connection, DiaryWeekTotal, keys, names, blank)
    placements = sorted({key[0] for key in keys})
    first, last = min(key[1] for key in keys), max(key[1] for key in keys)
    found = {(row.placement_id, as_date(row.week_start), int(row.work_year)): row._mapping
             for row in connection.execute(week_cells(
                 DiaryEntry.placement_id.in_(placements), DiaryEntry.work_date >= first,
                 DiaryEntry.work_date < last + timedelta(days=7)))}
    _store(connection, DiaryWeekTotal, names, WEEK_FIGURES, (
        {"placement_id": key[0], "week_start": key[1], "work_year": key[2],
         **{name: _typed(found.get(key, blank)[name]) for name in WEEK_FIGURES}}
        for key in keys))


def _refresh_placements(connection: Connection, placement_ids: set[int]) -> None:
    keys = [(placement_id,) for placement_id in sorted(placement_ids)]
    blank = dict.fromkeys(PLACEMENT_FIGURES, 0) | {"last_work_date": None,
                                                   "oldest_submitted_at": None}
    _lock(connection, DiaryPlacementTotal, keys, ("placement_id",), blank)
    found = {row.placement_id: row._mapping for row in connection.execute(placement_totals(
        DiaryWeekTotal.placement_id.in_(sorted(placement_ids))))}
    _store(connection, DiaryPlacementTotal, ("placement_id",), PLACEMENT_FIGURES, (
        {"placement_id": key[0],
         **{name: _typed(found.get(key[0], blank)[name]) for name in PLACEMENT_FIGURES}}
        for key in keys))


def _refresh_colleges(connection: Connection, cells: set[Cell], whole: set[int]) -> None:
    """Recompute college cells: those given, and every cell of the colleges in `whole`."""
    t = DiaryCollegeWeek
    if whole:
        cells = cells | {(row.college_id, as_date(row.week_start), row.work_year)
                         for row in connection.execute(
                             select(t.college_id, t.week_start, t.work_year)
                             .where(t.college_id.in_(sorted(whole))))}
    if not cells:
        return
    keys = sorted(cells)
    names = ("college_id", "week_start", "work_year")
    _lock(connection, DiaryCollegeWeek, keys, names, dict.fromkeys(COLLEGE_SUMS, 0))
    colleges = sorted({key[0] for key in keys})
    weeks = sorted({key[1] for key in keys})
    found = {(row.college_id, as_date(row.week_start), int(row.work_year)): row._mapping
             for row in connection.execute(college_cells(
                 Placement.college_id.in_(colleges), DiaryWeekTotal.week_start.in_(weeks)))}
    _store(connection, DiaryCollegeWeek, names, COLLEGE_SUMS, (
        {"college_id": key[0], "week_start": key[1], "work_year": key[2],
         **{name: found[key][name] if key in found else 0 for name in COLLEGE_SUMS}}
        for key in keys))


def _refresh_mentors(connection: Connection, mentors: set[int]) -> None:
    keys = [(mentor_id,) for mentor_id in sorted(mentors)]
    blank = {"approved_entries": 0, "approved_minutes": 0, "median_hours": None}
    _lock(connection, MentorSignoffStat, keys, ("mentor_id",), blank)
    found = {row.mentor_id: row._mapping for row in connection.execute(signoff_per_mentor(
        Placement.status != PlacementStatus.DRAFT, Placement.mentor_id.in_(sorted(mentors))))}
    _store(connection, MentorSignoffStat, ("mentor_id",), MENTOR_FIGURES, (
        {"mentor_id": key[0], **{name: found.get(key[0], blank)[name]
                                 for name in MENTOR_FIGURES}}
        for key in keys))


def refresh(connection: Connection, touched: Touched) -> None:
    """Recompute the cells a flush touched (see the module's note on locking)."""
    placement_ids = {cell[0] for cell in touched.weeks} | touched.signed_on
    placements = {row.id: row for row in connection.execute(
        select(Placement.id, Placement.college_id, Placement.mentor_id)
        .where(Placement.id.in_(sorted(placement_ids))))} if placement_ids else {}
    # Cells of a placement deleted in this flush went with it (the database cascades).
    weeks = {cell for cell in touched.weeks if cell[0] in placements}
    if weeks:
        _refresh_weeks(connection, weeks)
        _refresh_placements(connection, {cell[0] for cell in weeks})
    colleges = {(placements[p].college_id, week, year) for p, week, year in weeks}
    if touched.moved:
        t = DiaryWeekTotal
        for row in connection.execute(select(t.placement_id, t.week_start, t.work_year)
                                      .where(t.placement_id.in_(sorted(touched.moved)))):
            colleges |= {(college_id, as_date(row.week_start), row.work_year)
                         for college_id in touched.moved[row.placement_id]}
    _refresh_colleges(connection, colleges, touched.colleges)
    mentors = touched.mentors | {placements[p].mentor_id for p in touched.signed_on
                                 if p in placements}
    if mentors:
        _refresh_mentors(connection, mentors)


def _after_flush(session: Session, _context: Any) -> None:
    touched = touched_by(session)
    if touched:
        refresh(session.connection(), touched)


def init_app() -> None:
    from app.extensions import db

    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
