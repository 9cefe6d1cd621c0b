"""The diary week, the mentor's review queue and the progress pages."""

from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.attendance.queries import calendar_of
from app.authentication import roles_required
from app.domain.working_time import limit_for
from app.evidence.queries import attachments_by_entry
from app.extensions import db
from app.models import DiaryEntry, EntryStatus, Placement, PlacementStatus, Role, utcnow
from app.policy import parties
from app.policy.practice import may_comment
from app.practice import queries
from app.practice.forms import CommentForm, DayForm, WeekForm
from app.practice.health import HEALTH_LABELS, Health, Thresholds
from app.practice.services import DayInput, DiaryViolations, save_week
from app.practice.thread import week_thread
from app.practice.weeks import Week, default_week, parse_week
from app.rules import RuleViolation
from app.scopes import get_scoped_or_404
from app.training import queries as training_queries
from app.web import register_nav

bp = Blueprint("practice", __name__)

register_nav("practice.diary_home", _l("Дневник"), Role.STUDENT)
register_nav("practice.review_queue", _l("Проверка записей"), Role.MENTOR)
register_nav("practice.progress", _l("Ход практики"),
             Role.COORDINATOR, Role.MENTOR, Role.EMPLOYER, Role.ADMIN)

EDITABLE = (EntryStatus.DRAFT, EntryStatus.REJECTED)


def _thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


# --- the diary -----------------------------------------------------------------------------


@bp.get("/diary")
@roles_required(Role.STUDENT)
def diary_home():
    placement_id = queries.current_placement_id(current_user)
    if placement_id is None:
        return render_template("practice/no_placement.html")
    return redirect(url_for("practice.diary", placement_id=placement_id))


@dataclass
class DayRow:
    day: date
    entry: DiaryEntry | None
    form: DayForm | None
    closed_reason: str = ""
    calendar_note: str = ""


def _closed_reason(placement: Placement, day: date, today: date) -> str:
    if not placement.start_date <= day <= placement.end_date:
        return _("вне периода практики")
    if day > today:
        return _("ещё не наступил")
    return ""


def _editable_days(placement: Placement, week: Week, entries, today: date) -> list[date]:
    if current_user.id != placement.student_id or placement.status != PlacementStatus.ACTIVE:
        return []
    return [
        day for day in week.days
        if not _closed_reason(placement, day, today)
        and (day not in entries or entries[day].status in EDITABLE)
    ]


def _blank_form(editable: list[date], entries) -> WeekForm:
    rows = []
    for day in editable:
        entry = entries.get(day)
        rows.append({
            "work_date": day.isoformat(),
            "version": entry.version if entry else None,
            "hours": entry.minutes / 60 if entry else None,
            "activity": entry.activity if entry else "",
            "competency": entry.competency_id if entry else None,
        })
    return WeekForm(formdata=None, data={"days": rows})


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _day_inputs(form: WeekForm) -> list[DayInput] | None:
    inputs = []
    for sub in form.days:
        day = _parse_day(sub.form.work_date.data)
        if day is None:
            return None
        inputs.append(DayInput(day, sub.form.hours.data, sub.form.activity.data or "",
                               sub.form.competency.data, sub.form.version.data))
    return inputs


def _attach(form: WeekForm, violations: list[RuleViolation], shown: set[str]) -> list[str]:
    """Put each refusal beside its field; return those that belong to no shown field."""
    by_date = {sub.form.work_date.data: sub.form for sub in form.days
               if sub.form.work_date.data in shown}
    loose = []
    for violation in violations:
        day, _sep, name = (violation.field or "").partition(".")
        sub = by_date.get(day)
        field = getattr(sub, name, None) if sub is not None and name != "row" else None
        if field is not None:
            field.errors = [*field.errors, violation.message]
        elif sub is not None:
            sub.hours.errors = [*sub.hours.errors, violation.message]
        else:
            loose.append(violation.message)
    return loose


