"""The foreman's review queue: a card per entry, a week signed after one confirmation, undo.

After every action the foreman comes back to the card that followed the one acted on (an
anchor redirect, no JavaScript needed): the outcome and its undo button stand just above it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.authentication import roles_required
from app.evidence.queries import attachments_by_entry
from app.extensions import db
from app.i18n import format_date
from app.models import DiaryEntry, EntryStatus, Placement, Role, utcnow
from app.policy.practice import may_sign
from app.practice import queries
from app.practice.forms import CommentForm, ReviewEntryForm, ReviewWeekForm, UndoSignOffForm
from app.practice.services import review_entries
from app.practice.signoff import (
    ReviewLimits,
    WaitingAge,
    check_week_form,
    record_undo_refusal,
    record_week_refusal,
    undo_sign_off,
    waiting_age,
)
from app.practice.thread import week_thread
from app.practice.views import bp
from app.practice.weeks import Week, parse_week
from app.rules import RuleViolation
from app.scopes import get_scoped_or_404

NOTICE = "review_notice"


def _stale() -> str:
    return _("Форма устарела — обновите страницу. Ничего не изменено.")


def _limits() -> ReviewLimits:
    return ReviewLimits.from_config(current_app.config)


@dataclass
class ReviewCard:
    entry: DiaryEntry
    waiting: WaitingAge
    next_id: int | None = None


@dataclass
class ReviewGroup:
    placement: Placement
    week: Week
    cards: list[ReviewCard]
    next_id: int | None = None

    @property
    def entries(self) -> list[DiaryEntry]:
        return [card.entry for card in self.cards]

    @property
    def entry_versions(self) -> str:
        return " ".join(f"{e.id}:{e.version}" for e in self.entries)

    @property
    def hours(self) -> float:
        return sum(e.minutes for e in self.entries) / 60

    @property
    def anchor(self) -> str:
        return f"week-{self.placement.id}-{self.week.code}"


def _groups(entries: list[DiaryEntry], now: datetime, limits: ReviewLimits) -> list[ReviewGroup]:
    """A trainee's week per group, in the order of its longest-waiting entry; each card knows
    the card after it on the page, where the foreman is brought back after acting on it."""
    groups: dict[tuple[int, date], ReviewGroup] = {}
    for entry in entries:
        week = Week.of(entry.work_date)
        key = (entry.placement_id, week.monday)
        if key not in groups:
            groups[key] = ReviewGroup(entry.placement, week, [])
        groups[key].cards.append(ReviewCard(entry, waiting_age(entry.submitted_at, now, limits)))
    ordered = list(groups.values())
    for group in ordered:
        group.cards.sort(key=lambda card: card.entry.work_date)
    cards = [card for group in ordered for card in group.cards]
    for card, following in zip(cards, cards[1:], strict=False):
        card.next_id = following.entry.id
    for group, next_group in zip(ordered, ordered[1:], strict=False):
        group.next_id = next_group.cards[0].entry.id
    return ordered


def _back_to_queue(next_id: int | None):
    """To the queue, scrolled to the notice standing above the next card."""
    args: dict[str, Any] = {"next": next_id} if next_id else {}
    return redirect(url_for("practice.review_queue", **args, _anchor="just-done"))


def _tell(kind: str, message: str, signed: list[DiaryEntry] | None = None) -> None:
    """Leave the outcome for the next queue page; signed entries get an undo button there."""
    notice = {"kind": kind, "message": message}
    if signed:
        notice["signed"] = " ".join(f"{e.id}:{e.version}" for e in signed)
        notice["until"] = (utcnow() + timedelta(minutes=_limits().undo_minutes)).isoformat()
    session[NOTICE] = notice


def _notice() -> dict | None:
    notice = session.pop(NOTICE, None)
    if not isinstance(notice, dict) or "message" not in notice:
        return None
    until = notice.get("until")
    if until and datetime.fromisoformat(until) < utcnow():
        notice.pop("signed", None)
    return notice


@bp.get("/review")
@roles_required(Role.MENTOR)
def review_queue():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pager = queries.review_queue(current_user, page, current_app.config["PAGE_SIZE"] * 2)
    limits = _limits()
    groups = _groups(pager.items, utcnow(), limits)
    shown = {card.entry.id for group in groups for card in group.cards}
    next_id = request.args.get("next", type=int)
    return render_template(
        "practice/review.html", pager=pager, groups=groups, limits=limits,
        notice=_notice(), notice_before=next_id if next_id in shown else None,
        attachments=attachments_by_entry(shown),
    )


def _review(entries_with_versions, form) -> str | None:
    """Approve or return; the refusal's message, or None when done."""
    try:
        count = review_entries(current_user, entries_with_versions,
                               approve=bool(form.approve.data), comment=form.comment.data or "",
                               now=utcnow())
    except RuleViolation as refusal:
        db.session.rollback()
        _tell("error", refusal.message)
        return refusal.message
    db.session.commit()
    entries = [entry for entry, _version in entries_with_versions]
    if form.approve.data:
        _tell("success", _("Подписано записей: %(count)s.", count=count) + " "
              + _summary(entries), signed=entries)
    else:
        _tell("success", _("Возвращено студенту на исправление записей: %(count)s.",
                           count=count) + " " + _summary(entries))
    return None


