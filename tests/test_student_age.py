"""A trainee's age read from the IIN: an implausible one is confirmed by the coordinator, not
taken silently; what the diary could never accept is refused even when confirmed."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from tests.builders_people import desk, iin

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
