"""Placements: the form, every rule and refusal, the status flow, scoping, lists and exports."""

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Placement, PlacementStatus, Role
from app.placements import services
from app.rules import RuleViolation
from tests import builders
from tests.builders_placements import (
    END,
    START,
    agreed,
    final_assessment,
    form_data,
    terms,
    world,
)

TODAY = date(2026, 9, 10)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request's locale."""
    with app.test_request_context():
        yield


def _count(model=Placement) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _draft(w, **overrides) -> Placement:
    return services.create_placement(w.coordinator, **terms(w, **overrides))


# --- creating through the form ------------------------------------------------------------------


def test_coordinator_creates_a_draft_through_the_form(login_as):
    w = world()
    client = login_as(w.coordinator)
    form = client.get("/placements/new").get_data(as_text=True)
    assert w.student.full_name in form and w.mentor.full_name in form
    response = client.post("/placements/new", data=form_data(w))
    assert response.status_code == 302
    placement = db.session.scalars(select(Placement)).one()
    assert (placement.status, placement.enterprise_id, placement.college_id) == (
        PlacementStatus.DRAFT, w.enterprise.id, w.college.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ДО-17" in page and "История изменений" in page and "создано" in page
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.object_id) == ("created", w.coordinator.id,
                                                                placement.id)
    assert event.changes["required_hours"] == [None, 480]


