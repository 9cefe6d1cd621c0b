"""Safety inductions (enterprise records, trainee confirms), plan editors, and their PDFs."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.authentication import is_safe_next, roles_required
from app.documents.printing import Stamp, document_pdf
from app.documents.services import issue_document
from app.documents.views import _locale, _pdf_response
from app.extensions import db
from app.forms import ActionForm
from app.labels import label
from app.models import (
    DocumentKind,
    InductionKind,
    Placement,
    Role,
    SafetyInduction,
    Specialty,
    User,
    utcnow,
)
from app.policy import training as policy
from app.rules import RuleViolation
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.training import documents, queries, services
from app.training.forms import InductionForm, PlanForm

bp = Blueprint("training", __name__)

bp.add_app_template_global(lambda value: label(InductionKind(value)), "induction_label")
bp.add_app_template_global(
    lambda placements: any(p.status in documents.CONCLUDED for p in placements),
    "has_work_experience")


# --- inductions ------------------------------------------------------------------------------


@bp.route("/placements/<int:placement_id>/inductions/new", methods=["GET", "POST"])
@roles_required(Role.MENTOR, Role.EMPLOYER)
def induction_new(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    refusal = policy.induction_refusal(current_user, placement)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("placements.show", placement_id=placement.id))
    form = InductionForm(held_on=clock.today() if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            services.record_induction(current_user._get_current_object(), placement,
                                      form.kind.data, form.held_on.data, form.instructor.data,
                                      today=clock.today())
        if saving.saved:
            flash(_("Инструктаж записан. Практикант подтвердит его в своём дневнике."),
                  "success")
            return redirect(url_for("placements.show", placement_id=placement.id,
                                    _anchor="induction"))
    if request.method == "POST":
        status = 422
    return render_template("training/induction_form.html", form=form,
                           placement=placement), status


@bp.post("/inductions/<int:induction_id>/confirm")
@roles_required(Role.STUDENT)
def induction_confirm(induction_id: int):
    induction = db.session.get(SafetyInduction, induction_id)
    if induction is None:
        abort(404)
    get_scoped_or_404(Placement, induction.placement_id)
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            services.confirm_induction(current_user._get_current_object(), induction,
                                       now=utcnow())
        if saving.saved:
            flash(_("Инструктаж подтверждён: теперь дневник принимает часы."), "success")
    else:
        flash(_("Форма устарела — обновите страницу."), "error")
    back = request.form.get("next", "")
    return redirect(back if is_safe_next(back) else
                    url_for("practice.diary", placement_id=induction.placement_id))


@bp.get("/documents/induction/<int:induction_id>.pdf")
@login_required
def induction_pdf(induction_id: int):
    induction = db.session.get(SafetyInduction, induction_id)
    if induction is None:
        abort(404)
    get_scoped_or_404(Placement, induction.placement_id)
    content = documents.induction_content(induction)
    return _issue(DocumentKind.INDUCTION, content, induction.id,
                  f"induction-{induction.placement_id}-{induction.id}.pdf")


def _issue(kind: DocumentKind, content: dict, object_id: int, filename: str):
    locale = _locale()
    stamp = Stamp.of(issue_document(kind, content, locale, current_user, object_id))
    db.session.commit()
    return _pdf_response(document_pdf(content, stamp, locale), filename)


# --- training plans -----------------------------------------------------------------------------


def _plan_form(rows) -> PlanForm:
    return PlanForm(formdata=None, data={"modules": [
        {"competency_id": str(cid), "hours": hours} for cid, hours in rows]})


def _labelled(form: PlanForm, names: dict[int, str]) -> list[tuple[str, object]]:
    return [(names.get(row.form.competency_id.data, "—"), row.form) for row in form.modules]


def _save_hours(form: PlanForm, save) -> bool:
    """Validate, call the service, commit; False (errors on the form) when refused."""
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            form.form_errors.append(_("Форма устарела — обновите страницу."))
        return False
    hours = form.hours()
    if hours is None:
        form.form_errors.append(_("Форма повреждена — обновите страницу. Ничего не сохранено."))
        return False
    try:
        save(hours)
    except RuleViolation as refusal:
        db.session.rollback()
        row = next((r.form for r in form.modules
                    if str(r.form.competency_id.data) == (refusal.field or "")), None)
        if row is not None:
            row.hours.errors = [*row.hours.errors, refusal.message]
        else:
            form.form_errors.append(refusal.message)
        return False
    db.session.commit()
    return True


@bp.route("/placements/<int:placement_id>/plan", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def plan_edit(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    refusal = policy.plan_refusal(current_user, placement)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("placements.show", placement_id=placement.id))
    plan = queries.plan_of(placement.id)
    modules = plan.modules if plan else []
    names = {m.competency_id: f"{m.code} {m.local_name}" for m in modules}
    if request.method == "POST":
        form = PlanForm()
        if _save_hours(form, lambda hours: services.save_plan(
                current_user._get_current_object(), placement, hours)):
            flash(_("Учебный план договора сохранён."), "success")
            return redirect(url_for("placements.show", placement_id=placement.id,
                                    _anchor="plan"))
    else:
        form = _plan_form([(m.competency_id, m.planned) for m in modules])
    return render_template("training/plan_form.html", form=form, rows=_labelled(form, names),
                           placement=placement, plan=plan, specialty=None,
                           ), 422 if request.method == "POST" else 200


@bp.route("/specialties/<int:specialty_id>/plan", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def template_edit(specialty_id: int):
    specialty = get_scoped_or_404(Specialty, specialty_id)
    refusal = policy.template_refusal(current_user, specialty)
    if refusal:
        abort(403)
    rows = queries.template_of(specialty.id)
    names = {c.id: f"{c.code} {c.local_name}" for c, _hours in rows}
    if request.method == "POST":
        form = PlanForm()
        if _save_hours(form, lambda hours: services.save_template(
                current_user._get_current_object(), specialty, hours)):
            flash(_("Шаблон учебного плана сохранён: новые договоры получат его копию."),
                  "success")
            return redirect(url_for("organisations.specialty", specialty_id=specialty.id))
    else:
        form = _plan_form([(c.id, hours or 0) for c, hours in rows])
    return render_template("training/plan_form.html", form=form, rows=_labelled(form, names),
                           placement=None, plan=None, specialty=specialty,
                           ), 422 if request.method == "POST" else 200


# --- the work-experience statement ---------------------------------------------------------------


@bp.get("/documents/work-experience/<int:student_id>.pdf")
@roles_required(Role.STUDENT, Role.COORDINATOR, Role.ADMIN)
def work_experience(student_id: int):
    student = get_scoped_or_404(User, student_id)
    if student.role != Role.STUDENT:
        abort(404)
    content = documents.work_experience_content(student.id)
    if content is None or not content["periods"]:
        abort(404)
    return _issue(DocumentKind.WORK_EXPERIENCE, content, student.id,
                  f"work-experience-{student.id}.pdf")

