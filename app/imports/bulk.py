"""Writing a whole file's rows in a few statements: inserts and updates in batches, audit rows too.

The ORM's bulk forms are used (`insert(Model)` / `update(Model)` with a list of dicts): SQLAlchemy
sends them as batched multi-row statements (insertmanyvalues) or one executemany, so the number of
statements does not grow with the rows beyond one per thousand.
"""

from typing import Any

from sqlalchemy import insert, update

from app.audit_chain import link_rows
from app.extensions import db
from app.models import AuditEvent, User, utcnow


def insert_returning_ids(model: type[Any], rows: list[dict[str, Any]],
                         key: str | tuple[str, ...]) -> list[int]:
    """Insert the rows; the new ids in the order of the rows, matched by their unique `key`
    (a column, or columns whose values together tell the new rows apart).

    (Asking the database to keep the parameters' order instead makes SQLAlchemy send one
    statement per row on SQLite.)
    """
    if not rows:
        return []
    keys = (key,) if isinstance(key, str) else key
    result = db.session.execute(
        insert(model).returning(model.id, *(getattr(model, k) for k in keys)), rows)
    ids = {tuple(found[1:]): found[0] for found in result}
    return [ids[tuple(row[k] for k in keys)] for row in rows]


def insert_rows(model: type, rows: list[dict[str, Any]]) -> None:
    """Insert rows whose keys are known (no ids needed back)."""
    if rows:
        db.session.execute(insert(model), rows)


def update_rows(model: type, rows: list[dict[str, Any]]) -> None:
    """Update rows by primary key; every dict carries the same keys (one executemany)."""
    if rows:
        db.session.execute(update(model), rows)


def record_events(actor: User | None, events: list[tuple[str, str, int, dict]]) -> None:
    """Audit events (action, object type, object id, changes) in one batched insert.

    The same rows `app.audit.record` writes one by one, with one timestamp for the whole import.
    """
    if not events:
        return
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    college_id = actor.college_id if actor is not None else None
    insert_rows(AuditEvent, link_rows(db.session.connection(), [
        {"actor_id": actor_id, "action": action, "object_type": object_type,
         "object_id": object_id, "changes": changes, "created_at": now, "college_id": college_id}
        for action, object_type, object_id, changes in events
    ]))
