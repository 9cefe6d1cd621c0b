"""The content of the induction record, the plan annex and the work-experience statement.

Plain, language-neutral data, as in app/documents/content.py: printed, hashed and recomputed
by the verification page."""

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.documents import queries as document_queries
from app.extensions import db
from app.models import (
    DiaryEntry,
    DocumentKind,
    EntryStatus,
    Group,
    Placement,
    PlacementStatus,
    SafetyInduction,
    StudentProfile,
    User,
)
from app.naming import content_names
from app.training import queries

# A concluded agreement is a verified period of work experience (стаж).
CONCLUDED = (PlacementStatus.COMPLETED, PlacementStatus.TERMINATED)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def induction_line(induction: SafetyInduction) -> dict[str, Any]:
    return {
        "induction_id": induction.id,
        "induction_kind": induction.kind.value,
        "held_on": _iso(induction.held_on),
        "instructor": induction.instructor,
        "recorded_by": induction.recorded_by.full_name if induction.recorded_by else "",
        "confirmed_at": _iso(induction.confirmed_at),
    }


def induction_lines(placement_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The inductions printed on the diaries of the placements (one query)."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not placement_ids:
        return found
    for induction in db.session.scalars(
        select(SafetyInduction).where(SafetyInduction.placement_id.in_(placement_ids))
        .options(joinedload(SafetyInduction.recorded_by))
        .order_by(SafetyInduction.held_on, SafetyInduction.id)
    ):
        found[induction.placement_id].append(induction_line(induction))
    return found


def induction_content(induction: SafetyInduction) -> dict[str, Any]:
    """The record of one safety induction, its own document."""
    from app.documents.content import _placement_part

    placement = document_queries.placement_for_document(induction.placement_id)
    if placement is None:  # the induction's own placement: a foreign key, never missing
        raise LookupError(f"placement {induction.placement_id}")
    return {
        "kind": DocumentKind.INDUCTION.value,
        **_placement_part(placement),
        **induction_line(induction),
    }


def plan_annex(placement_id: int) -> dict[str, Any]:
    """Annex 1 of the agreement: the placement's individual training plan."""
    plan = queries.plan_of(placement_id)
    modules = plan.modules if plan else []
    return {
        "modules": [{"code": m.code, **content_names("name", m.name, m.name_kk),
                     "planned_hours": m.planned} for m in modules],
        "planned_total": sum(m.planned for m in modules),
    }


def plan_progress_lines(placement_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Planned against approved hours per module, printed on the diaries (four queries)."""
    plans = queries.plans_of(placement_ids)
    return {
        pid: {
            "modules": [{"code": m.code, **content_names("name", m.name, m.name_kk),
                         "planned_hours": m.planned, "done_minutes": m.done_minutes}
                        for m in plan.modules],
            "planned_total": plan.planned_total,
            "unmapped_minutes": plan.unmapped_minutes,
        }
        for pid, plan in plans.items()
    }


def work_experience_content(student_id: int) -> dict[str, Any] | None:
    """The graduate's verified dual-training periods: concluded agreements, approved hours."""
    student = db.session.scalar(
        select(User).where(User.id == student_id, User.student_profile.has())
        .options(joinedload(User.student_profile).joinedload(StudentProfile.group)
                 .joinedload(Group.specialty), joinedload(User.college))
    )
    if student is None:
        return None
    placements = list(db.session.scalars(
        select(Placement).where(Placement.student_id == student_id,
                                Placement.status.in_(CONCLUDED))
        .options(joinedload(Placement.enterprise), joinedload(Placement.department))
        .order_by(Placement.start_date, Placement.id)
    ))
    approved = dict(db.session.execute(
        select(DiaryEntry.placement_id, func.sum(DiaryEntry.minutes))
        .where(DiaryEntry.placement_id.in_([p.id for p in placements]),
               DiaryEntry.status == EntryStatus.APPROVED)
        .group_by(DiaryEntry.placement_id)
    ).all()) if placements else {}
    profile = student.student_profile
    specialty = profile.group.specialty
    periods = [
        {
            "placement_id": p.id,
            "agreement_number": p.agreement_number,
            **content_names("enterprise", p.enterprise.name, p.enterprise.name_kk),
            "enterprise_bin": p.enterprise.bin,
            "enterprise_city": p.enterprise.city,
            **(content_names("department", p.department.name, p.department.name_kk)
               if p.department else {"department": ""}),
            "position": specialty.qualification,
            "start": _iso(p.start_date),
            "end": _iso(p.terminated_on or p.completed_on or p.end_date),
            "status": p.status.value,
            "approved_minutes": int(approved.get(p.id) or 0),
        }
        for p in placements
    ]
    return {
        "kind": DocumentKind.WORK_EXPERIENCE.value,
        "student_id": student.id,
        "student": student.full_name,
        "student_iin": profile.iin,
        "student_birth_date": _iso(profile.birth_date),
        **(content_names("college", student.college.name, student.college.name_kk)
           if student.college else {"college": ""}),
        "college_city": student.college.city if student.college else "",
        **content_names("specialty", specialty.name, specialty.name_kk, specialty.code),
        "qualification": specialty.qualification,
        "group": profile.group.code,
        "graduation_year": profile.graduation_year,
        "periods": periods,
        "total_minutes": sum(p["approved_minutes"] for p in periods),
    }


def summary_of(content: dict[str, Any]) -> dict[str, Any] | None:
    """What the verification page shows of these documents (None: not one of them)."""
    from app.domain.identifiers import mask_iin

    kind = content["kind"]
    if kind == DocumentKind.INDUCTION.value:
        return {"kind": kind, "student": content["student"], "college": content["college"],
                "enterprise": content["enterprise"], "start": content["start"],
                "end": content["end"], "induction_kind": content["induction_kind"],
                "held_on": content["held_on"], "confirmed_at": content["confirmed_at"]}
    if kind == DocumentKind.WORK_EXPERIENCE.value:
        periods = content["periods"]
        return {"kind": kind, "student": content["student"], "college": content["college"],
                "iin": mask_iin(content["student_iin"]),
                "enterprise": "; ".join(dict.fromkeys(p["enterprise"] for p in periods)),
                "start": periods[0]["start"] if periods else None,
                "end": periods[-1]["end"] if periods else None,
                "hours": content["total_minutes"] / 60, "periods": len(periods)}
    return None


def current_content(kind: DocumentKind, object_id: int) -> dict[str, Any] | None:
    """Recompute these documents from today's records (None if the object is gone)."""
    if kind == DocumentKind.INDUCTION:
        induction = queries.induction_for_document(object_id)
        return induction_content(induction) if induction else None
    return work_experience_content(object_id)
