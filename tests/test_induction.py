"""The safety induction: recorded by the enterprise, confirmed by the trainee, gating the diary."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    AuditEvent,
    DiaryEntry,
    EntryStatus,
    InductionKind,
    IssuedDocument,
    PlacementStatus,
    SafetyInduction,
)
from app.rules import RuleViolation
from app.training import services
from tests import builders
from tests import builders_documents as bd
from tests.builders_practice import diary_url, induct, last_week, week_form


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _fresh(**kw):
    """An active placement with no induction yet."""
    return builders.placement(inducted=False, **kw)


def _post_week(client, placement, day, hours=6):
    week = last_week() if day in last_week() else None
    from app.practice.weeks import Week

    week = week or Week.of(day)
    return client.post(diary_url(placement, week), data=week_form(
        [{"date": day, "hours": hours, "activity": "Сварка швов"}], action=day.isoformat()))


def _entries(placement):
    db.session.expire_all()
    return list(db.session.scalars(select(DiaryEntry)
                                   .where(DiaryEntry.placement_id == placement.id)))


# --- the diary refuses hours before the induction ------------------------------------------------


def test_diary_refuses_hours_when_no_induction_is_recorded_and_says_why(login_as):
    placement = _fresh()
    client = login_as(placement.student)
    day = last_week().monday
    response = _post_week(client, placement, day)
    assert response.status_code == 422
    page = _text(response)
    assert "предприятие ещё не записало инструктаж по охране труда" in page
    assert _entries(placement) == []
    # The diary says so before the student tries.
    page = _text(client.get(diary_url(placement, last_week())))
    assert "Часы пока не принимаются" in page


def test_diary_refuses_hours_until_the_trainee_confirms(login_as):
    placement = _fresh()
    induct(placement, confirm=False)
    client = login_as(placement.student)
    response = _post_week(client, placement, last_week().monday)
    assert response.status_code == 422
    assert "Подтвердите инструктаж по охране труда" in _text(response)
    assert _entries(placement) == []


def test_trainee_confirms_from_the_diary_and_then_hours_are_accepted(login_as):
    placement = _fresh()
    induction = induct(placement, confirm=False)
    client = login_as(placement.student)
    page = _text(client.get(diary_url(placement, last_week())))
    assert "Подтверждаю: инструктаж прошёл" in page
    response = client.post(f"/inductions/{induction.id}/confirm", data={
        "csrf_token": "", "next": diary_url(placement, last_week())})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(diary_url(placement, last_week()))
    db.session.expire_all()
    assert db.session.get(SafetyInduction, induction.id).confirmed_at is not None
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "safety_inductions", AuditEvent.action == "induction_confirmed"))
    response = _post_week(client, placement, last_week().monday)
    assert response.status_code == 302
    assert [e.status for e in _entries(placement)] == [EntryStatus.SUBMITTED]


def test_diary_refuses_a_day_before_the_induction_date_and_names_it(login_as):
    placement = _fresh()
    week = last_week()
    induct(placement, held_on=week.monday + timedelta(days=2))
    client = login_as(placement.student)
    response = _post_week(client, placement, week.monday)
    assert response.status_code == 422
    page = _text(response)
    assert "до инструктажа по охране труда (вводный" in page
    assert _entries(placement) == []
    assert _post_week(client, placement, week.monday + timedelta(days=2)).status_code == 302


def test_a_repeat_induction_alone_does_not_open_the_diary(app):
    placement = _fresh()
    with pytest.raises(RuleViolation, match="Повторный инструктаж проводится после"):
        induct(placement, kind=InductionKind.REPEAT)


def test_hostile_hours_before_the_induction_change_nothing(login_as):
    """Several days at once: refused whole, each day with its reason."""
    placement = _fresh()
    week = last_week()
    induct(placement, held_on=week.monday + timedelta(days=1))
    client = login_as(placement.student)
    response = client.post(diary_url(placement, week), data=week_form([
        {"date": week.monday, "hours": 6, "activity": "до инструктажа"},
        {"date": week.monday + timedelta(days=1), "hours": 6, "activity": "после"},
    ], action="week"))
    assert response.status_code == 422
    assert _entries(placement) == []


# --- recording: the rules -----------------------------------------------------------------------


def test_mentor_records_an_induction_through_the_form(login_as):
    placement = _fresh()
    client = login_as(placement.mentor)
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "Записать инструктаж" in page
    response = client.post(f"/placements/{placement.id}/inductions/new", data={
        "kind": "workplace", "held_on": placement.start_date.isoformat(),
        "instructor": "Сергеев П. А., инженер по ОТ"})
    assert response.status_code == 302
    induction = db.session.scalar(select(SafetyInduction)
                                  .where(SafetyInduction.placement_id == placement.id))
    assert (induction.kind, induction.held_on, induction.instructor, induction.recorded_by_id) == (
        InductionKind.WORKPLACE, placement.start_date, "Сергеев П. А., инженер по ОТ",
        placement.mentor_id)
    assert induction.confirmed_at is None
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "первичный на рабочем месте" in page and "ждёт подтверждения" in page


def test_employer_of_the_enterprise_may_record(login_as):
    placement = _fresh()
    employer = builders.employer(placement.enterprise)
    induction = services.record_induction(employer, placement, InductionKind.INTRODUCTORY,
                                          placement.start_date, "Абенова Ж. К.",
                                          today=clock.today())
    assert induction.recorded_by_id == employer.id


def test_a_future_date_is_refused_on_the_form(login_as):
    placement = _fresh()
    client = login_as(placement.mentor)
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post(f"/placements/{placement.id}/inductions/new", data={
        "kind": "introductory", "held_on": tomorrow.isoformat(), "instructor": "Сергеев"})
    assert response.status_code == 422
    assert "ещё не наступила" in _text(response)
    assert db.session.scalar(select(SafetyInduction.id)) is None


def test_an_induction_after_approved_hours_is_refused(app):
    placement = _fresh()
    first_day = placement.start_date + timedelta(days=1)
    builders.entry(placement, first_day, status=EntryStatus.APPROVED)
    with pytest.raises(RuleViolation, match="уже подписаны часы") as refusal:
        induct(placement, held_on=first_day + timedelta(days=3))
    assert refusal.value.field == "held_on"
    # On or before the first approved day it is fine; a later one-off then is too.
    induct(placement, held_on=first_day)
    induct(placement, held_on=first_day + timedelta(days=7), kind=InductionKind.WORKPLACE)


def test_a_date_outside_the_agreement_and_a_missing_instructor_are_refused(app):
    placement = _fresh()
    with pytest.raises(RuleViolation, match="в сроке договора"):
        induct(placement, held_on=placement.start_date - timedelta(days=1))
    with pytest.raises(RuleViolation, match="кто провёл"):
        services.record_induction(placement.mentor, placement, InductionKind.INTRODUCTORY,
                                  placement.start_date, "   ", today=clock.today())
    with pytest.raises(RuleViolation, match="не длиннее 200"):
        services.record_induction(placement.mentor, placement, InductionKind.INTRODUCTORY,
                                  placement.start_date, "x" * 201, today=clock.today())


def test_the_same_induction_twice_is_refused(app):
    placement = _fresh()
    induct(placement)
    with pytest.raises(RuleViolation, match="уже записан"):
        induct(placement)


def test_another_enterprises_mentor_is_refused_by_the_service_and_the_page(login_as):
    placement = _fresh()
    stranger = builders.mentor()  # another enterprise
    with pytest.raises(RuleViolation, match="предприятие практиканта"):
        induct(placement, by=stranger)
    colleague = builders.mentor(placement.enterprise)  # same plant, not this trainee's mentor
    with pytest.raises(RuleViolation, match="предприятие практиканта"):
        induct(placement, by=colleague)
    client = login_as(stranger)
    response = client.post(f"/placements/{placement.id}/inductions/new", data={
        "kind": "introductory", "held_on": placement.start_date.isoformat(),
        "instructor": "Чужой"})
    assert response.status_code == 404
    assert db.session.scalar(select(SafetyInduction.id)) is None


def test_a_closed_agreement_takes_no_induction(app):
    placement = builders.placement(status=PlacementStatus.COMPLETED, inducted=False)
    with pytest.raises(RuleViolation, match="Договор не действует"):
        induct(placement)


def test_only_the_trainee_confirms_and_only_once(login_as):
    placement = _fresh()
    induction = induct(placement, confirm=False)
    with pytest.raises(RuleViolation, match="только сам практикант"):
        services.confirm_induction(placement.mentor, induction, now=clock.now())
    other = builders.student()
    with pytest.raises(RuleViolation, match="только сам практикант"):
        services.confirm_induction(other, induction, now=clock.now())
    services.confirm_induction(placement.student, induction, now=clock.now())
    with pytest.raises(RuleViolation, match="уже подтверждён"):
        services.confirm_induction(placement.student, induction, now=clock.now())


@pytest.mark.parametrize("role", ["other_student", "mentor", "coordinator"])
def test_confirm_route_refuses_everyone_but_the_trainee(login_as, role):
    placement = _fresh()
    induction = induct(placement, confirm=False)
    user = {"other_student": lambda: builders.student(),
            "mentor": lambda: placement.mentor,
            "coordinator": lambda: builders.coordinator(placement.college)}[role]()
    client = login_as(user)
    response = client.post(f"/inductions/{induction.id}/confirm")
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(SafetyInduction, induction.id).confirmed_at is None


@pytest.mark.parametrize("role,status", [
    ("student", 403), ("coordinator", 403), ("other_mentor", 404), ("other_employer", 404),
    ("mentor", 200), ("employer", 200),
])
def test_record_page_scoping(login_as, role, status):
    placement = _fresh()
    user = {"student": lambda: placement.student,
            "coordinator": lambda: builders.coordinator(placement.college),
            "other_mentor": lambda: builders.mentor(),
            "other_employer": lambda: builders.employer(),
            "mentor": lambda: placement.mentor,
            "employer": lambda: builders.employer(placement.enterprise)}[role]()
    client = login_as(user)
    assert client.get(f"/placements/{placement.id}/inductions/new").status_code == status


def test_hostile_form_input_answers_in_words(login_as):
    placement = _fresh()
    client = login_as(placement.mentor)
    for data in ({"kind": "nonsense", "held_on": "2026-02-30", "instructor": "\x00"},
                 {"kind": "introductory", "held_on": "9999-12-31", "instructor": "a"},
                 {}):
        response = client.post(f"/placements/{placement.id}/inductions/new", data=data)
        assert response.status_code == 422
    assert db.session.scalar(select(SafetyInduction.id)) is None


# --- printed: on the diary and as its own document ------------------------------------------------


def test_induction_is_printed_on_the_diary_in_kazakh(login_as):
    placement = bd.kazakh_placement()  # inducted on its first day by the builders
    bd.approved_entries(placement, 2)
    data = login_as(placement.student).get(f"/documents/diary/{placement.id}.pdf?lang=kk").data
    text = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(data)))
    assert "Еңбекті қорғау бойынша нұсқама" in text
    assert "кіріспе" in text and "12.01.2026" in text and "Инженер по ОТ Петров" in text


def test_induction_is_its_own_verifiable_document_in_russian_and_kazakh(login_as, client):
    placement = bd.kazakh_placement()
    induction = db.session.scalar(select(SafetyInduction)
                                  .where(SafetyInduction.placement_id == placement.id))
    student = login_as(placement.student)
    ru = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(
        student.get(f"/documents/induction/{induction.id}.pdf?lang=ru").data)))
    assert "Запись об инструктаже по охране труда" in ru
    assert "вводный" in ru and "12.01.2026" in ru and bd.KAZAKH_STUDENT in ru
    kk = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(
        student.get(f"/documents/induction/{induction.id}.pdf?lang=kk").data)))
    assert "Еңбекті қорғау бойынша нұсқама туралы жазба" in kk and "кіріспе" in kk
    issued = db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.object_id == induction.id, IssuedDocument.kind == "induction")).all()
    assert {d.locale for d in issued} == {"ru", "kk"}
    page = _text(client.get(f"/verify/{issued[0].code}"))
    assert "Действителен" in page and "Запись об инструктаже по охране труда" in page
    assert "вводный, 12.01.2026" in page


@pytest.mark.parametrize("role,status", [
    ("student", 200), ("mentor", 200), ("coordinator", 200), ("other_student", 404),
    ("other_mentor", 404), ("other_coordinator", 404),
])
def test_induction_pdf_scoping(login_as, role, status):
    placement = builders.placement()
    induction = db.session.scalar(select(SafetyInduction)
                                  .where(SafetyInduction.placement_id == placement.id))
    user = {"student": lambda: placement.student, "mentor": lambda: placement.mentor,
            "coordinator": lambda: builders.coordinator(placement.college),
            "other_student": lambda: builders.student(), "other_mentor": lambda: builders.mentor(),
            "other_coordinator": lambda: builders.coordinator()}[role]()
    assert login_as(user).get(f"/documents/induction/{induction.id}.pdf").status_code == status


def test_demo_world_has_no_hours_before_a_confirmed_induction(app):
    from app.demo import load_world
    from app.training import queries

    load_world()
    db.session.commit()
    entries = db.session.execute(select(DiaryEntry.placement_id, DiaryEntry.work_date)).all()
    admitted = {}
    for pid, day in entries:
        if pid not in admitted:
            admitted[pid] = queries.admitted_from(queries.inductions_of(pid))
        assert admitted[pid] is not None and day >= admitted[pid]
    assert date(2026, 1, 1) < max(d for _p, d in entries)