def test_double_submitted_form_makes_one_placement(login_as):
    w = world()
    client = login_as(w.coordinator)
    first = client.post("/placements/new", data=form_data(w))
    second = client.post("/placements/new", data=form_data(w))
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1
    assert _count(AuditEvent) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": START.isoformat()}, "Дата окончания должна быть позже даты начала."),
        ({"end_date": (START - timedelta(days=3)).isoformat()},
         "Дата окончания должна быть позже даты начала."),
        ({"required_hours": 0}, "Количество часов должно быть больше нуля."),
        ({"required_hours": -40}, "Количество часов должно быть больше нуля."),
        ({"required_hours": 6000}, "Не больше 5000 часов по одному договору."),
        ({"required_hours": 10**12}, "Слишком большое число."),
        ({"required_hours": "４８０"}, "Введите число цифрами 0–9."),
        ({"start_date": "31.02.2026"}, "Неверное значение даты."),
        ({"student_id": ""}, "Выберите студента."),
        ({"agreement_number": "Д" * 41}, "40"),
        ({"start_date": "1999-09-01"}, "между 2000 и 2100 годом"),
        ({"end_date": "2036-01-01"}, "не дольше 5 лет"),
    ],
)
def test_form_refusals_write_nothing(login_as, overrides, message):
    w = world()
    response = login_as(w.coordinator).post("/placements/new", data=form_data(w, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count() == 0 and _count(AuditEvent) == 0


def test_another_colleges_student_id_is_refused_without_disclosure(login_as):
    w = world()
    stranger = builders.student(full_name="Чужой Студент Иванович")
    response = login_as(w.coordinator).post(
        "/placements/new", data=form_data(w, student_id=stranger.id))
    page = response.get_data(as_text=True)
    assert "Такого студента нет в вашем колледже." in page
    assert "Чужой Студент" not in page
    assert _count() == 0


@pytest.mark.parametrize("who", ["non_partner_mentor", "student_as_mentor", "missing"])
def test_forged_mentor_ids_are_refused(login_as, who):
    w = world()
    mentor_id = {
        "non_partner_mentor": lambda: builders.mentor().id,
        "student_as_mentor": lambda: w.student.id,
        "missing": lambda: 999_999,
    }[who]()
    page = login_as(w.coordinator).post(
        "/placements/new", data=form_data(w, mentor_id=mentor_id)).get_data(as_text=True)
    assert ("Предприятие наставника не является партнёром вашего колледжа." in page
            or "Такого наставника нет." in page)
    assert _count() == 0


@pytest.mark.parametrize("mentor_id", ["99999999999999999999", "-1", "0"])
def test_out_of_range_mentor_id_is_refused_in_words(login_as, mentor_id):
    """The workshop list is built from the chosen mentor before validation: an id no database
    could hold must neither reach the query nor leave the form unanswered."""
    w = world()
    response = login_as(w.coordinator).post(
        "/placements/new", data=form_data(w, mentor_id=mentor_id))
    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert _count() == 0


def test_department_of_another_enterprise_is_refused(login_as):
    w = world()
    elsewhere = builders.mentor().mentor_profile.department
    page = login_as(w.coordinator).post(
        "/placements/new", data=form_data(w, department_id=elsewhere.id)).get_data(as_text=True)
    assert "Этот цех не относится к предприятию наставника." in page
    assert _count() == 0


def test_mentors_own_department_is_accepted(app):
    w = world()
    placement = _draft(w, department_id=w.mentor.mentor_profile.department_id)
    assert placement.department_id == w.mentor.mentor_profile.department_id


# --- rules in the service ----------------------------------------------------------------------


def test_overlapping_placements_of_a_student_are_refused(app):
    w = world()
    first = _draft(w)
    other_mentor = builders.mentor(w.enterprise)
    with pytest.raises(RuleViolation) as refusal:
        _draft(w, mentor_id=other_mentor.id, start_date=END - timedelta(days=5),
               end_date=END + timedelta(days=60))
    assert refusal.value.field == "start_date"
    # The clash is named as people name it (here: no number yet, so by its start), not by its id.
    assert f"договор без номера от {first.start_date:%d.%m.%Y}" in refusal.value.message
    # A terminated placement no longer holds the dates.
    services.terminate_placement(w.coordinator, first, date.today(), "Перевод в другую группу",
                                 today=date.today())
    assert _draft(w, mentor_id=other_mentor.id).status == PlacementStatus.DRAFT


def test_a_student_has_at_most_one_active_placement(app):
    w = world()
    active = builders.placement(w.student, w.mentor, start=date(2026, 1, 10), weeks=40)
    later = agreed(_draft(w, start_date=date(2027, 1, 10), end_date=date(2027, 5, 1)))
    with pytest.raises(RuleViolation) as refusal:
        services.activate_placement(w.coordinator, later, TODAY)
    # Named as people name it (its number, or its start date), never by the database's id.
    assert refusal.value.message == ("У студента уже есть действующий договор без номера "
                                     "от 10.01.2026.")
    active.agreement_number = "ДО-5"
    with pytest.raises(RuleViolation) as refusal:
        services.activate_placement(w.coordinator, later, TODAY)
    assert refusal.value.message == "У студента уже есть действующий договор № ДО-5."
    assert db.session.get(Placement, later.id).status == PlacementStatus.DRAFT


def test_mentor_trainee_cap_is_kept_on_activation(app):
    w = world(trainee_cap=1)
    builders.placement(builders.student(w.group), w.mentor, start=START)
    draft = agreed(_draft(w))
    with pytest.raises(RuleViolation) as refusal:
        services.activate_placement(w.coordinator, draft, TODAY)
    assert refusal.value.message == "У наставника уже максимум практикантов (1)."
    assert refusal.value.field == "mentor_id"


def test_enterprise_intake_capacity_per_year(app):
    w = world(capacity=1)
    _draft(w)
    second = builders.student(w.group)
    with pytest.raises(RuleViolation) as refusal:
        _draft(w, student_id=second.id)
    assert refusal.value.message == (
        f"У предприятия «{w.enterprise.name}» не осталось мест на 2026 год (1 в год).")
    # The next calendar year has its own places.
    assert _draft(w, student_id=second.id, start_date=date(2027, 2, 1),
                  end_date=date(2027, 5, 1)).id


def test_refusals_do_not_tell_other_colleges_load(app):
    w = world(capacity=2, trainee_cap=2)
    others = world()  # another college's trainees take the enterprise's places and the mentor
    for _ in range(2):
        builders.placement(builders.student(others.group), w.mentor, start=START)
    with pytest.raises(RuleViolation) as full:
        _draft(w)
    assert full.value.message == (
        f"У предприятия «{w.enterprise.name}» не осталось мест на 2026 год (2 в год).")
    draft = agreed(_draft(w, start_date=date(2027, 2, 1), end_date=date(2027, 5, 1)))
    with pytest.raises(RuleViolation) as busy:
        services.activate_placement(w.coordinator, draft, TODAY)
    assert busy.value.message == "У наставника уже максимум практикантов (2)."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": date(1999, 12, 31)}, "start_date", "между 2000 и 2100 годом"),
        ({"end_date": date(2101, 1, 1)}, "end_date", "между 2000 и 2100 годом"),
        ({"end_date": date(2031, 9, 2)}, "end_date", "не дольше 5 лет"),
    ],
)
def test_implausible_years_are_refused(app, overrides, field, message):
    w = world()
    with pytest.raises(RuleViolation) as refusal:
        _draft(w, **overrides)
    assert refusal.value.field == field and message in refusal.value.message
    assert _draft(w, end_date=date(2031, 9, 1)).id  # five years exactly is fine


