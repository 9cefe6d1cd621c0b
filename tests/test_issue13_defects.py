"""The small defects of issue 13 that were still present: an implausible age from the IIN is
confirmed, not taken silently; the placement form ties workshops to the chosen mentor's
enterprise; the funnel says why a stage counts more people than the one before."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.dashboard.figures import funnel, funnel_notes
from app.extensions import db
from app.models import Partnership, Role, User
from tests import builders
from tests.builders_people import desk, iin
from tests.builders_placements import world

CONFIRM = "Если это верно, отметьте «Возраст подтверждаю»"


def _student_form(group, **overrides) -> dict:
    return {"full_name": "Ахметов Нурлан", "iin": iin(), "group_id": str(group.id),
            "phone": "", "email": "", "guardian_name": "", "guardian_phone": "", **overrides}


def _students() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).where(User.role == Role.STUDENT)))


def test_an_implausible_age_from_the_iin_is_asked_to_be_confirmed(login_as):
    d = desk()
    client = login_as(d.coordinator)
    number = iin(date(1950, 5, 1))
    assert "Возраст подтверждаю" not in client.get("/students/new").get_data(as_text=True)
    asked = client.post("/students/new", data=_student_form(d.group, iin=number))
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and CONFIRM in page
    assert "родился 01.05.1950" in page and 'name="age_confirmed"' in page
    assert _students() == []
    confirmed = client.post("/students/new", data=_student_form(d.group, iin=number,
                                                                 age_confirmed="y"))
    assert confirmed.status_code == 302
    student = _students()[0]
    assert student.student_profile.birth_date == date(1950, 5, 1)
    # A later edit that keeps the birth date does not ask again.
    edit = client.post(f"/students/{student.id}/edit",
                       data=_student_form(d.group, iin=number, full_name="Ахметов Н."))
    assert edit.status_code == 302


@pytest.mark.parametrize(("born", "words"), [
    (date(1806, 5, 1), "проверьте седьмую цифру ИИН"),
    (date(date.today().year - 12, 1, 1), "практику проходят не младше"),
])
def test_what_the_diary_could_never_accept_is_refused_even_if_confirmed(login_as, born, words):
    d = desk()
    page = login_as(d.coordinator).post("/students/new", data=_student_form(
        d.group, iin=iin(born), age_confirmed="y")).get_data(as_text=True)
    assert words in page and _students() == []


def test_the_placement_form_ties_each_workshop_to_its_enterprise(login_as):
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


COUNTS = {"placed": 20, "completed": 15, "recommended": 10, "offered": 11, "hired": 6,
          "retained": 2}


def test_the_funnel_explains_a_stage_wider_than_the_one_before(app):
    with app.test_request_context():
        notes = funnel_notes(COUNTS)
        assert notes == ["«Получили предложение» — 11, больше, чем «Рекомендованы к найму» — 10: "
                         "предприятие может предложить работу и без рекомендации наставника."]
        assert funnel(COUNTS).notes == notes
        narrowing = {**COUNTS, "offered": 9}
        assert funnel_notes(narrowing) == []
