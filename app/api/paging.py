"""Cursor pagination: a page after the last id seen, in id order (stable under inserts)."""

import base64
import binascii
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select

from app.api.problems import ApiProblem
from app.extensions import db


def _encode(sort: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{sort}:{last_id}".encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        cursor_sort, _sep, value = raw.partition(":")
        if cursor_sort != sort or not value.isdigit() or len(value) > 10:
            raise ValueError
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(400, _("Курсор повреждён или взят из списка с другой сортировкой."),
                         errors=[{"field": "cursor",
                                  "message": _("Передайте next_cursor предыдущей страницы.")}]
                         ) from None


def page(stmt: Select, id_column: Any, args: dict, options: tuple = ()) -> tuple[list, str | None]:
    """One page of `stmt` (already scoped and filtered) and the cursor of the next, if any."""
    sort, limit = args["sort"], args["limit"]
    descending = sort.startswith("-")
    if args.get("cursor"):
        last = _decode(args["cursor"], sort)
        stmt = stmt.where(id_column < last if descending else id_column > last)
    stmt = stmt.order_by(id_column.desc() if descending else id_column.asc()).limit(limit + 1)
    if options:
        stmt = stmt.options(*options)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_encode(sort, rows[-1].id) if more and rows else None)