def test_an_agreement_in_force_is_not_terminated_by_the_college_alone(app):
    """Termination of an active agreement is a change request the enterprise approves."""
    w = world()
    active = builders.placement(w.student, w.mentor, start=START)
    with pytest.raises(RuleViolation) as refusal:
        services.terminate_placement(w.coordinator, active, TODAY, "Закрытие цеха",
                                     today=TODAY)
    assert "по согласию сторон" in refusal.value.message
    assert (active.status, active.terminated_on) == (PlacementStatus.ACTIVE, None)


def test_withdrawal_date_is_not_in_the_future_nor_before_the_draft_was_made(app):
    w = world()
    draft = _draft(w, student_id=builders.student(w.group).id)
    made = draft.created_at.date()
    with pytest.raises(RuleViolation) as refusal:
        services.terminate_placement(w.coordinator, draft, made + timedelta(days=2), "x",
                                     today=made + timedelta(days=1))
    assert refusal.value.field == "on" and "позже сегодняшнего дня" in refusal.value.message
    with pytest.raises(RuleViolation) as refusal:
        services.terminate_placement(w.coordinator, draft, made - timedelta(days=1), "x",
                                     today=made)
    assert refusal.value.field == "on" and "раньше дня составления" in refusal.value.message
    assert draft.status == PlacementStatus.DRAFT


def test_minor_needs_parents_consent_before_activation(app):
    w = world(born=date(2009, 11, 1))  # 16 on the start date
    draft = agreed(_draft(w), guardian=False)
    with pytest.raises(RuleViolation) as refusal:
        services.activate_placement(w.coordinator, draft, TODAY)
    assert refusal.value.message == "Законный представитель ещё не подтвердил договор."
    agreed_by_guardian = agreed(_draft(w, student_id=builders.student(
        w.group, born=date(2009, 11, 1)).id, start_date=date(2027, 1, 10),
        end_date=date(2027, 5, 1)))
    # The guardian's confirmation through the link is the dated written consent.
    assert agreed_by_guardian.parent_consent_on == date.today()
    services.activate_placement(w.coordinator, agreed_by_guardian, TODAY)
    assert agreed_by_guardian.status == PlacementStatus.ACTIVE


def test_adult_on_the_start_date_needs_no_consent(app):
    w = world(born=date(2008, 8, 31))  # turns 18 the day before the start
    draft = agreed(_draft(w))
    services.activate_placement(w.coordinator, draft, TODAY)
    assert draft.status == PlacementStatus.ACTIVE


