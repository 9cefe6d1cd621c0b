"""Every route of the app in one permission matrix: role × route × another organisation's object.

The matrix names, for each endpoint of the URL map, the roles it is for. A new route without an
entry fails the first test, so nobody adds a page without deciding who may use it. Then, signed in
as each role of one college's and one enterprise's world, every route is asked for with the ids
of *another* world's objects (a placement, an entry, a file, a person, a job...), by GET and by
POST: the answer is always a refusal (403 or 404), never the object, never a 5xx. Routes without
an object are refused (403) to the roles they are not for. The API's routes are asked the same
with each role's token.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Absence,
    AbsenceKind,
    ApiToken,
    AuditEvent,
    ChangeKind,
    ChangeRequest,
    Department,
    DeputyAssignment,
    EntryAttachment,
    InductionKind,
    Job,
    JobStatus,
    Notification,
    PlacementStatus,
    Role,
    SafetyInduction,
    WeekComment,
)
from app.practice.weeks import Week
from tests import builders, builders_outcomes
from tests.builders_api import auth, personal
from tests.conftest import login

A, C, E, M, S = Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER, Role.MENTOR, Role.STUDENT
ALL = frozenset({A, C, E, M, S})
PUBLIC = "public"  # no sign-in needed (the page itself checks a token or a code, if any)


def roles(*some: Role) -> frozenset:
    return frozenset(some)


# endpoint -> the roles it is for (PUBLIC: anyone, signed in or not).
MATRIX: dict[str, frozenset | str] = {
    # home, account, signing in
    "home.index": ALL,
    "auth.login": PUBLIC, "auth.second_factor": PUBLIC, "auth.logout": PUBLIC,
    "auth.language": PUBLIC, "auth.forgot_password": PUBLIC, "auth.reset_password": PUBLIC,
    "auth.password": ALL, "auth.two_factor_settings": ALL,
    "invitations.accept": PUBLIC, "acceptance.confirm": PUBLIC,
    "documents.verify_form": PUBLIC, "documents.verify": PUBLIC,
    "health.healthz": PUBLIC, "health.readyz": PUBLIC,
    "offline.shell": PUBLIC, "offline.service_worker": PUBLIC, "offline.manifest": PUBLIC,
    "offline.token": PUBLIC, "offline.snapshot": PUBLIC, "offline.write": PUBLIC,
    "notifications.index": ALL, "notifications.open_link": ALL, "notifications.read": ALL,
    "notifications.unread": ALL, "notifications.read_all": ALL,
    "jobs.index": ALL, "jobs.show": ALL, "jobs.result": ALL, "jobs.retry": ALL,
    "api_tokens.personal": ALL, "api_tokens.revoke": ALL, "api_tokens.organisation": roles(A),
    "api_tokens.reference": PUBLIC, "api-docs.openapi_json": PUBLIC,
    "trail.index": roles(A, C), "trail.export": roles(A, C),
    # organisations
    "organisations.colleges": roles(A), "organisations.college": roles(A, C),
    "organisations.college_new": roles(A), "organisations.college_edit": roles(A, C),
    "organisations.enterprises": roles(A, C), "organisations.enterprise": roles(A, C, E),
    "organisations.enterprise_new": roles(A, C), "organisations.enterprise_edit": roles(A, C, E),
    "organisations.enterprise_find": roles(C), "organisations.enterprise_link": roles(C),
    "organisations.enterprises_export": roles(A, C), "organisations.my_enterprise": roles(E),
    "organisations.department_add": roles(A, C, E),
    "organisations.department_edit": roles(A, C, E),
    "organisations.groups": roles(A, C), "organisations.group": roles(A, C),
    "organisations.group_new": roles(C), "organisations.group_edit": roles(C),
    "organisations.specialty": roles(A, C), "organisations.specialty_new": roles(C),
    "organisations.specialty_edit": roles(C), "training.template_edit": roles(C),
    "attendance.group_schedule": roles(A, C),
    # people
    "people.students": roles(A, C, E), "people.student": roles(A, C, E, M),
    "people.student_new": roles(C), "people.student_edit": roles(C),
    "people.students_export": roles(A, C, E),
    "people.mentors": roles(A, C, E), "people.mentor": roles(A, C, E),
    "people.mentor_new": roles(A, C, E), "people.mentor_edit": roles(C, E),
    "people.mentors_export": roles(A, C, E),
    "people.coordinator_new": roles(A), "people.employer_new": roles(A, C),
    "people.contact_edit": roles(A, C, E), "people.deactivate": roles(A, C, E),
    "people.reactivate": roles(A, C, E), "people.reset_link": roles(A, C, E),
    "invitations.invite": roles(A, C, E), "invitations.revoke": roles(A, C, E),
    "imports.upload": roles(A, C), "imports.preview": roles(A, C), "imports.confirm": roles(A, C),
    "imports.choose_specialties": roles(A, C),
    # agreements
    "placements.index": ALL, "placements.show": ALL, "placements.new": roles(C),
    "placements.edit": roles(C), "placements.activate": roles(C), "placements.complete": roles(C),
    "placements.terminate": roles(C), "placements.record_offer": roles(E),
    "placements.export": roles(A, C, E, M),
    "acceptance.send": roles(C), "acceptance.accept": roles(E), "acceptance.decline": roles(E),
    "acceptance.acknowledge": roles(S), "acceptance.guardian_link": roles(C),
    "acceptance.inbox": roles(C, E, S), "acceptance.request_change": roles(C, E),
    "acceptance.approve_change": roles(C, E), "acceptance.decline_change": roles(C, E),
    "training.plan_edit": roles(A, C, E, M, S), "training.induction_new": roles(E, M),
    "training.induction_confirm": roles(S), "training.induction_pdf": ALL,
    "training.work_experience": roles(A, C, S),
    "attendance.absences": ALL, "attendance.absence_document": ALL,
    "attendance.review_absence": roles(M), "attendance.withdraw_absence": roles(C, S),
    "attendance.record_absence": roles(C, S), "attendance.record_break": roles(C),
    "attendance.placement_calendar": ALL,
    # the diary
    "practice.diary_home": roles(S), "practice.diary": ALL, "practice.week_thread": ALL,
    "practice.edit_week_comment": ALL, "practice.review_queue": roles(M),
    "practice.review_entry": roles(M), "practice.review_week": roles(M),
    "practice.confirm_week": roles(M), "practice.undo_review": roles(M),
    "practice.progress": ALL, "practice.deputies_page": roles(E, M),
    "practice.end_deputy": roles(E, M),
    "evidence.entry_files": ALL, "evidence.file": ALL, "evidence.thumbnail": ALL,
    "evidence.remove_file": roles(S),
    # assessments, outcomes, documents, figures
    "assessments.index": ALL, "assessments.show": ALL, "assessments.edit": roles(M),
    "assessments.college_score": roles(C),
    "outcomes.index": roles(A, C, E), "outcomes.show": roles(A, C, E),
    "outcomes.candidates": roles(C), "outcomes.new": roles(C), "outcomes.due": roles(A, C, E),
    "outcomes.record_check": roles(C, E), "outcomes.record_hire": roles(E),
    "outcomes.record_offer": roles(E), "outcomes.record_outcome": roles(C),
    "outcomes.export": roles(A, C, E),
    "documents.index": ALL, "documents.agreement": ALL, "documents.assessment": ALL,
    "documents.diary": ALL, "documents.group_diaries": roles(A, C), "documents.report": roles(A, C),
    "dashboard.index": roles(A, C, E), "dashboard.export": roles(A, C, E),
    # the API (its token, not the session, says who is asking)
    "api_colleges.list_colleges": ALL, "api_colleges.get_college": ALL,
    "api_enterprises.list_enterprises": ALL, "api_enterprises.get_enterprise": ALL,
    "api_groups.list_groups": ALL, "api_groups.get_group": ALL,
    "api_students.list_students": ALL, "api_students.get_student": ALL,
    "api_placements.list_placements": ALL, "api_placements.get_placement": ALL,
    "api_diary_entries.list_entries": ALL, "api_diary_entries.get_entry": ALL,
    "api_diary_entries.create_entry": roles(S), "api_diary_entries.update_entry": roles(S),
    "api_diary_entries.submit_entry": roles(S), "api_diary_entries.approve_entry": roles(M),
    "api_diary_entries.reject_entry": roles(M),
    "api_assessments.list_assessments": ALL, "api_assessments.get_assessment": ALL,
    "api_outcomes.list_outcomes": ALL, "api_outcomes.get_outcome": ALL,
    "api_outcomes.hire": roles(E), "api_outcomes.retention_check": roles(C, E),
    "api_dashboard.get_dashboard": roles(A, C, E),
}

# Objects the regional admin sees wherever they are; for the admin only these are "another's".
PERSONAL = {"notification", "token", "job", "comment"}
# An argument's name -> which of the other world's objects it names.
KIND_OF = {
    "placement_id": "placement", "entry_id": "entry", "attachment_id": "attachment",
    "absence_id": "absence", "assessment_id": "assessment", "outcome_id": "outcome",
    "college_id": "college", "enterprise_id": "enterprise", "group_id": "group",
    "specialty_id": "specialty", "mentor_id": "mentor", "student_id": "student",
    "user_id": "student", "comment_id": "comment", "assignment_id": "deputy",
    "request_id": "change", "induction_id": "induction", "job_id": "job",
    "notification_id": "notification", "token_id": "token", "department_id": "department",
}
# Foreign objects some roles may see by design, each for a reason.
VISIBLE_BY_DESIGN = {
    # A coordinator looks an enterprise up to make it a partner: its card is not a secret.
    ("organisations.enterprise", C),
    ("organisations.enterprise_link", C),
    # The API's organisation directory: every signed-in system may read names and ids.
    ("api_colleges.get_college", C), ("api_colleges.get_college", E),
    ("api_colleges.get_college", M), ("api_colleges.get_college", S),
    ("api_enterprises.get_enterprise", C), ("api_enterprises.get_enterprise", E),
    ("api_enterprises.get_enterprise", M), ("api_enterprises.get_enterprise", S),
}


REFUSED = (403, 404)
# The API checks a write's body against its schema before anything else: an empty body is
# refused as such (400) or for want of a version (428) before any object is looked at.
API_BODY = (400, 428)


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"routes with no entry in the permission matrix: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def _other_world() -> dict[str, int]:
    """Another college's and enterprise's objects of every kind, by the kind's name."""
    placement = builders.placement()
    entry = builders.entry(placement, placement.start_date + timedelta(days=1))
    db.session.flush()
    attachment = EntryAttachment(entry_id=entry.id, uploaded_by_id=placement.student_id,
                                 name="a.jpg", content_type="image/jpeg",
                                 file_key="0" * 64, size=10)
    absence = Absence(placement_id=placement.id, first_day=placement.start_date,
                      last_day=placement.start_date, kind=list(AbsenceKind)[0])
    comment = WeekComment(placement_id=placement.id, author_id=placement.student_id,
                          week_start=Week.of(placement.start_date).monday, body="x")
    deputy = builders.mentor(placement.enterprise)
    assignment = DeputyAssignment(mentor_id=placement.mentor_id, deputy_id=deputy.id,
                                  starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 20))
    change = ChangeRequest(placement_id=placement.id, kind=list(ChangeKind)[0],
                           requested_by_id=placement.mentor_id, reason="x")
    induction = SafetyInduction(placement_id=placement.id, kind=list(InductionKind)[0],
                                held_on=placement.start_date, instructor="x")
    department = Department(enterprise_id=placement.enterprise_id, name="Цех")
    job = Job(owner_id=placement.student_id, kind="group_diaries", status=JobStatus.FAILED,
              params={"group_id": placement.student.student_profile.group_id})
    note = Notification(user_id=placement.student_id, kind="test", message="x")
    db.session.add_all([attachment, absence, comment, assignment, change, induction, job, note,
                        department])
    finished = builders.placement(mentor_=placement.mentor,
                                  status=PlacementStatus.COMPLETED)
    assessment = builders_outcomes.assessment(finished)
    outcome = builders_outcomes.outcome(placement=finished)
    personal(placement.student)  # a token of theirs
    db.session.flush()
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    return {
        "placement": placement.id, "entry": entry.id, "attachment": attachment.id,
        "absence": absence.id, "assessment": assessment.id, "outcome": outcome.id,
        "college": placement.college_id, "enterprise": placement.enterprise_id,
        "group": placement.student.student_profile.group_id,
        "specialty": placement.student.student_profile.group.specialty_id,
        "mentor": placement.mentor_id, "student": placement.student_id,
        "comment": comment.id, "deputy": assignment.id, "change": change.id,
        "induction": induction.id, "job": job.id, "notification": note.id, "token": token.id,
        "department": department.id,
    }


