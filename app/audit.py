"""The audit trail: every state change records who did what to which object."""

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuditEvent, User


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
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
    )
    db.session.add(event)
    return event


def history_of(obj: Any, limit: int = 200) -> list[AuditEvent]:
    """The audit events of one object, newest first, with their actors (one query).

    Callers show it only on the page of an object the user was allowed to load.
    """
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == type(obj).__tablename__,
                   AuditEvent.object_id == obj.id)
            .options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
