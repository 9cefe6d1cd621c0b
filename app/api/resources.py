"""Read resources: every list scoped to the caller as on the pages, paginated by cursor."""

import hashlib
import json

from flask import request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.api import schemas, serialise
from app.api.core import ApiBlueprint, caller
from app.api.paging import page
from app.api.problems import ApiProblem
from app.extensions import db
from app.models import (
    Assessment,
    College,
    DiaryEntry,
    Enterprise,
    GraduateOutcome,
    Group,
    Placement,
    Role,
    StudentProfile,
    User,
)
from app.scopes import scoped


def _one(model, object_id: int):
    """One object inside the caller's scope; outside it a 404 that tells nothing."""
    found = db.session.scalar(scoped(model, caller()).where(model.id == object_id))
    if found is None:
        raise ApiProblem(404, _("Объект не найден или вам не виден."))
    return found


colleges = ApiBlueprint("api_colleges", __name__, url_prefix="/colleges",
                        description="Colleges the caller may see.")


@colleges.get("")
@colleges.arguments(schemas.ListArgs, location="query")
@colleges.response(200, schemas.CollegePage)
def list_colleges(args):
    items, cursor = page(scoped(College, caller()), College.id, args)
    return {"items": [serialise.college(c) for c in items], "next_cursor": cursor}


@colleges.get("/<int:college_id>")
@colleges.response(200, schemas.College)
def get_college(college_id: int):
    return serialise.college(_one(College, college_id))


enterprises = ApiBlueprint("api_enterprises", __name__, url_prefix="/enterprises",
                           description="Enterprises (partners are regional).")


@enterprises.get("")
@enterprises.arguments(schemas.ListArgs, location="query")
@enterprises.response(200, schemas.EnterprisePage)
def list_enterprises(args):
    items, cursor = page(scoped(Enterprise, caller()), Enterprise.id, args)
    return {"items": [serialise.enterprise(e) for e in items], "next_cursor": cursor}


@enterprises.get("/<int:enterprise_id>")
@enterprises.response(200, schemas.Enterprise)
def get_enterprise(enterprise_id: int):
    return serialise.enterprise(_one(Enterprise, enterprise_id))


groups = ApiBlueprint("api_groups", __name__, url_prefix="/groups", description="Study groups.")


@groups.get("")
@groups.arguments(schemas.GroupListArgs, location="query")
@groups.response(200, schemas.GroupPage)
def list_groups(args):
    stmt = scoped(Group, caller())
    if "college_id" in args:
        stmt = stmt.where(Group.college_id == args["college_id"])
    items, cursor = page(stmt, Group.id, args)
    return {"items": [serialise.group(g) for g in items], "next_cursor": cursor}


@groups.get("/<int:group_id>")
@groups.response(200, schemas.Group)
def get_group(group_id: int):
    return serialise.group(_one(Group, group_id))


students = ApiBlueprint("api_students", __name__, url_prefix="/students",
                        description="Trainees; the IIN is masked unless the caller may see it.")


def _students():
    return scoped(User, caller()).where(User.role == Role.STUDENT)


@students.get("")
@students.arguments(schemas.StudentListArgs, location="query")
@students.response(200, schemas.StudentPage)
def list_students(args):
    stmt = _students()
    if "college_id" in args:
        stmt = stmt.where(User.college_id == args["college_id"])
    if "group_id" in args:
        stmt = stmt.where(User.id.in_(db.select(StudentProfile.user_id).where(
            StudentProfile.group_id == args["group_id"])))
    items, cursor = page(stmt, User.id, args, (selectinload(User.student_profile),))
    viewer = caller()
    return {"items": [serialise.student(s, viewer) for s in items], "next_cursor": cursor}


@students.get("/<int:student_id>")
@students.response(200, schemas.Student)
def get_student(student_id: int):
    found = db.session.scalar(_students().where(User.id == student_id))
    if found is None:
        raise ApiProblem(404, _("Объект не найден или вам не виден."))
    return serialise.student(found, caller())


placements = ApiBlueprint("api_placements", __name__, url_prefix="/placements",
                          description="Dual-training agreements and their status history.")


@placements.get("")
@placements.arguments(schemas.PlacementListArgs, location="query")
@placements.response(200, schemas.PlacementPage)
def list_placements(args):
    stmt = scoped(Placement, caller())
    for name in ("college_id", "enterprise_id", "student_id", "status"):
        if name in args:
            stmt = stmt.where(getattr(Placement, name) == args[name])
    items, cursor = page(stmt, Placement.id, args)
    return {"items": [serialise.placement(p) for p in items], "next_cursor": cursor}


@placements.get("/<int:placement_id>")
@placements.response(200, schemas.PlacementDetail)
def get_placement(placement_id: int):
    return serialise.placement_detail(_one(Placement, placement_id))


entries = ApiBlueprint("api_diary_entries", __name__, url_prefix="/diary-entries",
                       description="Practice diary entries: the trainee writes and submits, the "
                       "foreman signs.")


