"""Names in both languages: the Kazakh name beside the Russian one, shown to Kazakh readers and
printed in Kazakh documents, the legal form in the reader's language, saved from the forms,
found by search, and refused in words when it is bad."""

import io
import re
from datetime import date

import pytest
from flask_babel import force_locale

from app.domain.identifiers import make_bin
from app.extensions import db
from app.models import College, Competency, Department, Enterprise, Specialty
from app.naming import LEGAL_FORMS, content_names, legal_form_in, local_name
from tests import builders
from tests import builders_documents as bd


def _text(response) -> str:
    return response.get_data(as_text=True)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("locale", "name", "name_kk", "shown"), [
    ("kk", "ТОО «Шығыс Металл»", "«Шығыс Металл» ЖШС", "«Шығыс Металл» ЖШС"),
    ("kk", "ТОО «Шығыс Металл»", "", "ЖШС «Шығыс Металл»"),  # falls back, the form in Kazakh
    ("kk", "АО «Ертіс»", "", "АҚ «Ертіс»"),
    ("ru", "ТОО «Шығыс Металл»", "«Шығыс Металл» ЖШС", "ТОО «Шығыс Металл»"),
    ("ru", "ЖШС «Үлбі»", "", "ТОО «Үлбі»"),
    ("en", "ТОО «Шығыс Металл»", "«Шығыс Металл» ЖШС", "LLP «Шығыс Металл»"),
    ("en", "АО «Ертіс»", "", "JSC «Ертіс»"),
    ("kk", "ГКП на ПХВ «Городская больница»", "", "ШЖҚ МКК «Городская больница»"),
    ("en", "ГКП на ПХВ «Городская больница»", "", "ГКП на ПХВ «Городская больница»"),
    # Only a form at the head, as a word of its own, is a legal form.
    ("kk", "ТООбщество «Х»", "", "ТООбщество «Х»"),
    ("kk", "Завод АО", "", "Завод АО"),
    ("kk", "Сварочное дело", "", "Сварочное дело"),
])
def test_the_name_a_reader_sees(app, locale, name, name_kk, shown):
    assert local_name(name, name_kk, locale) == shown
    with app.test_request_context(), force_locale(locale):
        assert local_name(name, name_kk) == shown


def test_every_legal_form_is_spelled_in_kazakh_and_the_stored_name_stays(app):
    assert all(form["ru"] and form["kk"] for form in LEGAL_FORMS)
    assert legal_form_in("ИП Ахметов", "kk") == "ЖК Ахметов"
    enterprise = builders.enterprise(name="ТОО «Восток»")
    with app.test_request_context(), force_locale("kk"):
        assert enterprise.local_name == "ЖШС «Восток»" and str(enterprise) == "ЖШС «Восток»"
    assert enterprise.name == "ТОО «Восток»"


def test_document_content_holds_the_kazakh_name_only_when_there_is_one():
    assert content_names("enterprise", "ТОО «А»") == {"enterprise": "ТОО «А»"}
    assert content_names("specialty", "Сварка", "Дәнекерлеу", "0715") == {
        "specialty": "0715 Сварка", "specialty_kk": "0715 Дәнекерлеу"}


def _kazakh_names(placement):
    placement.enterprise.name_kk = "«Шығыс Металл» ЖШС"
    placement.college.name_kk = "Өскемен құрылыс колледжі"
    specialty = placement.student.student_profile.group.specialty
    specialty.name_kk = "Дәнекерлеу ісі"
    db.session.flush()
    return specialty


def test_kazakh_pages_show_the_kazakh_names_russian_pages_the_russian(login_as):
    placement = builders.placement()
    placement.enterprise.name = "ТОО «Восточный металл»"
    _kazakh_names(placement)
    client = login_as(placement.student)
    client.post("/language", data={"language": "kk"})
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "«Шығыс Металл» ЖШС" in page and "Өскемен құрылыс колледжі" in page
    assert "Восточный металл" not in page
    client.post("/language", data={"language": "en"})
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "LLP «Восточный металл»" in page and "Шығыс Металл" not in page
    client.post("/language", data={"language": "ru"})
    page = _text(client.get(f"/placements/{placement.id}"))
    assert "ТОО «Восточный металл»" in page and "ЖШС" not in page


def test_a_kazakh_document_prints_the_kazakh_names_and_the_russian_one_the_russian(login_as):
    placement = bd.kazakh_placement()
    placement.enterprise.name = "ТОО «Восточный металл»"
    placement.college.name = "Усть-Каменогорский строительный колледж"
    _kazakh_names(placement)
    bd.approved_entries(placement, 1)
    client = login_as(placement.student)
    kazakh = _squash("\n".join(bd.pdf_pages(
        client.get(f"/documents/diary/{placement.id}.pdf?lang=kk").data)))
    assert "«Шығыс Металл» ЖШС" in kazakh and "Өскемен құрылыс колледжі" in kazakh
    assert "Дәнекерлеу ісі" in kazakh and "Восточный металл" not in kazakh
    russian = _squash("\n".join(bd.pdf_pages(
        client.get(f"/documents/diary/{placement.id}.pdf?lang=ru").data)))
    assert "ТОО «Восточный металл»" in russian and "Шығыс Металл" not in russian


