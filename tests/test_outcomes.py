"""The outcomes ledger: records, offers and hires, retention checks, the due list, scoping."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    GraduateOutcome,
    OfferStatus,
    OutcomeKind,
    PlacementStatus,
    RetentionCheck,
)
from app.outcomes import services
from app.outcomes.dates import check_due_on, hired_by_for_due
from app.rules import RuleViolation
from tests import builders
from tests import builders_outcomes as bo

GRADUATED = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request's locale."""
    with app.test_request_context():
        yield


def _graduate(kind=OutcomeKind.UNKNOWN, hired=None, **kw):
    """A graduate of a completed placement, with its college's coordinator and host employer."""
    placement = builders.placement(status=PlacementStatus.COMPLETED,
                                   start=date(2024, 9, 2), weeks=30)
    outcome = bo.outcome(placement=placement, kind=kind, outcome_date=hired, **kw)
    return outcome, builders.coordinator(placement.college), builders.employer(
        placement.enterprise)


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _reload(outcome: GraduateOutcome) -> GraduateOutcome:
    db.session.expire_all()
    return db.session.get(GraduateOutcome, outcome.id)


# --- month arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(("hired", "months", "due"), [
    (date(2025, 7, 15), 6, date(2026, 1, 15)),
    (date(2025, 8, 31), 6, date(2026, 3, 1)),
    (date(2025, 8, 28), 6, date(2026, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 3, 1)),
    (date(2025, 12, 31), 12, date(2026, 12, 31)),
])
def test_a_check_falls_due_after_the_full_months(hired, months, due):
    assert check_due_on(hired, months) == due


def test_the_due_list_cut_off_agrees_with_the_check_rule():
    start = date(2024, 1, 1)
    for offset in range(0, 800, 3):
        hired = start + timedelta(days=offset)
        for months in (6, 12):
            due = check_due_on(hired, months)
            for day in (due - timedelta(days=1), due, due + timedelta(days=1)):
                assert (hired <= hired_by_for_due(day, months)) == (day >= due), (hired, day)


# --- creating the record ----------------------------------------------------------------------


def test_coordinator_opens_a_graduates_record(app):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    coordinator = builders.coordinator(placement.college)
    outcome = services.create_outcome(coordinator, placement.student, graduated_on=GRADUATED,
                                      placement=placement)
    assert outcome.graduation_year == 2025
    assert outcome.specialty_id == placement.student.student_profile.group.specialty_id
    assert outcome.host_enterprise_id == placement.enterprise_id
    assert outcome.outcome == OutcomeKind.UNKNOWN
    assert _audit("created")[0].object_type == "graduate_outcomes"
    with pytest.raises(RuleViolation, match="уже есть"):
        services.create_outcome(coordinator, placement.student, graduated_on=GRADUATED,
                                placement=None)


def test_only_the_own_colleges_coordinator_opens_a_record(app):
    placement = builders.placement()
    with pytest.raises(RuleViolation, match="координатор колледжа"):
        services.create_outcome(builders.coordinator(), placement.student,
                                graduated_on=GRADUATED, placement=None)
    with pytest.raises(RuleViolation, match="другого студента"):
        services.create_outcome(builders.coordinator(placement.college), placement.student,
                                graduated_on=GRADUATED, placement=builders.placement())
    assert db.session.scalar(select(func.count()).select_from(GraduateOutcome)) == 0


def test_coordinator_creates_a_record_through_the_pages(app, login_as):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    placement.student.student_profile.graduation_year = 2025
    client = login_as(builders.coordinator(placement.college))
    page = client.get("/outcomes/new").get_data(as_text=True)
    assert placement.student.full_name in page
    form = client.get(f"/outcomes/new/{placement.student_id}").get_data(as_text=True)
    assert "2025-06-30" in form and placement.enterprise.name in form
    response = client.post(f"/outcomes/new/{placement.student_id}",
                           data={"graduated_on": "2025-06-28", "placement": placement.id})
    assert response.status_code == 302
    outcome = db.session.scalar(select(GraduateOutcome))
    assert (outcome.graduated_on, outcome.host_enterprise_id) == (date(2025, 6, 28),
                                                                  placement.enterprise_id)
    assert placement.student.full_name not in client.get("/outcomes/new").get_data(as_text=True)


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.TERMINATED])
def test_a_draft_or_terminated_placement_is_not_the_host(app, login_as, status):
    host = builders.placement(status=PlacementStatus.COMPLETED)
    student = host.student
    wrong = builders.placement(student, builders.mentor(builders.enterprise(name="Не база ТОО")),
                               status=status)
    coordinator = builders.coordinator(host.college)
    with pytest.raises(RuleViolation, match="действующий или завершённый") as refused:
        services.create_outcome(coordinator, student, graduated_on=GRADUATED, placement=wrong)
    assert refused.value.field == "placement"
    assert db.session.scalar(select(func.count()).select_from(GraduateOutcome)) == 0
    assert services.students_placements(student) == [host]
    form = login_as(coordinator).get(f"/outcomes/new/{student.id}").get_data(as_text=True)
    assert host.enterprise.name in form and "Не база ТОО" not in form


