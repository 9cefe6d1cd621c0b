"""Pages of the working calendar: a placement's absences and breaks, the mentor's decisions,
the list of absences and the group's dual schedule."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.attendance import queries, services
from app.attendance.forms import AbsenceForm, AbsenceReviewForm, BreakForm, ScheduleForm
from app.authentication import roles_required
from app.domain.calendar import weekdays_of
from app.extensions import db
from app.files.serving import safe_download_name, send_stored
from app.files.storage import kept_on_commit, register_file_columns, store
from app.files.uploads import PDF, UploadLimits, accept_upload, megabytes
from app.forms import ActionForm
from app.models import Absence, Group, Placement, Role, utcnow
from app.policy import attendance as policy
from app.rules import RuleViolation
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.web import register_nav

register_file_columns(Absence.document_key)
bp = Blueprint("attendance", __name__)

register_nav("attendance.absences", _l("Пропуски"), Role.STUDENT, Role.COORDINATOR, Role.MENTOR)


def _plan_percent() -> int:
    return current_app.config["PRACTICAL_SHARE_PLAN_PERCENT"]


@bp.app_template_global("enterprise_share_figure")
def enterprise_share_figure(college_id: int | None = None):
    """The share of study time at the enterprise over the groups the reader may see (of one
    college, if given), weighted by their students (one query)."""
    rows = queries.shares_by_group(current_user, clock.today(), college_id)
    return queries.overall_share(rows, _plan_percent())


@bp.app_template_global("group_share_figure")
def group_share_figure(group: Group):
    """One group's scheduled share of study time at the enterprise (one query)."""
    return queries.share_of(queries.group_schedule(group), clock.today(), _plan_percent())


def _load_absence(absence_id: int) -> Absence:
    absence = db.session.get(Absence, absence_id) or abort(404)
    # Scoped by its placement: outside the reader's placements it is a 404 like any other.
    get_scoped_or_404(Placement, absence.placement_id)
    return absence


def _page(placement: Placement, absence_form=None, break_form=None, status: int = 200):
    calendar = queries.calendar_of(placement)
    today = clock.today()
    may_record = policy.may_record_absence(current_user, placement) is None
    may_break = policy.may_record_break(current_user, placement) is None
    if absence_form is None and may_record:
        absence_form = AbsenceForm(formdata=None, first_day=today)
    if break_form is None and may_break:
        break_form = BreakForm(formdata=None, starts_on=today)
    review_forms = {a.id: AbsenceReviewForm(formdata=None, prefix=f"a{a.id}")
                    for a in calendar.absences
                    if policy.may_review_absence(current_user, a) is None}
    return render_template(
        "attendance/placement.html", placement=placement, calendar=calendar,
        absence_form=absence_form if may_record else None,
        break_form=break_form if may_break else None, review_forms=review_forms,
        action_form=ActionForm(),
        horizon=current_app.config["ABSENCE_HORIZON_DAYS"],
        upload_mb=megabytes(UploadLimits.from_config(current_app.config).max_bytes),
    ), status


@bp.get("/placements/<int:placement_id>/calendar")
@login_required
def placement_calendar(placement_id: int):
    return _page(get_scoped_or_404(Placement, placement_id))


