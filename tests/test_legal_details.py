"""The parties' legal details (head, authority, address, bank) and the trainee's compensation:
edited on the college's and enterprise's forms by whoever may edit them, checked, and printed in
the agreement."""

import pytest

from app.extensions import db
from app.models import College, Enterprise
from app.organisations import legal
from app.rules import RuleViolation
from tests import builders

DETAILS = {"head_name": "Серікбаев Нұрлан Асқарұлы", "head_position": "генеральный директор",
           "authority_basis": "Устава", "legal_address": "Өскемен, Тәуелсіздік д-лы, 12",
           "iban": "kz86 125k zt50 0410 0100", "bik": "hsbk kzkx",
           "bank_name": "АО «Народный банк Казахстана»"}


def _enterprise_data(enterprise: Enterprise, **overrides) -> dict:
    return {"name": enterprise.name, "city": enterprise.city, "industry": enterprise.industry,
            "intake_capacity": str(enterprise.intake_capacity), "contact_name": "",
            "contact_phone": "", "contact_email": "", **DETAILS,
            "trainee_compensation": "85 000 тг в месяц", **overrides}


def test_employer_fills_in_the_legal_details_and_the_agreement_prints_them(login_as):
    employer = builders.employer()
    enterprise = employer.enterprise
    client = login_as(employer)
    page = client.get(f"/enterprises/{enterprise.id}/edit").get_data(as_text=True)
    assert "Юридический адрес" in page and "ИИК (IBAN)" in page
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=_enterprise_data(enterprise))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.expire_all()
    saved = db.session.get(Enterprise, enterprise.id)
    assert saved.iban == "KZ86125KZT5004100100" and saved.bik == "HSBKKZKX"
    assert saved.head_name == DETAILS["head_name"] and saved.authority_basis == "Устава"
    assert saved.trainee_compensation == "85 000 тг в месяц"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("iban", "KZ87125KZT5004100100", "не сходятся контрольные цифры"),
    ("iban", "RU0204452560040702810412345678901", "KZ и ещё 18"),
    ("bik", "12345", "БИК — 8 латинских букв"),
    ("legal_address", "А" * 401, "400"),
])
def test_bad_details_are_refused_with_a_clear_message_and_nothing_saved(login_as, field, value,
                                                                        message):
    employer = builders.employer()
    enterprise = employer.enterprise
    client = login_as(employer)
    response = client.post(f"/enterprises/{enterprise.id}/edit",
                           data=_enterprise_data(enterprise, **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).head_name == ""


def test_admin_fills_in_the_colleges_details(login_as):
    college = builders.college()
    client = login_as(builders.admin())
    response = client.post(f"/colleges/{college.id}/edit", data={
        "name": college.name, "city": college.city, "bin": college.bin, **DETAILS})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.expire_all()
    saved = db.session.get(College, college.id)
    assert saved.head_position == "генеральный директор" and saved.iban.startswith("KZ86")


def test_another_enterprises_employer_cannot_edit_its_details(login_as):
    theirs = builders.enterprise()
    client = login_as(builders.employer())
    response = client.post(f"/enterprises/{theirs.id}/edit", data=_enterprise_data(theirs))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Enterprise, theirs.id).head_name == ""


def test_checks_normalise_and_refuse():
    assert legal.iban(" kz86 125K-ZT50 0410 0100 ") == "KZ86125KZT5004100100"
    assert legal.iban("") == "" and legal.bik("") == ""
    with pytest.raises(RuleViolation):
        legal.iban("KZ00125KZT5004100100")


def test_the_demo_worlds_parties_have_details_that_pass_the_forms_checks(app):
    from app.demo import load_world

    load_world("small", 2025)
    db.session.commit()
    parties = [*db.session.scalars(db.select(College)), *db.session.scalars(db.select(Enterprise))]
    assert parties
    for party in parties:
        assert party.head_name and party.head_position and party.legal_address, party.name
        assert legal.iban(party.iban) == party.iban
        assert legal.bik(party.bik) == party.bik
    assert all(e.trainee_compensation for e in db.session.scalars(db.select(Enterprise)))
