"""Scoped reads of the assessment pages: placements with their assessments, one assessment."""

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.audit import history_of
from app.extensions import db
from app.listing import ListRequest, ordered, paginate, search
from app.models import (
    Assessment,
    AssessmentKind,
    AuditEvent,
    Placement,
    PlacementStatus,
    User,
)
from app.policy.parties import is_placement_mentor
from app.scopes import scope_of

SORTABLE = {
    "student": User.full_name,
    "start": Placement.start_date,
    "end": Placement.end_date,
    "status": Placement.status,
}
# A draft agreement has no practice yet, so there is nothing to assess.
LISTED_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.TERMINATED)


@dataclass
class PlacementAssessments:
    placement: Placement
    midterm: Assessment | None
    final: Assessment | None

    def of(self, kind: AssessmentKind) -> Assessment | None:
        return self.midterm if kind == AssessmentKind.MIDTERM else self.final


# What others may see of the trail: the mentor's draft edits ("created", "updated") stay hidden.
SHARED_ACTIONS = ("assessment_submitted", "college_score_set")


def history_for(assessment: Assessment, user: User, limit: int = 200) -> list[AuditEvent]:
    """The assessment's audit trail as `user` may see it: the mentor everything, the others
    only the events from the submission on (one query)."""
    if is_placement_mentor(user, assessment.placement):
        return history_of(assessment, limit)
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == Assessment.__tablename__,
                   AuditEvent.object_id == assessment.id,
                   AuditEvent.action.in_(SHARED_ACTIONS))
            .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.api_token))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def placements_with_assessments(
    user: User, req: ListRequest, status: PlacementStatus | None = None
) -> tuple[Pagination, list[PlacementAssessments]]:
    """A page of the user's placements, each with its mid-term and final (three queries)."""
    stmt = (
        select(Placement)
        .join(User, Placement.student_id == User.id)
        .where(scope_of(Placement, user), Placement.status.in_(LISTED_STATUSES))
        .options(
            contains_eager(Placement.student),
            joinedload(Placement.mentor),
            joinedload(Placement.enterprise),
            joinedload(Placement.college),
        )
    )
    if status is not None:
        stmt = stmt.where(Placement.status == status)
    stmt = ordered(search(stmt, req.q, User.full_name), SORTABLE, req, Placement.id)
    pager = paginate(stmt, req)
    ids = [p.id for p in pager.items]
    found: dict[tuple[int, AssessmentKind], Assessment] = {}
    if ids:
        for assessment in db.session.scalars(
            select(Assessment).where(Assessment.placement_id.in_(ids))
        ):
            found[(assessment.placement_id, assessment.kind)] = assessment
    rows = [
        PlacementAssessments(
            p, found.get((p.id, AssessmentKind.MIDTERM)), found.get((p.id, AssessmentKind.FINAL))
        )
        for p in pager.items
    ]
    return pager, rows

