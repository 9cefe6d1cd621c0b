"""Which days a trainee is expected at the enterprise.

The group's schedule (weekdays, repeated in a cycle of enterprise and college weeks), minus the
public holidays of Kazakhstan from the `holidays` package (no hand-kept list), minus the days off
the placement's own calendar: confirmed absences that excuse the trainee and learning breaks.
Pure functions; the schedule's days of a year are computed once and counted by bisection, so a
list of placements costs a few lookups each whatever its length.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "KZ"
MONDAYS_EPOCH = date(2001, 1, 1)  # a Monday: the default cycle's anchor
ALL_WEEKDAYS = 0b1111111
WORKING_WEEK = 0b0011111  # Monday to Friday
# A forecast looks this far ahead at most: beyond it the trainee will not finish at this pace.
FORECAST_HORIZON_YEARS = 5

# The academic year: 1 September – 30 June.
ACADEMIC_YEAR_START = (9, 1)
ACADEMIC_YEAR_END = (6, 30)

DayRange = tuple[date, date]  # both days included


@dataclass(frozen=True)
class Schedule:
    """Weekdays at the enterprise (bit 0 = Monday), in a cycle of enterprise and college weeks
    starting on `cycle_start` (a Monday). `college_weeks = 0` means every week is alike."""

    enterprise_weekdays: int = WORKING_WEEK
    enterprise_weeks: int = 1
    college_weeks: int = 0
    cycle_start: date = MONDAYS_EPOCH

    def is_enterprise_week(self, day: date) -> bool:
        if not self.college_weeks:
            return True
        weeks = (day - self.cycle_start).days // 7
        return weeks % (self.enterprise_weeks + self.college_weeks) < self.enterprise_weeks

    def is_enterprise_day(self, day: date) -> bool:
        """By the schedule alone: an enterprise weekday of an enterprise week."""
        return bool(self.enterprise_weekdays >> day.weekday() & 1) and self.is_enterprise_week(day)

    def is_college_day(self, day: date) -> bool:
        """A Monday-to-Friday study day the schedule gives to the college."""
        return day.weekday() < 5 and not self.is_enterprise_day(day)


# Without a schedule of its group a placement keeps the five-day week it always had.
DEFAULT_SCHEDULE = Schedule()


def weekdays_of(mask: int) -> list[int]:
    """The weekday numbers (0 = Monday) set in a mask."""
    return [day for day in range(7) if mask >> day & 1]


def mask_of(weekdays: Iterable[int]) -> int:
    return sum(1 << day for day in set(weekdays) if 0 <= day < 7)


@lru_cache(maxsize=64)
def _holidays_of(year: int, language: str | None = None) -> dict[date, str]:
    return dict(holidays.country_holidays(COUNTRY, years=year, language=language))


def holiday_name(day: date, locale: str = "ru") -> str | None:
    """The name of the public holiday on that day in the reader's language where the library
    has it (kk, en), "" where it has not (ru), None on an ordinary day."""
    if day not in _holidays_of(day.year):
        return None
    language = {"kk": "kk", "en": "en_US"}.get(locale)
    return _holidays_of(day.year, language).get(day, "") if language else ""


@lru_cache(maxsize=512)
def _expected_ordinals(schedule: Schedule, year: int) -> tuple[int, ...]:
    """The schedule's enterprise days of a year that are not public holidays, as ordinals."""
    off = _holidays_of(year)
    day, last, found = date(year, 1, 1), date(year, 12, 31), []
    while day <= last:
        if schedule.is_enterprise_day(day) and day not in off:
            found.append(day.toordinal())
        day += timedelta(days=1)
    return tuple(found)


def _count_schedule(schedule: Schedule, first: date, last: date) -> int:
    count = 0
    for year in range(first.year, last.year + 1):
        ordinals = _expected_ordinals(schedule, year)
        count += (bisect_right(ordinals, last.toordinal())
                  - bisect_left(ordinals, first.toordinal()))
    return count


def merged(ranges: Iterable[DayRange]) -> list[DayRange]:
    """Day ranges sorted and joined where they overlap or touch."""
    out: list[DayRange] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def expected_days(schedule: Schedule, first: date, last: date,
                  days_off: Sequence[DayRange] = ()) -> int:
    """How many days from `first` to `last` (both included) the trainee is expected at the
    enterprise: schedule days, not public holidays, not within `days_off`."""
    if last < first:
        return 0
    count = _count_schedule(schedule, first, last)
    for off_first, off_last in merged(days_off):
        a, b = max(off_first, first), min(off_last, last)
        if a <= b:
            count -= _count_schedule(schedule, a, b)
    return count


def is_expected(schedule: Schedule, day: date, days_off: Sequence[DayRange] = ()) -> bool:
    return expected_days(schedule, day, day, days_off) == 1


def nth_expected_day_after(schedule: Schedule, day: date, n: int,
                           days_off: Sequence[DayRange] = ()) -> date | None:
    """The date of the n-th expected day after `day` (n ≥ 1); None beyond the horizon."""
    if n < 1:
        return day
    off = merged(days_off)
    remaining = n
    for year in range(day.year, day.year + FORECAST_HORIZON_YEARS + 1):
        ordinals = _expected_ordinals(schedule, year)
        for ordinal in ordinals[bisect_right(ordinals, day.toordinal()):]:
            candidate = date.fromordinal(ordinal)
            if any(a <= candidate <= b for a, b in off):
                continue
            remaining -= 1
            if remaining == 0:
                return candidate
    return None


def academic_year(today: date) -> DayRange:
    """The academic year (1 September – 30 June) that `today` falls in or, in summer, the next."""
    start_year = today.year if today.month >= ACADEMIC_YEAR_START[0] else today.year - 1
    if today > date(start_year + 1, *ACADEMIC_YEAR_END):
        start_year += 1
    return date(start_year, *ACADEMIC_YEAR_START), date(start_year + 1, *ACADEMIC_YEAR_END)


def study_days(first: date, last: date) -> int:
    """Monday-to-Friday days that are not public holidays: the study time of the year."""
    return _count_schedule(Schedule(), first, last)


def enterprise_share(schedule: Schedule, first: date, last: date) -> float | None:
    """The share (0–1) of study days the schedule spends at the enterprise; None if no study days.

    Enterprise days on a weekend count as extra study time at the enterprise."""
    enterprise = _count_schedule(schedule, first, last)
    weekend = _count_schedule(
        Schedule(schedule.enterprise_weekdays & ~WORKING_WEEK & ALL_WEEKDAYS or 0,
                 schedule.enterprise_weeks, schedule.college_weeks, schedule.cycle_start),
        first, last) if schedule.enterprise_weekdays & ~WORKING_WEEK else 0
    total = study_days(first, last) + weekend
    return enterprise / total if total else None
