"""Authorization written once: every role sees only its own objects, in SQL and one by one."""

from datetime import date

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from app.authentication import roles_required
from app.extensions import db
from app.models import (
    College,
    DiaryEntry,
    Enterprise,
    GraduateOutcome,
    Group,
    Notification,
    Placement,
    Role,
    Specialty,
    User,
)
from app.scopes import get_scoped_or_404, scoped
from tests import builders
from tests.conftest import login


def _world():
    """One college, one enterprise, one placement with an entry, an outcome, a notification."""
    group = builders.group()
    mentor = builders.mentor()
    student = builders.student(group)
    placement = builders.placement(student, mentor)
    entry = builders.entry(placement, date(2026, 10, 5))
    outcome = GraduateOutcome(student=student, college_id=group.college_id,
                              specialty_id=group.specialty_id, graduation_year=2025,
                              graduated_on=date(2025, 6, 30), placement_id=placement.id,
                              host_enterprise_id=mentor.enterprise_id)
    db.session.add(outcome)
    users = {
        Role.COORDINATOR: builders.coordinator(group.college),
        Role.EMPLOYER: builders.employer(mentor.enterprise),
        Role.MENTOR: mentor,
        Role.STUDENT: student,
    }
    note = Notification(user_id=student.id, kind="test", message="x")
    db.session.add(note)
    db.session.flush()
    objects = {
        Placement: placement, DiaryEntry: entry, GraduateOutcome: outcome, College: group.college,
        Group: group, Specialty: group.specialty, Enterprise: mentor.enterprise,
        Notification: note,
    }
    return users, objects


# What each role may see of its own world (the other world is always invisible).
VISIBLE = {
    Role.COORDINATOR: {Placement, DiaryEntry, GraduateOutcome, College, Group, Specialty,
                       Enterprise},
    Role.EMPLOYER: {Placement, DiaryEntry, GraduateOutcome, College, Group, Specialty,
                    Enterprise},
    Role.MENTOR: {Placement, DiaryEntry, GraduateOutcome, College, Group, Specialty, Enterprise},
    Role.STUDENT: {Placement, DiaryEntry, GraduateOutcome, College, Group, Specialty, Enterprise,
                   Notification},
}
MODELS = [Placement, DiaryEntry, GraduateOutcome, College, Group, Specialty, Enterprise,
          Notification]


@pytest.mark.parametrize("role", list(VISIBLE))
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_role_sees_own_objects_and_never_another_organisations(app, role, model):
    mine_users, mine = _world()
    _, theirs = _world()
    user = mine_users[role]
    visible_ids = set(db.session.scalars(scoped(model, user).with_only_columns(model.id)))
    own_visible = mine[model].id in visible_ids
    assert own_visible == (model in VISIBLE[role])
    if model is Enterprise and role == Role.COORDINATOR:
        # Enterprises are regional: a coordinator finds any of them to partner with.
        assert theirs[model].id in visible_ids
    else:
        assert theirs[model].id not in visible_ids
        with pytest.raises(NotFound):
            get_scoped_or_404(model, theirs[model].id, user)


def test_admin_sees_everything(app):
    _, first = _world()
    _, second = _world()
    admin = builders.admin()
    for model in (Placement, DiaryEntry, GraduateOutcome, College, Enterprise):
        ids = set(db.session.scalars(scoped(model, admin).with_only_columns(model.id)))
        assert {first[model].id, second[model].id} <= ids


def test_people_scope(app):
    users, _ = _world()
    other_users, _ = _world()
    coordinator = users[Role.COORDINATOR]
    visible = set(db.session.scalars(scoped(User, coordinator).with_only_columns(User.id)))
    assert users[Role.STUDENT].id in visible and users[Role.MENTOR].id in visible
    assert other_users[Role.STUDENT].id not in visible
    assert other_users[Role.COORDINATOR].id not in visible
    student_sees = set(db.session.scalars(
        scoped(User, users[Role.STUDENT]).with_only_columns(User.id)))
    assert student_sees == {users[Role.STUDENT].id}


@pytest.fixture
def guarded_app(app: Flask) -> Flask:
    @app.get("/test-only/coordinators")
    @roles_required(Role.COORDINATOR)
    def coordinators_only():
        return "ok"

    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("kaboom")

    return app


def test_role_check_answers_403_with_a_friendly_page(guarded_app, login_as):
    client = login_as(builders.student())
    response = client.get("/test-only/coordinators")
    assert response.status_code == 403
    assert "Доступ запрещён" in response.get_data(as_text=True)
    client = guarded_app.test_client()
    coordinator = builders.coordinator()
    db.session.commit()
    login(client, coordinator)
    assert client.get("/test-only/coordinators").get_data(as_text=True) == "ok"


@pytest.mark.parametrize("app_config", [{"TESTING": False, "PROPAGATE_EXCEPTIONS": False}])
def test_server_error_page_shows_no_stack_trace(guarded_app, client):
    response = client.get("/test-only/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Что-то пошло не так" in page
    assert "kaboom" not in page and "Traceback" not in page


def test_a_draft_assessment_is_in_its_mentors_scope_only(app):
    """The draft rule lives in the Assessment scope, so any read through it keeps drafts the
    mentor's own working copy; once submitted, everyone who sees the placement sees it."""
    from app.models import Assessment
    from tests import builders_outcomes

    placement = builders.placement()
    draft = builders_outcomes.assessment(placement)
    draft.submitted_at = None
    db.session.flush()
    readers = {
        "mentor": placement.mentor, "coordinator": builders.coordinator(placement.college),
        "employer": builders.employer(placement.enterprise), "student": placement.student,
        "admin": builders.admin(), "deputy": builders.mentor(placement.enterprise),
    }
    seen = {name: db.session.scalar(scoped(Assessment, user).where(
        Assessment.id == draft.id)) is not None for name, user in readers.items()}
    assert seen == {"mentor": True, "coordinator": False, "employer": False,
                    "student": False, "admin": False, "deputy": False}
    draft.submitted_at = draft.created_at
    db.session.flush()
    assert all(db.session.scalar(scoped(Assessment, user).where(Assessment.id == draft.id))
               for name, user in readers.items() if name != "deputy")