@bp.post("/placements/<int:placement_id>/absences")
@login_required
def record_absence(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        upload = request.files.get(form.document.name)
        try:
            accepted = (accept_upload(upload, UploadLimits.from_config(current_app.config))
                        if upload and upload.filename else None)
        except RuleViolation as refusal:
            form.document.errors = [refusal.message]
            return _page(placement, absence_form=form, status=422)
        # The paper is stored with the row, and removed again if the row is not written. The
        # page shows the form only to whoever may record: anyone else is told why in a flash.
        shown = form if policy.may_record_absence(current_user, placement) is None else None
        with commit_or_show(shown) as saving, kept_on_commit(db.session):
            document = None
            if accepted is not None:
                kept = store(accepted.data, accepted.content_type)
                document = services.StoredDocument(kept.key, accepted.name,
                                                   accepted.content_type)
            services.record_absence(
                current_user._get_current_object(), placement,
                first_day=form.first_day.data,
                last_day=form.last_day.data or form.first_day.data, kind=form.chosen_kind,
                note=form.note.data or "", today=clock.today(),
                horizon_days=current_app.config["ABSENCE_HORIZON_DAYS"], document=document)
        if saving.saved:
            flash(_("Пропуск записан: наставник подтвердит или оспорит его."), "success")
            return redirect(url_for(".placement_calendar", placement_id=placement.id))
    return _page(placement, absence_form=form, status=422)


@bp.get("/absences/<int:absence_id>/document")
@login_required
def absence_document(absence_id: int):
    """The absence's supporting paper, to whoever may see the placement."""
    absence = _load_absence(absence_id)
    return send_stored(absence.document_key, absence.document_type,
                       safe_download_name(absence.document_name, absence.document_type,
                                          f"absence-{absence.id}"),
                       inline=absence.document_type != PDF)


@bp.post("/absences/<int:absence_id>/review")
@roles_required(Role.MENTOR)
def review_absence(absence_id: int):
    absence = _load_absence(absence_id)
    form = AbsenceReviewForm(prefix=f"a{absence.id}")
    if form.validate_on_submit():
        with commit_or_show(None) as saving:
            services.review_absence(current_user._get_current_object(), absence,
                                    confirm=bool(form.confirm.data),
                                    comment=form.comment.data or "", now=utcnow())
        if saving.saved:
            flash(_("Пропуск подтверждён.") if form.confirm.data else _("Пропуск оспорен."),
                  "success")
    elif "csrf_token" in form.errors:
        flash(_("Форма устарела — обновите страницу."), "error")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for(".placement_calendar", placement_id=absence.placement_id))


@bp.post("/absences/<int:absence_id>/withdraw")
@login_required
def withdraw_absence(absence_id: int):
    absence = _load_absence(absence_id)
    placement_id = absence.placement_id
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            services.withdraw_absence(current_user._get_current_object(), absence)
        if saving.saved:
            flash(_("Пропуск отозван."), "success")
    return redirect(url_for(".placement_calendar", placement_id=placement_id))


@bp.post("/placements/<int:placement_id>/breaks")
@roles_required(Role.COORDINATOR)
def record_break(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    form = BreakForm()
    if form.validate_on_submit():
        shown = form if policy.may_record_break(current_user, placement) is None else None
        with commit_or_show(shown) as saving:
            services.record_break(current_user._get_current_object(), placement,
                                  starts_on=form.starts_on.data,
                                  planned_return_on=form.planned_return_on.data,
                                  reason=form.reason.data or "")
        if saving.saved:
            flash(_("Перерыв в обучении оформлен."), "success")
            return redirect(url_for(".placement_calendar", placement_id=placement.id))
    return _page(placement, break_form=form, status=422)


@bp.get("/absences")
@roles_required(Role.STUDENT, Role.COORDINATOR, Role.MENTOR)
def absences():
    pending_only = request.args.get("pending") == "1"
    return render_template("attendance/absences.html",
                           absences=queries.absences_list(current_user, pending_only),
                           pending_only=pending_only)


@bp.route("/groups/<int:group_id>/schedule", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def group_schedule(group_id: int):
    group = get_scoped_or_404(Group, group_id)
    schedule = queries.group_schedule(group)
    if request.method == "GET":
        form = ScheduleForm(formdata=None, obj=schedule)
        form.weekdays.data = (weekdays_of(schedule.enterprise_weekdays) if schedule
                              else [0, 1, 2, 3, 4])
        if schedule is None:
            form.cycle_start.data = clock.today()
    else:
        form = ScheduleForm()
    status = 200
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            services.save_schedule(
                current_user._get_current_object(), group, weekdays=form.weekdays.data,
                enterprise_weeks=form.enterprise_weeks.data,
                college_weeks=form.college_weeks.data, cycle_start=form.cycle_start.data,
                planned_share_percent=form.planned_share_percent.data)
        if saving.saved:
            flash(_("График группы сохранён."), "success")
            return redirect(url_for("organisations.group", group_id=group.id))
    if request.method == "POST":
        status = 422
    share = queries.share_of(schedule, clock.today(), _plan_percent())
    return render_template("attendance/schedule.html", group=group, form=form,
                           share=share), status
