"""Dates in the reader's language: English ones unambiguous ("1 Dec 2026"), ru and kk by CLDR."""

import re
from datetime import UTC, date, datetime

import flask_babel
import pytest
from flask_babel import force_locale

from app.extensions import db
from app.i18n import format_date, format_datetime
from app.models import Placement
from app.placements import services
from tests.builders_placements import terms, world

DAY = date(2026, 12, 1)


@pytest.mark.parametrize("fmt", [None, "short", "medium"])
def test_english_dates_name_the_month_and_put_the_day_first(app, fmt):
    with app.test_request_context(), force_locale("en"):
        assert format_date(DAY, fmt) == "1 Dec 2026"


def test_english_date_times_use_the_24_hour_clock_of_the_region(app):
    moment = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 11:30 in Almaty (UTC+5)
    with app.test_request_context(), force_locale("en"):
        assert format_datetime(moment, "short") == "1 Dec 2026, 11:30"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_russian_and_kazakh_keep_their_own_forms(app, language):
    with app.test_request_context(), force_locale(language):
        assert format_date(DAY, "long") == flask_babel.format_date(DAY, "long")
        assert "2026" in format_date(DAY)


def test_explicit_patterns_are_kept_in_english(app):
    with app.test_request_context(), force_locale("en"):
        assert format_date(DAY, "EEEE, d MMMM") == "Tuesday, 1 December"
        assert format_date(DAY, "long") == "1 December 2026"


def test_an_english_reader_sees_day_first_dates_on_pages(login_as):
    w = world()
    services.create_placement(w.coordinator, **terms(w))
    w.coordinator.locale = "en"
    db.session.commit()
    client = login_as(w.coordinator)
    listing = client.get("/placements/").get_data(as_text=True)
    assert "1 Sept 2026" in listing or "1 Sep 2026" in listing
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b", listing)
    placement = db.session.scalar(db.select(Placement))
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "25 December 2026" in page