def test_completion_needs_a_submitted_final_assessment(app):
    w = world()
    draft = agreed(_draft(w))
    services.activate_placement(w.coordinator, draft, TODAY)
    assessment = final_assessment(draft, submitted=False)
    with pytest.raises(RuleViolation, match="итоговой оценки"):
        services.complete_placement(w.coordinator, draft, END)
    assessment.submitted_at = assessment.created_at
    services.complete_placement(w.coordinator, draft, END)
    assert (draft.status, draft.completed_on) == (PlacementStatus.COMPLETED, END)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PlacementStatus.ACTIVE, "activate"),
        (PlacementStatus.COMPLETED, "activate"),
        (PlacementStatus.DRAFT, "complete"),
        (PlacementStatus.TERMINATED, "complete"),
        (PlacementStatus.ACTIVE, "terminate"),
        (PlacementStatus.COMPLETED, "terminate"),
        (PlacementStatus.TERMINATED, "terminate"),
        (PlacementStatus.ACTIVE, "update"),
    ],
)
def test_status_flow_refuses_wrong_transitions(app, status, action):
    w = world()
    placement = builders.placement(w.student, w.mentor, status=status, start=START)
    final_assessment(placement)
    act = {
        "activate": lambda: services.activate_placement(w.coordinator, placement, TODAY),
        "complete": lambda: services.complete_placement(w.coordinator, placement, TODAY),
        "terminate": lambda: services.terminate_placement(w.coordinator, placement, TODAY, "x",
                                                          today=TODAY),
        "update": lambda: services.update_placement(w.coordinator, placement,
                                                    required_hours=100),
    }[action]
    with pytest.raises(RuleViolation):
        act()
    assert placement.status == status


def test_draft_can_be_terminated(app):
    w = world()
    draft = _draft(w)
    made = draft.created_at.date()
    services.terminate_placement(w.coordinator, draft, made, "Студент отказался",
                                 today=made + timedelta(days=3))
    assert (draft.status, draft.terminated_on) == (PlacementStatus.TERMINATED, made)


def test_only_the_colleges_coordinator_may_change_placements(app):
    w = world()
    draft = _draft(w)
    for actor in (builders.coordinator(), builders.admin(), builders.employer(w.enterprise)):
        with pytest.raises(RuleViolation):
            services.activate_placement(actor, draft, TODAY)
        with pytest.raises(RuleViolation):
            services.create_placement(actor, **terms(w, start_date=date(2027, 1, 5),
                                                     end_date=date(2027, 3, 1)))


def test_update_checks_the_rules_again_and_is_audited(app):
    w = world()
    draft = _draft(w)
    with pytest.raises(RuleViolation):
        services.update_placement(w.coordinator, draft, end_date=START)
    assert draft.end_date == END and _count(AuditEvent) == 1
    services.update_placement(w.coordinator, draft, required_hours=520)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "updated")).one()
    assert event.changes == {"required_hours": [480, 520]}


# --- pages and actions --------------------------------------------------------------------------


def test_activate_complete_through_the_page_with_history(login_as):
    w = world()
    draft = agreed(_draft(w, start_date=TODAY - timedelta(days=5)))
    db.session.commit()
    client = login_as(w.coordinator)
    response = client.post(f"/placements/{draft.id}/activate", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Договор введён в действие." in page and "введён в действие" in page
    response = client.post(f"/placements/{draft.id}/complete", follow_redirects=True)
    assert "после итоговой оценки наставника" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Placement, draft.id).status == PlacementStatus.ACTIVE


def test_refused_activation_is_shown_and_writes_nothing(login_as):
    w = world(born=date(2010, 1, 1))
    draft = _draft(w)
    db.session.commit()
    events = _count(AuditEvent)
    page = login_as(w.coordinator).post(
        f"/placements/{draft.id}/activate", follow_redirects=True).get_data(as_text=True)
    assert "Договор ещё не отправлен предприятию" in page
    db.session.expire_all()
    assert db.session.get(Placement, draft.id).status == PlacementStatus.DRAFT
    # Nothing of the activation is written; the refused attempt itself is audited.
    assert _count(AuditEvent) == events + 1
    refused = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (refused.action, refused.changes["attempted"][1]) == ("refused", "activated")