def _own_world() -> dict[Role, object]:
    """One of each role in one college and one enterprise (the askers)."""
    placement = builders.placement()
    return {
        A: builders.admin(),
        C: builders.coordinator(placement.college),
        E: builders.employer(placement.enterprise),
        M: placement.mentor,
        S: placement.student,
    }


# Values for arguments that are not objects: a made-up token, a kind, a week, a format.
PLAIN_ARGS = {"token": "t" * 32, "kind": "final", "fmt": "csv", "figure": "funnel",
              "code": "SHK-0000-0000"}


def _url(rule, objects: dict[str, int]) -> str | None:
    values = {}
    for name in rule.arguments:
        if name in KIND_OF:
            values[name] = objects[KIND_OF[name]]
        elif name == "week_code":
            values[name] = Week.of(date(2026, 11, 30)).code
        elif name in PLAIN_ARGS:
            values[name] = PLAIN_ARGS[name]
        else:
            return None
    return rule.build(values, append_unknown=False)[1]


def _methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET", "POST", "PUT"))


def _ask(client, method: str, url: str, headers: dict | None = None):
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, headers=headers, json={}
                       if url.startswith("/api/") else None, data=None
                       if url.startswith("/api/") else {"on": "2026-11-30", "reason": "x"})


def _changes() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action != "refused"))


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "100000 per minute"}


