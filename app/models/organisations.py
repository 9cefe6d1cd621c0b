"""Colleges, specialties, competencies, groups, enterprises and their departments."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.naming import NamedInTwoLanguages


class LegalDetails:
    """What a signed agreement names of a party: who signs, on what authority, where, which bank.

    Empty until the organisation fills it in; the printed agreement leaves a line to write on.
    """

    head_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    head_position: Mapped[str] = mapped_column(String(200), default="", server_default="")
    authority_basis: Mapped[str] = mapped_column(String(200), default="", server_default="")
    legal_address: Mapped[str] = mapped_column(String(400), default="", server_default="")
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    bik: Mapped[str] = mapped_column(String(11), default="", server_default="")
    bank_name: Mapped[str] = mapped_column(String(200), default="", server_default="")


class College(NamedInTwoLanguages, LegalDetails, TimestampMixin, Base):
    __tablename__ = "colleges"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kk: Mapped[str] = mapped_column(String(200), default="", server_default="")
    city: Mapped[str] = mapped_column(String(100))
    bin: Mapped[str] = mapped_column(String(12), unique=True)

    specialties: Mapped[list["Specialty"]] = relationship(back_populates="college")
    groups: Mapped[list["Group"]] = relationship(back_populates="college")

    def __str__(self) -> str:
        return self.local_name


class Specialty(NamedInTwoLanguages, Base):
    """A specialty a college offers, with its code from the national TVET classifier."""

    __tablename__ = "specialties"
    __table_args__ = (UniqueConstraint("college_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    college_id: Mapped[int] = mapped_column(ForeignKey("colleges.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    name_kk: Mapped[str] = mapped_column(String(200), default="", server_default="")
    qualification: Mapped[str] = mapped_column(String(200))

    college: Mapped[College] = relationship(back_populates="specialties")
    competencies: Mapped[list["Competency"]] = relationship(
        back_populates="specialty", order_by="Competency.position"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.local_name}"


class Competency(NamedInTwoLanguages, Base):
    """A competency (training-plan module) of a specialty, rated in assessments."""

    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("specialty_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    name_kk: Mapped[str] = mapped_column(String(300), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)

    specialty: Mapped[Specialty] = relationship(back_populates="competencies")

    def __str__(self) -> str:
        return f"{self.code} {self.local_name}"


class Group(Base):
    """A study group of a college, e.g. СВ-23-1 admitted in 2023."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("college_id", "code"),
        CheckConstraint("intake_year BETWEEN 1990 AND 2100", name="intake_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    college_id: Mapped[int] = mapped_column(ForeignKey("colleges.id", ondelete="CASCADE"))
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    intake_year: Mapped[int]

    college: Mapped[College] = relationship(back_populates="groups")
    specialty: Mapped[Specialty] = relationship()

    def __str__(self) -> str:
        return self.code


class Enterprise(NamedInTwoLanguages, LegalDetails, TimestampMixin, Base):
    """An industrial partner; shared across the region by every college that sends trainees."""

    __tablename__ = "enterprises"
    __table_args__ = (
        CheckConstraint("intake_capacity >= 0", name="intake_capacity_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_kk: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bin: Mapped[str] = mapped_column(String(12), unique=True)
    city: Mapped[str] = mapped_column(String(100))
    industry: Mapped[str] = mapped_column(String(100), default="")
    intake_capacity: Mapped[int] = mapped_column(default=0)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The trainee's compensation payment as the enterprise pays it (amount or rule), printed in
    # its agreements; whether and how much is the enterprise's term, not a rule of the app.
    trainee_compensation: Mapped[str] = mapped_column(String(300), default="", server_default="")

    departments: Mapped[list["Department"]] = relationship(
        back_populates="enterprise", order_by="Department.name"
    )

    def __str__(self) -> str:
        return self.local_name


class Department(NamedInTwoLanguages, Base):
    """A workshop (цех) or department of an enterprise."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("enterprise_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_kk: Mapped[str] = mapped_column(String(200), default="", server_default="")

    enterprise: Mapped[Enterprise] = relationship(back_populates="departments")

    def __str__(self) -> str:
        return self.local_name


class Partnership(Base):
    """A college's partner enterprise: the link a coordinator makes to send trainees there."""

    __tablename__ = "partnerships"
    __table_args__ = (Index("ix_partnerships_enterprise_id", "enterprise_id"),)

    college_id: Mapped[int] = mapped_column(
        ForeignKey("colleges.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True
    )

    college: Mapped[College] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
