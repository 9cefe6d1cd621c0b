"""Reads of the acceptance pages: the employer's inbox and the guardian link's state."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import GuardianLink, Placement, PlacementStatus, StudentProfile, User
from app.scopes import scoped

INBOX_LIMIT = 200


def _waiting(user: User):
    return (scoped(Placement, user)
            .where(Placement.status == PlacementStatus.DRAFT, Placement.sent_at.is_not(None),
                   Placement.accepted_at.is_(None), Placement.declined_at.is_(None)))


def waiting_for_enterprise(user: User) -> list[Placement]:
    """Agreements sent to the user's enterprise and not yet answered, oldest first (one query)."""
    return list(db.session.scalars(
        _waiting(user)
        .options(joinedload(Placement.student).joinedload(User.student_profile)
                 .joinedload(StudentProfile.group),
                 joinedload(Placement.college), joinedload(Placement.mentor),
                 joinedload(Placement.department))
        .order_by(Placement.sent_at, Placement.id).limit(INBOX_LIMIT)))


def waiting_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(_waiting(user).subquery())) or 0


def recently_answered(user: User, limit: int = 20) -> list[Placement]:
    """The enterprise's latest answers, newest first (one query)."""
    answered = func.coalesce(Placement.accepted_at, Placement.declined_at)
    return list(db.session.scalars(
        scoped(Placement, user)
        .where(Placement.status == PlacementStatus.DRAFT, answered.is_not(None))
        .options(joinedload(Placement.student), joinedload(Placement.college))
        .order_by(answered.desc(), Placement.id.desc()).limit(limit)))


def to_acknowledge(user: User) -> Placement | None:
    """The student's draft agreement the enterprise accepted and they have not acknowledged."""
    return db.session.scalar(
        scoped(Placement, user)
        .where(Placement.status == PlacementStatus.DRAFT, Placement.accepted_at.is_not(None),
               Placement.acknowledged_at.is_(None))
        .options(joinedload(Placement.enterprise))
        .order_by(Placement.id).limit(1))


def latest_link(placement_id: int) -> GuardianLink | None:
    return db.session.scalar(
        select(GuardianLink).where(GuardianLink.placement_id == placement_id)
        .order_by(GuardianLink.created_at.desc(), GuardianLink.id.desc()).limit(1))
