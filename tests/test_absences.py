"""Absences and learning breaks: every rule, the mentor's decision, progress and the diary PDF."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.attendance import services
from app.documents.content import diary_content
from app.extensions import db
from app.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    AuditEvent,
    EntryStatus,
    LearningBreak,
    PlacementStatus,
    Role,
    utcnow,
)
from app.practice.health import Thresholds
from app.practice.queries import progress_board, progress_rows
from app.rules import RuleViolation
from tests import builders
from tests import builders_documents as bd
from tests.conftest import login

TODAY = date(2026, 12, 1)  # the frozen clock's Tuesday


def _placement(**kw):
    kw.setdefault("start", date(2026, 11, 2))
    kw.setdefault("end_date", date(2027, 2, 26))
    return builders.placement(**kw)


def _absence_form(first, last=None, kind="sick", note=""):
    return {"first_day": first.isoformat(), "last_day": last.isoformat() if last else "",
            "kind": kind, "note": note}


def _record(placement, first, last=None, kind=AbsenceKind.SICK, actor=None, horizon=14):
    return services.record_absence(actor or placement.student, placement, first_day=first,
                                   last_day=last or first, kind=kind, note="", today=TODAY,
                                   horizon_days=horizon)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- recording -----------------------------------------------------------------------------

def test_student_records_a_sick_leave_range_pending_and_audited(login_as):
    placement = _placement()
    client = login_as(placement.student)
    response = client.post(f"/placements/{placement.id}/absences",
                           data=_absence_form(date(2026, 11, 23), date(2026, 11, 25),
                                              note="Справка из поликлиники"),
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Пропуск записан" in _text(response)
    absence = db.session.scalar(select(Absence))
    assert (absence.first_day, absence.last_day, absence.kind, absence.status) == (
        date(2026, 11, 23), date(2026, 11, 25), AbsenceKind.SICK, AbsenceStatus.PENDING)
    assert absence.recorded_by_id == placement.student_id
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "absences")) == "absence_recorded"


def test_one_day_absence_when_last_day_is_empty(login_as):
    placement = _placement()
    login_as(placement.student).post(f"/placements/{placement.id}/absences",
                                     data=_absence_form(date(2026, 11, 26), kind="college"))
    absence = db.session.scalar(select(Absence))
    assert absence.first_day == absence.last_day == date(2026, 11, 26)


def test_coordinator_records_for_a_trainee_of_the_college(login_as):
    placement = _placement()
    coordinator = builders.coordinator(placement.college)
    response = login_as(coordinator).post(f"/placements/{placement.id}/absences",
                                          data=_absence_form(date(2026, 11, 20), kind="excused"))
    assert response.status_code == 302
    assert db.session.scalar(select(Absence.recorded_by_id)) == coordinator.id


@pytest.mark.parametrize("first, last, message", [
    (date(2026, 11, 25), date(2026, 11, 24), "Последний день не может быть раньше первого"),
    (date(2026, 10, 30), date(2026, 11, 3), "Даты должны быть в периоде практики"),
    (date(2026, 12, 10), date(2026, 12, 16), "не дальше чем на 14 дн. вперёд"),
])
def test_bad_ranges_are_refused_in_words_and_nothing_is_stored(login_as, first, last, message):
    placement = _placement()
    response = login_as(placement.student).post(f"/placements/{placement.id}/absences",
                                                data=_absence_form(first, last))
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalar(select(Absence)) is None


def test_planned_leave_within_the_horizon_is_accepted(app):
    placement = _placement()
    with app.test_request_context():
        absence = _record(placement, date(2026, 12, 14), date(2026, 12, 15),
                          kind=AbsenceKind.EXCUSED)
    assert absence.id


def test_the_horizon_is_configurable(app):
    placement = _placement()
    with app.test_request_context(), pytest.raises(RuleViolation, match="3 дн"):
        _record(placement, date(2026, 12, 7), horizon=3)


def test_overlapping_absences_are_refused(app):
    placement = _placement()
    with app.test_request_context():
        _record(placement, date(2026, 11, 23), date(2026, 11, 25))
        with pytest.raises(RuleViolation, match="уже записан пропуск"):
            _record(placement, date(2026, 11, 25), date(2026, 11, 27))
        # Another trainee's calendar is their own.
        _record(_placement(), date(2026, 11, 25))


def test_absence_on_a_day_with_approved_hours_is_refused(app):
    placement = _placement()
    builders.entry(placement, date(2026, 11, 24), status=EntryStatus.APPROVED)
    builders.entry(placement, date(2026, 11, 26), status=EntryStatus.SUBMITTED)
    with app.test_request_context():
        with pytest.raises(RuleViolation, match="уже подписал часы"):
            _record(placement, date(2026, 11, 23), date(2026, 11, 25))
        # Hours only waiting for the mentor do not prove presence.
        assert _record(placement, date(2026, 11, 26)).id


def test_absence_inside_a_break_is_refused(app):
    placement = _placement()
    coordinator = builders.coordinator(placement.college)
    with app.test_request_context():
        services.record_break(coordinator, placement, starts_on=date(2026, 11, 16),
                              planned_return_on=date(2026, 11, 23), reason="Семейные")
        with pytest.raises(RuleViolation, match="перерыв в обучении"):
            _record(placement, date(2026, 11, 20))


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.TERMINATED])
def test_no_absences_on_a_draft_or_terminated_placement(app, status):
    placement = _placement(status=status)
    with app.test_request_context(), pytest.raises(RuleViolation, match="действующему"):
        _record(placement, date(2026, 11, 20))


def test_mentor_and_employer_may_not_record(login_as, app):
    placement = _placement()
    response = login_as(placement.mentor).post(f"/placements/{placement.id}/absences",
                                               data=_absence_form(date(2026, 11, 20)))
    assert response.status_code == 422
    assert "Пропуск записывает сам практикант или координатор" in _text(response)
    assert db.session.scalar(select(Absence)) is None


def test_hostile_input_is_refused_without_a_500(login_as):
    placement = _placement()
    client = login_as(placement.student)
    for data in ({"first_day": "not a date", "kind": "sick"},
                 {"first_day": "2026-11-20", "kind": "holidays'--"},
                 {"first_day": "2026-11-20", "kind": "sick", "note": "x" * 2001},
                 {"first_day": "99999-01-01", "kind": "sick"}):
        assert login_as(placement.student).post(
            f"/placements/{placement.id}/absences", data=data).status_code == 422
    assert client and db.session.scalar(select(Absence)) is None


# --- the mentor's decision -----------------------------------------------------------------

def _pending(placement, app, first=date(2026, 11, 23), last=date(2026, 11, 24)):
    with app.test_request_context():
        absence = _record(placement, first, last)
    db.session.commit()
    return absence


def test_mentor_confirms(login_as, app):
    placement = _placement()
    absence = _pending(placement, app)
    response = login_as(placement.mentor).post(f"/absences/{absence.id}/review",
                                               data={f"a{absence.id}-confirm": "y"},
                                               follow_redirects=True)
    assert "Пропуск подтверждён" in _text(response)
    db.session.expire_all()
    stored = db.session.get(Absence, absence.id)
    assert (stored.status, stored.reviewed_by_id) == (AbsenceStatus.CONFIRMED, placement.mentor_id)


def test_dispute_needs_a_comment(login_as, app):
    placement = _placement()
    absence = _pending(placement, app)
    client = login_as(placement.mentor)
    response = client.post(f"/absences/{absence.id}/review",
                           data={f"a{absence.id}-dispute": "y"}, follow_redirects=True)
    assert "почему вы оспариваете" in _text(response)
    client.post(f"/absences/{absence.id}/review",
                data={f"a{absence.id}-dispute": "y", f"a{absence.id}-comment": "Был на смене"})
    db.session.expire_all()
    stored = db.session.get(Absence, absence.id)
    assert (stored.status, stored.review_comment) == (AbsenceStatus.DISPUTED, "Был на смене")


def test_a_too_long_comment_is_refused_in_words(login_as, app):
    placement = _placement()
    absence = _pending(placement, app)
    response = login_as(placement.mentor).post(
        f"/absences/{absence.id}/review",
        data={f"a{absence.id}-dispute": "y", f"a{absence.id}-comment": "я" * 2001},
        follow_redirects=True)
    assert "Не длиннее 2000 символов." in _text(response)
    db.session.expire_all()
    assert db.session.get(Absence, absence.id).status == AbsenceStatus.PENDING


def test_a_decision_is_taken_once(app):
    placement = _placement()
    absence = _pending(placement, app)
    with app.test_request_context():
        services.review_absence(placement.mentor, absence, confirm=True, comment="", now=utcnow())
        with pytest.raises(RuleViolation, match="уже принято"):
            services.review_absence(placement.mentor, absence, confirm=False, comment="нет",
                                    now=utcnow())


def test_another_mentor_gets_404_and_a_student_403(login_as, app):
    placement = _placement()
    absence = _pending(placement, app)
    other = builders.mentor()
    assert login_as(other).post(f"/absences/{absence.id}/review",
                                data={f"a{absence.id}-confirm": "y"}).status_code == 404
    student = app.test_client()
    login(student, placement.student)
    assert student.post(f"/absences/{absence.id}/review",
                        data={f"a{absence.id}-confirm": "y"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Absence, absence.id).status == AbsenceStatus.PENDING


def test_the_recorder_withdraws_while_pending(login_as, app):
    placement = _placement()
    absence = _pending(placement, app)
    login_as(placement.student).post(f"/absences/{absence.id}/withdraw")
    assert db.session.scalar(select(Absence)) is None


# --- breaks ----------------------------------------------------------------------------------

def test_coordinator_records_a_break(login_as):
    placement = _placement()
    response = login_as(builders.coordinator(placement.college)).post(
        f"/placements/{placement.id}/breaks",
        data={"starts_on": "2026-12-01", "planned_return_on": "2027-01-11",
              "reason": "Академический отпуск по болезни"}, follow_redirects=True)
    assert "Перерыв в обучении оформлен" in _text(response)
    pause = db.session.scalar(select(LearningBreak))
    assert (pause.starts_on, pause.planned_return_on) == (date(2026, 12, 1), date(2027, 1, 11))


@pytest.mark.parametrize("data, message", [
    ({"starts_on": "2026-12-10", "planned_return_on": "2026-12-01", "reason": "x"},
     "Дата возвращения должна быть позже начала перерыва"),
    ({"starts_on": "2026-12-10", "planned_return_on": "2026-12-10", "reason": "x"},
     "Дата возвращения должна быть позже начала перерыва"),
    ({"starts_on": "2026-10-01", "planned_return_on": "2026-12-01", "reason": "x"},
     "Перерыв начинается в периоде практики"),
    ({"starts_on": "2026-12-10", "planned_return_on": "2026-12-20", "reason": ""},
     "Укажите причину перерыва"),
])
def test_bad_breaks_are_refused(login_as, data, message):
    placement = _placement()
    response = login_as(builders.coordinator(placement.college)).post(
        f"/placements/{placement.id}/breaks", data=data)
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalar(select(LearningBreak)) is None


def test_overlapping_breaks_are_refused(app):
    placement = _placement()
    coordinator = builders.coordinator(placement.college)
    with app.test_request_context():
        services.record_break(coordinator, placement, starts_on=date(2026, 12, 1),
                              planned_return_on=date(2026, 12, 14), reason="a")
        with pytest.raises(RuleViolation, match="пересекается"):
            services.record_break(coordinator, placement, starts_on=date(2026, 12, 10),
                                  planned_return_on=date(2026, 12, 20), reason="b")


def test_only_the_coordinator_records_a_break(login_as):
    placement = _placement()
    response = login_as(placement.student).post(
        f"/placements/{placement.id}/breaks",
        data={"starts_on": "2026-12-01", "planned_return_on": "2026-12-10", "reason": "x"})
    assert response.status_code == 403


# --- progress and forecast -----------------------------------------------------------------

def _progress(placement):
    rows = progress_rows(None, TODAY, Thresholds(), tuple(PlacementStatus),
                         placement_id=placement.id)
    return rows[0]


def _confirmed(placement, first, last, kind=AbsenceKind.SICK):
    db.session.add(Absence(placement_id=placement.id, first_day=first, last_day=last, kind=kind,
                           status=AbsenceStatus.CONFIRMED))
    db.session.flush()


def test_a_confirmed_absence_lowers_the_expected_pace_and_shifts_the_forecast(app):
    placement = _placement()
    for day in (date(2026, 11, 2) + timedelta(days=i) for i in range(28)):
        if day.weekday() < 5:
            builders.entry(placement, day, hours=6, status=EntryStatus.APPROVED)
    with app.test_request_context():
        before = _progress(placement)
        assert before.elapsed_days == 21  # 2–30 November, Monday to Friday
        forecast = before.forecast_end
        # A confirmed sick week in the past: fewer days expected so far, less expected hours.
        _confirmed(placement, date(2026, 11, 16), date(2026, 11, 20))
        past = _progress(placement)
        assert past.elapsed_days == 16
        assert past.expected_hours < before.expected_hours
        # Planned leave ahead (confirmed): the forecast moves by its working days.
        db.session.query(Absence).delete()
        _confirmed(placement, date(2026, 12, 7), date(2026, 12, 11), AbsenceKind.EXCUSED)
        ahead = _progress(placement)
        assert ahead.elapsed_days == 21
        assert ahead.forecast_end > forecast
        assert (ahead.forecast_end - forecast).days >= 5


@pytest.mark.parametrize("status, kind", [
    (AbsenceStatus.PENDING, AbsenceKind.SICK),
    (AbsenceStatus.DISPUTED, AbsenceKind.SICK),
    (AbsenceStatus.CONFIRMED, AbsenceKind.UNEXCUSED),
])
def test_pending_disputed_and_unexcused_absences_do_not_excuse(app, status, kind):
    placement = _placement()
    db.session.add(Absence(placement_id=placement.id, first_day=date(2026, 11, 16),
                           last_day=date(2026, 11, 20), kind=kind, status=status))
    with app.test_request_context():
        assert _progress(placement).elapsed_days == 21


def test_a_break_counts_until_the_planned_return(app):
    placement = _placement()
    db.session.add(LearningBreak(placement_id=placement.id, starts_on=date(2026, 11, 23),
                                 planned_return_on=date(2026, 11, 30), reason="x"))
    with app.test_request_context():
        assert _progress(placement).elapsed_days == 16


def test_independence_day_is_not_a_working_day(app):
    placement = _placement(start=date(2026, 12, 14), end_date=date(2026, 12, 18))
    with app.test_request_context():
        assert _progress(placement).total_days == 4  # 16 December is a public holiday


def test_progress_board_runs_the_same_queries_with_more_absences(app, query_counter):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    placement = _placement(student_=builders.student(group))
    _confirmed(placement, date(2026, 11, 16), date(2026, 11, 16))

    def count():
        db.session.expire_all()
        with app.test_request_context(), query_counter() as counter:
            progress_board(coordinator, TODAY, Thresholds(), (PlacementStatus.ACTIVE,))
        return counter.count

    small = count()
    for _i in range(6):
        other = _placement(student_=builders.student(group))
        _confirmed(other, date(2026, 11, 16), date(2026, 11, 17))
        db.session.add(LearningBreak(placement_id=other.id, starts_on=date(2026, 11, 23),
                                     planned_return_on=date(2026, 11, 25), reason="x"))
    db.session.flush()
    assert count() == small


# --- the diary and its PDF -------------------------------------------------------------------

def test_the_diary_week_shows_the_absence_in_its_row(login_as, app):
    placement = _placement()
    _confirmed(placement, date(2026, 11, 24), date(2026, 11, 24))
    page = _text(login_as(placement.student).get(f"/diary/{placement.id}?week=2026-W48"))
    assert "пропуск: болезнь (подтверждён)" in page


def test_the_diary_pdf_prints_absences_in_their_rows(login_as):
    placement = bd.kazakh_placement(required_hours=120)
    bd.approved_entries(placement, 2, hours=6)
    bd.approved_entries(placement, 1, hours=6, start=date(2026, 1, 26))
    _confirmed(placement, date(2026, 1, 20), date(2026, 1, 21))
    data = login_as(placement.student).get(f"/documents/diary/{placement.id}.pdf").data
    text = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(data)))
    # The range takes two lines of the date column, the row one line of the table.
    row = text[text.find("20.01.2026"):][:80]
    assert "21.01.2026" in row and "Пропуск: болезнь (подтверждён)" in row, row
    # In date order among the entries: after 13 January, before 26 January.
    assert text.find("13.01.2026") < text.find("Пропуск:") < text.find("26.01.2026")


def test_a_diary_without_absences_keeps_its_content(app):
    placement = _placement()
    with app.test_request_context():
        assert "absences" not in diary_content(placement, [])
        _confirmed(placement, date(2026, 11, 24), date(2026, 11, 24))
        assert diary_content(placement, [])["absences"] == [
            {"first_day": "2026-11-24", "last_day": "2026-11-24", "kind": "sick",
             "status": "confirmed"}]


# --- who sees what -----------------------------------------------------------------------------

@pytest.mark.parametrize("role, own, expected", [
    (Role.STUDENT, True, 200), (Role.STUDENT, False, 404),
    (Role.MENTOR, True, 200), (Role.MENTOR, False, 404),
    (Role.COORDINATOR, True, 200), (Role.COORDINATOR, False, 404),
    (Role.EMPLOYER, True, 200), (Role.EMPLOYER, False, 404),
    (Role.ADMIN, True, 200),
])
def test_calendar_page_scoping(login_as, role, own, expected):
    placement = _placement()
    other = _placement()
    target = placement if own else other
    user = {
        Role.STUDENT: lambda: placement.student,
        Role.MENTOR: lambda: placement.mentor,
        Role.COORDINATOR: lambda: builders.coordinator(placement.college),
        Role.EMPLOYER: lambda: builders.employer(placement.mentor.enterprise),
        Role.ADMIN: builders.admin,
    }[role]()
    client = login_as(user)
    assert client.get(f"/placements/{target.id}/calendar").status_code == expected


def test_absence_list_is_scoped(login_as, app):
    mine, theirs = _placement(), _placement()
    with app.test_request_context():
        _record(mine, date(2026, 11, 20))
        _record(theirs, date(2026, 11, 23))
    page = _text(login_as(mine.mentor).get("/absences"))
    assert mine.student.full_name in page
    assert theirs.student.full_name not in page
