"""Who may do what in the practice diary: write it, sign it, discuss a week, name a deputy.

Signing is the trainee's foreman's, or the foreman's deputy's while the deputy range lasts (by
the clock). Each predicate answers a refusal in words or None; views, services and templates all
ask the same one."""

from flask import g, has_app_context
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.models import DiaryEntry, Placement, PlacementStatus, Role, User, WeekComment
from app.scopes import covered_mentor_ids


def covered_today(user: User) -> frozenset[int]:
    """The foremen the mentor stands in for today (one query per request and day)."""
    if user.role != Role.MENTOR:
        return frozenset()
    key = (user.id, clock.today())
    cache = g.setdefault("covered_mentors", {}) if has_app_context() else {}
    if key not in cache:
        cache[key] = frozenset(db.session.scalars(covered_mentor_ids(user)))
    return cache[key]


def forget_covered() -> None:
    """Drop what `covered_today` remembered (a deputy was just named or changed)."""
    if has_app_context():
        g.pop("covered_mentors", None)


def stands_in_for(user: User, placement: Placement) -> bool:
    """Is the user, today, the placement's foreman or the foreman's deputy of its enterprise?"""
    if user.role != Role.MENTOR:
        return False
    if placement.mentor_id == user.id:
        return True
    return (placement.enterprise_id == user.enterprise_id
            and placement.mentor_id in covered_today(user))


def may_sign(user: User, entry: DiaryEntry) -> str | None:
    """Why the user may not sign (or return) the entry; None if they may."""
    if stands_in_for(user, entry.placement):
        return None
    return _("Подписывать записи может только наставник этого практиканта или его "
             "заместитель в дни замещения.")


def signed_for_id(user: User, entry: DiaryEntry) -> int | None:
    """On whose behalf the user signs: the foreman when a deputy signs, else None."""
    mentor_id = entry.placement.mentor_id
    return None if mentor_id == user.id else mentor_id


def may_write_diary(user: User, placement: Placement) -> str | None:
    """Why the user may not fill in the placement's diary; None if they may (its trainee, while
    the agreement is in force)."""
    if placement.student_id != user.id:
        return _("Дневник ведёт только сам практикант.")
    if placement.status != PlacementStatus.ACTIVE:
        return _("Договор не действует — дневник закрыт для записей.")
    return None


def may_comment(user: User, placement: Placement) -> str | None:
    """Why the user may not write in the placement's week threads; None if they may."""
    match user.role:
        case Role.STUDENT if placement.student_id == user.id:
            return None
        case Role.COORDINATOR if placement.college_id == user.college_id:
            return None
        case Role.MENTOR if stands_in_for(user, placement):
            return None
    return _("В обсуждении недели пишут практикант, его наставник (или заместитель наставника) "
             "и координатор колледжа.")


def may_edit_comment(user: User, comment: WeekComment) -> str | None:
    """Why the user may not change the comment; None if they may (its author, still a party)."""
    if comment.author_id != user.id:
        return _("Изменить комментарий может только его автор.")
    return may_comment(user, comment.placement)


def may_name_deputy(actor: User, mentor: User) -> str | None:
    """Why the actor may not name a deputy for the mentor; None if they may: the enterprise's
    employer for any of its foremen, a foreman for themself."""
    match actor.role:
        case Role.EMPLOYER if mentor.role == Role.MENTOR and (
                mentor.enterprise_id == actor.enterprise_id):
            return None
        case Role.EMPLOYER:
            return _("Выберите наставника своего предприятия.")
        case Role.MENTOR if mentor.id == actor.id:
            return None
        case Role.MENTOR:
            return _("Наставник назначает заместителя только себе; для другого наставника — "
                     "представитель предприятия.")
    return _("Заместителя наставника назначает представитель предприятия или сам наставник.")