@entries.get("")
@entries.arguments(schemas.EntryListArgs, location="query")
@entries.response(200, schemas.DiaryEntryPage)
def list_entries(args):
    stmt = scoped(DiaryEntry, caller())
    if "placement_id" in args:
        stmt = stmt.where(DiaryEntry.placement_id == args["placement_id"])
    if "status" in args:
        stmt = stmt.where(DiaryEntry.status == args["status"])
    if "date_from" in args:
        stmt = stmt.where(DiaryEntry.work_date >= args["date_from"])
    if "date_to" in args:
        stmt = stmt.where(DiaryEntry.work_date <= args["date_to"])
    items, cursor = page(stmt, DiaryEntry.id, args)
    return {"items": [serialise.entry(e) for e in items], "next_cursor": cursor}


@entries.get("/<int:entry_id>")
@entries.response(200, schemas.DiaryEntry, headers={"ETag": {
    "description": "the entry's version", "schema": {"type": "string"}}})
def get_entry(entry_id: int):
    found = _one(DiaryEntry, entry_id)
    return serialise.entry(found), 200, {"ETag": etag_of(found)}


def etag_of(entry: DiaryEntry) -> str:
    return f'"{entry.version}"'


assessments = ApiBlueprint("api_assessments", __name__, url_prefix="/assessments",
                           description="The foreman's mid-term and final assessments.")


@assessments.get("")
@assessments.arguments(schemas.AssessmentListArgs, location="query")
@assessments.response(200, schemas.AssessmentPage)
def list_assessments(args):
    stmt = _assessments()
    if "placement_id" in args:
        stmt = stmt.where(Assessment.placement_id == args["placement_id"])
    items, cursor = page(stmt, Assessment.id, args, (selectinload(Assessment.ratings),))
    return {"items": [serialise.assessment(a) for a in items], "next_cursor": cursor}


@assessments.get("/<int:assessment_id>")
@assessments.response(200, schemas.Assessment)
def get_assessment(assessment_id: int):
    found = db.session.scalar(_assessments().where(Assessment.id == assessment_id))
    if found is None:
        raise ApiProblem(404, _("Объект не найден или вам не виден."))
    return serialise.assessment(found)


def _assessments():
    """As on the pages (the scope keeps a draft its mentor's working copy)."""
    return scoped(Assessment, caller())


outcomes = ApiBlueprint("api_outcomes", __name__, url_prefix="/outcomes",
                        description="Graduates' outcomes with their retention checks.")


@outcomes.get("")
@outcomes.arguments(schemas.OutcomeListArgs, location="query")
@outcomes.response(200, schemas.OutcomePage)
def list_outcomes(args):
    stmt = scoped(GraduateOutcome, caller())
    for name in ("graduation_year", "college_id", "outcome"):
        if name in args:
            stmt = stmt.where(getattr(GraduateOutcome, name) == args[name])
    items, cursor = page(stmt, GraduateOutcome.id, args,
                         (selectinload(GraduateOutcome.retention_checks),))
    return {"items": [serialise.outcome(o) for o in items], "next_cursor": cursor}


@outcomes.get("/<int:outcome_id>")
@outcomes.response(200, schemas.Outcome, headers={"ETag": {
    "description": "send it back in If-Match to write", "schema": {"type": "string"}}})
def get_outcome(outcome_id: int):
    found = _one(GraduateOutcome, outcome_id)
    return serialise.outcome(found), 200, {"ETag": outcome_etag(found)}


def outcome_etag(outcome: GraduateOutcome) -> str:
    """The outcome's state as a tag: it has no version column, so the hash of what is shown."""
    state = json.dumps(schemas.Outcome().dump(serialise.outcome(outcome)), sort_keys=True)
    return '"' + hashlib.sha256(state.encode()).hexdigest()[:20] + '"'


dashboard = ApiBlueprint("api_dashboard", __name__, url_prefix="/dashboard",
                         description="The dashboard's figures, with the page's filters.")


DASHBOARD_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)


@dashboard.get("")
@dashboard.arguments(schemas.DashboardArgs, location="query")
@dashboard.response(200, schemas.Dashboard)
def get_dashboard(args):
    """The figures of the caller's dashboard (admin, coordinator, employer), filtered as the
    page is: year, college, specialty, enterprise — each within the caller's scope, else 404."""
    from app.dashboard import figures, forms, queries

    user = caller()
    if user.role not in DASHBOARD_ROLES:
        raise ApiProblem(403, _("Аналитика доступна управлению образования, координаторам и "
                                "представителям предприятий."))
    choices = queries.filter_choices(user, args.get("college"))
    filters = forms.resolve_filters(request.args, user, choices)
    built = figures.build_dashboard(user, filters, limit=None)
    h = built.headline
    return {
        "headline": {"year": h.year, "graduates": h.graduates, "employed": h.employed,
                     "known": h.known, "rate": h.rate, "known_rate": h.known_rate},
        "funnel": dict(built.funnel),
        "figures": [{"key": f.key, "title": str(f.title),
                     "columns": [{"label": str(c.label), "kind": c.kind} for c in f.columns],
                     "rows": [[serialise.plain(v) for v in row] for row in f.rows],
                     "total": f.total or len(f.rows)} for f in built.figures],
    }


BLUEPRINTS = (colleges, enterprises, groups, students, placements, entries, assessments,
              outcomes, dashboard)

