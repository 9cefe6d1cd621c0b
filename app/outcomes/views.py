"""The outcomes ledger: lists, exports, the due list, one graduate's record and its actions."""

from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock
from app.audit import history_of
from app.authentication import roles_required
from app.exports import spreadsheet_response
from app.labels import label, register_actions
from app.listing import ListRequest
from app.models import GraduateOutcome, OfferStatus, OutcomeKind, Role, User
from app.outcomes import queries, services
from app.outcomes.forms import (
    HireForm,
    NewOutcomeForm,
    OfferForm,
    OutcomeForm,
    RetentionCheckForm,
)
from app.policy.outcomes import may_check_retention, may_edit_outcome, may_record_hire
from app.policy.parties import is_employer
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.web import register_nav

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

LEDGER_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)


register_nav("outcomes.index", _l("Выпускники"), Role.COORDINATOR)
register_nav("outcomes.index", _l("Выпускники и найм"), Role.EMPLOYER)
register_actions({
    "outcome_recorded": _l("записан исход"),
    "offer_recorded": _l("записано предложение о работе"),
    "hire_recorded": _l("записан приём на работу"),
    "retention_checked": _l("записана проверка сохранения работы"),
})


@bp.get("/")
@roles_required(*LEDGER_ROLES)
def index():
    req = ListRequest.from_args(queries.SORTABLE, "student")
    filters = queries.LedgerFilters.from_args(request.args)
    pager = queries.ledger_page(current_user, filters, req)
    due = queries.due_count(current_user, clock.today()) \
        if not is_employer(current_user) else 0
    return render_template(
        "outcomes/index.html", pager=pager, req=req, filters=filters, due=due,
        outcome_kinds=list(OutcomeKind), **queries.filter_choices(current_user),
    )


EXPORT_HEADER = (
    _l("Выпускник"), _l("Год выпуска"), _l("Дата выпуска"), _l("Колледж"), _l("Специальность"),
    _l("Базовое предприятие"), _l("Исход"), _l("Работодатель"), _l("Должность"),
    _l("Дата исхода"), _l("Предложение"), _l("Дата предложения"), _l("Работает через 6 мес."),
    _l("Работает через 12 мес."),
)


def _retained(outcome: GraduateOutcome, months: int) -> str:
    check = next((c for c in outcome.retention_checks if c.months == months), None)
    if check is None:
        return ""
    return _("да") if check.still_employed else _("нет")


@bp.get("/export.<fmt>")
@roles_required(*LEDGER_ROLES)
def export(fmt: str):
    filters = queries.LedgerFilters.from_args(request.args)
    q = (request.args.get("q") or "").strip()[:100]
    rows = (
        (o.student.full_name, o.graduation_year, o.graduated_on, o.college.local_name,
         str(o.specialty), o.host_enterprise.local_name if o.host_enterprise else "",
         label(o.outcome),
         o.employer_name, o.position, o.outcome_date, label(o.offer_status), o.offer_date,
         _retained(o, 6), _retained(o, 12))
        for o in queries.ledger_rows(current_user, filters, q)
    )
    header = [str(h) for h in EXPORT_HEADER]
    return spreadsheet_response(fmt, "graduate-outcomes", header, rows, title=_("Выпускники"))


@bp.get("/due")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def due():
    req = ListRequest.from_args({"date": None}, "date")
    pager, rows = queries.due_checks(current_user, clock.today(), req)
    return render_template("outcomes/due.html", pager=pager, rows=rows, req=req)


@bp.get("/new")
@roles_required(Role.COORDINATOR)
def candidates():
    req = ListRequest.from_args({"student": None}, "student")
    pager = queries.graduates_without_record(current_user, req)
    return render_template("outcomes/candidates.html", pager=pager, req=req)


def _student_of_my_college(student_id: int) -> User:
    student = get_scoped_or_404(User, student_id)
    if student.role != Role.STUDENT or student.college_id != current_user.college_id:
        abort(404)
    return student


