"""ISO weeks of the diary and working days of a placement's planned period."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


@dataclass(frozen=True)
class Week:
    """A Monday-to-Sunday week."""

    monday: date

    @classmethod
    def of(cls, day: date) -> "Week":
        return cls(day - timedelta(days=day.weekday()))

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def code(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    def shifted(self, weeks: int) -> "Week":
        return Week(self.monday + timedelta(weeks=weeks))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.monday <= day <= self.sunday


def parse_week(text: str | None) -> Week | None:
    """A week from `2026-W48` or from any date of it (`2026-11-25`); None if unreadable."""
    text = (text or "").strip()
    if match := _ISO_WEEK.match(text):
        try:
            return Week(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            return None
    try:
        return Week.of(date.fromisoformat(text))
    except ValueError:
        return None


def default_week(start: date, end: date, today: date) -> Week:
    """The week to open: this week inside the period, else the nearest end of the period."""
    return Week.of(min(max(today, start), end))
