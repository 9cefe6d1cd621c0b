"""The audit trail as a hash chain: each event's hash covers its content and the hash before it.

Every writer of audit events — the ORM (`app.audit.record`, through a before-flush hook), the
bulk import and the demo loader — links its rows through `link_rows`, which first locks the
chain's one head row (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite), so two
transactions never build on the same last link; the lock is held until the writer commits.
`verify` walks the chain and names every event changed, inserted or removed outside the app.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, event, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import AuditChainHead, AuditEvent, utcnow

GENESIS = "0" * 64
HEAD_ID = 1
CONTENT = ("actor_id", "action", "object_type", "object_id", "changes", "created_at",
           "college_id", "api_token_id")


def _created(value: datetime | str) -> str:
    if isinstance(value, str):  # a driver that hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds")


def content_hash(prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    """The hash of one link: its place, the previous hash and the event's content."""
    body: dict[str, Any] = {name: fields.get(name) for name in CONTENT}
    body["created_at"] = _created(body["created_at"])
    text = json.dumps({"seq": seq, "prev": prev_hash, **body}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def reset_head(connection: Connection) -> None:
    """Start the chain afresh (the migration's row; after every audit event was deleted)."""
    table = cast(Table, AuditChainHead.__table__)  # declared as a FromClause
    connection.execute(table.delete())
    connection.execute(table.insert().values(id=HEAD_ID, seq=0, last_hash=GENESIS))


def _take_head(connection: Connection) -> tuple[int, str]:
    """Lock the head row and read the last link (the row is made if it went missing: two
    writers racing to make it both end up waiting on the one row)."""
    table = cast(Table, AuditChainHead.__table__)  # declared as a FromClause
    lock = update(table).where(table.c.id == HEAD_ID).values(seq=table.c.seq)
    if not connection.execute(lock).rowcount:
        make = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)
        connection.execute(make(table).values(id=HEAD_ID, seq=0, last_hash=GENESIS)
                           .on_conflict_do_nothing())
        connection.execute(lock)
    row = connection.execute(select(table.c.seq, table.c.last_hash)
                             .where(table.c.id == HEAD_ID)).one()
    return row.seq, row.last_hash


def link_rows(connection: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each audit row (dicts, in order) its seq, prev_hash and hash; moves the head."""
    if not rows:
        return rows
    seq, last = _take_head(connection)
    for row in rows:
        if row.get("created_at") is None:
            row["created_at"] = utcnow()
        if row.get("changes") is None:
            row["changes"] = {}
        row.setdefault("college_id", None)
        row.setdefault("api_token_id", None)
        seq += 1
        row["seq"], row["prev_hash"] = seq, last
        row["hash"] = last = content_hash(last, seq, row)
    table = cast(Table, AuditChainHead.__table__)  # declared as a FromClause
    connection.execute(update(table).where(table.c.id == HEAD_ID)
                       .values(seq=seq, last_hash=last))
    return rows


def _link_new_events(session: Session, _context, _instances) -> None:
    events = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.seq is None]
    if not events:
        return
    rows = [{name: getattr(e, name) for name in CONTENT} for e in events]
    link_rows(session.connection(), rows)
    for obj, row in zip(events, rows, strict=True):
        obj.created_at, obj.changes = row["created_at"], row["changes"]
        obj.seq, obj.prev_hash, obj.hash = row["seq"], row["prev_hash"], row["hash"]


def init_app() -> None:
    from app.extensions import db

    if not event.contains(db.session, "before_flush", _link_new_events):
        event.listen(db.session, "before_flush", _link_new_events)


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One place where the stored trail is not what the app wrote."""

    event_id: int | None
    seq: int | None
    problem: str


def verify(connection: Connection, batch: int = 5000) -> Iterator[Break]:
    """Every break in the chain: events altered, inserted outside the app, or removed."""
    table = AuditEvent.__table__
    expected_seq, last = 1, GENESIS
    rows = connection.execution_options(yield_per=batch).execute(
        select(table).where(table.c.seq.is_not(None)).order_by(table.c.seq))
    for row in rows:
        fields = row._asdict()
        if row.seq != expected_seq:
            yield Break(None, expected_seq,
                        f"events {expected_seq}–{row.seq - 1} of the chain are missing")
        if row.prev_hash != last:
            yield Break(row.id, row.seq, "its link to the event before it does not match")
        if content_hash(row.prev_hash or "", row.seq, fields) != row.hash:
            yield Break(row.id, row.seq, "its content was changed after it was written")
        expected_seq, last = row.seq + 1, row.hash
    head = connection.execute(select(AuditChainHead.__table__)
                              .where(AuditChainHead.__table__.c.id == HEAD_ID)).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != last:
        yield Break(None, head_seq, f"the chain ends at event {expected_seq - 1} but was "
                                    f"written up to event {head_seq}: the last events were removed")
    for row in connection.execute(select(table.c.id).where(table.c.seq.is_(None))
                                  .order_by(table.c.id)):
        yield Break(row.id, None, "it was inserted outside the app (not in the chain)")
