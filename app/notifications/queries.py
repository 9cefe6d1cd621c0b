"""Reads for notifications: a user's list, and who is waiting on whom (aggregated in SQL)."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    DiaryEntry,
    EntryStatus,
    Notification,
    Placement,
    PlacementStatus,
    Role,
    User,
)
from app.models.practice import PlacementHealth
from app.scopes import scoped


def notifications_of(user: User, page: int, per_page: int, unread_only: bool) -> Pagination:
    """The user's notifications, newest first (two queries)."""
    stmt = scoped(Notification, user)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=200, error_out=False)


@dataclass
class WaitingTrainee:
    name: str
    entries: int
    oldest: datetime


@dataclass
class MentorDigest:
    mentor: User
    trainees: list[WaitingTrainee] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return sum(t.entries for t in self.trainees)

    @property
    def oldest(self) -> datetime:
        return min(t.oldest for t in self.trainees)


def mentors_with_waiting_entries() -> list[MentorDigest]:
    """Each active mentor with submitted entries waiting, per trainee (two queries)."""
    rows = db.session.execute(
        select(Placement.mentor_id, User.full_name, func.count(DiaryEntry.id),
               func.min(DiaryEntry.submitted_at))
        .join(Placement, DiaryEntry.placement_id == Placement.id)
        .join(User, User.id == Placement.student_id)
        .where(DiaryEntry.status == EntryStatus.SUBMITTED)
        .group_by(Placement.mentor_id, Placement.id, User.full_name)
        .order_by(Placement.mentor_id, func.min(DiaryEntry.submitted_at))
    ).all()
    mentors = {
        m.id: MentorDigest(m) for m in db.session.scalars(
            select(User).where(User.id.in_({r[0] for r in rows}), User.active.is_(True),
                               User.role == Role.MENTOR))
    } if rows else {}
    for mentor_id, name, count, oldest in rows:
        if mentor_id in mentors and oldest is not None:  # a submitted entry has its time
            if isinstance(oldest, str):
                oldest = datetime.fromisoformat(oldest)
            mentors[mentor_id].trainees.append(WaitingTrainee(name, count, oldest))
    return list(mentors.values())


def active_placement_ids(after_id: int, limit: int) -> list[int]:
    """The next `limit` active placements after `after_id`, by id (one query)."""
    return list(db.session.scalars(
        select(Placement.id).where(Placement.status == PlacementStatus.ACTIVE,
                                   Placement.id > after_id)
        .order_by(Placement.id).limit(limit)
    ))


def last_health(after_id: int, last_id: int) -> dict[int, PlacementHealth]:
    """The recorded status of each placement with an id in (after_id, last_id] (one query)."""
    return {h.placement_id: h for h in db.session.scalars(
        select(PlacementHealth).where(PlacementHealth.placement_id > after_id,
                                      PlacementHealth.placement_id <= last_id))}


def coordinators_by_college(college_ids: set[int]) -> dict[int, list[User]]:
    """Active coordinators of each college (one query)."""
    result: dict[int, list[User]] = {}
    if not college_ids:
        return result
    for user in db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR, User.active.is_(True),
                           User.college_id.in_(college_ids)).order_by(User.id)
    ):
        if user.college_id is not None:  # always, for a coordinator (a check constraint)
            result.setdefault(user.college_id, []).append(user)
    return result
