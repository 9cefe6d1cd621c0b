"""Objects as the API shows them (dicts matching app/api/schemas.py), scoping already applied."""

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select

from app.domain.identifiers import mask_iin
from app.extensions import db
from app.models import (
    Assessment,
    AuditEvent,
    College,
    DiaryEntry,
    Enterprise,
    GraduateOutcome,
    Group,
    Placement,
    User,
)
from app.policy import is_college_coordinator


def _utc(moment: datetime | None) -> datetime | None:
    """Stored timestamps are naive UTC; the API says so (RFC 3339 wants the offset)."""
    return moment.replace(tzinfo=UTC) if moment is not None else None


def _v(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def college(c: College) -> dict:
    return {"id": c.id, "name": c.name, "name_kk": c.name_kk, "city": c.city, "bin": c.bin}


def enterprise(e: Enterprise) -> dict:
    return {"id": e.id, "name": e.name, "name_kk": e.name_kk, "bin": e.bin, "city": e.city,
            "industry": e.industry, "intake_capacity": e.intake_capacity}


def group(g: Group) -> dict:
    return {"id": g.id, "college_id": g.college_id, "specialty_id": g.specialty_id,
            "code": g.code, "intake_year": g.intake_year}


def may_see_iin(viewer: User, student: User) -> bool:
    """The trainee themself and their college's coordinator; everyone else sees it masked."""
    if viewer.id is not None and viewer.id == student.id:
        return True
    return is_college_coordinator(viewer, student.college_id)


def student(s: User, viewer: User) -> dict:
    profile = s.student_profile
    full = may_see_iin(viewer, s)
    iin = None if profile is None else (profile.iin if full else mask_iin(profile.iin))
    return {"id": s.id, "full_name": s.full_name, "college_id": s.college_id,
            "group_id": profile.group_id if profile else None,
            "graduation_year": profile.graduation_year if profile else None,
            "iin": iin, "iin_masked": not full}


def placement(p: Placement) -> dict:
    return {"id": p.id, "agreement_number": p.agreement_number, "student_id": p.student_id,
            "college_id": p.college_id, "enterprise_id": p.enterprise_id,
            "mentor_id": p.mentor_id, "department_id": p.department_id,
            "start_date": p.start_date, "end_date": p.end_date,
            "required_hours": p.required_hours, "status": _v(p.status),
            "offer_status": _v(p.offer_status), "terminated_on": p.terminated_on,
            "termination_reason": p.termination_reason or "",
            "compensation_amount": None if p.compensation_amount is None
            else str(p.compensation_amount),
            "compensation_rule": p.compensation_rule or "", "version": p.version}


def status_history(p: Placement) -> list[dict]:
    """The placement's status changes, oldest first, from its audit trail (one query)."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "placements",
                                 AuditEvent.object_id == p.id)
        .order_by(AuditEvent.created_at, AuditEvent.id).limit(500))
    history = []
    for event in events:
        change = (event.changes or {}).get("status")
        if isinstance(change, list) and len(change) == 2:
            history.append({"previous": change[0], "status": change[1],
                            "at": _utc(event.created_at), "action": event.action})
    return history


def placement_detail(p: Placement) -> dict:
    return {**placement(p), "status_history": status_history(p)}


def entry(e: DiaryEntry) -> dict:
    return {"id": e.id, "placement_id": e.placement_id, "work_date": e.work_date,
            "hours": e.minutes / 60, "activity": e.activity, "competency_id": e.competency_id,
            "status": _v(e.status), "submitted_at": _utc(e.submitted_at),
            "reviewed_at": _utc(e.reviewed_at), "review_comment": e.review_comment or "",
            "version": e.version}


def assessment(a: Assessment) -> dict:
    return {"id": a.id, "placement_id": a.placement_id, "kind": _v(a.kind),
            "mentor_id": a.mentor_id, "grade": a.grade, "characterisation": a.characterisation,
            "hire_recommendation": _v(a.hire_recommendation),
            "submitted_at": _utc(a.submitted_at),
            "college_score": a.college_score,
            "ratings": [{"competency_id": r.competency_id, "rating": r.rating}
                        for r in a.ratings]}


def outcome(o: GraduateOutcome) -> dict:
    return {"id": o.id, "student_id": o.student_id, "college_id": o.college_id,
            "specialty_id": o.specialty_id, "graduation_year": o.graduation_year,
            "graduated_on": o.graduated_on, "placement_id": o.placement_id,
            "host_enterprise_id": o.host_enterprise_id, "outcome": _v(o.outcome),
            "employer_name": o.employer_name, "position": o.position,
            "outcome_date": o.outcome_date, "offer_status": _v(o.offer_status),
            "offer_date": o.offer_date,
            "retention_checks": [{"months": c.months, "checked_on": c.checked_on,
                                  "still_employed": c.still_employed, "note": c.note or ""}
                                 for c in o.retention_checks]}


def plain(value: Any) -> Any:
    """A figure's cell as JSON: numbers stay numbers, dates become ISO strings."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