def test_another_colleges_student_cannot_be_recorded(app, login_as):
    stranger = builders.student()
    client = login_as(builders.coordinator())
    assert client.get(f"/outcomes/new/{stranger.id}").status_code == 404
    assert client.post(f"/outcomes/new/{stranger.id}",
                       data={"graduated_on": "2025-06-30", "placement": 0}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(GraduateOutcome)) == 0


# --- the coordinator's outcome ----------------------------------------------------------------


def test_coordinator_records_an_outcome_and_it_is_audited(app):
    outcome, coordinator, _employer = _graduate()
    services.record_outcome(coordinator, outcome, kind=OutcomeKind.EMPLOYED_IN_SPECIALTY,
                            employer_name="ТОО «Энергомонтаж»", position="электромонтёр",
                            outcome_date=date(2025, 8, 1), note="")
    assert outcome.outcome == OutcomeKind.EMPLOYED_IN_SPECIALTY
    event = _audit("outcome_recorded")[0]
    assert event.changes["outcome"] == ["unknown", "in_specialty"]


def test_an_outcome_date_before_graduation_is_refused(app):
    outcome, coordinator, _employer = _graduate()
    with pytest.raises(RuleViolation, match="раньше выпуска") as refusal:
        services.record_outcome(coordinator, outcome, kind=OutcomeKind.EMPLOYED_OUTSIDE,
                                employer_name="Магазин", position="продавец",
                                outcome_date=date(2025, 6, 29), note="")
    assert refusal.value.field == "outcome_date"
    db.session.flush()
    assert (outcome.outcome, outcome.outcome_date, _audit("outcome_recorded")) == (
        OutcomeKind.UNKNOWN, None, [])


def test_an_outcome_date_before_graduation_is_refused_in_the_page(app, login_as):
    outcome, coordinator, _employer = _graduate()
    response = login_as(coordinator).post(f"/outcomes/{outcome.id}/outcome", data={
        "outcome": "in_specialty", "employer_name": "ТОО «Ремонт»", "position": "слесарь",
        "outcome_date": "2025-05-01", "note": ""})
    assert response.status_code == 400
    assert "не может быть раньше выпуска" in response.get_data(as_text=True)
    assert _reload(outcome).outcome == OutcomeKind.UNKNOWN


def test_employment_needs_a_date_and_an_employer(app):
    outcome, coordinator, _employer = _graduate()
    with pytest.raises(RuleViolation, match="дату приёма"):
        services.record_outcome(coordinator, outcome, kind=OutcomeKind.EMPLOYED_IN_SPECIALTY,
                                employer_name="ТОО", position="", outcome_date=None, note="")
    with pytest.raises(RuleViolation, match="работодателя"):
        services.record_outcome(coordinator, outcome, kind=OutcomeKind.EMPLOYED_IN_SPECIALTY,
                                employer_name="", position="", outcome_date=GRADUATED, note="")
    services.record_outcome(coordinator, outcome, kind=OutcomeKind.MILITARY, employer_name="",
                            position="", outcome_date=None, note="призван осенью")
    assert outcome.outcome == OutcomeKind.MILITARY


def test_a_coordinator_of_another_college_is_refused(app, login_as):
    outcome, _coordinator, _employer = _graduate()
    with pytest.raises(RuleViolation):
        services.record_outcome(builders.coordinator(), outcome, kind=OutcomeKind.STUDYING,
                                employer_name="", position="", outcome_date=None, note="")
    client = login_as(builders.coordinator())
    assert client.get(f"/outcomes/{outcome.id}").status_code == 404
    assert client.post(f"/outcomes/{outcome.id}/outcome",
                       data={"outcome": "studying"}).status_code == 404
    assert _reload(outcome).outcome == OutcomeKind.UNKNOWN


