"""What every response carries: security headers, caching rules, and the navigation."""

from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request, url_for
from flask_babel import format_decimal, format_number, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from sqlalchemy import func, select
from wtforms import Form

from app.audit import readable_history
from app.domain.identifiers import mask_iin
from app.extensions import db
from app.i18n import format_date, format_datetime
from app.labels import action_label, label, week_span
from app.models import EntryStatus, Notification, PlacementStatus, Role
from app.naming import local_name

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role]


ALL_ROLES = frozenset(Role)

# The one list of places in the app; each role sees the items it may use.
NAVIGATION: list[NavItem] = [
    NavItem("home.index", _l("Главная"), ALL_ROLES),
]


def register_nav(endpoint: str, label: str, *roles: Role) -> None:
    """Add a feature's entry to the navigation (called by feature packages)."""
    NAVIGATION.append(NavItem(endpoint, label, frozenset(roles) or ALL_ROLES))


def navigation_for(role: Role) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]


# The header shows these on its bar, not inside the menu.
ON_THE_BAR = {"notifications.index"}

# The menu's groups, by the area an entry's endpoint belongs to; an endpoint not named here
# stands alone at the front (the home page).
MENU_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("practice", _l("Практика"), (
        "practice.diary_home", "practice.review_queue", "practice.progress",
        "placements.index", "acceptance.inbox", "assessments.index", "documents.index",
    )),
    ("people", _l("Люди"), ("people.students", "people.mentors", "outcomes.index")),
    ("organisations", _l("Организации"), (
        "organisations.my_enterprise", "organisations.enterprises", "organisations.colleges",
        "organisations.groups", "imports.upload",
    )),
    ("analytics", _l("Отчёты"), ("dashboard.index", "trail.index")),
]


# Shorter names for the menu where a page's own title is long.
MENU_LABELS: dict[str, str] = {"organisations.groups": _l("Группы")}


def menu_groups(items: list[dict]) -> list[dict]:
    """The role's menu entries grouped for the header: [{key, label, entries}], empty groups left
    out; entries the header shows on its bar are not repeated."""
    by_endpoint = {item["endpoint"]: item for item in items}
    placed = {endpoint for _key, _label, endpoints in MENU_GROUPS for endpoint in endpoints}
    groups = [{"key": "main", "label": None,
               "entries": [item for item in items
                         if item["endpoint"] not in placed | ON_THE_BAR]}]
    for key, group_label, endpoints in MENU_GROUPS:
        members = [by_endpoint[e] for e in endpoints if e in by_endpoint]
        if members:
            groups.append({"key": key, "label": group_label, "entries": members})
    return [group for group in groups if group["entries"]]


@dataclass(frozen=True)
class FieldError:
    target: str | None  # the id of the field to jump to; None for a form-wide refusal
    label: str
    message: str


def _field_errors(form: Form) -> list[FieldError]:
    found: list[FieldError] = []
    for field in form:
        if hasattr(field, "entries"):  # FieldList
            for entry in field.entries:
                if hasattr(entry, "form"):
                    found.extend(_field_errors(entry.form))
                else:
                    found.extend(FieldError(entry.id, str(entry.label.text), str(m))
                                 for m in entry.errors)
        elif hasattr(field, "form") and isinstance(field.form, Form):  # FormField
            found.extend(_field_errors(field.form))
        elif field.errors:
            target = None if field.type in ("CSRFTokenField", "HiddenField") else field.id
            label_text = "" if target is None else str(field.label.text)
            found.extend(FieldError(target, label_text, str(m)) for m in field.errors)
    return found


@pass_context
def error_summary_items(context) -> list[FieldError]:
    """Every refusal of every form on the page, in form order, for the summary at the top."""
    items: list[FieldError] = []
    for value in context.get_all().values():
        if isinstance(value, Form) and value.errors:
            items.extend(FieldError(None, "", str(m)) for m in getattr(value, "form_errors", []))
            items.extend(_field_errors(value))
    return items


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if current_user.is_authenticated and request.endpoint != "static":
            # Pages, exports and PDFs of a signed-in user must not linger in any cache.
            response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
        return response

    app.jinja_env.globals.update(
        role_label=label,
        error_summary_items=error_summary_items,
        readable_history=readable_history,
        week_span=week_span,
        action_label=action_label,
        status_label=label,
        mask_iin=mask_iin,
        format_decimal=format_decimal,
        get_locale=get_locale,
        local_name=local_name,
        Role=Role,
        PlacementStatus=PlacementStatus,
        EntryStatus=EntryStatus,
    )
    app.jinja_env.filters.update(
        format_number=format_number, format_date=format_date, format_datetime=format_datetime
    )

    @app.context_processor
    def navigation_context() -> dict:
        if not current_user.is_authenticated:
            return {"nav_items": [], "menu_groups": [], "unread_notifications": 0}
        items: list[dict[str, Any]] = [
            {"url": url_for(item.endpoint), "endpoint": item.endpoint,
             "label": MENU_LABELS.get(item.endpoint, item.label),
             "current": item.endpoint == request.endpoint}
            for item in navigation_for(current_user.role)
            if item.endpoint in app.view_functions
        ]
        if not any(item["current"] for item in items):
            # A page without its own menu entry marks its area's first entry (e.g. a detail page).
            area = (request.endpoint or "").partition(".")[0]
            for item in items:
                if item["endpoint"].partition(".")[0] == area:
                    item["current"] = True
                    break
        return {"nav_items": items, "menu_groups": menu_groups(items),
                "unread_notifications": _unread_count(current_user.id)}


def _unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0