@bp.route("/diary/<int:placement_id>", methods=["GET", "POST"])
@login_required
def diary(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    today = clock.today()
    week = (parse_week(request.args.get("week"))
            or default_week(placement.start_date, placement.end_date, today))
    entries = queries.week_entries(placement, week)
    editable = _editable_days(placement, week, entries, today)
    if request.method == "POST" and current_user.id != placement.student_id:
        abort(403)

    problems: list[str] = []
    status = 200
    form = WeekForm() if request.method == "POST" else _blank_form(editable, entries)
    if request.method == "POST":
        valid = form.validate_on_submit()
        inputs = _day_inputs(form) if valid else None
        if not valid:
            problems = [_("Форма устарела — обновите страницу.") if "csrf_token" in form.errors
                        else _("Проверьте отмеченные поля: ничего не сохранено.")]
        elif inputs is None:
            problems = [_("Форма повреждена — обновите страницу. Ничего не сохранено.")]
        else:
            submit_day = _parse_day(request.form.get("submit_day", ""))
            try:
                result = save_week(
                    current_user, placement, week, inputs,
                    submit_all=bool(form.submit_week.data),
                    submit_days=frozenset([submit_day] if submit_day else []),
                    today=today, now=utcnow(),
                )
            except DiaryViolations as refusal:
                db.session.rollback()
                problems = _attach(form, refusal.violations,
                                   {d.isoformat() for d in editable})
            except RuleViolation as refusal:
                db.session.rollback()
                problems = [refusal.message]
            else:
                db.session.commit()
                _flash_saved(result)
                _warn_off_days(placement, inputs)
                return redirect(url_for("practice.diary", placement_id=placement.id,
                                        week=week.code))
        status = 422

    competencies = queries.competencies_for(placement) if editable else []
    choices = [("", _("— не указана —"))] + [(str(c.id), str(c)) for c in competencies]
    forms_by_day = {}
    for sub in form.days:
        sub.form.competency.choices = choices
        forms_by_day[sub.form.work_date.data] = sub.form
    calendar = calendar_of(placement)
    locale = str(get_locale())
    rows = [
        DayRow(day, entries.get(day),
               forms_by_day.get(day.isoformat()) if day in editable else None,
               _closed_reason(placement, day, today), calendar.note_on(day, locale))
        for day in week.days
    ]
    progress = queries.progress_rows(
        current_user, today, _thresholds(), tuple(PlacementStatus), placement_id=placement.id
    )
    birth = queries.birth_date_of(placement)
    limit = limit_for(birth, week.monday) if birth else None
    week_minutes = sum(e.minutes for e in entries.values() if e.status != EntryStatus.REJECTED)
    return render_template(
        "practice/diary.html",
        comments=week_thread(current_user, placement, week),
        comment_form=(CommentForm(formdata=None)
                      if may_comment(current_user, placement) is None else None),
        placement=placement, week=week, rows=rows, form=form, problems=problems,
        refused=status == 422,
        can_write=bool(editable), progress=progress[0] if progress else None,
        week_hours=week_minutes / 60, weekly_limit=limit.hours_per_week if limit else None,
        prev_week=week.shifted(-1) if week.monday > placement.start_date else None,
        next_week=(week.shifted(1)
                   if week.sunday < min(placement.end_date, today) else None),
        this_week=default_week(placement.start_date, placement.end_date, today),
        attachments=attachments_by_entry(e.id for e in entries.values()),
        training=training_queries.panel(placement),
    ), status


def _warn_off_days(placement: Placement, inputs: list[DayInput]) -> None:
    """Hours on a day the schedule does not expect at the enterprise are kept, with a warning."""
    calendar = calendar_of(placement)
    locale = str(get_locale())
    notes = [note for item in inputs if item.hours
             if (note := calendar.warning_for(item.work_date, locale))]
    if notes:
        flash(_("Часы сохранены, но проверьте: в эти дни вас не ждали на предприятии: "
                "%(days)s.", days="; ".join(notes)), "warning")


def _flash_saved(result) -> None:
    if result.submitted:
        flash(_("Отправлено наставнику на проверку: %(count)s.", count=result.submitted),
              "success")
    elif result.saved or result.deleted:
        flash(_("Черновик сохранён."), "success")
    else:
        flash(_("Изменений нет."), "info")


# --- progress ------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of an already ordered list, shaped for the `pagination` macro."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@bp.get("/progress")
@login_required
def progress():
    """The progress board (a student's own placements for a student), bounded.

    The status is computed in Python (see `queries.progress_board`), so what is loaded is capped:
    the admin must pick a college first (without one the page asks to choose and loads no
    placements); a coordinator sees one college, a mentor own trainees. The people are loaded
    for the page shown only (PAGE_SIZE, 25). Fixed number of queries whatever the data size."""
    is_admin = parties.is_admin(current_user)
    statuses = ((PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
                if parties.is_student(current_user) else (PlacementStatus.ACTIVE,))
    colleges = queries.college_choices(current_user) if is_admin else []
    college_id = request.args.get("college", type=int) if is_admin else None
    if college_id is not None and college_id not in {cid for cid, _name in colleges}:
        abort(404)
    must_choose = is_admin and college_id is None
    rows = ([] if must_choose else
            queries.progress_board(current_user, clock.today(), _thresholds(), statuses,
                                   college_id))
    counts = {health: sum(1 for r in rows if r.health == health) for health in Health}
    wanted = request.args.get("health")
    if wanted in set(Health):
        rows = [r for r in rows if r.health == wanted]
    waiting_only = request.args.get("waiting") == "1"
    if waiting_only:
        rows = [r for r in rows if r.pending_minutes]
    per_page = current_app.config["PAGE_SIZE"]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = queries.with_people(rows[(page - 1) * per_page: page * per_page])
    pager = Page(shown, page, per_page, len(rows))
    template = ("practice/progress_student.html" if parties.is_student(current_user)
                else "practice/progress_board.html")
    plans = (training_queries.plans_of([item.placement.id for item in shown])
             if parties.is_student(current_user) else {})
    return render_template(template, pager=pager, counts=counts, wanted=wanted, plans=plans,
                           health_labels=HEALTH_LABELS, Health=Health,
                           thresholds=_thresholds(), colleges=colleges, college_id=college_id,
                           must_choose=must_choose, waiting_only=waiting_only)


# The mentor's review queue, the week's thread and deputies live in their own modules.
from app.practice import deputy_views, review_views, thread_views  # noqa: E402, F401