def _summary(entries: list[DiaryEntry]) -> str:
    """`Иванов А. — 24 ноября, 25 ноября`: whose entries, which days."""
    days = ", ".join(format_date(e.work_date, "d MMMM") for e in entries)
    return f"{entries[0].placement.student.full_name} — {days}." if entries else ""


@bp.post("/review/entries/<int:entry_id>")
@roles_required(Role.MENTOR)
def review_entry(entry_id: int):
    entry = get_scoped_or_404(DiaryEntry, entry_id)
    form = ReviewEntryForm()
    if not form.validate_on_submit() or not (form.approve.data or form.reject.data):
        _tell("error", _stale())
        return _back_to_queue(entry.id)
    refused = _review([(entry, form.version.data)], form)
    # A refusal leaves the foreman on the same card; a decision moves on to the next one.
    return _back_to_queue(entry.id if refused else form.next.data)


def _week_of_form(form: ReviewWeekForm) -> tuple[Placement, Week]:
    if form.placement.data is None:
        abort(404)
    week = parse_week(form.week.data)
    if week is None:
        abort(404)
    return get_scoped_or_404(Placement, form.placement.data), week


@bp.get("/review/week/<int:placement_id>/<week_code>")
@roles_required(Role.MENTOR)
def confirm_week(placement_id: int, week_code: str):
    """What signing the week will sign — days, hours, total — and one button to do it."""
    placement = get_scoped_or_404(Placement, placement_id)
    week = parse_week(week_code)
    if week is None:
        abort(404)
    entries = [e for e in queries.week_entries(placement, week).values()
               if e.status == EntryStatus.SUBMITTED and may_sign(current_user, e) is None]
    entries.sort(key=lambda e: e.work_date)
    form = ReviewWeekForm(formdata=None, data={
        "placement": placement.id, "week": week.code,
        "next": request.args.get("next", type=int),
        "entries": " ".join(f"{e.id}:{e.version}" for e in entries),
    })
    return render_template("practice/review_week.html", placement=placement, week=week,
                           entries=entries, hours=sum(e.minutes for e in entries) / 60,
                           form=form, comments=week_thread(current_user, placement, week),
                           comment_form=CommentForm(formdata=None))


@bp.post("/review/week")
@roles_required(Role.MENTOR)
def review_week():
    form = ReviewWeekForm()
    if not form.validate_on_submit() or not (form.approve.data or form.reject.data):
        _tell("error", _stale())
        return _back_to_queue(None)
    placement, week = _week_of_form(form)
    versions = form.entry_versions()
    entries = queries.scoped_entries(current_user, versions)
    try:
        check_week_form(placement, week, entries, versions)
    except RuleViolation as refusal:
        record_week_refusal(current_user, placement, versions, refusal.message)
        db.session.commit()
        _tell("error", refusal.message)
        return _back_to_queue(None)
    refused = _review([(entry, versions[entry.id]) for entry in entries], form)
    if refused is None:
        return _back_to_queue(form.next.data)
    record_week_refusal(current_user, placement, versions, refused)
    db.session.commit()
    return _back_to_queue(None)


@bp.post("/review/undo")
@roles_required(Role.MENTOR)
def undo_review():
    """Take back signatures just given, by the foreman who gave them, within the grace period."""
    form = UndoSignOffForm()
    if not form.validate_on_submit():
        _tell("error", _stale())
        return _back_to_queue(None)
    versions = form.entry_versions()
    entries = queries.scoped_entries(current_user, versions)
    try:
        if not versions or len(entries) != len(versions):
            raise RuleViolation(_(
                "Отменить подпись может только наставник, который её поставил. Ничего не "
                "изменено."))
        count = undo_sign_off(current_user, [(e, versions[e.id]) for e in entries],
                              now=utcnow(), limits=_limits())
    except RuleViolation as refusal:
        db.session.rollback()
        record_undo_refusal(current_user._get_current_object(), versions, refusal.message)
        db.session.commit()
        _tell("error", refusal.message)
        return _back_to_queue(form.next.data)
    db.session.commit()
    _tell("success", _("Подпись отменена, записи снова ждут проверки: %(count)s.", count=count)
          + " " + _summary(entries))
    return _back_to_queue(entries[0].id)