# --- the host's offers and hires ----------------------------------------------------------------


def test_the_host_records_an_offer_and_a_hire(app):
    outcome, _coordinator, employer = _graduate()
    services.record_offer(employer, outcome, OfferStatus.MADE, date(2025, 5, 15))
    assert (outcome.offer_status, outcome.offer_date) == (OfferStatus.MADE, date(2025, 5, 15))
    services.record_hire(employer, outcome, position="сварщик 3 разряда",
                         hired_on=date(2025, 7, 1))
    assert outcome.outcome == OutcomeKind.HIRED_BY_HOST
    assert outcome.employer_name == employer.enterprise.name
    assert outcome.offer_status == OfferStatus.ACCEPTED
    assert outcome.offer_date == date(2025, 5, 15)
    assert _audit("offer_recorded") and _audit("hire_recorded")
    with pytest.raises(RuleViolation, match="уже принят"):
        services.record_offer(employer, outcome, OfferStatus.DECLINED, date(2025, 7, 2))


def test_an_offer_needs_a_date(app):
    outcome, _coordinator, employer = _graduate()
    with pytest.raises(RuleViolation, match="дату предложения"):
        services.record_offer(employer, outcome, OfferStatus.MADE, None)
    with pytest.raises(RuleViolation, match="раньше начала практики"):
        services.record_offer(employer, outcome, OfferStatus.MADE, date(2024, 1, 1))


def test_a_hire_before_graduation_is_refused(app, login_as):
    outcome, _coordinator, employer = _graduate()
    with pytest.raises(RuleViolation, match="раньше выпуска"):
        services.record_hire(employer, outcome, position="сварщик", hired_on=date(2025, 6, 1))
    response = login_as(employer).post(f"/outcomes/{outcome.id}/hire", data={
        "position": "сварщик", "hired_on": "2025-06-01"})
    assert response.status_code == 400
    assert "не может быть раньше выпуска" in response.get_data(as_text=True)
    assert _reload(outcome).outcome == OutcomeKind.UNKNOWN


def test_a_hire_on_the_last_day_of_the_calendar_is_refused_not_a_server_error(app, login_as):
    # Found by the fuzz test: 9999-12-31 once answered 500 (its 12-month check overflowed).
    outcome, _coordinator, employer = _graduate()
    response = login_as(employer).post(f"/outcomes/{outcome.id}/hire", data={
        "position": "сварщик", "hired_on": "9999-12-31"})
    assert response.status_code == 400
    assert "допустимы годы с 1900 по 2100" in response.get_data(as_text=True)
    assert _reload(outcome).outcome == OutcomeKind.UNKNOWN


@pytest.mark.parametrize("action", ["offer", "hire", "checks"])
def test_another_enterprises_graduate_is_not_found(app, login_as, action):
    outcome, _coordinator, _employer = _graduate(OutcomeKind.HIRED_BY_HOST,
                                                 hired=date(2025, 7, 1))
    stranger = builders.employer()
    with pytest.raises(RuleViolation, match="базовое предприятие"):
        services.record_hire(stranger, outcome, position="сварщик", hired_on=date(2025, 7, 1))
    client = login_as(stranger)
    assert client.get(f"/outcomes/{outcome.id}").status_code == 404
    response = client.post(f"/outcomes/{outcome.id}/{action}", data={
        "offer_status": "made", "offer_date": "2025-07-01", "position": "сварщик",
        "hired_on": "2025-07-01", "months": "6", "checked_on": "2026-02-01",
        "still_employed": "yes"})
    assert response.status_code == 404
    outcome = _reload(outcome)
    assert (outcome.offer_status, outcome.retention_checks) == (OfferStatus.NONE, [])


def test_employer_may_not_record_the_coordinators_outcome(app, login_as):
    outcome, _coordinator, employer = _graduate()
    response = login_as(employer).post(f"/outcomes/{outcome.id}/outcome",
                                       data={"outcome": "in_specialty"})
    assert response.status_code == 403


def test_employer_records_the_hire_through_the_page(app, login_as):
    outcome, _coordinator, employer = _graduate()
    client = login_as(employer)
    page = client.get(f"/outcomes/{outcome.id}").get_data(as_text=True)
    assert "Записать приём на работу" in page and "Записать исход" not in page
    assert "Предложение о работе будет отмечено как принятое." in page
    response = client.post(f"/outcomes/{outcome.id}/hire",
                           data={"position": "сварщик", "hired_on": "2025-07-01"},
                           follow_redirects=True)
    assert ("Приём на работу записан; предложение о работе отмечено как принятое."
            in response.get_data(as_text=True))
    outcome = _reload(outcome)
    assert (outcome.outcome, outcome.offer_status) == (OutcomeKind.HIRED_BY_HOST,
                                                       OfferStatus.ACCEPTED)


