"""The working calendar of a placement: the group's dual schedule, absences and learning breaks."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column
from app.models.organisations import Group
from app.models.people import User
from app.models.placements import Placement


class AbsenceKind(enum.StrEnum):
    SICK = "sick"
    EXCUSED = "excused"
    UNEXCUSED = "unexcused"
    COLLEGE = "college"
    HOLIDAY = "holiday"


class AbsenceStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class GroupSchedule(TimestampMixin, Base):
    """When a group is at the enterprise: weekdays, repeated in a cycle of enterprise and college
    weeks (a 3+2 week is Mon–Wed with no college weeks; block weeks are Mon–Fri, 2 + 2 weeks)."""

    __tablename__ = "group_schedules"
    __table_args__ = (
        CheckConstraint("enterprise_weekdays BETWEEN 1 AND 127", name="some_enterprise_day"),
        CheckConstraint("enterprise_weeks BETWEEN 1 AND 52", name="enterprise_weeks_range"),
        CheckConstraint("college_weeks BETWEEN 0 AND 52", name="college_weeks_range"),
        CheckConstraint("planned_share_percent BETWEEN 1 AND 100", name="planned_share_range"),
    )

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    # Bit 0 is Monday … bit 6 is Sunday.
    enterprise_weekdays: Mapped[int]
    enterprise_weeks: Mapped[int] = mapped_column(default=1)
    college_weeks: Mapped[int] = mapped_column(default=0)
    # The Monday the first enterprise week of the cycle begins.
    cycle_start: Mapped[date] = mapped_column(Date)
    planned_share_percent: Mapped[int] = mapped_column(default=60)

    group: Mapped[Group] = relationship()

    @property
    def id(self) -> int:
        return self.group_id


class Absence(TimestampMixin, Base):
    """Days a trainee was not at the enterprise, confirmed or disputed by the mentor."""

    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_after_first"),
        Index("ix_absences_placement_id_first_day", "placement_id", "first_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    kind: Mapped[AbsenceKind] = mapped_column(enum_column(AbsenceKind, "absence_kind"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AbsenceStatus] = mapped_column(
        enum_column(AbsenceStatus, "absence_status"), default=AbsenceStatus.PENDING
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # The supporting paper (a sick note, an order), checked as evidence is (app/files).
    document_key: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    document_type: Mapped[str] = mapped_column(String(40), default="", server_default="")

    placement: Mapped[Placement] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


class LearningBreak(TimestampMixin, Base):
    """A pause in the placement (академический отпуск, illness, family): reason and return."""

    __tablename__ = "learning_breaks"
    __table_args__ = (
        CheckConstraint("planned_return_on > starts_on", name="return_after_start"),
        Index("ix_learning_breaks_placement_id_starts_on", "placement_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    planned_return_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    placement: Mapped[Placement] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def covers(self, day: date) -> bool:
        return self.starts_on <= day < self.planned_return_on
