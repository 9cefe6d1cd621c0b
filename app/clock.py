"""The one clock: "today" and "now" in the region's time zone.

Every view and command asks this module and passes the answer into the services, so a test
freezes time in one place (time-machine) and nothing depends on the weekday it runs. The zone
is the app's BABEL_DEFAULT_TIMEZONE (env TIMEZONE, Asia/Almaty by default). Stored timestamps
stay naive UTC (`app.models.base.utcnow`).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Almaty"


def zone() -> ZoneInfo:
    """The region's time zone."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def now() -> datetime:
    """The current moment, aware, in the region's time zone."""
    return datetime.now(zone())


def today() -> date:
    """The calendar day in the region (not the server's, not UTC's)."""
    return now().date()
