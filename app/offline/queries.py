"""What the phone keeps for offline use, read in a fixed number of queries, and stored answers."""

from datetime import date

from flask_babel import format_date
from sqlalchemy import select

from app.extensions import db
from app.labels import label, week_span
from app.models import (
    DiaryEntry,
    EntryStatus,
    OfflineWrite,
    Placement,
    PlacementStatus,
    Role,
    User,
)
from app.practice import queries as practice
from app.practice.weeks import Week, default_week
from app.scopes import scope_of

EDITABLE = (EntryStatus.DRAFT, EntryStatus.REJECTED)
QUEUE_SIZE = 50


def stored_answer(user: User, key: str) -> OfflineWrite | None:
    """The answer already given to this user's write with this key (one query)."""
    return db.session.scalar(
        select(OfflineWrite).where(OfflineWrite.user_id == user.id, OfflineWrite.key == key))


def entry_now(user: User, entry_id: int | None) -> dict | None:
    """The entry as the server holds it now, within the user's scope (one query)."""
    if entry_id is None:
        return None
    entry = db.session.scalar(
        select(DiaryEntry).where(DiaryEntry.id == entry_id, scope_of(DiaryEntry, user)))
    return _entry(entry) if entry is not None else None


def _entry(entry: DiaryEntry) -> dict:
    return {"id": entry.id, "version": entry.version, "hours": entry.minutes / 60,
            "activity": entry.activity, "status": entry.status.value,
            "status_label": label(entry.status), "comment": entry.review_comment}


def _student_week(student: User, today: date) -> dict:
    placement_id = practice.current_placement_id(student)
    placement = db.session.get(Placement, placement_id) if placement_id else None
    if placement is None:
        return {"placement": None}
    week = default_week(placement.start_date, placement.end_date, today)
    entries = practice.week_entries(placement, week)
    active = placement.status == PlacementStatus.ACTIVE
    days = []
    for day in week.days:
        entry = entries.get(day)
        in_period = placement.start_date <= day <= placement.end_date and day <= today
        days.append({
            "date": day.isoformat(), "label": format_date(day, "EEEE, d MMMM"),
            "short": day.strftime("%d.%m"),
            "open": active and in_period and (entry is None or entry.status in EDITABLE),
            "entry": _entry(entry) if entry is not None else None,
        })
    return {"placement": {"id": placement.id, "enterprise": str(placement.enterprise)},
            "week": {"code": week.code, "title": week_span(week)}, "days": days}


def _mentor_queue(mentor: User) -> dict:
    pager = practice.review_queue(mentor, 1, QUEUE_SIZE)
    cards = [{
        "id": e.id, "version": e.version, "student": e.placement.student.full_name,
        "date": e.work_date.isoformat(), "label": format_date(e.work_date, "EEEE, d MMMM"),
        "short": e.work_date.strftime("%d.%m"), "week": Week.of(e.work_date).code,
        "hours": e.minutes / 60, "activity": e.activity,
    } for e in pager.items]
    return {"queue": cards, "waiting": pager.total}


def snapshot(user: User, today: date) -> dict:
    """The trainee's current week or the foreman's queue, as the phone stores it."""
    data: dict = {"user": user.id, "role": user.role.value, "name": user.full_name}
    if user.role == Role.STUDENT:
        data.update(_student_week(user, today))
    elif user.role == Role.MENTOR:
        data.update(_mentor_queue(mentor=user))
    return data
