"""Caps that hold on both databases: two coordinators acting at the same moment, in threads.

Each attempt runs in its own app context (its own session and connection), waits at a barrier
and then calls the service, whose count is slowed down to widen the window between counting and
writing. SQLite takes its write lock before the count (BEGIN IMMEDIATE), PostgreSQL locks rows.
"""

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEvent, Placement, PlacementStatus, User
from app.placements import services
from app.rules import RuleViolation
from tests import builders
from tests.builders_placements import END, START, agreed, terms, world


def _slowed(monkeypatch, name: str) -> None:
    original = getattr(services, name)

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, slow)


def _race(app, attempts: list[Callable[[User], object]], coordinator_id: int) -> list[str]:
    """Run the attempts at once, each as the coordinator in its own session; their outcomes."""
    results: list[str] = []
    barrier = threading.Barrier(len(attempts))

    def run(attempt) -> None:
        with app.app_context(), app.test_request_context():
            actor = db.session.get(User, coordinator_id)
            prepared = attempt(actor)  # what the view loads before acting
            barrier.wait()
            try:
                prepared()
                db.session.commit()
                results.append("done")
            except RuleViolation:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return sorted(results)


def _activation(placement_id: int):
    def prepare(actor: User):
        placement = db.session.get(Placement, placement_id)
        return lambda: services.activate_placement(actor, placement, START)
    return prepare


def test_two_coordinators_cannot_both_take_the_enterprises_last_place(app, monkeypatch):
    w = world(capacity=1)
    second = builders.student(w.group)
    db.session.commit()
    _slowed(monkeypatch, "_check_intake")

    def creation(student_id: int):
        def prepare(actor: User):
            return lambda: services.create_placement(
                actor, college_id=w.college.id, student_id=student_id, mentor_id=w.mentor.id,
                start_date=START, end_date=END, required_hours=480)
        return prepare

    results = _race(app, [creation(w.student.id), creation(second.id)], w.coordinator.id)
    assert results == ["done", "refused"]
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 1


def test_two_activations_cannot_both_take_the_mentors_last_trainee_place(app, monkeypatch):
    w = world(trainee_cap=1)
    second = builders.student(w.group)
    first_draft = agreed(services.create_placement(w.coordinator, **terms(w)))
    second_draft = agreed(services.create_placement(w.coordinator,
                                                    **terms(w, student_id=second.id)))
    db.session.commit()
    _slowed(monkeypatch, "_check_mentor_cap")

    results = _race(app, [_activation(first_draft.id), _activation(second_draft.id)],
                    w.coordinator.id)
    assert results == ["done", "refused"]
    active = db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.mentor_id == w.mentor.id, Placement.status == PlacementStatus.ACTIVE))
    assert active == 1


def test_a_double_activation_is_one_activation_and_one_audit_row(app, monkeypatch):
    w = world()
    draft = agreed(services.create_placement(w.coordinator, **terms(w)))
    db.session.commit()
    agreed_version = draft.version
    _slowed(monkeypatch, "_check_mentor_cap")

    results = _race(app, [_activation(draft.id), _activation(draft.id)], w.coordinator.id)
    assert results == ["done", "refused"]
    placement = db.session.get(Placement, draft.id)
    assert placement.status == PlacementStatus.ACTIVE
    assert placement.version == agreed_version + 1
    activated = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "activated"))
    assert activated == 1


def test_a_stale_copy_of_a_placement_cannot_overwrite_a_newer_one(app):
    w = world()
    draft = services.create_placement(w.coordinator, **terms(w))
    db.session.commit()
    # Another session moves the placement on (a second tab, another coordinator's request).
    with app.app_context():
        other = db.session.get(Placement, draft.id)
        other.required_hours = 500
        db.session.commit()
    draft.required_hours = 600
    with pytest.raises(Exception) as stale:
        db.session.flush()
    assert type(stale.value).__name__ == "StaleDataError"
    db.session.rollback()
    assert db.session.get(Placement, draft.id).required_hours == 500


def test_the_database_itself_refuses_a_second_active_placement_of_a_student(app):
    w = world()
    first = services.create_placement(w.coordinator, **terms(w))
    second = services.create_placement(
        w.coordinator, **terms(w, start_date=END.replace(year=END.year + 1, month=1, day=10),
                               end_date=END.replace(year=END.year + 1, month=5, day=10)))
    first.status = PlacementStatus.ACTIVE
    db.session.flush()
    second.status = PlacementStatus.ACTIVE
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
