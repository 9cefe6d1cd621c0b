"""Who manages an organisation's people and data: invitations, access, enterprise master data.

Each `*_refusal` answers a refusal in words or None; the `manages_*` and `can_*` tests are the
yes/no questions those refusals and the people pages start from.
"""

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Enterprise, Placement, Role, User

# --- whose account an actor manages --------------------------------------------------------------
# Two actions, two rules: inviting prepares an organisation's people (a coordinator invites a
# partner enterprise's HR until it is on board; HR invites its foremen), managing access (block,
# unblock, contacts, a reset link) belongs to whoever runs those people day to day.

def manages_invitation_of(actor: User, person: User) -> bool:
    """Whose invitations the actor manages at all: the admin anyone but admins, a coordinator
    the college's students and the partner enterprises' staff, an employer their mentors."""
    if person.role == Role.ADMIN or person.id == actor.id:
        return False
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.COORDINATOR:
            if person.role == Role.STUDENT:
                return person.college_id == actor.college_id
            if person.role in (Role.MENTOR, Role.EMPLOYER):
                return can_see_enterprise_staff(actor, person.enterprise)
        case Role.EMPLOYER:
            return person.role == Role.MENTOR and person.enterprise_id == actor.enterprise_id
    return False


def manages_access_of(actor: User, person: User) -> bool:
    """Whose access the actor manages at all: the admin anyone but admins, a coordinator the
    college's students and partner enterprises' mentors, an employer the enterprise's staff."""
    if person.role == Role.ADMIN or person.id == actor.id:
        return False
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.COORDINATOR:
            if person.role == Role.STUDENT:
                return person.college_id == actor.college_id
            if person.role == Role.MENTOR:
                return can_see_enterprise_staff(actor, person.enterprise)
        case Role.EMPLOYER:
            return (person.role in (Role.MENTOR, Role.EMPLOYER)
                    and person.enterprise_id == actor.enterprise_id)
    return False


# --- who may manage an enterprise's data and staff ----------------------------------------------
# An employer sees every college's trainees at the enterprise, so the enterprise's staff and data
# belong to the enterprise once its HR has signed in; a coordinator only prepares them until then.

def _is_partner(college_id: int | None, enterprise_id: int | None) -> bool:
    from app.models import Partnership

    if college_id is None or enterprise_id is None:
        return False
    return db.session.get(Partnership, (college_id, enterprise_id)) is not None


def has_active_employer(enterprise_id: int) -> bool:
    """Whether an employer of the enterprise has already set a password (HR is on board)."""
    return db.session.scalar(select(User.id).where(
        User.enterprise_id == enterprise_id, User.role == Role.EMPLOYER,
        User.password_hash.is_not(None)).limit(1)) is not None


def _other_college_placement(column: Any, value: int, college_id: int | None) -> bool:
    return db.session.scalar(select(Placement.id).where(
        column == value, Placement.college_id != college_id).limit(1)) is not None


def can_edit_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Master data (name, capacity, contacts, departments): the admin, the enterprise's employer,
    or a partner college's coordinator while no employer of the enterprise has a password."""
    match user.role:
        case Role.ADMIN:
            return True
        case Role.EMPLOYER:
            return user.enterprise_id == enterprise.id
        case Role.COORDINATOR:
            return (_is_partner(user.college_id, enterprise.id)
                    and not has_active_employer(enterprise.id))
    return False


def can_see_enterprise_staff(user: User, enterprise: Enterprise) -> bool:
    """Who sees an enterprise's employers and mentors: admin, its employer, partner colleges."""
    match user.role:
        case Role.ADMIN:
            return True
        case Role.EMPLOYER:
            return user.enterprise_id == enterprise.id
        case Role.COORDINATOR:
            return _is_partner(user.college_id, enterprise.id)
    return False


def employer_refusal(user: User, enterprise: Enterprise) -> str | None:
    """Why the user may not register or invite an employer of the enterprise; None if they may."""
    from flask_babel import gettext as _

    if not can_see_enterprise_staff(user, enterprise):
        return _("Выберите предприятие-партнёр своего колледжа.")
    if user.role != Role.COORDINATOR:
        return None
    if has_active_employer(enterprise.id):
        return _("У предприятия уже есть представитель с доступом: новых представителей "
                 "добавляет и приглашает он или управление образования.")
    if _other_college_placement(Placement.enterprise_id, enterprise.id, user.college_id):
        return _("Представитель предприятия видит практикантов всех колледжей, а на этом "
                 "предприятии проходят практику студенты других колледжей: представителя "
                 "добавляет управление образования.")
    return None


def mentor_refusal(user: User, mentor: User) -> str | None:
    """Why the user may not change or invite the mentor; None if they may."""
    from flask_babel import gettext as _

    if not can_see_enterprise_staff(user, mentor.enterprise):
        return _("Выберите предприятие-партнёр своего колледжа.")
    if user.role == Role.COORDINATOR and _other_college_placement(
            Placement.mentor_id, mentor.id, user.college_id):
        return _("У наставника есть практиканты других колледжей: его данные и доступ меняет "
                 "представитель предприятия или управление образования.")
    return None


def staff_refusal(user: User, person: User) -> str | None:
    """Why the user may not manage this employer or mentor account; None if they may."""
    if person.role == Role.EMPLOYER:
        return employer_refusal(user, person.enterprise)
    if person.role == Role.MENTOR:
        return mentor_refusal(user, person)
    return None