# --- retention checks ---------------------------------------------------------------------------


def test_a_retention_check_is_recorded_and_corrected(app):
    outcome, coordinator, _employer = _graduate(OutcomeKind.HIRED_BY_HOST,
                                                hired=date(2025, 7, 1))
    services.record_retention_check(coordinator, outcome, months=6, checked_on=date(2026, 1, 1),
                                    still_employed=True, note="")
    services.record_retention_check(coordinator, outcome, months=6, checked_on=date(2026, 1, 5),
                                    still_employed=False, note="уволился")
    checks = db.session.scalars(select(RetentionCheck)).all()
    assert [(c.months, c.checked_on, c.still_employed) for c in checks] == [
        (6, date(2026, 1, 5), False)]
    assert len(_audit("retention_checked")) == 2


@pytest.mark.parametrize(("months", "checked_on"), [
    (6, date(2025, 6, 30)),   # before the hire
    (6, date(2025, 12, 31)),  # before hire + 6 months
    (12, date(2026, 6, 30)),  # before hire + 12 months
])
def test_a_retention_check_too_early_is_refused(app, months, checked_on):
    outcome, coordinator, _employer = _graduate(OutcomeKind.HIRED_BY_HOST,
                                                hired=date(2025, 7, 1))
    with pytest.raises(RuleViolation, match="не раньше") as refusal:
        services.record_retention_check(coordinator, outcome, months=months,
                                        checked_on=checked_on, still_employed=True, note="")
    assert refusal.value.field == "checked_on"
    assert db.session.scalar(select(func.count()).select_from(RetentionCheck)) == 0


def test_a_too_early_check_is_refused_in_the_page(app, login_as):
    outcome, coordinator, _employer = _graduate(OutcomeKind.HIRED_BY_HOST,
                                                hired=date(2025, 7, 1))
    response = login_as(coordinator).post(f"/outcomes/{outcome.id}/checks", data={
        "months": "12", "checked_on": "2026-01-10", "still_employed": "yes"})
    assert response.status_code == 400
    assert "не раньше" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RetentionCheck)) == 0


def test_no_check_without_employment(app):
    outcome, coordinator, _employer = _graduate(OutcomeKind.NOT_EMPLOYED)
    with pytest.raises(RuleViolation, match="Сначала запишите трудоустройство"):
        services.record_retention_check(coordinator, outcome, months=6,
                                        checked_on=date(2026, 6, 1), still_employed=True,
                                        note="")


def test_the_host_checks_its_own_hire(app):
    outcome, _coordinator, employer = _graduate(OutcomeKind.HIRED_BY_HOST,
                                                hired=date(2025, 7, 1))
    services.record_retention_check(employer, outcome, months=12, checked_on=date(2026, 7, 1),
                                    still_employed=True, note="")
    assert outcome.retention_checks[0].months == 12


def test_moving_the_hire_date_may_not_strand_a_recorded_check(app):
    outcome, coordinator, _employer = _graduate(OutcomeKind.EMPLOYED_IN_SPECIALTY,
                                                hired=date(2025, 7, 1))
    bo.retention_check(outcome, 6, date(2026, 1, 10))
    with pytest.raises(RuleViolation, match="раньше срока"):
        services.record_outcome(coordinator, outcome, kind=OutcomeKind.EMPLOYED_IN_SPECIALTY,
                                employer_name="ТОО", position="", outcome_date=date(2025, 9, 1),
                                note="")
    with pytest.raises(RuleViolation, match="проверки сохранения"):
        services.record_outcome(coordinator, outcome, kind=OutcomeKind.STUDYING,
                                employer_name="", position="", outcome_date=None, note="")


# --- the due list ---------------------------------------------------------------------------------


