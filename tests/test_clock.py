"""The one clock answers in the region's time zone, whatever the server's."""

from datetime import UTC, date, datetime

import time_machine

from app import clock


def test_today_is_the_regions_day_not_utcs(app):
    # 20:30 UTC on 1 December is already 01:30 on 2 December in Almaty (UTC+5).
    with time_machine.travel(datetime(2026, 12, 1, 20, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2026, 12, 2)
        assert clock.now().utcoffset().total_seconds() == 5 * 3600


def test_the_zone_is_configurable(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/London"
    with time_machine.travel(datetime(2026, 12, 1, 20, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2026, 12, 1)