def test_withdrawing_a_draft_needs_a_reason_and_a_date_not_ahead(login_as):
    w = world()
    draft = _draft(w)
    draft.created_at = datetime(2026, 9, 1, 9, 0)  # drafted before the frozen day
    client = login_as(w.coordinator)
    page = client.get(f"/placements/{draft.id}").get_data(as_text=True)
    assert "Отозвать проект договора" in page
    response = client.post(f"/placements/{draft.id}/terminate",
                           data={"on": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 422
    assert "Укажите причину расторжения." in response.get_data(as_text=True)
    response = client.post(f"/placements/{draft.id}/terminate",
                           data={"on": "2099-01-01", "reason": "Студент отказался"})
    assert "Дата расторжения не может быть позже сегодняшнего дня" in response.get_data(
        as_text=True)
    response = client.post(f"/placements/{draft.id}/terminate",
                           data={"on": TODAY.isoformat(), "reason": "<b>Студент</b> отказался"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Проект договора отозван." in page and "&lt;b&gt;Студент&lt;/b&gt; отказался" in page
    db.session.expire_all()
    stored = db.session.get(Placement, draft.id)
    assert (stored.status, stored.terminated_on) == (PlacementStatus.TERMINATED, TODAY)


def test_an_active_agreement_page_sends_termination_to_the_change_requests(login_as):
    w = world()
    placement = builders.placement(w.student, w.mentor, start=START)
    client = login_as(w.coordinator)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Отозвать проект договора" not in page and 'href="#changes"' in page
    assert 'id="changes"' in page
    response = client.post(f"/placements/{placement.id}/terminate",
                           data={"on": TODAY.isoformat(), "reason": "Закрытие цеха"})
    assert response.status_code == 302 and response.location.endswith("#changes")
    page = client.get(response.location).get_data(as_text=True)
    assert "по согласию сторон" in page
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).status == PlacementStatus.ACTIVE


def test_edit_form_changes_a_draft_only(login_as):
    w = world()
    draft = _draft(w)
    active = builders.placement(builders.student(w.group), w.mentor, start=START)
    client = login_as(w.coordinator)
    response = client.post(f"/placements/{draft.id}/edit",
                           data=form_data(w, required_hours=600))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, draft.id).required_hours == 600
    response = client.get(f"/placements/{active.id}/edit", follow_redirects=True)
    assert "Изменять можно только черновик договора." in response.get_data(as_text=True)


def _placement_of_other_college():
    return builders.placement(status=PlacementStatus.DRAFT, start=START)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/placements/{id}"),
        ("get", "/placements/{id}/edit"),
        ("post", "/placements/{id}/edit"),
        ("post", "/placements/{id}/activate"),
        ("post", "/placements/{id}/complete"),
        ("post", "/placements/{id}/terminate"),
    ],
)
def test_another_colleges_placement_is_not_found(login_as, method, path):
    w = world()
    other = _placement_of_other_college()
    response = getattr(login_as(w.coordinator), method)(path.format(id=other.id),
                                                        data={"on": "2026-10-01", "reason": "x"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Placement, other.id).status == PlacementStatus.DRAFT


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYER, Role.MENTOR, Role.STUDENT])
def test_other_roles_cannot_act_on_placements(login_as, role):
    w = world()
    draft = builders.placement(w.student, w.mentor, status=PlacementStatus.DRAFT, start=START)
    user = {
        Role.ADMIN: builders.admin,
        Role.EMPLOYER: lambda: builders.employer(w.enterprise),
        Role.MENTOR: lambda: w.mentor,
        Role.STUDENT: lambda: w.student,
    }[role]()
    client = login_as(user)
    assert client.get(f"/placements/{draft.id}").status_code == 200
    for path in ("/placements/new", f"/placements/{draft.id}/activate",
                 f"/placements/{draft.id}/terminate"):
        assert client.post(path, data=form_data(w)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Placement, draft.id).status == PlacementStatus.DRAFT
    assert _count() == 1


