"""The conversation of a diary week between the trainee, the foreman (or the foreman's deputy)
and the college's coordinator. A return with a reason starts it; every new comment tells the
others, each in their own language; an edit keeps the earlier text. Flush, never commit."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.audit import changes_of, record
from app.extensions import db
from app.labels import register_actions
from app.models import (
    CommentKind,
    DeputyAssignment,
    DiaryEntry,
    Placement,
    Role,
    User,
    WeekComment,
    WeekCommentRevision,
)
from app.notify import notify
from app.policy.practice import may_comment, may_edit_comment
from app.practice import links
from app.practice.weeks import Week
from app.rules import RuleViolation
from app.scopes import scope_of

MAX_COMMENT = 2_000
EXCERPT = 200

register_actions({
    "week_comment_posted": _l("комментарий к неделе"),
    "week_comment_edited": _l("комментарий к неделе изменён"),
})


# --- reads ------------------------------------------------------------------------------------

def week_thread(user: User, placement: Placement, week: Week) -> list[WeekComment]:
    """The week's comments, oldest first, with authors and earlier texts (two queries)."""
    return list(db.session.scalars(
        select(WeekComment)
        .where(WeekComment.placement_id == placement.id, WeekComment.week_start == week.monday,
               scope_of(WeekComment, user))
        .options(joinedload(WeekComment.author), selectinload(WeekComment.revisions))
        .order_by(WeekComment.created_at, WeekComment.id)
    ))


# --- changes ----------------------------------------------------------------------------------

def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise RuleViolation(_("Напишите комментарий: пустой отправить нельзя."), "body")
    if len(body) > MAX_COMMENT:
        raise RuleViolation(_("Комментарий — не длиннее %(max)s символов.", max=MAX_COMMENT),
                            "body")
    return body


def _in_period(placement: Placement, week: Week) -> bool:
    return week.monday <= placement.end_date and week.sunday >= placement.start_date


def post_comment(author: User, placement: Placement, week: Week, body: str, *, now: datetime,
                 kind: CommentKind = CommentKind.COMMENT,
                 told: frozenset[int] = frozenset()) -> WeekComment:
    """Add a comment to the week's thread and tell the other parties (not those in `told`)."""
    if refusal := may_comment(author, placement):
        raise RuleViolation(refusal)
    if not _in_period(placement, week):
        raise RuleViolation(_("Эта неделя — вне периода практики: обсуждать в ней нечего."))
    body = _checked_body(body)
    comment = WeekComment(placement_id=placement.id, week_start=week.monday,
                          author_id=author.id, kind=kind, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    record(author, "week_comment_posted", comment, {
        "placement_id": [None, placement.id], "week_start": [None, week.monday.isoformat()],
        "body": [None, body]})
    _tell_others(author, placement, week, comment, told | {author.id})
    return comment


def start_return_threads(mentor: User, entries: list[DiaryEntry], reason: str, *,
                         now: datetime) -> None:
    """A return's reason is a comment in each returned week's thread (the trainee is already
    told of the return itself)."""
    weeks: dict[tuple[int, object], tuple[Placement, Week]] = {}
    for entry in entries:
        week = Week.of(entry.work_date)
        weeks.setdefault((entry.placement_id, week.monday), (entry.placement, week))
    for placement, week in weeks.values():
        post_comment(mentor, placement, week, reason, now=now, kind=CommentKind.RETURN,
                     told=frozenset({placement.student_id}))


def edit_comment(editor: User, comment: WeekComment, body: str, version: int | None, *,
                 now: datetime) -> WeekComment:
    """Change a comment's text; the earlier text stays in its history, and in the audit."""
    if refusal := may_edit_comment(editor, comment):
        raise RuleViolation(refusal)
    if version != comment.version:
        raise RuleViolation(_("Комментарий изменили в другой вкладке — обновите страницу. "
                              "Ничего не изменено."))
    body = _checked_body(body)
    if body == comment.body:
        raise RuleViolation(_("Текст не изменился."), "body")
    db.session.add(WeekCommentRevision(comment_id=comment.id, body=comment.body,
                                       written_at=comment.edited_at or comment.created_at,
                                       replaced_at=now))
    comment.body = body
    comment.edited_at = now
    changes = changes_of(comment)
    try:
        db.session.flush()
    except StaleDataError:
        raise RuleViolation(_("Комментарий изменили в другой вкладке — обновите страницу. "
                              "Ничего не изменено.")) from None
    record(editor, "week_comment_edited", comment, changes)
    return comment


def _parties(placement: Placement, today) -> list[User]:
    """The trainee, the foreman, today's deputies of the foreman and the college's
    coordinators (one query)."""
    deputies = select(DeputyAssignment.deputy_id).where(
        DeputyAssignment.mentor_id == placement.mentor_id,
        DeputyAssignment.starts_on <= today, DeputyAssignment.ends_on >= today)
    return list(db.session.scalars(
        select(User).where(
            User.active.is_(True),
            User.id.in_([placement.student_id, placement.mentor_id])
            | ((User.role == Role.MENTOR) & User.id.in_(deputies)
               & (User.enterprise_id == placement.enterprise_id))
            | ((User.role == Role.COORDINATOR) & (User.college_id == placement.college_id)))
        .order_by(User.id)))


def _tell_others(author: User, placement: Placement, week: Week, comment: WeekComment,
                 skip: frozenset[int]) -> None:
    from app import clock

    params = {"author": author.full_name, "student": placement.student.full_name,
              "week": week.monday.isoformat(), "text": _excerpt(comment.body)}
    link = links.diary_week(placement.id, week.monday) + f"#comment-{comment.id}"
    for person in _parties(placement, clock.today()):
        if person.id not in skip:
            notify(person, "week_comment", params, link)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"
