"""The canonical content of each document: plain, language-neutral data.

The template prints it, its SHA-256 is recorded when the document is issued, and the
verification page recomputes it from the records to tell whether the printed copy is current.
"""

import hashlib
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from app.documents import queries
from app.domain.grades import band_for
from app.domain.identifiers import mask_iin
from app.domain.working_time import is_minor
from app.evidence.queries import attachments_by_entry, attachments_part
from app.models import (
    Assessment,
    College,
    DiaryEntry,
    DocumentKind,
    Enterprise,
    EntryAttachment,
    Placement,
)
from app.naming import content_names
from app.outcomes.figures import share as percent
from app.placements import compensation
from app.training import documents as training_documents


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content serialised canonically (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _party(org: College | Enterprise) -> dict[str, Any]:
    """A party to the agreement as it signs: who, on what authority, where, which bank."""
    return {
        **content_names("name", org.name, org.name_kk), "bin": org.bin, "city": org.city,
        "head_name": org.head_name, "head_position": org.head_position,
        "authority_basis": org.authority_basis, "legal_address": org.legal_address,
        "iban": org.iban, "bik": org.bik, "bank_name": org.bank_name,
    }


def study_course(intake_year: int | None, on: date) -> int | None:
    """The course (year of study) of a group on a date: academic years start on 1 September."""
    if intake_year is None:
        return None
    academic_year = on.year if on.month >= 9 else on.year - 1
    return max(academic_year - intake_year + 1, 1)


def _score(score: int | None) -> dict[str, Any] | None:
    if score is None:
        return None
    band = band_for(score)
    return {"score": score, "letter": band.letter, "points": band.points,
            "five_point": band.five_point}


def _placement_part(placement: Placement) -> dict[str, Any]:
    profile = placement.student.student_profile
    group = profile.group if profile else None
    specialty = group.specialty if group else None
    mentor_profile = placement.mentor.mentor_profile
    return {
        "placement_id": placement.id,
        "agreement_number": placement.agreement_number,
        "student": placement.student.full_name,
        **content_names("college", placement.college.name, placement.college.name_kk),
        "college_city": placement.college.city,
        **(content_names("specialty", specialty.name, specialty.name_kk, specialty.code)
           if specialty else {"specialty": ""}),
        "qualification": specialty.qualification if specialty else "",
        "group": group.code if group else "",
        **content_names("enterprise", placement.enterprise.name, placement.enterprise.name_kk),
        "enterprise_city": placement.enterprise.city,
        **(content_names("department", placement.department.name, placement.department.name_kk)
           if placement.department else {"department": ""}),
        "mentor": placement.mentor.full_name,
        "mentor_position": mentor_profile.position if mentor_profile else "",
        "start": _iso(placement.start_date),
        "end": _iso(placement.end_date),
        "required_hours": placement.required_hours,
        "course": study_course(group.intake_year if group else None, placement.start_date),
        "college_party": _party(placement.college),
        "enterprise_party": _party(placement.enterprise),
    }


def _closing(assessment: Assessment | None) -> dict[str, Any] | None:
    """The mentor's closing review printed at the end of the diary (from the final assessment)."""
    if assessment is None:
        return None
    return {
        "assessment_id": assessment.id,
        "characterisation": assessment.characterisation,
        "grade": assessment.grade,
        "college_score": _score(assessment.college_score),
        "assessor": assessment.mentor.full_name,
        "submitted_at": _iso(assessment.submitted_at),
    }


_FETCH: Any = object()


def diary_contents(placements: list[Placement], entries: dict[int, list[DiaryEntry]]
                   ) -> dict[int, dict[str, Any]]:
    """The diaries of many placements (a group's) in a fixed number of queries."""
    reviews = queries.closing_reviews([p.id for p in placements])
    supervisors = {cid: queries.practice_supervisor(cid)
                   for cid in {p.college_id for p in placements}}  # one college per group
    ids = [p.id for p in placements]
    files = attachments_by_entry(e.id for p in placements for e in entries[p.id])
    absences = absences_by_placement(ids)
    inductions = training_documents.induction_lines(ids)
    plans = training_documents.plan_progress_lines(ids)
    return {p.id: diary_content(p, entries[p.id], reviews.get(p.id), supervisors[p.college_id],
                                absences.get(p.id, []), files, inductions[p.id], plans.get(p.id))
            for p in placements}


def diary_content(placement: Placement, entries: list[DiaryEntry],
                  review: Assessment | None = _FETCH, supervisor: str = _FETCH,
                  absences: list = _FETCH,
                  files: dict[int, list[EntryAttachment]] = _FETCH,
                  inductions: list[dict[str, Any]] = _FETCH, plan: Any = _FETCH
                  ) -> dict[str, Any]:
    """The practice diary: the placement, its safety inductions, its approved entries (with
    the files attached to each), its absences, the mentor's closing review and the college's
    practice supervisor who signs it."""
    if inductions is _FETCH:
        inductions = training_documents.induction_lines([placement.id])[placement.id]
    if plan is _FETCH:
        plan = training_documents.plan_progress_lines([placement.id]).get(placement.id)
    if review is _FETCH:
        review = queries.closing_review(placement.id)
    if supervisor is _FETCH:
        supervisor = queries.practice_supervisor(placement.college_id)
    if files is _FETCH:
        files = attachments_by_entry(e.id for e in entries)
    if absences is _FETCH:
        absences = absences_by_placement([placement.id]).get(placement.id, [])
    # Only a diary with absences carries the key: the content (and the hash) of every diary
    # issued before the working calendar existed stays the same.
    absence_part = {"absences": [
        {"first_day": _iso(a.first_day), "last_day": _iso(a.last_day), "kind": a.kind.value,
         "status": a.status.value}
        for a in absences
    ]} if absences else {}
    return {
        **absence_part,
        "kind": DocumentKind.DIARY.value,
        **_placement_part(placement),
        "closing_review": _closing(review),
        "practice_supervisor": supervisor,
        "inductions": inductions,
        "plan": plan,
        "entries": [
            {
                "date": _iso(entry.work_date),
                "minutes": entry.minutes,
                "activity": entry.activity,
                "competency": entry.competency.code if entry.competency else "",
                "reviewer": entry.reviewed_by.full_name if entry.reviewed_by else "",
                "signed_for": entry.signed_for.full_name if entry.signed_for else "",
                "reviewed_at": _iso(entry.reviewed_at),
                **attachments_part(files.get(entry.id)),
            }
            for entry in entries
        ],
    }


def absences_by_placement(placement_ids: list[int]) -> dict[int, list]:
    """The absences the diaries print, by placement, in date order (one query)."""
    from app.attendance.queries import absences_of

    return absences_of(placement_ids)


def assessment_content(assessment: Assessment) -> dict[str, Any]:
    """The assessment sheet: ratings, grade, characterisation, hire recommendation."""
    recommendation = assessment.hire_recommendation
    return {
        "kind": DocumentKind.ASSESSMENT.value,
        **_placement_part(assessment.placement),
        "assessment_id": assessment.id,
        "assessment_kind": assessment.kind.value,
        "assessor": assessment.mentor.full_name,
        "ratings": [
            {"code": r.competency.code,
             **content_names("name", r.competency.name, r.competency.name_kk), "rating": r.rating}
            for r in sorted(assessment.ratings,
                            key=lambda r: (r.competency.position, r.competency.code))
        ],
        "grade": assessment.grade,
        "college_score": _score(assessment.college_score),
        "characterisation": assessment.characterisation,
        "approved_hours": queries.approved_minutes(assessment.placement_id) / 60,
        "practice_supervisor": queries.practice_supervisor(assessment.placement.college_id),
        "hire_recommendation": recommendation.value if recommendation else None,
        "recommendation_note": assessment.recommendation_note,
        "submitted_at": _iso(assessment.submitted_at),
    }


def _acceptance_dates(placement: Placement) -> dict[str, Any]:
    def day(moment: datetime | None) -> str | None:
        return _iso(moment.date()) if moment else None

    return {
        "sent_on": day(placement.sent_at),
        "accepted_on": day(placement.accepted_at),
        "declined_on": day(placement.declined_at),
        "accepted_by": placement.answered_by.full_name
        if placement.accepted_at and placement.answered_by else "",
        "acknowledged_on": day(placement.acknowledged_at),
        "guardian_confirmed_on": day(placement.guardian_confirmed_at),
        "activated_on": day(placement.activated_at),
    }


def _compensation_part(placement: Placement) -> dict[str, Any]:
    """The compensation clause's data: the agreement's own terms, else the enterprise's rule.
    The amount (a decimal string) is there only when the agreement states one, so agreements
    recorded before it existed keep their content hash."""
    terms = compensation.of_placement(placement)
    amount = {"compensation_amount": str(terms.amount)} if terms.amount is not None else {}
    return {"compensation": terms.rule, **amount}


def agreement_content(placement: Placement) -> dict[str, Any]:
    """The dual-training agreement as its record stands."""
    profile = placement.student.student_profile
    minor = bool(profile and is_minor(profile.birth_date, placement.start_date))
    # The parties' acceptance, dated (app/placements/acceptance.py); only once the draft was
    # sent, so agreements made before acceptance existed keep their recorded content hash.
    accepted = {"acceptance": _acceptance_dates(placement)} if placement.sent_at else {}
    return {
        **accepted,
        "kind": DocumentKind.AGREEMENT.value,
        **_placement_part(placement),
        "status": placement.status.value,
        "college_bin": placement.college.bin,
        "enterprise_bin": placement.enterprise.bin,
        "student_iin": profile.iin if profile else "",
        "student_birth_date": _iso(profile.birth_date) if profile else None,
        "minor": minor,
        "guardian": profile.guardian_name if profile and minor else "",
        "parent_consent_on": _iso(placement.parent_consent_on) if minor else None,
        "terminated_on": _iso(placement.terminated_on),
        "concluded_on": _iso(placement.activated_at.date() if placement.activated_at
                             else placement.created_at.date() if placement.created_at else None),
        **_compensation_part(placement),

        # Annex 1, the individual training plan: the placement's modules and planned hours.
        "plan": training_documents.plan_annex(placement.id),
    }


def agreement_as_shown(content: dict[str, Any], full_identity: bool) -> dict[str, Any]:
    """The agreement as printed for a reader: unless they may see it, the IIN masked and no
    birth date. The recorded hash stays that of the canonical content."""
    if full_identity:
        return content
    iin = content["student_iin"]
    return {**content, "student_iin": mask_iin(iin) if iin else "", "student_birth_date": None}


def natural_key(text: str) -> list:
    """Sort key that orders numbers inside names by value: "№4" before "№10"."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
            for part in re.split(r"(\d+)", text) if part]


def report_content(college_id: int | None, year: int) -> dict[str, Any]:
    """The employment report of a college (or the region, college_id None) for a year."""
    rows = sorted(queries.employment_rows(college_id, year),
                  key=lambda r: (natural_key(r["college"]), natural_key(r["specialty"])))
    graduates = sum(row["graduates"] for row in rows)
    employed = sum(row["employed"] for row in rows)
    known = sum(row["known"] for row in rows)
    return {
        "kind": DocumentKind.REPORT.value,
        **(queries.college_names(college_id) if college_id is not None else {"college": None}),
        "college_id": college_id,
        "year": year,
        "graduates": graduates,
        "employed": employed,
        "known": known,
        "rows": rows,
        "outcomes": queries.outcome_counts(college_id, year),
    }


def weekly_plan(content: dict[str, Any]) -> float:
    """The required hours spread evenly over the placement's weeks."""
    start, end = date.fromisoformat(content["start"]), date.fromisoformat(content["end"])
    return round(content["required_hours"] / max(((end - start).days + 1) / 7, 1), 1)


def diary_totals(content: dict[str, Any]) -> dict[str, Any]:
    """Weekly (Monday to Sunday) and total approved hours, derived from the diary's content."""
    weeks: dict[str, int] = {}
    for entry in content["entries"]:
        day = date.fromisoformat(entry["date"])
        monday = day - timedelta(days=day.weekday())
        weeks[monday.isoformat()] = weeks.get(monday.isoformat(), 0) + entry["minutes"]
    total_minutes = sum(weeks.values())
    return {
        "weekly_plan": weekly_plan(content),
        "weeks": [
            {"start": date.fromisoformat(m), "end": date.fromisoformat(m) + timedelta(days=6),
             "hours": minutes / 60}
            for m, minutes in sorted(weeks.items())
        ],
        "total_hours": total_minutes / 60,
        "percent": percent(total_minutes / 60, content["required_hours"]),
    }


def summary_of(content: dict[str, Any]) -> dict[str, Any]:
    """What the public verification page may show: no more than the document, IIN masked."""
    kind = content["kind"]
    if (own := training_documents.summary_of(content)) is not None:
        return own
    if kind == DocumentKind.REPORT.value:
        return {
            "kind": kind, "college": content["college"], "year": content["year"],
            "graduates": content["graduates"], "employed": content["employed"],
            "rate": percent(content["employed"], content["graduates"]),
            "known_rate": percent(content["known"], content["graduates"]),
        }
    summary = {
        "kind": kind,
        "student": content["student"],
        "college": content["college"],
        "enterprise": content["enterprise"],
        "start": content["start"],
        "end": content["end"],
    }
    if kind == DocumentKind.DIARY.value:
        summary["hours"] = diary_totals(content)["total_hours"]
        summary["required_hours"] = content["required_hours"]
        summary["entries"] = len(content["entries"])
    elif kind == DocumentKind.ASSESSMENT.value:
        summary["assessment_kind"] = content["assessment_kind"]
        summary["grade"] = content["grade"]
        summary["hire_recommendation"] = content["hire_recommendation"]
    elif kind == DocumentKind.AGREEMENT.value:
        summary["iin"] = mask_iin(content["student_iin"]) if content["student_iin"] else ""
        summary["agreement_number"] = content["agreement_number"] or str(content["placement_id"])
        summary["required_hours"] = content["required_hours"]
    return summary


def current_content(kind: DocumentKind, object_id: int | None, year: int | None
                    ) -> dict[str, Any] | None:
    """Recompute a document's content from today's records (None if its object is gone)."""
    if kind == DocumentKind.REPORT:
        return report_content(object_id, year) if year is not None else None
    if object_id is None:
        return None
    if kind in (DocumentKind.INDUCTION, DocumentKind.WORK_EXPERIENCE):
        return training_documents.current_content(kind, object_id)
    if kind == DocumentKind.ASSESSMENT:
        assessment = queries.assessment_for_document(object_id)
        return assessment_content(assessment) if assessment else None
    placement = queries.placement_for_document(object_id)
    if placement is None:
        return None
    if kind == DocumentKind.DIARY:
        return diary_content(placement, queries.approved_entries([placement.id])[placement.id])
    return agreement_content(placement)
