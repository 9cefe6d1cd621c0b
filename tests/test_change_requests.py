"""Changes to an agreement in force (issue 11.2): one party asks, the other approves or declines;
nothing changes until approved; the history keeps every request and answer; a mentor change
keeps earlier sign-offs with the mentor who gave them."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    DiaryEntry,
    EntryStatus,
    Placement,
    PlacementStatus,
    utcnow,
)
from app.placements import changes, services
from app.rules import RuleViolation
from tests import builders
from tests.builders_placements import active_agreement, terms

TODAY = date(2026, 12, 1)
START = date(2026, 9, 1)



def _fresh(placement_id: int) -> Placement:
    db.session.expire_all()
    return db.session.get(Placement, placement_id)


def _actions(p: Placement) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "placements", AuditEvent.object_id == p.id)
        .order_by(AuditEvent.id)))


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def test_a_mentor_change_waits_for_the_other_party_and_keeps_earlier_sign_offs(in_request):
    w, p = active_agreement(TODAY)
    signed = DiaryEntry(placement_id=p.id, work_date=START + timedelta(days=1), minutes=480,
                        activity="Сварка", status=EntryStatus.APPROVED,
                        reviewed_by_id=w.mentor.id, reviewed_at=utcnow())
    db.session.add(signed)
    new_mentor = builders.mentor(w.enterprise, full_name="Новый Наставник")
    request = changes.request_change(w.employer, p, p.version, ChangeKind.MENTOR,
                                     {"mentor_id": new_mentor.id}, "Мастер ушёл в отпуск",
                                     utcnow())
    # Nothing changes until approved.
    assert p.mentor_id == w.mentor.id and request.status == ChangeStatus.PENDING
    changes.answer_change(w.coordinator, request, True, "", utcnow(), TODAY)
    assert p.mentor_id == new_mentor.id and request.status == ChangeStatus.APPROVED
    assert request.answered_by_id == w.coordinator.id
    assert db.session.get(DiaryEntry, signed.id).reviewed_by_id == w.mentor.id
    assert _actions(p)[-2:] == ["change_requested", "change_approved"]
    approved = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "change_approved")).one()
    assert approved.changes["mentor_id"] == [w.mentor.id, new_mentor.id]


def test_the_party_that_asked_may_not_approve(in_request):
    w, p = active_agreement(TODAY)
    request = changes.request_change(w.coordinator, p, None, ChangeKind.HOURS,
                                     {"required_hours": 600}, "Расширили программу", utcnow())
    db.session.commit()
    with pytest.raises(RuleViolation) as refusal:
        changes.answer_change(w.coordinator, request, True, "", utcnow(), TODAY)
    assert refusal.value.message == ("Изменение, предложенное вашей стороной, одобряет или "
                                     "отклоняет другая сторона.")
    db.session.rollback()
    p = _fresh(p.id)
    assert p.required_hours == 480
    assert db.session.get(ChangeRequest, request.id).status == ChangeStatus.PENDING


def test_a_decline_needs_a_comment_and_changes_nothing(in_request):
    w, p = active_agreement(TODAY)
    request = changes.request_change(w.coordinator, p, None, ChangeKind.DATES,
                                     {"start_date": START, "end_date": date(2027, 1, 29)},
                                     "Продлить до конца семестра", utcnow())
    db.session.commit()
    with pytest.raises(RuleViolation, match="Укажите причину"):
        changes.answer_change(w.employer, request, False, " ", utcnow(), TODAY)
    db.session.rollback()
    request = db.session.get(ChangeRequest, request.id)
    changes.answer_change(w.employer, request, False, "Цех закрывается на зиму", utcnow(), TODAY)
    p = _fresh(p.id)
    assert p.end_date == date(2026, 12, 25)
    request = db.session.get(ChangeRequest, request.id)
    assert (request.status, request.answer_comment) == (ChangeStatus.DECLINED,
                                                        "Цех закрывается на зиму")
    # The history keeps the request and its answer; a new request may follow.
    assert _actions(p)[-2:] == ["change_requested", "change_declined"]
    changes.request_change(w.coordinator, p, None, ChangeKind.HOURS, {"required_hours": 500},
                           "Меньше часов", utcnow())


def test_termination_by_request_is_made_only_when_approved(in_request):
    w, p = active_agreement(TODAY)
    request = changes.request_change(w.employer, p, None, ChangeKind.TERMINATION,
                                     {"on": TODAY}, "Сокращение участка", utcnow())
    assert p.status == PlacementStatus.ACTIVE
    changes.answer_change(w.coordinator, request, True, "Согласны", utcnow(), TODAY)
    assert (p.status, p.terminated_on, p.termination_reason) == (
        PlacementStatus.TERMINATED, TODAY, "Сокращение участка")


@pytest.mark.parametrize(("kind", "values", "message"), [
    (ChangeKind.MENTOR, {"mentor_id": None}, "Выберите наставника этого предприятия."),
    (ChangeKind.DATES, {"start_date": START, "end_date": START}, "позже даты начала"),
    (ChangeKind.HOURS, {"required_hours": 480}, "Часы не отличаются от нынешних."),
    (ChangeKind.DEPARTMENT, {"department_id": None}, "Выберите другой цех."),
    (ChangeKind.TERMINATION, {"on": date(2026, 8, 1)}, "в пределах срока договора"),
    (ChangeKind.TERMINATION, {"on": date(2026, 12, 2)}, "позже сегодняшнего дня"),
])
def test_a_proposal_is_checked_when_asked(in_request, kind, values, message):
    w, p = active_agreement(TODAY)
    with pytest.raises(RuleViolation, match=message):
        changes.request_change(w.coordinator, p, None, kind, values, "причина", utcnow())
    db.session.rollback()
    assert db.session.scalar(select(ChangeRequest.id)) is None


def test_one_pending_request_at_a_time_and_only_for_an_agreement_in_force(in_request):
    w, p = active_agreement(TODAY)
    changes.request_change(w.coordinator, p, None, ChangeKind.HOURS, {"required_hours": 600},
                           "x", utcnow())
    with pytest.raises(RuleViolation, match="уже есть изменение, ждущее ответа"):
        changes.request_change(w.employer, p, None, ChangeKind.HOURS, {"required_hours": 700},
                               "y", utcnow())
    draft = services.create_placement(w.coordinator, **terms(
        w, student_id=builders.student(w.group).id))
    with pytest.raises(RuleViolation, match="только к действующему договору"):
        changes.request_change(w.coordinator, draft, None, ChangeKind.HOURS,
                               {"required_hours": 600}, "x", utcnow())
    stranger = builders.employer(builders.enterprise())
    with pytest.raises(RuleViolation, match="предлагает координатор колледжа"):
        changes.request_change(stranger, p, None, ChangeKind.HOURS, {"required_hours": 600},
                               "x", utcnow())


def test_through_the_pages_with_the_version_and_the_answer(login_as, app):
    w, p = active_agreement(TODAY)
    db.session.commit()
    employer = login_as(w.employer)
    page = employer.get(f"/placements/{p.id}").get_data(as_text=True)
    assert "Предложить изменение" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = employer.post(f"/placements/{p.id}/changes", data={
        "version": version, "kind": "hours", "required_hours": "560",
        "reason": "Добавили модуль"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Договор изменится, когда другая сторона его одобрит." in text
    assert _fresh(p.id).required_hours == 480
    request = db.session.scalar(select(ChangeRequest))
    # The employer who asked cannot approve through the page either.
    text = employer.post(f"/changes/{request.id}/approve", follow_redirects=True).get_data(
        as_text=True)
    assert "одобряет или отклоняет другая сторона" in text
    assert _fresh(p.id).required_hours == 480
    coordinator = app.test_client()
    coordinator.post("/login", data={"email": w.coordinator.email,
                                     "password": builders.PASSWORD})
    page = coordinator.get(f"/placements/{p.id}").get_data(as_text=True)
    assert "Одобрить изменение" in page and "часы: 560" in page
    text = coordinator.post(f"/changes/{request.id}/approve", follow_redirects=True).get_data(
        as_text=True)
    assert "Изменение одобрено и внесено в договор." in text
    assert _fresh(p.id).required_hours == 560
    # Answered twice: refused in words, nothing written again.
    text = coordinator.post(f"/changes/{request.id}/decline", data={"comment": "нет"},
                            follow_redirects=True).get_data(as_text=True)
    assert "На это изменение уже ответили." in text
    assert db.session.get(ChangeRequest, request.id).status == ChangeStatus.APPROVED


def test_another_enterprises_employer_cannot_see_or_answer(login_as):
    w, p = active_agreement(TODAY)
    request = changes.request_change(w.coordinator, p, None, ChangeKind.HOURS,
                                     {"required_hours": 600}, "x", utcnow())
    stranger = builders.employer(builders.enterprise())
    client = login_as(stranger)
    assert client.post(f"/changes/{request.id}/approve").status_code == 404
    assert client.post(f"/placements/{p.id}/changes", data={
        "version": "9", "kind": "hours", "required_hours": "1", "reason": "x"}).status_code == 404
    assert db.session.get(ChangeRequest, request.id).status == ChangeStatus.PENDING
