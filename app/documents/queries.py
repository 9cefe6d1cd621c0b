"""Reads for the documents: each document's data in a fixed number of queries.

The loaders here are unscoped on purpose: views authorize first with `get_scoped_or_404`, and
the public verification page recomputes a document's content without a signed-in user.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    College,
    CompetencyRating,
    DiaryEntry,
    DocumentKind,
    EntryStatus,
    GraduateOutcome,
    Group,
    IssuedDocument,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Role,
    Specialty,
    StudentProfile,
    User,
)
from app.naming import content_names
from app.outcomes.figures import graduate_counts
from app.scopes import scope_of


def _placement_options():
    student = joinedload(Placement.student)
    return (
        student.joinedload(User.student_profile)
        .joinedload(StudentProfile.group)
        .joinedload(Group.specialty),
        joinedload(Placement.college),
        joinedload(Placement.enterprise),
        joinedload(Placement.department),
        joinedload(Placement.mentor).joinedload(User.mentor_profile),
        joinedload(Placement.answered_by),
    )


def placement_for_document(placement_id: int) -> Placement | None:
    """A placement with everything its documents print (one query)."""
    return db.session.scalar(
        select(Placement).where(Placement.id == placement_id).options(*_placement_options())
    )


def approved_entries(placement_ids: Iterable[int]) -> dict[int, list[DiaryEntry]]:
    """The approved diary entries of the placements, by placement, in date order (one query)."""
    ids = list(placement_ids)
    found: dict[int, list[DiaryEntry]] = defaultdict(list)
    if not ids:
        return found
    rows = db.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.placement_id.in_(ids), DiaryEntry.status == EntryStatus.APPROVED)
        .options(joinedload(DiaryEntry.reviewed_by), joinedload(DiaryEntry.signed_for),
                 joinedload(DiaryEntry.competency))
        .order_by(DiaryEntry.placement_id, DiaryEntry.work_date)
    )
    for entry in rows:
        found[entry.placement_id].append(entry)
    return found


def assessment_for_document(assessment_id: int) -> Assessment | None:
    """A submitted assessment with its placement and ratings (two queries)."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id, Assessment.submitted_at.is_not(None))
        .options(
            *(joinedload(Assessment.placement).options(opt) for opt in _placement_options()),
            joinedload(Assessment.mentor),
            selectinload(Assessment.ratings).joinedload(CompetencyRating.competency),
        )
    )


def group_placements(group: Group) -> list[Placement]:
    """The placements (not drafts) of a group's students, for the group's diaries (one query)."""
    return list(
        db.session.scalars(
            select(Placement)
            .join(StudentProfile, StudentProfile.user_id == Placement.student_id)
            .join(User, User.id == Placement.student_id)
            .where(StudentProfile.group_id == group.id, Placement.status != PlacementStatus.DRAFT)
            .options(*_placement_options())
            .order_by(User.full_name, Placement.start_date)
        ).unique()
    )


def employment_rows(college_id: int | None, year: int) -> list[dict]:
    """Graduates, employed in specialty and known outcomes of a year by college and specialty."""
    query = (
        select(College.name, College.name_kk, Specialty.code, Specialty.name, Specialty.name_kk,
               *graduate_counts())
        .select_from(GraduateOutcome)
        .join(College, College.id == GraduateOutcome.college_id)
        .join(Specialty, Specialty.id == GraduateOutcome.specialty_id)
        .where(GraduateOutcome.graduation_year == year)
        .group_by(College.id, College.name, College.name_kk, Specialty.id, Specialty.code,
                  Specialty.name, Specialty.name_kk)
        .order_by(College.name, Specialty.code)
    )
    if college_id is not None:
        query = query.where(GraduateOutcome.college_id == college_id)
    return [
        {**content_names("college", c, c_kk), **content_names("specialty", name, name_kk, code),
         "graduates": g, "employed": int(e), "known": int(k)}
        for c, c_kk, code, name, name_kk, g, e, k in db.session.execute(query)
    ]


def outcome_counts(college_id: int | None, year: int) -> dict[str, int]:
    """How many graduates of a year had each outcome (one query)."""
    query = (
        select(GraduateOutcome.outcome, func.count())
        .where(GraduateOutcome.graduation_year == year)
        .group_by(GraduateOutcome.outcome)
    )
    if college_id is not None:
        query = query.where(GraduateOutcome.college_id == college_id)
    counts = {kind.value: 0 for kind in OutcomeKind}
    counts.update({kind.value: n for kind, n in db.session.execute(query)})
    return counts


def graduation_years(college_id: int | None) -> list[int]:
    """The years that have graduates, newest first."""
    query = select(GraduateOutcome.graduation_year).distinct()
    if college_id is not None:
        query = query.where(GraduateOutcome.college_id == college_id)
    return sorted(db.session.scalars(query), reverse=True)


