"""Lists that search, filter, sort and paginate in SQL — one helper for every list page."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from flask import Request, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from app.extensions import db
from app.forms import INT_MAX, INT_MIN, clean_query_text

# Far beyond any list's last page, and small enough that the OFFSET stays a 64-bit number.
MAX_PAGE = 100_000
MAX_QUERY = 100
_ASCII_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)


def query_int(value: str) -> int:
    """An integer query parameter: ASCII digits within the databases' INTEGER range."""
    value = value.strip()
    if not _ASCII_INT.fullmatch(value):
        raise ValueError(value)
    number = int(value)
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(value)
    return number


class QueryArgs(ImmutableMultiDict):
    """The query string, cleaned: `type=int` takes ASCII digits in range, else the default."""

    # werkzeug's own overloads of get put `type` second, its implementation third (werkzeug
    # ignores that mismatch itself); this override keeps the implementation's signature.
    def get(self, key, default=None, type=None):  # type: ignore[override]  # noqa: A002
        return super().get(key, default, query_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, query_int if type is int else type)


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: beyond the databases' INTEGER range is no page (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class CleanRequest(Request):
    """The app's request: every query-string value in NFC, without control or bidi characters.

    Search boxes, filters and page numbers are read from `request.args` all over the app; this
    is the one place that makes a NUL byte or a twenty-digit number harmless for all of them.
    """

    @cached_property
    def args(self) -> QueryArgs:
        pairs = parse_qsl(self.query_string.decode(), keep_blank_values=True,
                          errors="werkzeug.url_quote")
        return QueryArgs((key, clean_query_text(value)) for key, value in pairs)


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
        q = clean_query_text(request.args.get("q") or "").strip()[:MAX_QUERY]
        return cls(q=q, sort=sort, direction=direction, page=min(max(page, 1), MAX_PAGE))


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
