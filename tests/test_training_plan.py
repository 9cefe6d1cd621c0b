"""The individual training plan: a template per specialty, a copy per placement, progress."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditEvent, EntryStatus, PlacementStatus, PlanModule, PlanTemplateModule
from app.placements import services as placement_services
from app.rules import RuleViolation
from app.training import queries, services
from tests import builders
from tests import builders_documents as bd
from tests.builders_placements import agreed
from tests.builders_practice import competency


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _with_modules(placement, hours=(200, 280)):
    """Two competencies of the trainee's specialty with template hours."""
    modules = [competency(placement, f"ПК-{n + 1}") for n in range(len(hours))]
    for module, planned in zip(modules, hours, strict=True):
        db.session.add(PlanTemplateModule(competency_id=module.id, planned_hours=planned))
    db.session.flush()
    return modules


def _form(modules, hours) -> dict:
    data = {}
    for i, (module, value) in enumerate(zip(modules, hours, strict=True)):
        data[f"modules-{i}-competency_id"] = str(module.id)
        data[f"modules-{i}-hours"] = str(value)
    return data


def test_a_placement_without_its_own_copy_shows_the_template(app):
    placement = builders.placement()
    first, second = _with_modules(placement)
    plan = queries.plan_of(placement.id)
    assert not plan.own
    assert [(m.code, m.planned) for m in plan.modules] == [("ПК-1", 200), ("ПК-2", 280)]
    assert plan.mismatch == 0


def test_activation_gives_the_placement_its_own_copy(app):
    coordinator_ = None
    placement = builders.placement(status=PlacementStatus.DRAFT,
                                   start=clock.today() + timedelta(days=3))
    first, second = _with_modules(placement)
    coordinator_ = builders.coordinator(placement.college)
    agreed(placement)
    placement_services.activate_placement(coordinator_, placement, clock.today())
    own = db.session.scalars(select(PlanModule).where(PlanModule.placement_id == placement.id)
                             .order_by(PlanModule.competency_id)).all()
    assert [(m.competency_id, m.planned_hours) for m in own] == [(first.id, 200), (second.id, 280)]
    # The template changing later leaves the agreement's copy alone.
    services.save_template(coordinator_, placement.student.student_profile.group.specialty,
                           {first.id: 100, second.id: 100})
    plan = queries.plan_of(placement.id)
    assert plan.own and [m.planned for m in plan.modules] == [200, 280]


def test_coordinator_adjusts_the_plan_and_a_mismatch_is_shown_not_fixed(login_as):
    placement = builders.placement(required_hours=480)
    modules = _with_modules(placement)
    client = login_as(builders.coordinator(placement.college))
    page = _text(client.get(f"/placements/{placement.id}/plan"))
    assert "ПК-1 Сварка металлов" in page
    response = client.post(f"/placements/{placement.id}/plan", data=_form(modules, [300, 100]))
    assert response.status_code == 302
    own = {m.competency_id: m.planned_hours for m in db.session.scalars(
        select(PlanModule).where(PlanModule.placement_id == placement.id))}
    assert own == {modules[0].id: 300, modules[1].id: 100}  # stored as typed
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "Сумма часов модулей — 400 ч, а объём практики по договору — 480 ч" in page
    assert "не сходится на 80 ч" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan_adjusted"))
    assert event.changes[f"module_{modules[0].id}"] == [200, 300]


@pytest.mark.parametrize("hours,message", [
    (["-5", "10"], "от 0 до 10000"), (["10001", "10"], "от 0 до 10000"),
    (["", "10"], "Укажите часы каждого модуля"), (["abc", "10"], None),
    (["２０", "10"], "цифрами"), (["99999999999999999999", "1"], None),
])
def test_bad_module_hours_are_refused_in_words(login_as, hours, message):
    placement = builders.placement()
    modules = _with_modules(placement)
    client = login_as(builders.coordinator(placement.college))
    response = client.post(f"/placements/{placement.id}/plan", data=_form(modules, hours))
    assert response.status_code == 422
    if message:
        assert message in _text(response)
    assert db.session.scalar(select(PlanModule.id)) is None


def test_a_module_of_another_specialty_is_refused(login_as):
    placement = builders.placement()
    modules = _with_modules(placement)
    foreign = competency(builders.placement(), "ЧУЖ-1")
    client = login_as(builders.coordinator(placement.college))
    response = client.post(f"/placements/{placement.id}/plan",
                           data=_form([modules[0], foreign], [10, 10]))
    assert response.status_code == 422
    assert "Модуль не из плана этой специальности" in _text(response)
    response = client.post(f"/placements/{placement.id}/plan", data={
        "modules-0-competency_id": "x", "modules-0-hours": "1"})
    assert response.status_code == 422
    assert db.session.scalar(select(PlanModule.id)) is None


@pytest.mark.parametrize("role,status", [
    ("coordinator", 200), ("other_coordinator", 404), ("mentor", 403), ("student", 403),
    ("employer", 403), ("admin", 403),
])
def test_plan_editor_scoping(login_as, role, status):
    placement = builders.placement()
    _with_modules(placement)
    user = {"coordinator": lambda: builders.coordinator(placement.college),
            "other_coordinator": lambda: builders.coordinator(),
            "mentor": lambda: placement.mentor, "student": lambda: placement.student,
            "employer": lambda: builders.employer(placement.enterprise),
            "admin": lambda: builders.admin()}[role]()
    client = login_as(user)
    assert client.get(f"/placements/{placement.id}/plan").status_code == status
    assert client.post(f"/placements/{placement.id}/plan").status_code in (
        {200: 422}.get(status, status),)