# --- lists, scoping and exports -----------------------------------------------------------------


def _scoped_world():
    w = world()
    mine = builders.placement(w.student, w.mentor, start=START)
    other_mentor_same_enterprise = builders.placement(
        builders.student(builders.group()), builders.mentor(w.enterprise), start=START)
    elsewhere = builders.placement(start=START)
    return w, mine, other_mentor_same_enterprise, elsewhere


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.COORDINATOR, {"mine"}),
        (Role.EMPLOYER, {"mine", "same_enterprise"}),
        (Role.MENTOR, {"mine"}),
        (Role.ADMIN, {"mine", "same_enterprise", "elsewhere"}),
    ],
)
def test_list_is_scoped_by_role(login_as, role, sees):
    w, mine, same_enterprise, elsewhere = _scoped_world()
    user = {
        Role.COORDINATOR: lambda: w.coordinator,
        Role.EMPLOYER: lambda: builders.employer(w.enterprise),
        Role.MENTOR: lambda: w.mentor,
        Role.ADMIN: builders.admin,
    }[role]()
    client = login_as(user)
    page = client.get("/placements/").get_data(as_text=True)
    csv_text = client.get("/placements/export.csv").get_data(as_text=True)
    named = {"mine": mine, "same_enterprise": same_enterprise, "elsewhere": elsewhere}
    for key, placement in named.items():
        name = placement.student.full_name
        assert (name in page) == (key in sees), (key, role)
        assert (name in csv_text) == (key in sees), (key, role)
        expected = 200 if key in sees else 404
        assert client.get(f"/placements/{placement.id}").status_code == expected


def test_student_cannot_open_the_list(login_as):
    w = world()
    assert login_as(w.student).get("/placements/").status_code == 403


def test_navigation_shows_placements_to_the_right_roles(login_as, client):
    w = world()
    assert "Договоры" in login_as(w.coordinator).get("/").get_data(as_text=True)
    client.post("/logout")
    assert ">Договоры<" not in login_as(w.student).get("/").get_data(as_text=True)


def test_list_searches_filters_sorts_and_pages(login_as, app):
    app.config["PAGE_SIZE"] = 2
    w = world()
    other = builders.enterprise(name="ТОО «Риддер Строй»")
    db.session.add(builders.Partnership(college_id=w.college.id, enterprise_id=other.id))
    names = ["Ахметов Арман", "Борисов Борис", "Васильев Вадим"]
    for i, name in enumerate(names):
        mentor = builders.mentor(other) if i == 2 else w.mentor
        builders.placement(builders.student(w.group, full_name=name), mentor, start=START,
                           status=PlacementStatus.DRAFT if i == 1 else PlacementStatus.ACTIVE)
    client = login_as(w.coordinator)
    page = client.get("/placements/?q=Борис").get_data(as_text=True)
    assert "Борисов" in page and "Ахметов" not in page
    page = client.get("/placements/?status=draft").get_data(as_text=True)
    assert "Борисов" in page and "Васильев" not in page
    page = client.get(f"/placements/?enterprise={other.id}").get_data(as_text=True)
    assert "Васильев" in page and "Ахметов" not in page
    page = client.get("/placements/?sort=student&dir=desc").get_data(as_text=True)
    assert "Васильев" in page and "Борисов" in page and "Ахметов" not in page
    assert page.index("Васильев") < page.index("Борисов")
    page = client.get("/placements/?sort=student&page=2").get_data(as_text=True)
    assert "Васильев" in page and "Ахметов" not in page
    page = client.get(f"/placements/?group={w.group.id}&q=%25").get_data(as_text=True)
    assert "Договоров не найдено." in page


