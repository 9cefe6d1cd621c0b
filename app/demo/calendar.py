"""The demo world's clock: working days, daily working-time caps, stable timestamps.

The world is built on a fixed calendar (so a seed always gives the same world) and then moved,
as it is written, by whole weeks to the day it is loaded: its last working day becomes the last
weekday before the load day, so the current week and the risk flags look as they would on a
real Tuesday or Saturday. Weekdays, working-day patterns and the intervals between events stay
as they were; birth dates (and so the IINs and ages at the start) do not move.
"""

from datetime import date, datetime, time, timedelta

from app.domain.working_time import limit_for

# The demo world is frozen at this date, so every run with a seed gives the same data.
TODAY = date(2026, 11, 28)
# "Now" for timestamps: the evening before TODAY (UTC), never ahead of the real clock.
NOW = datetime(2026, 11, 27, 17, 0)
ACADEMIC_YEAR_START = date(2026, 9, 1)
ACADEMIC_YEAR_END = date(2027, 6, 30)
LAST_WORKDAY = date(2026, 11, 27)
GRADUATION_DAY = date(2025, 6, 30)


def last_weekday_before(day: date) -> date:
    """The last Monday-to-Friday date strictly before a day."""
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def shift_to(load_day: date) -> timedelta:
    """How far the world moves (whole weeks, either way) to be current on the load day."""
    weeks = (last_weekday_before(load_day) - LAST_WORKDAY).days // 7
    return timedelta(weeks=weeks)


def weekdays(first: date, last: date) -> list[date]:
    """Monday-to-Friday dates from first to last, both included."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive UTC timestamp on a day, clamped so it is never after NOW."""
    return min(datetime.combine(day, time(hour, minute)), NOW)


def max_minutes(birth_date: date, day: date) -> int:
    """The longest day a trainee may log on a date, in whole half-hours (Labour Code limits)."""
    limit = limit_for(birth_date, day)
    if limit is None:
        return 0
    return int(limit.hours_per_day * 60) // 30 * 30


def eighteenth_birthday(birth_date: date) -> date:
    """The day a trainee comes of age (29 February birthdays move to 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + 18)
    except ValueError:
        return date(birth_date.year + 18, 3, 1)


def add_months(day: date, months: int) -> date:
    """The same day-of-month some months later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