def test_a_closed_agreements_plan_is_not_changed(app):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    modules = _with_modules(placement)
    with pytest.raises(RuleViolation, match="Договор закрыт"):
        services.save_plan(builders.coordinator(placement.college), placement,
                           {modules[0].id: 10})


def test_template_editor_saves_hours_and_is_scoped(login_as):
    placement = builders.placement()
    modules = _with_modules(placement, (0, 0))
    specialty = placement.student.student_profile.group.specialty
    coordinator = builders.coordinator(placement.college)
    client = login_as(coordinator)
    assert "Шаблон учебного плана" in _text(client.get(f"/specialties/{specialty.id}"))
    response = client.post(f"/specialties/{specialty.id}/plan", data=_form(modules, [100, 380]))
    assert response.status_code == 302
    assert dict(db.session.execute(select(PlanTemplateModule.competency_id,
                                          PlanTemplateModule.planned_hours)).all()) == {
        modules[0].id: 100, modules[1].id: 380}
    client.post("/logout")
    other = login_as(builders.coordinator())
    assert other.get(f"/specialties/{specialty.id}/plan").status_code == 404
    with pytest.raises(RuleViolation, match="координатор её колледжа"):
        services.save_template(builders.coordinator(), specialty, {modules[0].id: 1})


def test_progress_maps_approved_hours_to_modules(login_as):
    placement = builders.placement(required_hours=480)
    first, second = _with_modules(placement)
    day = placement.start_date
    builders.entry(placement, day, hours=6, status=EntryStatus.APPROVED, competency_id=first.id)
    builders.entry(placement, day + timedelta(days=1), hours=4, status=EntryStatus.APPROVED,
                   competency_id=first.id)
    builders.entry(placement, day + timedelta(days=2), hours=3, status=EntryStatus.APPROVED)
    builders.entry(placement, day + timedelta(days=3), hours=8, status=EntryStatus.SUBMITTED,
                   competency_id=second.id)
    plan = queries.plan_of(placement.id)
    assert [(m.code, m.planned, m.done) for m in plan.modules] == [("ПК-1", 200, 10),
                                                                   ("ПК-2", 280, 0)]
    assert plan.unmapped == 3 and plan.done_total == 13
    page = _text(login_as(placement.student).get("/progress"))
    assert "План и факт по модулям" in page or "Модуль / компетенция" in page
    assert "Из них без модуля плана: 3 ч." in page
    assert re.search(r"ПК-1</strong> Сварка металлов.*?200.*?10", page)


def test_placement_page_and_progress_run_a_fixed_number_of_queries(login_as, query_counter):
    small = builders.placement()
    _with_modules(small, (480,))
    large = builders.placement()
    modules = _with_modules(large, (100, 100, 100, 180))
    for n in range(12):
        builders.entry(large, large.start_date + timedelta(days=n), status=EntryStatus.APPROVED,
                       competency_id=modules[n % 4].id)
    counts = {}
    for placement in (small, large):
        coordinator = builders.coordinator(placement.college)
        client = login_as(coordinator)
        with query_counter() as counter:
            assert client.get(f"/placements/{placement.id}").status_code == 200
        counts.setdefault("page", []).append(counter.count)
        client.post("/logout")
        client = login_as(placement.student)
        with query_counter() as counter:
            assert client.get("/progress").status_code == 200
        counts.setdefault("progress", []).append(counter.count)
        client.post("/logout")
    assert counts["page"][0] == counts["page"][1]
    assert counts["progress"][0] == counts["progress"][1]


def test_agreement_annex_carries_the_plan_in_russian_and_kazakh(login_as):
    placement = bd.kazakh_placement(required_hours=120)
    modules = _with_modules(placement, (50, 60))
    coordinator = builders.coordinator(placement.college)
    services.save_plan(coordinator, placement, {modules[0].id: 50, modules[1].id: 60})
    client = login_as(coordinator)
    ru = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(
        client.get(f"/documents/agreement/{placement.id}.pdf?lang=ru").data)))
    assert "Индивидуальный учебный план" in ru
    assert re.search(r"ПК-1 Сварка металлов 50", ru) and re.search(r"ПК-2 Сварка металлов 60", ru)
    assert "Итого 110" in ru
    assert "Сумма часов модулей — 110 ч, а объём практики по договору — 120 ч" in ru
    kk = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(
        client.get(f"/documents/agreement/{placement.id}.pdf?lang=kk").data)))
    assert "Барлығы 110" in kk and "ПК-2 Сварка металлов 60" in kk
    assert "жоспар 10 сағатқа сәйкес келмейді" in kk


def test_diary_pdf_prints_planned_versus_done(login_as):
    placement = bd.kazakh_placement(required_hours=120)
    modules = _with_modules(placement, (60, 60))
    entries = bd.approved_entries(placement, 2, hours=6)
    entries[0].competency_id = modules[0].id
    db.session.flush()
    data = login_as(placement.student).get(f"/documents/diary/{placement.id}.pdf?lang=kk").data
    kk = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(data)))
    assert "Оқу жоспары: модульдер бойынша жоспар мен нақты" in kk
    assert re.search(r"ПК-1 Сварка металлов 60 6", kk)
    assert "Жоспар модулінсіз 6" in kk


def test_diary_offers_the_plans_modules_with_hours(login_as):
    placement = builders.placement()
    first, second = _with_modules(placement)
    coordinator = builders.coordinator(placement.college)
    from app.practice.queries import competencies_for

    assert [c.code for c in competencies_for(placement)] == ["ПК-1", "ПК-2"]  # the template
    services.save_plan(coordinator, placement, {first.id: 480, second.id: 0})
    assert [c.code for c in competencies_for(placement)] == ["ПК-1"]  # dropped: 0 hours