def college_names(college_id: int) -> Mapping[str, str | None]:
    """The college's name as a document's content holds it (see app.naming.content_names)."""
    row = db.session.execute(
        select(College.name, College.name_kk).where(College.id == college_id)).first()
    return content_names("college", *row) if row else {"college": None}


# --- the downloads page -------------------------------------------------------------------------


def placements_of(user: User) -> Select:
    """Placements the user may print documents of, newest first (to paginate)."""
    return (
        select(Placement)
        .where(scope_of(Placement, user), Placement.status != PlacementStatus.DRAFT)
        .options(
            joinedload(Placement.student).joinedload(User.student_profile)
            .joinedload(StudentProfile.group),
            joinedload(Placement.enterprise),
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )


def submitted_assessments(placement_ids: list[int]) -> dict[int, list[Assessment]]:
    """Submitted assessments of the listed placements, by placement (one query)."""
    found: dict[int, list[Assessment]] = defaultdict(list)
    if not placement_ids:
        return found
    for assessment in db.session.scalars(
        select(Assessment)
        .where(Assessment.placement_id.in_(placement_ids), Assessment.submitted_at.is_not(None))
        .order_by(Assessment.kind)
    ):
        found[assessment.placement_id].append(assessment)
    return found


def groups_of(user: User) -> list[Group]:
    """The user's groups, for the group ZIP (one query)."""
    return list(
        db.session.scalars(
            select(Group).where(scope_of(Group, user)).order_by(Group.code)
        )
    )


def existing_document(kind: DocumentKind, object_id: int | None, year: int | None,
                      locale: str, content_hash: str) -> IssuedDocument | None:
    """The document already issued with exactly this content, if any."""
    return db.session.scalar(
        select(IssuedDocument)
        .where(
            IssuedDocument.kind == kind,
            IssuedDocument.object_id.is_(None) if object_id is None
            else IssuedDocument.object_id == object_id,
            IssuedDocument.year.is_(None) if year is None else IssuedDocument.year == year,
            IssuedDocument.locale == locale,
            IssuedDocument.content_hash == content_hash,
        )
        .order_by(IssuedDocument.id)
        .limit(1)
    )


def existing_documents(kind: DocumentKind, object_ids: list[int], locale: str
                       ) -> dict[tuple[int, str], IssuedDocument]:
    """Documents already issued for many objects, by (object id, content hash) (one query)."""
    if not object_ids:
        return {}
    rows = db.session.scalars(
        select(IssuedDocument).where(
            IssuedDocument.kind == kind,
            IssuedDocument.object_id.in_(object_ids),
            IssuedDocument.locale == locale,
        ).order_by(IssuedDocument.id.desc())
    )
    return {(doc.object_id, doc.content_hash): doc for doc in rows
            if doc.object_id is not None}  # the filter has left out the NULLs already


def issued_by_code(code: str) -> IssuedDocument | None:
    """One indexed lookup by the verification code."""
    return db.session.scalar(select(IssuedDocument).where(IssuedDocument.code == code))


def closing_review(placement_id: int) -> Assessment | None:
    """The mentor's submitted final assessment of a placement, the diary's closing review."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.placement_id == placement_id, Assessment.kind == AssessmentKind.FINAL,
               Assessment.submitted_at.is_not(None))
        .options(joinedload(Assessment.mentor))
        .order_by(Assessment.submitted_at.desc())
        .limit(1)
    )


def practice_supervisor(college_id: int) -> str:
    """The college's practice supervisor who signs the diary: its first active coordinator."""
    name = db.session.scalar(
        select(User.full_name)
        .where(User.college_id == college_id, User.role == Role.COORDINATOR,
               User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    return name or ""


def approved_minutes(placement_id: int) -> int:
    """Minutes of approved diary work of a placement."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(DiaryEntry.minutes), 0))
        .where(DiaryEntry.placement_id == placement_id, DiaryEntry.status == EntryStatus.APPROVED)
    ) or 0)


def closing_reviews(placement_ids: list[int]) -> dict[int, Assessment]:
    """The closing review of each listed placement that has one (one query)."""
    found: dict[int, Assessment] = {}
    if not placement_ids:
        return found
    for assessment in db.session.scalars(
        select(Assessment)
        .where(Assessment.placement_id.in_(placement_ids), Assessment.kind == AssessmentKind.FINAL,
               Assessment.submitted_at.is_not(None))
        .options(joinedload(Assessment.mentor))
        .order_by(Assessment.submitted_at)
    ):
        found[assessment.placement_id] = assessment  # the latest wins
    return found
