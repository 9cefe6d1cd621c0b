"""What every response carries: security headers, caching rules, and the navigation."""

from dataclasses import dataclass

from flask import Flask, Response, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    get_locale,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from app.domain.identifiers import mask_iin
from app.extensions import db
from app.labels import action_label, label
from app.models import EntryStatus, Notification, PlacementStatus, Role

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
        action_label=action_label,
        status_label=label,
        mask_iin=mask_iin,
        format_decimal=format_decimal,
        get_locale=get_locale,
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
            return {"nav_items": [], "unread_notifications": 0}
        items = [
            {"url": url_for(item.endpoint), "label": item.label, "endpoint": item.endpoint,
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
        return {"nav_items": items, "unread_notifications": _unread_count(current_user.id)}


def _unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0
