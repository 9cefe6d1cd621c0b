"""Who may have the college's documents made: each answers a refusal in words or None.

A placement's own papers (diary, agreement, assessment) follow its scope (`app.scopes`)."""

from flask_babel import gettext as _

from app.models import Group, User
from app.policy.parties import is_admin, is_college_coordinator


def may_issue_report(user: User) -> str | None:
    """Why the user may not print the graduates' employment report; None if they may."""
    if not (is_admin(user) or is_college_coordinator(user, user.college_id)):
        return _("Отчёт о трудоустройстве выпускают координатор колледжа и управление "
                 "образования.")
    return None


def may_collect_group_diaries(user: User, group: Group | None = None) -> str | None:
    """Why the user may not have a group's diaries made into one archive; None if they may: the
    college's coordinator (any of their groups when none is named), or the admin for a group."""
    college_id = group.college_id if group is not None else user.college_id
    if is_college_coordinator(user, college_id) or (group is not None and is_admin(user)):
        return None
    return _("Архив дневников группы собирает координатор колледжа или управление образования.")
