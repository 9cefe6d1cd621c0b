"""One predicate per action: the policy answers, nobody re-derives a role rule inline.

(a) A scan of the code: no template decides on `current_user.role` in an `{% if %}`, and no
view, service or action module compares an acting user's role itself — they ask `app.policy`.
(b) The main predicates: the right person gets None, the wrong role, another college or another
enterprise gets the refusal in words.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import policy
from app.models import (
    ApiToken,
    Assessment,
    AssessmentKind,
    GraduateOutcome,
    Group,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Role,
    User,
)
from app.policy import (
    agreements,
    assessments,
    documents,
    organisations,
    outcomes,
    placements,
    practice,
    staff,
    tokens,
)

ROOT = Path(__file__).resolve().parent.parent

# --- (a) the scan ----------------------------------------------------------------------------

TEMPLATE_CONDITION = re.compile(r"{%-?\s*(?:if|elif)\b[^%]*current_user\.role")
# The acting user's role compared inline. The role of the *object* (`student.role`,
# `mentor.role`, `person.role`) is what kind of account an id names — a load check answering 404
# — and SQL conditions (`User.role == …`) are reading; neither is an action rule.
INLINE_ROLE = re.compile(r"\b(?:current_user|user|actor|me|admin|viewer|editor|author)\.role"
                         r"\s*(?:==|!=|\bin\b|\bnot in\b)")
# Where the rules are written once.
RULE_HOMES = ("app/policy/", "app/scopes.py", "app/authentication.py")
# Reading, not acting: list shaping and filters have their own homes.
READING = ("queries.py", "forms.py", "app/models/", "app/demo/", "app/cli/", "app/home/related.py")

# (path, code) → why it is not an action rule. Each entry must still exist (see below).
ALLOWED = {
    ("app/api/resources.py", "if user.role not in DASHBOARD_ROLES:"):
        "the API's twin of the dashboard page's roles_required gate (the same roles tuple)",
    ("app/audit.py", "if actor is not None and actor.role == Role.COORDINATOR:"):
        "which college's trail an audit event is filed under, not a permission",
    ("app/practice/deputies.py",
     "if user.role not in (Role.EMPLOYER, Role.MENTOR) or user.enterprise_id is None:"):
        "the choice list of the deputy form (reading the enterprise's mentors)",
}


def _python_files() -> list[Path]:
    return [p for p in (ROOT / "app").rglob("*.py")
            if not str(p.relative_to(ROOT)).startswith(RULE_HOMES)
            and not any(part in str(p.relative_to(ROOT)) for part in READING)]


def test_templates_ask_the_policy_not_the_role():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_CONDITION.search(line)
    ]
    assert not found, "ask may('action', …) or may_open(…) instead:\n" + "\n".join(found)


def test_views_and_services_ask_the_policy_not_the_role():
    found = []
    for path in _python_files():
        rel = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE_ROLE.search(line) and (rel, line.strip()) not in ALLOWED:
                found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, "write the rule once in app/policy and ask it:\n" + "\n".join(found)


def test_the_allowed_exceptions_still_exist():
    for rel, code in ALLOWED:
        lines = {line.strip() for line in (ROOT / rel).read_text(encoding="utf-8").splitlines()}
        assert code in lines, f"{rel}: the exception is gone — remove it from ALLOWED"


def test_the_scan_would_catch_an_inline_check():
    assert INLINE_ROLE.search("    if current_user.role == Role.COORDINATOR:")
    assert INLINE_ROLE.search("    if actor.role not in (Role.ADMIN,):")
    assert not INLINE_ROLE.search("    if student.role != Role.STUDENT:")
    assert TEMPLATE_CONDITION.search("{% if current_user.role == Role.ADMIN %}")
    assert not TEMPLATE_CONDITION.search('data-role="{{ current_user.role.value }}"')


def test_every_registered_action_is_a_policy_predicate():
    for name, predicate in policy.ACTIONS.items():
        assert predicate.__module__.startswith("app.policy."), name


# --- (b) the predicates ----------------------------------------------------------------------

COLLEGE, OTHER_COLLEGE, ENTERPRISE, OTHER_ENTERPRISE = 1, 2, 10, 20


def _user(role: Role, uid: int, college_id: int | None = None,
          enterprise_id: int | None = None) -> User:
    return User(id=uid, role=role, college_id=college_id, enterprise_id=enterprise_id,
                full_name="—", session_version=1)


PEOPLE = {
    "admin": _user(Role.ADMIN, 1),
    "coordinator": _user(Role.COORDINATOR, 2, college_id=COLLEGE),
    "other_coordinator": _user(Role.COORDINATOR, 3, college_id=OTHER_COLLEGE),
    "employer": _user(Role.EMPLOYER, 4, enterprise_id=ENTERPRISE),
    "other_employer": _user(Role.EMPLOYER, 5, enterprise_id=OTHER_ENTERPRISE),
    "mentor": _user(Role.MENTOR, 6, enterprise_id=ENTERPRISE),
    "other_mentor": _user(Role.MENTOR, 7, enterprise_id=ENTERPRISE),
    "student": _user(Role.STUDENT, 8, college_id=COLLEGE),
    "other_student": _user(Role.STUDENT, 9, college_id=COLLEGE),
}


def _placement(status: PlacementStatus = PlacementStatus.ACTIVE) -> Placement:
    return Placement(id=100, college_id=COLLEGE, enterprise_id=ENTERPRISE, mentor_id=6,
                     student_id=8, status=status)


def _sent_draft() -> Placement:
    placement = _placement(PlacementStatus.DRAFT)
    placement.sent_at = datetime(2026, 11, 2, tzinfo=UTC)
    return placement


def _final(submitted: bool = True) -> Assessment:
    assessment = Assessment(id=200, kind=AssessmentKind.FINAL, placement_id=100,
                            submitted_at=datetime(2026, 11, 1, tzinfo=UTC) if submitted else None)
    assessment.placement = _placement()
    return assessment


def _outcome(kind: OutcomeKind = OutcomeKind.HIRED_BY_HOST) -> GraduateOutcome:
    return GraduateOutcome(id=300, college_id=COLLEGE, host_enterprise_id=ENTERPRISE,
                           student_id=8, outcome=kind)


# (predicate, arguments after the user, who may, who may not)
CASES = [
    ("create_placement", placements.may_create_placement, lambda: (),
     ["coordinator", "other_coordinator"], ["admin", "employer", "mentor", "student"]),
    ("manage_placement", placements.may_manage_placement, lambda: (_placement(),),
     ["coordinator"], ["other_coordinator", "admin", "employer", "mentor", "student"]),
    ("record_offer", placements.may_record_offer, lambda: (_placement(),),
     ["employer"], ["other_employer", "coordinator", "mentor", "student", "admin"]),
    ("send_agreement", agreements.send_refusal, lambda: (_placement(PlacementStatus.DRAFT),),
     ["coordinator"], ["other_coordinator", "admin", "employer", "mentor", "student"]),
    ("answer_agreement", agreements.answer_refusal, lambda: (_sent_draft(),),
     ["employer"], ["other_employer", "coordinator", "mentor", "student", "admin"]),
    ("request_change", agreements.change_request_refusal, lambda: (_placement(),),
     ["coordinator", "employer"], ["other_coordinator", "other_employer", "mentor", "student"]),
    ("write_diary", practice.may_write_diary, lambda: (_placement(),),
     ["student"], ["other_student", "mentor", "coordinator", "employer"]),
    ("assess", assessments.may_assess, lambda: (_placement(),),
     ["mentor"], ["other_mentor", "employer", "coordinator", "student", "admin"]),
    ("score", assessments.may_score, lambda: (_final(),),
     ["coordinator"], ["other_coordinator", "mentor", "admin", "employer"]),
    ("edit_outcome", outcomes.may_edit_outcome, lambda: (_outcome(),),
     ["coordinator"], ["other_coordinator", "admin", "employer", "student"]),
    ("record_hire", outcomes.may_record_hire, lambda: (_outcome(),),
     ["employer"], ["other_employer", "coordinator", "admin", "mentor"]),
    ("check_retention", outcomes.may_check_retention, lambda: (_outcome(),),
     ["coordinator", "employer"], ["other_coordinator", "other_employer", "admin", "mentor"]),
    ("edit_group", organisations.may_edit_group,
     lambda: (Group(id=1, college_id=COLLEGE, code="С-21"),),
     ["coordinator"], ["other_coordinator", "admin", "employer", "student"]),
    ("add_partner", organisations.may_add_partner, lambda: (),
     ["coordinator"], ["admin", "employer", "mentor", "student"]),
    ("add_coordinator", staff.may_add_coordinator, lambda: (),
     ["admin"], ["coordinator", "employer", "mentor", "student"]),
    ("edit_student", staff.may_edit_student, lambda: (PEOPLE["student"],),
     ["coordinator"], ["other_coordinator", "admin", "employer", "mentor", "other_student"]),
    ("get_work_experience", staff.may_get_work_experience, lambda: (PEOPLE["student"],),
     ["student", "coordinator", "admin"], ["other_student", "other_coordinator", "employer"]),
    ("set_up_two_factor", staff.may_set_up_two_factor, lambda: (),
     ["admin", "coordinator"], ["employer", "mentor", "student"]),
    ("manage_organisation_tokens", tokens.may_manage_organisation_tokens, lambda: (),
     ["admin"], ["coordinator", "employer"]),
    ("revoke_token", tokens.may_revoke_token, lambda: (ApiToken(id=1, user_id=4),),
     ["employer"], ["other_employer", "admin", "coordinator"]),
    ("issue_report", documents.may_issue_report, lambda: (),
     ["coordinator", "admin"], ["employer", "mentor", "student"]),
    ("collect_group_diaries", documents.may_collect_group_diaries,
     lambda: (Group(id=1, college_id=COLLEGE, code="С-21"),),
     ["coordinator", "admin"], ["other_coordinator", "employer", "student"]),
]


def _expand():
    for name, predicate, args, allowed, refused in CASES:
        for who in allowed:
            yield pytest.param(predicate, args, who, True, id=f"{name}-{who}")
        for who in refused:
            yield pytest.param(predicate, args, who, False, id=f"{name}-{who}-refused")


@pytest.mark.parametrize(("predicate", "args", "who", "allowed"), list(_expand()))
def test_the_right_person_may_and_others_hear_why_not(app, predicate, args, who, allowed):
    with app.test_request_context():
        answer = predicate(PEOPLE[who], *args())
    if allowed:
        assert answer is None
    else:
        assert isinstance(answer, str) and answer.strip()


def test_a_registered_action_is_the_same_predicate():
    assert policy.ACTIONS["create_placement"] is placements.may_create_placement
    assert policy.ACTIONS["sign"] is practice.may_sign


def test_a_closed_agreement_refuses_the_diary_and_a_draft_refuses_the_score(app):
    with app.test_request_context():
        closed = _placement(PlacementStatus.COMPLETED)
        assert practice.may_write_diary(PEOPLE["student"], closed)
        assert assessments.may_score(PEOPLE["coordinator"], _final(submitted=False))
        assert outcomes.may_check_retention(
            PEOPLE["employer"], _outcome(OutcomeKind.EMPLOYED_IN_SPECIALTY))
