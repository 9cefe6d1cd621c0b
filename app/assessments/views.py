"""Assessment pages: the list of placements with their assessments, the mentor's form,
one assessment, and the coordinator's college score."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.assessments import queries, services
from app.assessments.forms import AssessmentForm, CollegeScoreForm, ratings_from
from app.authentication import roles_required
from app.domain.grades import FIVE_POINT_WORDS, band_for
from app.extensions import db
from app.labels import register_actions
from app.listing import ListRequest
from app.models import (
    Assessment,
    AssessmentKind,
    HireRecommendation,
    Placement,
    PlacementStatus,
    Role,
    utcnow,
)
from app.policy.assessments import may_score
from app.rules import RuleViolation
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.web import register_nav

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

register_nav("assessments.index", _l("Оценки"), Role.MENTOR, Role.COORDINATOR)
register_actions({
    "assessment_submitted": _l("оценка отправлена"),
    "college_score_set": _l("поставлен балл колледжа"),
})


def _kind_or_404(kind: str) -> AssessmentKind:
    try:
        return AssessmentKind(kind)
    except ValueError:
        abort(404)


def _status_arg() -> PlacementStatus | None:
    try:
        status = PlacementStatus(request.args.get("status", ""))
    except ValueError:
        return None
    return status if status in queries.LISTED_STATUSES else None


@bp.get("/")
@login_required
def index():
    req = ListRequest.from_args(queries.SORTABLE, "student")
    status = _status_arg()
    pager, rows = queries.placements_with_assessments(current_user, req, status)
    return render_template(
        "assessments/index.html", pager=pager, rows=rows, req=req, status=status,
        statuses=queries.LISTED_STATUSES, kinds=list(AssessmentKind),
        assessable=services.ASSESSABLE, grade_words=FIVE_POINT_WORDS,
    )


@bp.route("/placements/<int:placement_id>/<kind>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def edit(placement_id: int, kind: str):
    kind = _kind_or_404(kind)
    placement = get_scoped_or_404(Placement, placement_id)
    existing = services.assessment_of(placement, kind)
    if existing is not None and existing.is_submitted:
        if request.method == "POST":
            flash(_("Оценка уже отправлена и закрыта для изменений."), "error")
        return redirect(url_for(".show", assessment_id=existing.id))
    if placement.status not in services.ASSESSABLE:
        flash(_("Оценивать можно только по действующему или завершённому договору."), "error")
        return redirect(url_for(".index"))
    competencies = [(c.id, c.code, c.local_name) for c in services.competencies_for(placement)]
    student_name = placement.student.full_name
    if request.method == "POST":
        form = AssessmentForm()
        ratings, rating_errors = ratings_from(request.form)
    else:
        form = AssessmentForm(data=_form_data(existing))
        ratings = {r.competency_id: r.rating for r in existing.ratings} if existing else {}
        rating_errors = {}
    refused = False
    if form.validate_on_submit() and not rating_errors:
        if existing is not None and form.version.data not in ("", str(existing.version)):
            flash(_("Оценку изменили в другом окне. Проверьте её и сохраните снова."), "error")
            return redirect(url_for(".edit", placement_id=placement.id, kind=kind.value))
        try:
            assessment = services.save_assessment(
                current_user, placement, kind,
                grade=form.grade.data,
                characterisation=form.characterisation.data or "",
                hire_recommendation=(HireRecommendation(form.hire_recommendation.data)
                                     if form.hire_recommendation.data else None),
                recommendation_note=form.recommendation_note.data or "",
                ratings=ratings,
            )
            submitting = request.form.get("action") == "submit"
            if submitting:
                services.submit_assessment(current_user, assessment, utcnow())
            db.session.commit()
        except RuleViolation as refusal:
            db.session.rollback()
            refused = True
            _place_refusal(form, refusal, rating_errors)
        except (StaleDataError, IntegrityError):
            # Another tab saved (or created) this assessment between our read and our write.
            db.session.rollback()
            refused = True
            flash(_("Оценку изменили в другой вкладке — обновите страницу."), "error")
        else:
            if submitting:
                flash(_("Оценка отправлена в колледж. Теперь она закрыта для изменений."),
                      "success")
                return redirect(url_for(".show", assessment_id=assessment.id))
            flash(_("Черновик оценки сохранён."), "success")
            return redirect(url_for(".edit", placement_id=placement.id, kind=kind.value))
    return render_template(
        "assessments/edit.html", form=form, kind=kind, placement_id=placement_id,
        student_name=student_name, competencies=competencies, ratings=ratings,
        rating_errors=rating_errors,
    ), 400 if refused or form.errors or rating_errors else 200


def _form_data(existing: Assessment | None) -> dict:
    if existing is None:
        return {}
    return {
        "grade": existing.grade,
        "characterisation": existing.characterisation,
        "hire_recommendation": existing.hire_recommendation.value
        if existing.hire_recommendation else None,
        "recommendation_note": existing.recommendation_note,
        "version": existing.version,
    }


def _place_refusal(form: AssessmentForm, refusal: RuleViolation, rating_errors: dict) -> None:
    if refusal.field and refusal.field.startswith("rating-"):
        rating_errors[int(refusal.field.removeprefix("rating-"))] = refusal.message
    elif refusal.field and refusal.field in form._fields:
        form[refusal.field].errors = [*form[refusal.field].errors, refusal.message]
    else:
        flash(refusal.message, "error")


@bp.get("/<int:assessment_id>")
@login_required
def show(assessment_id: int):
    return _render_show(assessment_id, CollegeScoreForm(formdata=None))


def _render_show(assessment_id: int, score_form: CollegeScoreForm, status: int = 200):
    assessment = get_scoped_or_404(Assessment, assessment_id)  # a draft: its mentor's only
    can_score = may_score(current_user, assessment) is None
    if can_score and not score_form.college_score.data and assessment.college_score is not None:
        score_form.college_score.data = str(assessment.college_score)
    return render_template(
        "assessments/show.html",
        assessment=assessment,
        placement=assessment.placement,
        competencies=services.competencies_for(assessment.placement),
        ratings={r.competency_id: r.rating for r in assessment.ratings},
        band=band_for(assessment.college_score) if assessment.college_score is not None else None,
        words=FIVE_POINT_WORDS,
        score_form=score_form if can_score else None,
        history=queries.history_for(assessment, current_user),
    ), status


@bp.post("/<int:assessment_id>/college-score")
@roles_required(Role.COORDINATOR)
def college_score(assessment_id: int):
    assessment = get_scoped_or_404(Assessment, assessment_id)
    form = CollegeScoreForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _render_show(assessment_id, form, 400)
    with commit_or_show(None) as saving:
        services.set_college_score(current_user, assessment, int(form.college_score.data),
                                   utcnow())
    if saving.saved:
        flash(_("Балл колледжа сохранён."), "success")
    return redirect(url_for(".show", assessment_id=assessment_id))