@pytest.mark.parametrize("role", [C, E, M, S, A], ids=lambda r: r.value)
def test_another_worlds_objects_are_refused_on_every_route(app, client, role):
    users = _own_world()
    objects = _other_world()
    token = personal(users[role])
    db.session.commit()
    assert login(client, users[role]).status_code == 302
    before = _changes()
    leaks, errors, asked = [], [], 0
    for rule in _rules(app):
        object_args = [name for name in rule.arguments if name in KIND_OF]
        if not object_args or MATRIX.get(rule.endpoint) == PUBLIC:
            continue
        if role == A and not any(KIND_OF[name] in PERSONAL for name in object_args):
            continue  # the regional admin's scope is the region
        if (rule.endpoint, role) in VISIBLE_BY_DESIGN:
            continue
        url = _url(rule, objects)
        if url is None:
            continue
        api = url.startswith("/api/")
        for method in _methods(rule):
            response = _ask(client, method, url, auth(token) if api else None)
            asked += 1
            if response.status_code >= 500:
                errors.append((method, url, response.status_code))
            elif response.status_code not in REFUSED + (API_BODY if api else ()):
                leaks.append((method, rule.endpoint, url, response.status_code))
    assert asked > (5 if role == A else 60)
    assert not errors, f"server errors: {errors}"
    assert not leaks, f"another world's object answered as {role.value}: {leaks}"
    db.session.expire_all()
    assert _changes() == before, "a refused request changed something"


