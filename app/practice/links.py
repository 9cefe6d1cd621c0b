"""Paths to diary pages, for notifications made inside and outside a request."""

from datetime import date

from flask import url_for

from app.practice.weeks import Week


def diary_week(placement_id: int, day: date) -> str:
    """The diary page of the week that holds `day`."""
    return url_for("practice.diary", placement_id=placement_id, week=Week.of(day).code)


def review_queue() -> str:
    return url_for("practice.review_queue")


def progress_board() -> str:
    return url_for("practice.progress")