def test_the_due_list_shows_hires_past_their_check_date(app, login_as):
    today = date.today()
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)

    def graduate(kind, hired, name):
        student = builders.student(group, full_name=name)
        return bo.outcome(student, kind=kind, graduated_on=hired - timedelta(days=10),
                          outcome_date=hired)

    due6 = graduate(OutcomeKind.HIRED_BY_HOST, today - timedelta(days=200), "Должен Шесть")
    checked = graduate(OutcomeKind.HIRED_BY_HOST, today - timedelta(days=200), "Проверен Уже")
    bo.retention_check(checked, 6, today)
    due12 = graduate(OutcomeKind.EMPLOYED_IN_SPECIALTY, today - timedelta(days=400),
                     "Должен Двенадцать")
    bo.retention_check(due12, 6, today - timedelta(days=200))
    graduate(OutcomeKind.HIRED_BY_HOST, today - timedelta(days=100), "Рано Ещё")
    graduate(OutcomeKind.STUDYING, today - timedelta(days=400), "Учится Дальше")
    bo.outcome(kind=OutcomeKind.HIRED_BY_HOST, outcome_date=today - timedelta(days=200),
               graduated_on=today - timedelta(days=300))  # another college
    client = login_as(coordinator)
    page = client.get("/outcomes/due").get_data(as_text=True)
    assert "Должен Шесть" in page and "Должен Двенадцать" in page
    for absent in ("Проверен Уже", "Рано Ещё", "Учится Дальше"):
        assert absent not in page
    assert "через 12 мес." in page
    index = client.get("/outcomes/").get_data(as_text=True)
    assert '<a href="/outcomes/due">2</a>' in index
    assert due6.id


def test_the_due_list_is_for_coordinators_and_the_host_employer(app, login_as, client):
    # The employer records retention checks too (issue 9: the home page links the list).
    assert login_as(builders.employer()).get("/outcomes/due").status_code == 200
    client.post("/logout")
    assert login_as(builders.mentor()).get("/outcomes/due").status_code == 403


# --- lists, filters, exports, scoping -----------------------------------------------------------


def _ledger_world():
    coordinator = builders.coordinator()
    welding = builders.group(coordinator.college)
    power = builders.group(coordinator.college, builders.specialty(coordinator.college,
                                                                   name="Электроснабжение"))
    host = builders.mentor()
    hired = builders.placement(builders.student(welding, full_name="Айдар Нанят"), host,
                               status=PlacementStatus.COMPLETED, start=date(2024, 9, 2))
    rows = {
        "hired": bo.outcome(placement=hired, kind=OutcomeKind.HIRED_BY_HOST,
                            outcome_date=date(2025, 7, 1), employer_name="=HYPERLINK(1)"),
        "power": bo.outcome(builders.student(power, full_name="Берик Энергетик"),
                            kind=OutcomeKind.EMPLOYED_IN_SPECIALTY,
                            outcome_date=date(2025, 8, 1)),
        "old": bo.outcome(builders.student(welding, full_name="Вера Прошлогодняя"),
                          graduated_on=date(2024, 6, 28), kind=OutcomeKind.STUDYING),
    }
    bo.outcome(builders.student(full_name="Чужой Выпускник"))
    return coordinator, builders.employer(host.enterprise), power.specialty, rows


def test_the_ledger_filters_by_year_specialty_and_outcome(app, login_as):
    coordinator, _employer, power, _rows = _ledger_world()
    client = login_as(coordinator)
    page = client.get("/outcomes/").get_data(as_text=True)
    for name in ("Айдар Нанят", "Берик Энергетик", "Вера Прошлогодняя"):
        assert name in page
    assert "Чужой Выпускник" not in page
    page = client.get("/outcomes/?year=2024").get_data(as_text=True)
    assert "Вера Прошлогодняя" in page and "Айдар Нанят" not in page
    page = client.get(f"/outcomes/?specialty={power.code}").get_data(as_text=True)
    assert "Берик Энергетик" in page and "Айдар Нанят" not in page
    page = client.get("/outcomes/?outcome=hired_by_host").get_data(as_text=True)
    assert "Айдар Нанят" in page and "Берик Энергетик" not in page
    page = client.get("/outcomes/?year=abc&outcome=nonsense&specialty=").get_data(as_text=True)
    assert "Айдар Нанят" in page and "Берик Энергетик" in page
    page = client.get("/outcomes/?specialty=%00x").get_data(as_text=True)
    assert "Айдар Нанят" not in page and "Берик Энергетик" not in page


