"""Who may sign a diary entry: the trainee's foreman, or the foreman's deputy while the deputy
range lasts (by the clock). One predicate that views, services and templates all ask."""

from flask import g, has_app_context
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.models import DiaryEntry, Placement, Role, User
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
