"""Lists that search, filter, sort and paginate in SQL — one helper for every list page."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_

from app.extensions import db


@dataclass(frozen=True)
class ListRequest:
    """What the query string asks of a list: search text, sort key and direction, page."""

    q: str
    sort: str
    direction: str
    page: int

    @classmethod
    def from_args(cls, sortable: Mapping[str, Any], default_sort: str) -> "ListRequest":
        sort = request.args.get("sort", default_sort)
        if sort not in sortable:
            sort = default_sort
        direction = "desc" if request.args.get("dir") == "desc" else "asc"
        page = request.args.get("page", 1, type=int) or 1
        q = (request.args.get("q") or "").strip()[:100]
        return cls(q=q, sort=sort, direction=direction, page=max(page, 1))


def search(stmt: Select, text: str, *columns: Any) -> Select:
    """Case-insensitive substring search over columns (LIKE wildcards in the text are literal)."""
    if not text:
        return stmt
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return stmt.where(or_(*(col.ilike(pattern, escape="\\") for col in columns)))


def ordered(stmt: Select, sortable: Mapping[str, Any], req: ListRequest, tiebreak: Any) -> Select:
    """Sort by the requested column, then by a unique column so pages are stable."""
    column = sortable[req.sort]
    primary = column.desc() if req.direction == "desc" else column.asc()
    return stmt.order_by(primary, tiebreak)


def paginate(stmt: Select, req: ListRequest, per_page: int | None = None) -> Pagination:
    """One page of results plus the total: two queries, whatever the data size."""
    return db.paginate(
        stmt,
        page=req.page,
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=200,
        error_out=False,
    )