def test_exports_are_filtered_and_neutralise_formulas(login_as):
    w = world()
    builders.placement(builders.student(w.group, full_name="=HYPERLINK(1)"), w.mentor,
                       start=START, agreement_number="+7")
    builders.placement(w.student, w.mentor, start=START, status=PlacementStatus.DRAFT)
    client = login_as(w.coordinator)
    response = client.get("/placements/export.csv?status=active")
    text = response.get_data().decode("utf-8-sig")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "'=HYPERLINK(1)" in text and "'+7" in text
    assert w.student.full_name not in text
    response = client.get("/placements/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Студент" and len(rows) == 3
    assert {r[9] for r in rows[1:]} == {"действует", "черновик"}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EMPLOYER, Role.ADMIN, Role.MENTOR])
def test_list_and_export_run_a_fixed_number_of_queries(login_as, query_counter, role):
    w = world(capacity=100, trainee_cap=50)
    builders.placement(w.student, w.mentor, start=START)
    user = {
        Role.COORDINATOR: lambda: w.coordinator,
        Role.EMPLOYER: lambda: builders.employer(w.enterprise),
        Role.MENTOR: lambda: w.mentor,
        Role.ADMIN: builders.admin,
    }[role]()
    client = login_as(user)
    paths = ["/placements/", "/placements/export.csv", "/placements/export.xlsx"]
    small = {}
    for path in paths:
        with query_counter() as counter:
            assert client.get(path).status_code == 200
        small[path] = counter.count
    for _ in range(6):
        builders.placement(builders.student(builders.group(w.college)), w.mentor, start=START)
    db.session.commit()
    for path in paths:
        with query_counter() as counter:
            assert client.get(path).status_code == 200
        assert counter.count == small[path], (path, counter.statements)


def test_placement_page_runs_a_fixed_number_of_queries(login_as, query_counter):
    w = world()
    draft = _draft(w)
    client = login_as(w.coordinator)
    with query_counter() as few:
        client.get(f"/placements/{draft.id}")
    for hours in (500, 510, 520, 530):
        services.update_placement(w.coordinator, draft, required_hours=hours)
    db.session.commit()
    with query_counter() as many:
        page = client.get(f"/placements/{draft.id}").get_data(as_text=True)
    assert many.count == few.count
    assert page.count("Требуемые часы:</span>") == 5  # created + four changes, by name


def test_the_form_offers_only_the_chosen_mentors_workshops(login_as):
    from app.models import Department, Partnership

    w = world()
    other = builders.enterprise(name="ТОО «Другой завод»")
    db.session.add(Partnership(college_id=w.college.id, enterprise_id=other.id))
    db.session.add_all([Department(enterprise=w.enterprise, name="Сварочный цех"),
                        Department(enterprise=other, name="Литейный цех")])
    db.session.flush()
    draft = _draft(w)
    client = login_as(w.coordinator)
    new = client.get("/placements/new").get_data(as_text=True)
    # Before a mentor is chosen: every partner's workshops, grouped under their enterprise.
    assert "Сварочный цех" in new and "Литейный цех" in new
    assert 'optgroup label="ТОО «Другой завод»"' in new.replace("&#34;", '"')
    edit = client.get(f"/placements/{draft.id}/edit").get_data(as_text=True)
    assert "Сварочный цех" in edit and "Литейный цех" not in edit


def test_the_placement_form_ties_each_workshop_to_its_enterprise(login_as):
    """The form narrows the workshops to the chosen mentor's enterprise (placement-form.js)."""
    import re

    from app.models import Partnership

    w = world()
    other_mentor = builders.mentor()
    db.session.add(Partnership(college_id=w.coordinator.college_id,
                               enterprise_id=other_mentor.enterprise_id))
    db.session.commit()
    page = login_as(w.coordinator).get("/placements/new").get_data(as_text=True)
    assert "js/placement-form.js" in page
    for mentor in (w.mentor, other_mentor):
        enterprise = mentor.enterprise_id
        department = mentor.mentor_profile.department_id
        assert re.search(rf'<option data-enterprise="{enterprise}" value="{mentor.id}"', page), page
        assert re.search(rf'<option data-enterprise="{enterprise}" value="{department}"', page)