@bp.route("/new/<int:student_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new(student_id: int):
    student = _student_of_my_college(student_id)
    placements = services.students_placements(student)
    form = NewOutcomeForm()
    form.placement.choices = [SelectChoice(0, _("— без базового предприятия —"))] + [
        SelectChoice(p.id, f"{p} · {p.enterprise.local_name} · "
                           f"{p.start_date:%d.%m.%Y}–{p.end_date:%d.%m.%Y}")
        for p in placements
    ]
    if request.method == "GET":
        form.placement.data = placements[0].id if placements else 0
        profile = student.student_profile
        if profile and profile.graduation_year:
            form.graduated_on.data = date(profile.graduation_year, 6, 30)
    if form.validate_on_submit():
        chosen = next((p for p in placements if p.id == form.placement.data), None)
        with commit_or_show(form) as saving:
            outcome = services.create_outcome(current_user, student,
                                              graduated_on=form.graduated_on.data,
                                              placement=chosen)
        if saving.saved:
            flash(_("Запись о выпускнике создана."), "success")
            return redirect(url_for(".show", outcome_id=outcome.id))
    return render_template("outcomes/new.html", form=form, student=student), \
        400 if form.errors else 200


@bp.get("/<int:outcome_id>")
@roles_required(*LEDGER_ROLES)
def show(outcome_id: int):
    return _render_show(get_scoped_or_404(GraduateOutcome, outcome_id))


def _render_show(outcome: GraduateOutcome, status: int = 200, **forms):
    user = current_user
    is_coordinator = may_edit_outcome(user, outcome) is None
    is_host = may_record_hire(user, outcome) is None
    if is_coordinator and "outcome_form" not in forms:
        forms["outcome_form"] = OutcomeForm(formdata=None, data={
            "outcome": outcome.outcome.value, "employer_name": outcome.employer_name,
            "position": outcome.position, "outcome_date": outcome.outcome_date,
            "note": outcome.note})
    if is_host:
        forms.setdefault("offer_form", OfferForm(formdata=None, data={
            "offer_status": outcome.offer_status.value, "offer_date": outcome.offer_date}))
        forms.setdefault("hire_form", HireForm(formdata=None, data={
            "position": outcome.position, "hired_on": outcome.outcome_date}))
    can_check = (outcome.outcome in services.EMPLOYED and outcome.outcome_date
                 and may_check_retention(user, outcome) is None)
    if can_check:
        forms.setdefault("check_form", RetentionCheckForm(formdata=None))
    return render_template("outcomes/show.html", outcome=outcome, history=history_of(outcome),
                           **forms), status


def _act(outcome_id: int, form, form_name: str, action, success: str | Callable[[], str]):
    """Validate a form posted on the graduate's page, call the service, commit or re-render."""
    outcome = get_scoped_or_404(GraduateOutcome, outcome_id)
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            action(outcome)
        if saving.saved:
            flash(success if isinstance(success, str) else success(), "success")
            return redirect(url_for(".show", outcome_id=outcome_id))
    outcome = get_scoped_or_404(GraduateOutcome, outcome_id)
    return _render_show(outcome, 400, **{form_name: form})


@bp.post("/<int:outcome_id>/outcome")
@roles_required(Role.COORDINATOR)
def record_outcome(outcome_id: int):
    form = OutcomeForm()
    return _act(outcome_id, form, "outcome_form", lambda o: services.record_outcome(
        current_user, o, kind=OutcomeKind(form.outcome.data),
        employer_name=form.employer_name.data or "", position=form.position.data or "",
        outcome_date=form.outcome_date.data, note=form.note.data or "",
    ), _("Исход записан."))


@bp.post("/<int:outcome_id>/offer")
@roles_required(Role.EMPLOYER)
def record_offer(outcome_id: int):
    form = OfferForm()
    return _act(outcome_id, form, "offer_form", lambda o: services.record_offer(
        current_user, o, OfferStatus(form.offer_status.data), form.offer_date.data,
    ), _("Предложение записано."))


@bp.post("/<int:outcome_id>/hire")
@roles_required(Role.EMPLOYER)
def record_hire(outcome_id: int):
    form = HireForm()
    offer_before: list[OfferStatus] = []

    def hire(outcome: GraduateOutcome) -> None:
        offer_before.append(outcome.offer_status)
        services.record_hire(current_user, outcome, position=form.position.data,
                             hired_on=form.hired_on.data)

    def done() -> str:
        if offer_before and offer_before[0] != OfferStatus.ACCEPTED:
            # A hire means the offer was accepted: say so rather than change it silently.
            return _("Приём на работу записан; предложение о работе отмечено как принятое.")
        return _("Приём на работу записан.")

    return _act(outcome_id, form, "hire_form", hire, done)


@bp.post("/<int:outcome_id>/checks")
@roles_required(Role.COORDINATOR, Role.EMPLOYER)
def record_check(outcome_id: int):
    form = RetentionCheckForm()
    return _act(outcome_id, form, "check_form", lambda o: services.record_retention_check(
        current_user, o, months=form.months.data, checked_on=form.checked_on.data,
        still_employed=form.still_employed.data == "yes", note=form.note.data or "",
    ), _("Проверка записана."))

