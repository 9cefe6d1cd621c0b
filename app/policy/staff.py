"""Who manages an organisation's people and data: invitations, access, enterprise master data.

Each `*_refusal` answers a refusal in words or None; the `manages_*` and `can_*` tests are the
yes/no questions those refusals and the people pages start from.
"""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Enterprise, Placement, Role, User
from app.policy.parties import is_college_coordinator

# Who is offered a second factor: the accounts that see a whole college or the region.
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})

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


def can_see_enterprise_staff(user: User, enterprise: Enterprise | None) -> bool:
    """Who sees an enterprise's employers and mentors: admin, its employer, partner colleges."""
    if enterprise is None:
        return False
    match user.role:
        case Role.ADMIN:
            return True
        case Role.EMPLOYER:
            return user.enterprise_id == enterprise.id
        case Role.COORDINATOR:
            return _is_partner(user.college_id, enterprise.id)
    return False


def employer_refusal(user: User, enterprise: Enterprise | None) -> str | None:
    """Why the user may not register or invite an employer of the enterprise; None if they may."""
    if enterprise is None or not can_see_enterprise_staff(user, enterprise):
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


# --- accounts: access, reset links, contacts, a college's people -------------------------------

def access_refusal(actor: User, person: User) -> str | None:
    """Why the actor may not block or unblock this person; None if they may."""
    if not manages_access_of(actor, person):
        return _("Вы не можете менять доступ этого пользователя.")
    return staff_refusal(actor, person)


def reset_link_refusal(actor: User, person: User) -> str | None:
    """Why the actor may not hand this person a password-reset link; None if they may."""
    if person.role == Role.ADMIN:
        return _("Пароль администратора так не восстанавливается: администратор меняет его по "
                 "ссылке из письма.")
    refusal = access_refusal(actor, person)
    if refusal:
        return refusal
    if not person.active:
        return _("Учётная запись заблокирована: сначала разблокируйте её.")
    if person.password_hash is None:
        return _("Пароль ещё не задан: пригласите пользователя, чтобы он задал пароль.")
    return None


def contact_refusal(actor: User, person: User) -> str | None:
    """Why the actor may not change this employer's or coordinator's contacts; None if they may:
    an employer's by the admin or the enterprise's employers, a coordinator's by the admin."""
    if actor.role == Role.ADMIN and person.role in (Role.EMPLOYER, Role.COORDINATOR):
        return None
    if (actor.role == Role.EMPLOYER and person.role == Role.EMPLOYER
            and person.enterprise_id == actor.enterprise_id):
        return None
    return _("Контактные данные этого пользователя меняет управление образования.")


def may_add_coordinator(user: User) -> str | None:
    """Why the user may not register a college's coordinator; None if they may (the admin)."""
    if user.role != Role.ADMIN:
        return _("Координаторов назначает администратор региона.")
    return None


def may_manage_students(user: User, college_id: int | None) -> str | None:
    """Why the user may not register or change the college's students; None if they may (a
    coordinator works with their own college only)."""
    if user.role == Role.COORDINATOR and user.college_id != college_id:
        return _("Можно работать только со своим колледжем.")
    return None


def may_add_student(user: User) -> str | None:
    """Why the user may not register a student (of their own college); None if they may."""
    if user.role != Role.COORDINATOR or user.college_id is None:
        return _("Студентов колледжа добавляет и изменяет его координатор.")
    return None


def may_edit_student(user: User, student: User) -> str | None:
    """Why the user may not change the student's card; None if they may (the college's
    coordinator)."""
    if not is_college_coordinator(user, student.college_id):
        return _("Студентов колледжа добавляет и изменяет его координатор.")
    return None


def may_set_up_two_factor(user: User) -> str | None:
    """Why the user is not offered two-factor sign-in; None if they are."""
    if user.role not in TWO_FACTOR_ROLES:
        return _("Двухфакторный вход настраивают управление образования и координаторы.")
    return None


def may_get_work_experience(user: User, student: User) -> str | None:
    """Why the user may not print the student's work-experience statement; None if they may:
    the student, their college's coordinator, the admin."""
    if student.role == Role.STUDENT and (
            user.id == student.id or is_college_coordinator(user, student.college_id)
            or user.role == Role.ADMIN):
        return None
    return _("Справку о стаже получают сам студент, координатор его колледжа и управление "
             "образования.")
