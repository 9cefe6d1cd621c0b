"""Reads of the trail: the scoped, filtered events and the names of the objects they are about."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.labels import agreement_name
from app.listing import search
from app.models import AuditEvent, Placement, User
from app.scopes import scope_of

# What a person calls the kinds of objects the trail records.
OBJECT_KINDS = {
    "placements": _l("Договор"),
    "users": _l("Пользователь"),
    "diary_entries": _l("Запись дневника"),
    "assessments": _l("Аттестация"),
    "graduate_outcomes": _l("Выпускник"),
    "retention_checks": _l("Проверка закрепления"),
    "colleges": _l("Колледж"),
    "enterprises": _l("Предприятие"),
    "specialties": _l("Специальность"),
    "groups": _l("Группа"),
    "departments": _l("Цех / отдел"),
    "partnerships": _l("Партнёрство"),
    "invitations": _l("Приглашение"),
    "issued_documents": _l("Документ"),
    "competencies": _l("Компетенция"),
    "student_profiles": _l("Профиль студента"),
    "mentor_profiles": _l("Профиль наставника"),
}


@dataclass(frozen=True)
class TrailFilters:
    who: str = ""
    action: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None


def _utc_start(day: date) -> datetime:
    """The first moment of a day in the region, as the naive UTC the trail stores."""
    local = datetime.combine(day, time.min, tzinfo=clock.zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def events(user: User, filters: TrailFilters) -> Select:
    """The user's events (scoped), filtered, newest first, with their actors."""
    stmt = (select(AuditEvent).where(scope_of(AuditEvent, user))
            .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.api_token)))
    if filters.who:
        stmt = search(stmt.join(User, AuditEvent.actor_id == User.id), filters.who,
                      User.full_name, User.email)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.since:
        stmt = stmt.where(AuditEvent.created_at >= _utc_start(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEvent.created_at < _utc_start(filters.until + timedelta(days=1)))
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def choices(user: User) -> tuple[list[str], list[str]]:
    """The actions and object kinds present in the user's trail (two small distinct reads)."""
    scope = scope_of(AuditEvent, user)
    actions = db.session.scalars(select(AuditEvent.action).where(scope).distinct()
                                 .order_by(AuditEvent.action)).all()
    kinds = db.session.scalars(select(AuditEvent.object_type).where(scope).distinct()
                               .order_by(AuditEvent.object_type)).all()
    return list(actions), list(kinds)


def object_names(events_: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """Names of the agreements and people the events are about (two queries at most)."""
    names: dict[tuple[str, int], str] = {}
    placement_ids = {e.object_id for e in events_ if e.object_type == "placements"}
    user_ids = {e.object_id for e in events_ if e.object_type == "users"}
    if placement_ids:
        for placement in db.session.scalars(select(Placement).where(
                Placement.id.in_(placement_ids))):
            names[("placements", placement.id)] = agreement_name(placement)
    if user_ids:
        for user_id, full_name in db.session.execute(select(User.id, User.full_name).where(
                User.id.in_(user_ids))):
            names[("users", user_id)] = full_name
    return names


def kind_label(object_type: str) -> str:
    return str(OBJECT_KINDS.get(object_type, object_type))
