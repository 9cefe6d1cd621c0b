"""Running totals of the practice diary, so the dashboards read a few rows instead of the diary.

Written only by `app.diary_totals` (on every flush that changes an entry or a placement's
college, status or mentor) and by its rebuild from the records; never edited by hand.
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DiaryWeekTotal(Base):
    """One placement's diary in one ISO week; a week across New Year is two rows, one per
    calendar year, so the dashboard's year filter stays exact. Cells whose entries were all
    deleted stay as zeros (a concurrent writer may be waiting on the row)."""

    __tablename__ = "diary_week_totals"

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    work_year: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)  # every status, drafts too
    logged_minutes: Mapped[int] = mapped_column(default=0)  # submitted or reviewed
    approved_minutes: Mapped[int] = mapped_column(default=0)
    submitted_minutes: Mapped[int] = mapped_column(default=0)  # waiting for the mentor
    submitted_entries: Mapped[int] = mapped_column(default=0)
    last_work_date: Mapped[date | None] = mapped_column(Date)  # the latest entry's date
    oldest_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)  # still waiting


class DiaryPlacementTotal(Base):
    """One placement's whole diary: its week totals summed (what progress and homes read)."""

    __tablename__ = "diary_placement_totals"

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    approved_minutes: Mapped[int] = mapped_column(default=0)
    submitted_minutes: Mapped[int] = mapped_column(default=0)
    submitted_entries: Mapped[int] = mapped_column(default=0)
    last_work_date: Mapped[date | None] = mapped_column(Date)
    oldest_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)


class DiaryCollegeWeek(Base):
    """A college's diary in one ISO week and calendar year: the sum of its placements' week
    totals, draft agreements left out (as the dashboards leave them out)."""

    __tablename__ = "diary_college_weeks"

    college_id: Mapped[int] = mapped_column(
        ForeignKey("colleges.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    work_year: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    logged_minutes: Mapped[int] = mapped_column(default=0)
    approved_minutes: Mapped[int] = mapped_column(default=0)


class MentorSignoffStat(Base):
    """A mentor's signed diary over the agreements they supervise (drafts left out): minutes
    approved and the median hours from an entry's submission to its approval."""

    __tablename__ = "mentor_signoff_stats"

    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    approved_entries: Mapped[int] = mapped_column(default=0)
    approved_minutes: Mapped[int] = mapped_column(default=0)
    median_hours: Mapped[float | None] = mapped_column(Float)
