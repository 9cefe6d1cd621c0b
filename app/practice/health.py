"""Progress of a placement: hours against the plan, the pace, and a red/amber/green status.

Pure functions over aggregates already summed in SQL (see `queries.progress_rows`). The pace
and the forecast count the days the trainee is expected at the enterprise (`domain.calendar`).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.calendar import (
    DEFAULT_SCHEDULE,
    DayRange,
    Schedule,
    expected_days,
    nth_expected_day_after,
)
from app.models import Placement, utcnow

# Below this many elapsed working days the pace is not judged: one missing day would be "behind".
PACE_GRACE_DAYS = 5
# Within ± this share of the expected hours the trainee is "on track".
PACE_TOLERANCE_PERCENT = 5


class Health(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Pace(enum.StrEnum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    TOO_EARLY = "too_early"


HEALTH_LABELS = {
    Health.RED: _l("риск"),
    Health.AMBER: _l("внимание"),
    Health.GREEN: _l("в норме"),
}
PACE_LABELS = {
    Pace.AHEAD: _l("опережает график"),
    Pace.ON_TRACK: _l("идёт по графику"),
    Pace.BEHIND: _l("отстаёт от графика"),
    Pace.TOO_EARLY: _l("рано оценивать"),
}
_RANK = {Health.RED: 0, Health.AMBER: 1, Health.GREEN: 2}


@dataclass(frozen=True)
class Thresholds:
    idle_days: int = 14
    waiting_days: int = 7
    behind_percent: int = 15

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Thresholds":
        """Read PROGRESS_IDLE_DAYS, PROGRESS_WAITING_DAYS and PROGRESS_BEHIND_PERCENT."""
        return cls(
            idle_days=int(config.get("PROGRESS_IDLE_DAYS", cls.idle_days)),
            waiting_days=int(config.get("PROGRESS_WAITING_DAYS", cls.waiting_days)),
            behind_percent=int(config.get("PROGRESS_BEHIND_PERCENT", cls.behind_percent)),
        )


@dataclass
class PlacementProgress:
    """Hours, pace and status of one placement on a given day."""

    placement: Placement
    approved_minutes: int
    pending_minutes: int
    last_entry_date: date | None
    oldest_waiting_at: datetime | None
    expected_hours: float = 0.0
    gap_percent: float | None = None
    pace: Pace = Pace.TOO_EARLY
    health: Health = Health.GREEN
    reasons: list[str] = field(default_factory=list)
    # The working calendar: the group's schedule and the days the trainee is excused.
    schedule: Schedule = DEFAULT_SCHEDULE
    days_off: tuple[DayRange, ...] = ()
    total_days: int = 0
    elapsed_days: int = 0
    today: date | None = None

    @property
    def approved_hours(self) -> float:
        return self.approved_minutes / 60

    @property
    def pending_hours(self) -> float:
        return self.pending_minutes / 60

    @property
    def required_hours(self) -> int:
        return self.placement.required_hours

    @property
    def percent(self) -> int:
        """Approved hours as a share of the required ones, capped at 100."""
        if not self.required_hours:
            return 0
        return min(100, round(100 * self.approved_hours / self.required_hours))

    @property
    def expected_percent(self) -> int:
        if not self.required_hours:
            return 0
        return min(100, round(100 * self.expected_hours / self.required_hours))

    @property
    def forecast_end(self) -> date | None:
        """The day the required hours will be done at the pace so far, counted on the days the
        trainee is expected at the enterprise; None while it is too early to tell."""
        done = self.approved_hours + self.pending_hours
        if self.today is None or self.elapsed_days < PACE_GRACE_DAYS or done <= 0:
            return None
        remaining = self.required_hours - done
        if remaining <= 0:
            return self.last_entry_date
        per_day = done / self.elapsed_days
        after = max(self.today, self.placement.start_date) - timedelta(days=1)
        return nth_expected_day_after(self.schedule, after, ceil(remaining / per_day - 1e-9),
                                      self.days_off)

    @property
    def forecast_late(self) -> bool:
        forecast = self.forecast_end
        return forecast is not None and forecast > self.placement.end_date

    @property
    def health_label(self) -> str:
        return str(HEALTH_LABELS[self.health])

    @property
    def pace_label(self) -> str:
        return str(PACE_LABELS[self.pace])

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def risk_key(self) -> tuple:
        """Sorts the riskiest first: red, amber, green; then the furthest behind."""
        gap = self.gap_percent if self.gap_percent is not None else 0.0
        return (_RANK[self.health], gap, self.placement.id)


def assess(progress: PlacementProgress, today: date, thresholds: Thresholds) -> PlacementProgress:
    """Fill in the expected hours, the pace and the status with its reasons."""
    placement = progress.placement
    reference = min(today, placement.end_date)
    total_days = expected_days(progress.schedule, placement.start_date, placement.end_date,
                               progress.days_off)
    # Days up to yesterday: today's hours may not be written yet.
    elapsed_days = expected_days(progress.schedule, placement.start_date,
                                 min(today - timedelta(days=1), placement.end_date),
                                 progress.days_off)
    progress.total_days, progress.elapsed_days, progress.today = total_days, elapsed_days, today
    if total_days:
        progress.expected_hours = placement.required_hours * elapsed_days / total_days
    done = progress.approved_hours + progress.pending_hours
    if elapsed_days >= PACE_GRACE_DAYS and progress.expected_hours > 0:
        progress.gap_percent = 100 * (done - progress.expected_hours) / progress.expected_hours
        if progress.gap_percent > PACE_TOLERANCE_PERCENT:
            progress.pace = Pace.AHEAD
        elif progress.gap_percent < -PACE_TOLERANCE_PERCENT:
            progress.pace = Pace.BEHIND
        else:
            progress.pace = Pace.ON_TRACK

    red: list[str] = []
    amber: list[str] = []
    since = progress.last_entry_date or placement.start_date
    idle = (reference - since).days
    if idle >= thresholds.idle_days:
        red.append(_("нет записей %(days)s дн. (порог %(limit)s)", days=idle,
                     limit=thresholds.idle_days))
    if progress.gap_percent is not None and progress.gap_percent < -thresholds.behind_percent:
        red.append(_("отставание от графика %(gap)s%% (порог %(limit)s%%)",
                     gap=round(-progress.gap_percent), limit=thresholds.behind_percent))
    elif progress.pace == Pace.BEHIND and progress.gap_percent is not None:
        amber.append(_("отставание от графика %(gap)s%%", gap=round(-progress.gap_percent)))
    if progress.oldest_waiting_at is not None:
        waited = (utcnow() - progress.oldest_waiting_at).days
        if waited > thresholds.waiting_days:
            amber.append(_("записи ждут подписи %(days)s дн. (порог %(limit)s)", days=waited,
                           limit=thresholds.waiting_days))
    progress.health = Health.RED if red else Health.AMBER if amber else Health.GREEN
    progress.reasons = red + amber
    return progress
