"""The work-experience statement: a graduate's verified dual-training periods, as PDF."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EntryStatus, IssuedDocument, PlacementStatus
from tests import builders
from tests import builders_documents as bd


def _text(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(data)))


def _graduate():
    """A student with a completed and a terminated agreement, an active one, and approved hours."""
    student = builders.student(full_name=bd.KAZAKH_STUDENT)
    student.student_profile.graduation_year = 2026
    first = builders.placement(student, builders.mentor(builders.enterprise(
        name=bd.KAZAKH_ENTERPRISE)), status=PlacementStatus.COMPLETED, start=date(2025, 9, 1),
        end_date=date(2025, 12, 26), completed_on=date(2025, 12, 19), agreement_number="Д-1/2025")
    bd.approved_entries(first, 3, hours=6)
    builders.entry(first, date(2025, 10, 1), hours=8, status=EntryStatus.SUBMITTED)
    second = builders.placement(student, status=PlacementStatus.TERMINATED,
                                start=date(2026, 1, 12), end_date=date(2026, 5, 29),
                                terminated_on=date(2026, 3, 6), agreement_number="Д-2/2026",
                                termination_reason="переезд")
    bd.approved_entries(second, 2, hours=7.5)
    active = builders.placement(student, start=date(2026, 9, 1), agreement_number="Д-3/2026")
    return student, first, second, active


def test_statement_lists_concluded_periods_with_approved_hours_in_russian(login_as):
    student, first, second, active = _graduate()
    response = login_as(student).get(f"/documents/work-experience/{student.id}.pdf?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "Справка о стаже дуального обучения" in text
    assert bd.KAZAKH_STUDENT in text and student.student_profile.iin in text
    assert bd.KAZAKH_ENTERPRISE in text and "Д-1/2025" in text and "Д-2/2026" in text
    assert "Д-3/2026" not in text  # an agreement still in force is not yet a verified period
    assert "01.09.2025" in text and "19.12.2025" in text  # ends when it was completed
    assert "26.12.2025" not in text
    assert "12.01.2026" in text and "06.03.2026" in text and "расторгнут" in text
    assert "Электрогазосварщик" in text and "(обучающийся по" in text  # the position
    assert "Итого 33" in text  # 18 + 15 approved hours; the submitted 8 h are not counted
    assert "засчитывается в трудовой стаж" in text


def test_statement_in_kazakh_and_verification(login_as, client):
    student, *_ = _graduate()
    data = login_as(student).get(f"/documents/work-experience/{student.id}.pdf?lang=kk").data
    text = _text(data)
    assert "Дуальды оқыту өтілі туралы анықтама" in text
    assert "еңбек өтіліне есептеледі" in text and "Барлығы 33" in text
    assert set("әғқөұүі") <= set(text.lower())
    issued = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "work_experience", IssuedDocument.object_id == student.id))
    assert issued.locale == "kk" and issued.summary["hours"] == 33
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Действителен" in page and "Справка о стаже дуального обучения" in page
    assert student.student_profile.iin not in page  # masked on the public page
    assert re.search(r"Подтверждено часов</dt><dd>33", page)
    # A newly approved hour makes the printed copy out of date.
    placement = _[0]
    builders.entry(placement, date(2025, 11, 3), status=EntryStatus.APPROVED)
    db.session.commit()
    assert "Неактуален" in client.get(f"/verify/{issued.code}").get_data(as_text=True)


def test_the_same_records_keep_the_same_code(login_as):
    student, *_ = _graduate()
    client = login_as(student)
    client.get(f"/documents/work-experience/{student.id}.pdf?lang=ru")
    client.get(f"/documents/work-experience/{student.id}.pdf?lang=ru")
    assert len(db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.kind == "work_experience")).all()) == 1


def test_no_verified_period_no_statement(login_as):
    placement = builders.placement()  # active only
    client = login_as(placement.student)
    assert client.get(f"/documents/work-experience/{placement.student_id}.pdf").status_code == 404
    assert "Справка о стаже" not in client.get("/documents").get_data(as_text=True)


@pytest.mark.parametrize("role,status", [
    ("student", 200), ("coordinator", 200), ("admin", 200), ("other_student", 404),
    ("other_coordinator", 404), ("mentor", 403), ("employer", 403),
])
def test_statement_scoping(login_as, role, status):
    student, first, *_ = _graduate()
    user = {"student": lambda: student,
            "coordinator": lambda: builders.coordinator(student.college),
            "admin": lambda: builders.admin(),
            "other_student": lambda: builders.student(),
            "other_coordinator": lambda: builders.coordinator(),
            "mentor": lambda: first.mentor,
            "employer": lambda: builders.employer(first.enterprise)}[role]()
    response = login_as(user).get(f"/documents/work-experience/{student.id}.pdf")
    assert response.status_code == status


def test_not_a_student_is_not_found(login_as):
    coordinator = builders.coordinator()
    client = login_as(builders.admin())
    assert client.get(f"/documents/work-experience/{coordinator.id}.pdf").status_code == 404
    assert client.get("/documents/work-experience/99999999.pdf").status_code == 404


def test_links_for_the_student_and_the_coordinator(login_as):
    student, *_ = _graduate()
    page = login_as(student).get("/documents").get_data(as_text=True)
    assert f"/documents/work-experience/{student.id}.pdf?lang=kk" in page
    login_as(student).post("/logout")
    page = login_as(builders.coordinator(student.college)).get(
        f"/students/{student.id}").get_data(as_text=True)
    assert f"/documents/work-experience/{student.id}.pdf" in page


def test_a_later_period_in_the_past_is_ordered_by_date(app):
    from app.training.documents import work_experience_content

    student, first, second, _active = _graduate()
    content = work_experience_content(student.id)
    assert [p["placement_id"] for p in content["periods"]] == [first.id, second.id]
    assert content["periods"][0]["approved_minutes"] == 18 * 60
    assert content["total_minutes"] == 33 * 60
    assert timedelta(0) < date.fromisoformat(content["periods"][1]["end"]) - date(2026, 1, 12)
