"""Who may assess a trainee and grade the assessment: each answers a refusal in words or None.

That a draft is its mentor's working copy is a rule of reading: it lives in the Assessment scope
(`app.scopes`), so every `scoped(...)` honours it.
"""

from flask_babel import gettext as _

from app.models import Assessment, AssessmentKind, Placement, User
from app.policy.parties import is_college_coordinator, is_placement_mentor


def may_assess(user: User, placement: Placement) -> str | None:
    """Why the user may not write or submit the placement's assessment; None if they may (the
    trainee's own foreman)."""
    if not is_placement_mentor(user, placement):
        return _("Оценивать практиканта может только его наставник.")
    return None


def may_score(user: User, assessment: Assessment) -> str | None:
    """Why the user may not set the college's final score; None if they may (the college's
    coordinator, on a submitted final assessment)."""
    if not is_college_coordinator(user, assessment.placement.college_id):
        return _("Итоговую оценку колледжа ставит координатор своего колледжа.")
    if assessment.kind != AssessmentKind.FINAL or not assessment.is_submitted:
        return _("Оценку колледжа ставят после отправленной итоговой оценки наставника.")
    return None
