"""Blocking and unblocking accounts, handing over reset links, and who may do it to whom."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app import audit
from app.auth import recovery
from app.authentication import end_all_sessions
from app.extensions import db
from app.models import Invitation, Placement, PlacementStatus, Role, User
from app.policy.staff import access_refusal, reset_link_refusal
from app.rules import RuleViolation


def can_manage_access(actor: User, person: User) -> bool:
    """Whether the actor may block and unblock the person."""
    return access_refusal(actor, person) is None


def issue_reset_link(actor: User, person: User) -> str:
    """A signed reset token to hand over in person (shown once, never stored); audited."""
    refusal = reset_link_refusal(actor, person)
    if refusal:
        raise RuleViolation(refusal)
    audit.record(actor, "reset_link_issued", person,
                 {"reset_link_hours": [None, recovery.reset_hours()]})
    return recovery.reset_token(person, issued_by=actor)


def _active_trainees(mentor: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.mentor_id == mentor.id, Placement.status == PlacementStatus.ACTIVE)) or 0


def deactivate(actor: User, person: User, now: datetime) -> None:
    """Block the account: every session ends at once and open invitations die."""
    refusal = access_refusal(actor, person)
    if refusal:
        raise RuleViolation(refusal)
    if not person.active:
        raise RuleViolation(_("Учётная запись уже заблокирована."))
    if person.role == Role.MENTOR and _active_trainees(person):
        raise RuleViolation(_("У наставника есть действующие практиканты: сначала передайте "
                              "их другому наставнику, затем заблокируйте учётную запись."))
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == person.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    person.active = False
    end_all_sessions(person)
    db.session.flush()
    audit.record(actor, "deactivated", person, {"active": [True, False]})


def reactivate(actor: User, person: User) -> None:
    """Unblock the account; the person signs in with their password (or a new invitation)."""
    refusal = access_refusal(actor, person)
    if refusal:
        raise RuleViolation(refusal)
    if person.active:
        raise RuleViolation(_("Учётная запись не заблокирована."))
    person.active = True
    db.session.flush()
    audit.record(actor, "reactivated", person, {"active": [False, True]})