def test_a_kazakh_document_without_a_kazakh_name_prints_the_legal_form_in_kazakh(login_as):
    placement = bd.kazakh_placement()
    placement.enterprise.name = "ТОО «Восточный металл»"
    placement.enterprise.name_kk = ""
    bd.approved_entries(placement, 1)
    text = _squash("\n".join(bd.pdf_pages(login_as(placement.student).get(
        f"/documents/diary/{placement.id}.pdf?lang=kk").data)))
    assert "ЖШС «Восточный металл»" in text and "ТОО" not in text


def test_admin_saves_a_colleges_kazakh_name(login_as):
    college = builders.college()
    client = login_as(builders.admin())
    form = _text(client.get(f"/colleges/{college.id}/edit"))
    assert "Название на казахском" in form
    response = client.post(f"/colleges/{college.id}/edit", data={
        "name": college.name, "name_kk": "  Өскемен колледжі ", "city": college.city,
        "bin": college.bin})
    assert response.status_code == 302, _text(response)[:400]
    db.session.expire_all()
    assert db.session.get(College, college.id).name_kk == "Өскемен колледжі"


def test_employer_saves_the_enterprises_kazakh_name_and_a_workshops(login_as):
    employer = builders.employer()
    enterprise = employer.enterprise
    client = login_as(employer)
    response = client.post(f"/enterprises/{enterprise.id}/edit", data={
        "name": enterprise.name, "name_kk": "«Завод» ЖШС", "city": enterprise.city,
        "industry": enterprise.industry, "intake_capacity": "5"})
    assert response.status_code == 302, _text(response)[:400]
    response = client.post(f"/enterprises/{enterprise.id}/departments",
                           data={"name": "Сварочный цех", "name_kk": "Дәнекерлеу цехы"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).name_kk == "«Завод» ЖШС"
    department = db.session.scalar(db.select(Department).filter_by(enterprise_id=enterprise.id))
    assert (department.name, department.name_kk) == ("Сварочный цех", "Дәнекерлеу цехы")
    response = client.post(
        f"/enterprises/{enterprise.id}/departments/{department.id}/edit",
        data={"name": "Сварочный цех", "name_kk": "Дәнекерлеу цехы №1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Department, department.id).name_kk == "Дәнекерлеу цехы №1"
    other = builders.enterprise()
    theirs = Department(enterprise_id=other.id, name="Чужой цех")
    db.session.add(theirs)
    db.session.commit()
    assert client.get(
        f"/enterprises/{other.id}/departments/{theirs.id}/edit").status_code == 404
    assert client.get(
        f"/enterprises/{enterprise.id}/departments/{theirs.id}/edit").status_code == 404


def test_coordinator_saves_a_specialty_and_its_competencies_in_kazakh(login_as):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    response = client.post("/specialties/new", data={
        "code": "07150100", "name": "Сварочное дело", "name_kk": "Дәнекерлеу ісі",
        "qualification": "Электрогазосварщик",
        "competencies": "ПМ 01 — Ручная дуговая сварка\nПМ 02 — Газовая резка",
        "competencies_kk": "ПМ 01 — Қолмен доғалық дәнекерлеу"})
    assert response.status_code == 302, _text(response)[:600]
    specialty = db.session.scalar(db.select(Specialty).filter_by(code="07150100"))
    assert specialty.name_kk == "Дәнекерлеу ісі"
    names = {c.code: c.name_kk for c in db.session.scalars(
        db.select(Competency).filter_by(specialty_id=specialty.id))}
    assert names == {"ПМ 01": "Қолмен доғалық дәнекерлеу", "ПМ 02": ""}
    form = _text(client.get(f"/specialties/{specialty.id}/edit"))
    assert "ПМ 01 — Қолмен доғалық дәнекерлеу" in form
    client.post("/language", data={"language": "kk"})
    page = _text(client.get(f"/specialties/{specialty.id}"))
    assert "Дәнекерлеу ісі" in page and "Қолмен доғалық дәнекерлеу" in page
    assert "Газовая резка" in page  # no Kazakh name: the Russian one


def test_a_kazakh_competency_line_with_an_unknown_code_is_refused(login_as):
    client = login_as(builders.coordinator())
    response = client.post("/specialties/new", data={
        "code": "07150100", "name": "Сварочное дело", "qualification": "Электрогазосварщик",
        "competencies": "ПМ 01 — Ручная дуговая сварка",
        "competencies_kk": "ПМ 09 — Белгісіз"})
    assert response.status_code == 200
    assert "Нет компетенции с кодом ПМ 09" in _text(response)
    assert db.session.scalar(db.select(Specialty).filter_by(code="07150100")) is None


@pytest.mark.parametrize(("value", "message"), [
    ("Ә" * 201, "200"),
    ("«Завод»\x00 ЖШС", "управляющие символы"),
    ("«Завод»\u202e ЖШС", "смены направления"),
])
def test_a_bad_kazakh_name_is_refused_in_words_and_nothing_saved(login_as, value, message):
    employer = builders.employer()
    enterprise = employer.enterprise
    client = login_as(employer)
    response = client.post(f"/enterprises/{enterprise.id}/edit", data={
        "name": enterprise.name, "name_kk": value, "city": enterprise.city,
        "industry": enterprise.industry, "intake_capacity": "5"})
    assert response.status_code == 200
    assert message in _text(response)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).name_kk == ""


def test_the_service_refuses_a_too_long_kazakh_name_too(app):
    from app.organisations import services
    from app.rules import RuleViolation

    with pytest.raises(RuleViolation) as refusal:
        services.add_department(builders.admin(), builders.enterprise(), "Цех", "Ә" * 201)
    assert refusal.value.field == "name_kk" and "200" in refusal.value.message


def test_enterprises_are_found_by_their_kazakh_name(login_as):
    coordinator = builders.coordinator()
    ours = builders.enterprise(name="ТОО «Восточный металл»", name_kk="«Шығыс Металл» ЖШС")
    builders.enterprise(name="ТОО «Другой»")
    from app.models import Partnership

    db.session.add(Partnership(college_id=coordinator.college_id, enterprise_id=ours.id))
    client = login_as(coordinator)
    listed = _text(client.get("/enterprises?q=шығыс"))
    assert "Восточный металл" in listed and "Другой" not in listed
    found = _text(client.get("/enterprises/find?q=Шығыс Металл"))
    assert "Восточный металл" in found and "Другой" not in found


def test_the_demo_world_names_its_organisations_in_kazakh(app):
    from app.demo import catalogue, load_world
    from app.demo.kazakh import KAZAKH_NAMES
    from app.demo.names import DEPARTMENTS

    for plan in catalogue.ALL:
        assert plan.name in KAZAKH_NAMES
        assert all(name in KAZAKH_NAMES for name in plan.competencies)
    assert all(name in KAZAKH_NAMES for names in DEPARTMENTS.values() for name in names)
    load_world("small", 2025)
    db.session.commit()
    for model in (College, Enterprise, Specialty, Department, Competency):
        rows = list(db.session.scalars(db.select(model)))
        assert rows and all(row.name_kk for row in rows), model.__name__


def test_the_api_gives_the_kazakh_name_beside_the_name(app):
    from app.api import serialise

    enterprise = builders.enterprise(name="ТОО «А»", name_kk="«А» ЖШС")
    assert serialise.enterprise(enterprise)["name_kk"] == "«А» ЖШС"
    assert serialise.college(builders.college())["name_kk"] == ""


def test_the_enterprise_import_takes_an_optional_kazakh_name_and_keeps_one_it_lacks(login_as):
    kept = builders.enterprise(name="ТОО «Старый»", name_kk="«Ескі» ЖШС")
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    fresh = make_bin(date(2004, 4, 1), 91)
    data = ("Наименование;Наименование на казахском;БИН;Город\n"
            f"ТОО «Новый»;«Жаңа» ЖШС;{fresh};Риддер\n"
            f"ТОО «Старый»;;{kept.bin};Риддер\n").encode()
    page = _text(client.post("/imports/", data={
        "kind": "enterprises", "file": (io.BytesIO(data), "e.csv")},
        content_type="multipart/form-data"))
    token = re.search(r'action="/imports/([^/"]+)/confirm"', page)
    assert token, page[:2000]
    assert client.post(f"/imports/{token.group(1)}/confirm").status_code == 302
    db.session.expire_all()
    new = db.session.scalar(db.select(Enterprise).filter_by(bin=fresh))
    assert (new.name, new.name_kk) == ("ТОО «Новый»", "«Жаңа» ЖШС")
    assert db.session.get(Enterprise, kept.id).name_kk == "«Ескі» ЖШС"


def test_a_notification_names_the_enterprise_in_its_readers_language(app):
    from app.notifications import messages
    from app.placements import acceptance  # noqa: F401  (registers the agreement's messages)

    params = content_names("enterprise", "ТОО «Восток»", "«Шығыс» ЖШС")
    render = messages.RENDERERS["agreement_to_acknowledge"]
    with app.test_request_context():
        with force_locale("kk"):
            assert "«Шығыс» ЖШС" in render(params)
        with force_locale("ru"):
            assert "ТОО «Восток»" in render(params)
        with force_locale("en"):
            assert "LLP «Восток»" in render({"enterprise": "ТОО «Восток»"})  # stored before