@pytest.mark.parametrize("role", [A, C, E, M, S], ids=lambda r: r.value)
def test_routes_are_refused_to_the_roles_they_are_not_for(app, client, role):
    users = _own_world()
    token = personal(users[role])
    db.session.commit()
    assert login(client, users[role]).status_code == 302
    wrong = []
    for rule in _rules(app):
        allowed = MATRIX.get(rule.endpoint, frozenset())
        if allowed == PUBLIC or role in allowed or rule.arguments - set(PLAIN_ARGS):
            continue  # routes with objects are covered above
        url = _url(rule, {})
        api = url.startswith("/api/")
        for method in _methods(rule):
            response = _ask(client, method, url, auth(token) if api else None)
            if response.status_code not in REFUSED + (405,) + (API_BODY if api else ()):
                wrong.append((method, rule.endpoint, response.status_code))
    assert not wrong, f"routes not for {role.value} that let them in: {wrong}"


def test_signed_out_visitors_reach_only_the_public_routes(app, client):
    objects = _other_world()
    db.session.commit()
    reached = []
    for rule in _rules(app):
        if MATRIX.get(rule.endpoint) == PUBLIC:
            continue
        url = _url(rule, objects)
        if url is None:
            continue
        for method in _methods(rule):
            response = _ask(client, method, url)
            if response.status_code >= 500 or 200 <= response.status_code < 300:
                reached.append((method, rule.endpoint, response.status_code))
            elif response.status_code in (301, 302, 303):
                assert "/login" in response.location, (rule.endpoint, response.location)
    assert not reached, f"signed out, yet answered: {reached}"
