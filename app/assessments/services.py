"""Saving, submitting and grading assessments: the rules, the locks and the audit trail."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import changes_of, record
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    Competency,
    CompetencyRating,
    Group,
    HireRecommendation,
    Placement,
    PlacementStatus,
    StudentProfile,
    User,
)
from app.policy.assessments import may_assess, may_score
from app.rules import RuleViolation

GRADES = (2, 3, 4, 5)
RATINGS = (1, 2, 3, 4, 5)
ASSESSABLE = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
MAX_TEXT = 5000
MAX_NOTE = 1000


def competencies_for(placement: Placement) -> list[Competency]:
    """The competencies of the trainee's specialty (student → group → specialty), in plan order."""
    return list(
        db.session.scalars(
            select(Competency)
            .join(Group, Group.specialty_id == Competency.specialty_id)
            .join(StudentProfile, StudentProfile.group_id == Group.id)
            .where(StudentProfile.user_id == placement.student_id)
            .order_by(Competency.position, Competency.id)
        )
    )


def assessment_of(placement: Placement, kind: AssessmentKind) -> Assessment | None:
    """The placement's assessment of this kind, if the mentor has started it."""
    return db.session.scalar(
        select(Assessment).where(Assessment.placement_id == placement.id, Assessment.kind == kind)
    )


def _ensure_mentor_of(actor: User, placement: Placement) -> None:
    if refusal := may_assess(actor, placement):
        raise RuleViolation(refusal)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_grade(grade: int | None) -> None:
    if grade is not None and (not _is_int(grade) or grade not in GRADES):
        raise RuleViolation(_("Итоговая оценка — по пятибалльной шкале, от 2 до 5."), "grade")


def _check_ratings(ratings: dict[int, int], competencies: list[Competency]) -> None:
    known = {c.id for c in competencies}
    for competency_id, rating in ratings.items():
        if competency_id not in known:
            raise RuleViolation(_("Такой компетенции нет в плане специальности практиканта."),
                                "ratings")
        if not _is_int(rating) or rating not in RATINGS:
            raise RuleViolation(_("Оценка компетенции — от 1 до 5."), f"rating-{competency_id}")


def _check_texts(characterisation: str, recommendation_note: str) -> None:
    if len(characterisation) > MAX_TEXT:
        raise RuleViolation(_("Характеристика — не длиннее %(n)s символов.", n=MAX_TEXT),
                            "characterisation")
    if len(recommendation_note) > MAX_NOTE:
        raise RuleViolation(_("Комментарий — не длиннее %(n)s символов.", n=MAX_NOTE),
                            "recommendation_note")


def _ratings_by_code(assessment: Assessment) -> dict[str, int]:
    return {r.competency.code: r.rating for r in assessment.ratings}


def save_assessment(
    actor: User,
    placement: Placement,
    kind: AssessmentKind,
    *,
    grade: int | None,
    characterisation: str,
    hire_recommendation: HireRecommendation | None,
    recommendation_note: str,
    ratings: dict[int, int],
) -> Assessment:
    """Create or update the mentor's draft; a submitted assessment is locked."""
    _ensure_mentor_of(actor, placement)
    kind = AssessmentKind(kind)
    if placement.status not in ASSESSABLE:
        raise RuleViolation(_("Оценивать можно только по действующему или завершённому договору."))
    existing = assessment_of(placement, kind)
    if existing is not None and existing.is_submitted:
        raise RuleViolation(_("Оценка уже отправлена и закрыта для изменений."))
    competencies = competencies_for(placement)
    _check_grade(grade)
    _check_ratings(ratings, competencies)
    if hire_recommendation is not None:
        hire_recommendation = HireRecommendation(hire_recommendation)
    characterisation = characterisation or ""
    recommendation_note = recommendation_note or ""
    _check_texts(characterisation, recommendation_note)

    assessment = existing or Assessment(placement=placement, kind=kind, mentor_id=actor.id)
    ratings_before = _ratings_by_code(assessment) if existing is not None else {}
    assessment.mentor_id = actor.id
    assessment.grade = grade
    assessment.characterisation = characterisation
    assessment.hire_recommendation = hire_recommendation
    assessment.recommendation_note = recommendation_note
    by_competency = {r.competency_id: r for r in assessment.ratings}
    competency_by_id = {c.id: c for c in competencies}
    for competency_id, rating in ratings.items():
        if competency_id in by_competency:
            by_competency[competency_id].rating = rating
        else:
            assessment.ratings.append(CompetencyRating(
                competency_id=competency_id, competency=competency_by_id[competency_id],
                rating=rating,
            ))
    for competency_id, stale in by_competency.items():
        if competency_id not in ratings:
            assessment.ratings.remove(stale)
    changes = changes_of(assessment)
    ratings_after = _ratings_by_code(assessment)
    if ratings_after != ratings_before:
        changes["ratings"] = [ratings_before or None, ratings_after or None]
    db.session.add(assessment)
    db.session.flush()
    if existing is None or changes:
        record(actor, "created" if existing is None else "updated", assessment, changes)
    return assessment


def missing_for_submission(assessment: Assessment) -> list[str]:
    """What the mentor still has to fill before the assessment can be submitted."""
    missing = []
    rated = {r.competency_id for r in assessment.ratings}
    if any(c.id not in rated for c in competencies_for(assessment.placement)):
        missing.append(_("оценки по всем компетенциям"))
    if assessment.grade is None:
        missing.append(_("итоговая оценка"))
    if not assessment.characterisation.strip():
        missing.append(_("характеристика"))
    if assessment.kind == AssessmentKind.FINAL and assessment.hire_recommendation is None:
        missing.append(_("рекомендация к найму"))
    return missing


def submit_assessment(actor: User, assessment: Assessment, now: datetime) -> Assessment:
    """Send the assessment to the college; from now on it is locked."""
    _ensure_mentor_of(actor, assessment.placement)
    if assessment.is_submitted:
        raise RuleViolation(_("Оценка уже отправлена и закрыта для изменений."))
    missing = missing_for_submission(assessment)
    if missing:
        raise RuleViolation(_("Чтобы отправить оценку, заполните: %(what)s.",
                              what=", ".join(missing)))
    assessment.submitted_at = now
    record(actor, "assessment_submitted", assessment)
    db.session.flush()
    return assessment


def set_college_score(actor: User, assessment: Assessment, score: int, now: datetime) -> Assessment:
    """The coordinator's final grade of the college, a 0–100 score, on a submitted final."""
    if refusal := may_score(actor, assessment):
        raise RuleViolation(refusal)
    if not _is_int(score) or not 0 <= score <= 100:
        raise RuleViolation(_("Балл колледжа — целое число от 0 до 100."), "college_score")
    assessment.college_score = score
    assessment.college_graded_by_id = actor.id
    assessment.college_graded_at = now
    changes = changes_of(assessment)
    changes.pop("college_graded_at", None)
    db.session.flush()
    record(actor, "college_score_set", assessment, changes)
    return assessment