def test_a_specialty_taught_by_two_colleges_is_one_choice_of_the_filter(app, login_as):
    import re

    first, second = builders.college(), builders.college()
    welders = [builders.specialty(college, code="07150100", name="Сварочное дело")
               for college in (first, second)]
    for n, specialty in enumerate(welders):
        bo.outcome(builders.student(builders.group(specialty.college, specialty),
                                    full_name=f"Сварщик {n}"))
    client = login_as(builders.admin())
    page = client.get("/outcomes/").get_data(as_text=True)
    assert len(re.findall(r'<option value="07150100"', page)) == 1
    page = client.get("/outcomes/?specialty=07150100").get_data(as_text=True)
    assert "Сварщик 0" in page and "Сварщик 1" in page


def test_the_employer_sees_only_its_own_graduates(app, login_as):
    _coordinator, employer, _power, rows = _ledger_world()
    client = login_as(employer)
    page = client.get("/outcomes/").get_data(as_text=True)
    assert "Айдар Нанят" in page
    assert "Берик Энергетик" not in page and "Чужой Выпускник" not in page
    assert client.get(f"/outcomes/{rows['power'].id}").status_code == 404
    csv = client.get("/outcomes/export.csv").get_data(as_text=True)
    assert "Айдар Нанят" in csv and "Берик Энергетик" not in csv


@pytest.mark.parametrize("role", ["mentor", "student"])
def test_mentors_and_students_have_no_ledger(app, login_as, role):
    user = builders.mentor() if role == "mentor" else builders.student()
    client = login_as(user)
    assert client.get("/outcomes/").status_code == 403
    assert client.get("/outcomes/export.csv").status_code == 403


def test_the_ledger_paginates(app, login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    for n in range(27):
        bo.outcome(builders.student(group, full_name=f"Выпускник {n:02d}"))
    client = login_as(coordinator)
    first = client.get("/outcomes/").get_data(as_text=True)
    second = client.get("/outcomes/?page=2").get_data(as_text=True)
    assert "Выпускник 00" in first and "Выпускник 26" not in first
    assert "Выпускник 26" in second and "Страница 2 из 2" in second


def test_exports_carry_the_filters_and_neutralise_formulas(app, login_as):
    coordinator, _employer, _power, _rows = _ledger_world()
    client = login_as(coordinator)
    response = client.get("/outcomes/export.csv?outcome=hired_by_host")
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True)
    assert "Айдар Нанят" in text and "Берик Энергетик" not in text
    assert "'=HYPERLINK(1)" in text
    assert "принят базовым предприятием" in text
    response = client.get("/outcomes/export.xlsx?year=2025")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Айдар Нанят", "Берик Энергетик"]
    assert client.get("/outcomes/export.pdf").status_code == 404


def _count_queries(client, url, query_counter) -> int:
    with query_counter() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/outcomes/", "/outcomes/due", "/outcomes/export.csv",
                                 "/outcomes/new"])
def test_ledger_pages_run_a_fixed_number_of_queries(app, login_as, query_counter, url):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    today = date.today()

    def add(n):
        for _ in range(n):
            placement = builders.placement(builders.student(group))
            outcome = bo.outcome(placement=placement, kind=OutcomeKind.HIRED_BY_HOST,
                                 graduated_on=today - timedelta(days=500),
                                 outcome_date=today - timedelta(days=400))
            bo.retention_check(outcome, 6, today - timedelta(days=100))
            builders.student(group)

    add(2)
    client = login_as(coordinator)
    small = _count_queries(client, url, query_counter)
    add(6)
    db.session.commit()
    assert _count_queries(client, url, query_counter) == small


def test_the_graduates_page_shows_the_history(app, login_as):
    outcome, coordinator, employer = _graduate()
    services.record_offer(employer, outcome, OfferStatus.MADE, date(2025, 6, 1))
    page = login_as(coordinator).get(f"/outcomes/{outcome.id}").get_data(as_text=True)
    assert "записано предложение о работе" in page
    assert "Записать исход" in page and "Записать предложение" not in page


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_hire_form_needs_its_csrf_token(app, client):
    outcome, _coordinator, employer = _graduate()
    db.session.commit()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": employer.email, "password": builders.PASSWORD,
                                "csrf_token": token})
    url = f"/outcomes/{outcome.id}/hire"
    data = {"position": "сварщик", "hired_on": "2025-07-01"}
    assert client.post(url, data=data).status_code == 400
    assert _reload(outcome).outcome == OutcomeKind.UNKNOWN
    token = _token(client.get(f"/outcomes/{outcome.id}").get_data(as_text=True))
    assert client.post(url, data={**data, "csrf_token": token}).status_code == 302
    assert _reload(outcome).outcome == OutcomeKind.HIRED_BY_HOST
