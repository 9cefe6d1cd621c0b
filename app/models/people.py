"""Accounts, the five roles, profiles of students and mentors, and invitations."""

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column, utcnow
from app.models.organisations import College, Department, Enterprise, Group


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    EMPLOYER = "employer"
    MENTOR = "mentor"
    STUDENT = "student"


class User(UserMixin, TimestampMixin, Base):
    """Anyone who signs in. Coordinators and students belong to a college,
    employers and mentors to an enterprise, the admin to the region."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role IN ('coordinator', 'student')) = (college_id IS NOT NULL)",
            name="college_for_college_roles",
        ),
        CheckConstraint(
            "(role IN ('employer', 'mentor')) = (enterprise_id IS NOT NULL)",
            name="enterprise_for_enterprise_roles",
        ),
        Index("ix_users_college_id_role", "college_id", "role"),
        Index("ix_users_enterprise_id_role", "enterprise_id", "role"),
        Index("ix_users_phone", "phone"),  # sign-in by phone looks the written form up
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    college: Mapped[College | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    student_profile: Mapped["StudentProfile | None"] = relationship(
        back_populates="user", uselist=False
    )
    mentor_profile: Mapped["MentorProfile | None"] = relationship(
        back_populates="user", uselist=False
    )

    def __str__(self) -> str:
        return self.full_name

    def get_id(self) -> str:
        # The session carries the version: bumping it ends every copy of the session.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None


class StudentProfile(Base):
    """What a college knows of a trainee beyond the account."""

    __tablename__ = "student_profiles"
    __table_args__ = (
        CheckConstraint("length(iin) = 12", name="iin_length"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    birth_date: Mapped[date] = mapped_column(Date)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200), default="")
    guardian_phone: Mapped[str] = mapped_column(String(40), default="")
    graduation_year: Mapped[int | None] = mapped_column(index=True)

    user: Mapped[User] = relationship(back_populates="student_profile")
    group: Mapped[Group] = relationship()


class MentorProfile(Base):
    """A foreman (production master) who coaches trainees on the shop floor."""

    __tablename__ = "mentor_profiles"
    __table_args__ = (CheckConstraint("trainee_cap BETWEEN 1 AND 100", name="trainee_cap_range"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    trainee_cap: Mapped[int] = mapped_column(default=8)

    user: Mapped[User] = relationship(back_populates="mentor_profile")
    department: Mapped[Department | None] = relationship()


class Invitation(Base):
    """A single-use link that lets an invited person set their password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
