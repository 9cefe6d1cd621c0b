"""Month arithmetic for retention checks: when a 6- or 12-month check falls due."""

import calendar
from datetime import date


def check_due_on(hired_on: date, months: int) -> date:
    """The first day a check `months` after the hire may be made.

    A day the target month lacks (31 August + 6 months) rolls to the next month's first day,
    so the check never comes before the full months have passed.
    """
    year, month = divmod(hired_on.month - 1 + months, 12)
    year, month = hired_on.year + year, month + 1
    if hired_on.day > calendar.monthrange(year, month)[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return date(year, month, 1)
    return date(year, month, hired_on.day)


def hired_by_for_due(today: date, months: int) -> date:
    """The latest hire date whose `months` check is due on `today` (the due list's cut-off)."""
    year, month = divmod(today.month - 1 - months, 12)
    year, month = today.year + year, month + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
