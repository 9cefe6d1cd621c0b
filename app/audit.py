"""The audit trail: every state change records who did what to which object."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from flask import g, has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, literal, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import LANGUAGE_NAMES, format_date, format_datetime, format_tenge
from app.labels import HIDDEN_VALUES, action_label, field_label, label
from app.models import (
    AssessmentKind,
    AuditEvent,
    ChangeKind,
    College,
    Competency,
    Department,
    DocumentKind,
    Enterprise,
    EntryStatus,
    Group,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Role,
    Specialty,
    User,
)
from app.naming import NamedInTwoLanguages, local_name


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # JSON has no decimals; the string keeps the exact amount
    return value


def changes_of(obj: Any) -> dict[str, list[Any]]:
    """Before and after of every column attribute changed on `obj` in this session."""
    state = inspect(obj)
    changed: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes() and attr.key not in {"updated_at", "version"}:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changed[attr.key] = [_plain(before), _plain(after)]
    return changed


def _api_token_id() -> int | None:
    """The API token of the request making the change (set by app/api/auth.py), if any."""
    return g.get("api_token_id") if has_app_context() else None


def record(actor: User | None, action: str, obj: Any, changes: dict | None = None) -> AuditEvent:
    """Add an audit event for `obj`; call after flushing a new object so it has an id."""
    if changes is None:
        changes = changes_of(obj)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        changes=changes,
        college_id=college_of(obj, actor),
        api_token_id=_api_token_id(),
    )
    db.session.add(event)
    return event


def college_of(obj: Any, actor: User | None) -> int | None:
    """The college whose trail an event on `obj` belongs to: the object's own college, its
    placement's, or else the acting coordinator's (None: the region's, read by the admin)."""
    college_id = getattr(obj, "college_id", None)
    if isinstance(college_id, int):
        return college_id
    placement = getattr(obj, "placement", None)
    if isinstance(placement, Placement):
        return placement.college_id
    if actor is not None and actor.role == Role.COORDINATOR:
        return actor.college_id
    return None


def history_of(obj: Any, limit: int = 200) -> list[AuditEvent]:
    """The audit events of one object, newest first, with their actors (one query).

    Callers show it only on the page of an object the user was allowed to load.
    """
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == type(obj).__tablename__,
                   AuditEvent.object_id == obj.id)
            .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.api_token))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


# --- reading the trail ----------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")

# Which enum a recorded value belongs to, by (table, field); "*" for any table.
_ENUMS: dict[tuple[str, str], type[Enum]] = {
    ("placements", "status"): PlacementStatus,
    ("diary_entries", "status"): EntryStatus,
    ("*", "offer_status"): OfferStatus,
    ("graduate_outcomes", "outcome"): OutcomeKind,
    ("assessments", "kind"): AssessmentKind,
    ("issued_documents", "kind"): DocumentKind,
    ("*", "hire_recommendation"): HireRecommendation,
    ("*", "role"): Role,
    ("placements", "change"): ChangeKind,
}


def _name_of_placement(rows) -> dict[int, str]:
    return {row.id: row.agreement_number or row.full_name for row in rows}


# Recorded ids of other objects → the column a person knows them by.
_REFERENCES: dict[str, tuple[Any, Any]] = {
    "student_id": (User, User.full_name),
    "mentor_id": (User, User.full_name),
    "reviewed_by_id": (User, User.full_name),
    "signed_for_id": (User, User.full_name),
    "deputy_id": (User, User.full_name),
    "sent_by_id": (User, User.full_name),
    "answered_by_id": (User, User.full_name),
    "college_graded_by_id": (User, User.full_name),
    "college_id": (College, College.name),
    "enterprise_id": (Enterprise, Enterprise.name),
    "host_enterprise_id": (Enterprise, Enterprise.name),
    "department_id": (Department, Department.name),
    "group_id": (Group, Group.code),
    "specialty_id": (Specialty, Specialty.name),
    "competency_id": (Competency, Competency.name),
}


@dataclass(frozen=True)
class ShownChange:
    label: str
    before: str | None  # None: the field had no value before (or it is a secret)
    after: str | None
    secret: bool = False


@dataclass(frozen=True)
class ShownEvent:
    event: AuditEvent
    changes: list[ShownChange]


def _referenced_names(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """Names of every object the events refer to by id: one query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        for field, values in (event.changes or {}).items():
            if field in _REFERENCES or field == "placement_id":
                wanted.setdefault(field, set()).update(
                    v for v in values if isinstance(v, int) and not isinstance(v, bool))
    names: dict[tuple[str, int], str] = {}
    by_model: dict[Any, set[int]] = {}
    for field, ids in wanted.items():
        if field == "placement_id":
            rows = db.session.execute(
                select(Placement.id, Placement.agreement_number, User.full_name)
                .join(User, User.id == Placement.student_id).where(Placement.id.in_(ids)))
            for pid, text in _name_of_placement(rows).items():
                names[("placement_id", pid)] = text
            continue
        by_model.setdefault(_REFERENCES[field], set()).update(ids)
    for (model, column), ids in by_model.items():
        # An organisation is named in the reader's language (app.naming).
        named = isinstance(model, type) and issubclass(model, NamedInTwoLanguages)
        kazakh = model.name_kk if named else literal("")
        for oid, text, text_kk in db.session.execute(
                select(model.id, column, kazakh).where(model.id.in_(ids))):
            for field, reference in _REFERENCES.items():
                if reference == (model, column):
                    names[(field, oid)] = local_name(text, text_kk) if named else str(text)
    return names


def _shown_value(table: str, field: str, value: Any,
                 names: dict[tuple[str, int], str]) -> str | None:
    if value is None or value == "" or value == [] or value == {}:
        return None
    enum = _ENUMS.get((table, field)) or _ENUMS.get(("*", field))
    if enum is not None:
        try:
            return label(enum(value))
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return str(_l("да") if value else _l("нет"))
    if field == "attempted" and isinstance(value, str):
        return action_label(value)
    if field in _REFERENCES or field == "placement_id":
        return names.get((field, value), _("удалено"))
    if field == "minutes" and isinstance(value, int | float):
        return _("%(hours)s ч", hours=format_decimal(value / 60, format="#,##0.#"))
    if field == "compensation_amount" and isinstance(value, str | int):
        try:
            return format_tenge(Decimal(value))
        except InvalidOperation:
            return str(value)
    if field == "locale" and value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return format_datetime(datetime.fromisoformat(value), "short")
    if isinstance(value, dict):
        return ", ".join(f"{key}: {val}" for key, val in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value)
    return str(value)


def readable_history(events: list[AuditEvent]) -> list[ShownEvent]:
    """The events with each change as a person reads it: the field's name in the reader's
    language, statuses by name, dates in the locale, other objects by name, secrets hidden."""
    names = _referenced_names(events)
    shown = []
    for event in events:
        changes = []
        for field, values in (event.changes or {}).items():
            before, after = (list(values) + [None, None])[:2] if isinstance(values, list) \
                else (None, values)
            if field in HIDDEN_VALUES:
                changes.append(ShownChange(field_label(field), None, None, secret=True))
                continue
            changes.append(ShownChange(
                field_label(field),
                _shown_value(event.object_type, field, before, names),
                _shown_value(event.object_type, field, after, names),
            ))
        shown.append(ShownEvent(event, changes))
    return shown
