"""Working-time limits for trainees by age on the day of work (Labour Code of RK, art. 68–69).

The limits live in LIMITS only: a change of law is one edit here.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WorkingTimeLimit:
    min_age: int  # inclusive
    max_age: int | None  # exclusive; None for adults
    hours_per_week: float
    hours_per_day: float


LIMITS: tuple[WorkingTimeLimit, ...] = (
    WorkingTimeLimit(min_age=14, max_age=16, hours_per_week=24, hours_per_day=4.8),
    WorkingTimeLimit(min_age=16, max_age=18, hours_per_week=36, hours_per_day=7.2),
    WorkingTimeLimit(min_age=18, max_age=None, hours_per_week=40, hours_per_day=8),
)

MINIMUM_AGE = LIMITS[0].min_age


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on a given day."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def limit_for(birth_date: date, day: date) -> WorkingTimeLimit | None:
    """The limit that applies to a person on a day, or None if too young to work."""
    age = age_on(birth_date, day)
    for limit in LIMITS:
        if age >= limit.min_age and (limit.max_age is None or age < limit.max_age):
            return limit
    return None


def is_minor(birth_date: date, day: date) -> bool:
    return age_on(birth_date, day) < 18


# Hours are written in half-hour steps, so the most a day's row can hold lies on a half hour.
HOURS_STEP = 0.5


def usable_hours_per_day(limit: WorkingTimeLimit) -> float:
    """The most hours a diary row can hold under the limit: 7.2 h by law is 7 h in half hours."""
    return int(limit.hours_per_day / HOURS_STEP) * HOURS_STEP


# Nobody registered as a trainee today was born before this year (an IIN's century digit 1–2
# means the 1800s: a typing slip, not a person).
EARLIEST_BIRTH_YEAR = 1900


def could_ever_train(birth_date: date, today: date) -> bool:
    """False when the diary could never accept this person's work within a year from today."""
    return age_on(birth_date, date.fromordinal(today.toordinal() + 366)) >= MINIMUM_AGE
