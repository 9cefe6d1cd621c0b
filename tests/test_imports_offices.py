"""Imports of what offices actually send: the sample students file into a college that has none
of its groups, groups and specialties created with the import, guardian columns in every language,
minors without a guardian, and groups that clash with the college's own."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_iin
from app.extensions import db
from app.models import AuditEvent, Group, PlacementStatus, Role, Specialty, StudentProfile, User
from app.placements import services as placements
from app.rules import RuleViolation
from tests import builders
from tests.builders_placements import agreed, world
from tests.test_imports import _problems  # the one reader of the problem cards

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 12, 1)  # the two youngest of the sample are 17 that day


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    import app.imports.views as views

    monkeypatch.setattr(views, "_today", lambda: TODAY)


def _upload(client, kind, filename, data):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _token(page):
    found = re.search(r'action="/imports/([^/"]+)/(?:confirm|specialties)"', page)
    return found.group(1) if found else None


def _can_confirm(page):
    return re.search(r'action="/imports/[^/"]+/confirm"', page) is not None


def _students(college_id):
    return list(db.session.scalars(
        select(User).where(User.college_id == college_id, User.role == Role.STUDENT)))


def _events(action):
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == action))


def _demo_like_college():
    """A college like the demo's: welding and construction, named as the classifier has them."""
    coordinator = builders.coordinator()
    welding = builders.specialty(coordinator.college, code="07150100",
                                 name="Сварочное дело (по видам)",
                                 qualification="Электрогазосварщик")
    building = builders.specialty(coordinator.college, code="07320100",
                                  name="Строительство и эксплуатация зданий и сооружений",
                                  qualification="Мастер строительных работ")
    return coordinator, welding, building


def test_sample_file_creates_its_groups_and_the_specialties_the_coordinator_chooses(login_as):
    coordinator, welding, building = _demo_like_college()
    client = login_as(coordinator)
    data = (DATA / "students_excel_ru_cp1251.csv").read_bytes()
    page = _upload(client, "students", "Студенты.csv", data).get_data(as_text=True)
    # Welding and construction are found by their shortened names; the other two are not.
    problems = _problems(page)
    assert {p[1] for p in problems} == {"Специальность"}
    assert len(problems) == 15  # the 6 repair fitters and 9 power-supply students
    assert "Специальности «Слесарь-ремонтник» нет в колледже" in problems[0][2]
    assert "Специальности, которых нет в колледже" in page and not _can_confirm(page)
    token = _token(page)
    assert _students(coordinator.college_id) == []
    # The coordinator creates one by its classifier code and puts the other into welding.
    response = client.post(f"/imports/{token}/specialties", data={
        "entries-0-name": "Слесарь-ремонтник", "entries-0-specialty": "new",
        "entries-0-code": "07150500", "entries-0-qualification": "Слесарь-ремонтник",
        "entries-1-name": "Электроснабжение", "entries-1-specialty": "new",
        "entries-1-code": "", "entries-1-qualification": "",
    })
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "укажите код классификатора" in page  # a new specialty without its code
    response = client.post(f"/imports/{token}/specialties", data={
        "entries-0-name": "Слесарь-ремонтник", "entries-0-specialty": "new",
        "entries-0-code": "07150500", "entries-0-qualification": "Слесарь-ремонтник",
        "entries-1-name": "Электроснабжение", "entries-1-specialty": "new",
        "entries-1-code": "07130200", "entries-1-qualification": "Электромонтёр",
    })
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _problems(page) == [] and _can_confirm(page), _problems(page)
    assert page.count("будет создана") == 6  # four groups, two specialties
    for code in ("СТ-24-1", "СВ-23-1", "СР-23-1", "ЭС-23-2"):
        assert f"Группа {code}" in page
    assert "Специальность 07150500 Слесарь-ремонтник" in page
    # The two minors without a guardian: imported, with the reason on their rows.
    assert page.count("Строка 18: Студент несовершеннолетний") == 1
    assert page.count("Строка 35: Студент несовершеннолетний") == 1
    assert _students(coordinator.college_id) == []
    assert client.post(f"/imports/{token}/confirm").status_code == 302
    db.session.expire_all()
    students = {s.student_profile.iin: s for s in _students(coordinator.college_id)}
    assert len(students) == 40
    groups = {g.code: g for g in db.session.scalars(
        select(Group).where(Group.college_id == coordinator.college_id))}
    assert set(groups) == {"СТ-24-1", "СВ-23-1", "СР-23-1", "ЭС-23-2"}
    assert groups["СВ-23-1"].specialty_id == welding.id
    assert groups["СТ-24-1"].specialty_id == building.id
    assert (groups["СТ-24-1"].intake_year, groups["ЭС-23-2"].intake_year) == (2024, 2023)
    assert groups["СР-23-1"].specialty.code == "07150500"
    assert groups["ЭС-23-2"].specialty.qualification == "Электромонтёр"
    assert students["070310590889"].student_profile.group_id == groups["СВ-23-1"].id
    assert _events("student_created") == 40
    assert _events("import_confirmed") == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type.in_(("groups", "specialties")))) == 6
    # The same file again: everything found now, nothing created twice.
    page = _upload(client, "students", "Студенты.csv", data).get_data(as_text=True)
    assert _problems(page) == [] and "будет создана" not in page
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(StudentProfile)) == 40
    assert db.session.scalar(select(func.count()).select_from(Group)) == 4
    assert db.session.scalar(select(func.count()).select_from(Specialty)) == 4


def test_choosing_an_existing_specialty_puts_the_new_group_there(login_as):
    coordinator, welding, _building = _demo_like_college()
    other_college = builders.specialty()  # another college's specialty cannot be chosen
    born = date(2004, 5, 6)
    text = ("ФИО;ИИН;Группа;Специальность\n"
            f"Первый;{make_iin(born, 1)};СД-25-1;Сварщик широкого профиля\n")
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", text.encode()).get_data(as_text=True)
    token = _token(page)
    client.post(f"/imports/{token}/specialties", data={
        "entries-0-name": "Сварщик широкого профиля",
        "entries-0-specialty": str(other_college.id)})
    page = client.get(f"/imports/{token}").get_data(as_text=True)
    assert not _can_confirm(page)  # not a choice of this college: refused, nothing stored
    client.post(f"/imports/{token}/specialties", data={
        "entries-0-name": "Сварщик широкого профиля", "entries-0-specialty": str(welding.id)})
    page = client.get(f"/imports/{token}").get_data(as_text=True)
    assert _problems(page) == [] and "Группа СД-25-1" in page
    assert client.post(f"/imports/{token}/confirm").status_code == 302
    group = db.session.scalar(select(Group).where(Group.code == "СД-25-1"))
    assert (group.specialty_id, group.intake_year) == (welding.id, 2025)


def test_specialties_by_code_are_created_with_the_import(login_as):
    coordinator = builders.coordinator()
    born = date(2004, 5, 6)
    rows = [
        "Full name,IIN,Group,Specialty code,Specialty,Qualification,Notes",
        f"Abay One,{make_iin(born, 1)},ЭМ-25-1,07130100,Электрические машины,Электромонтёр,x",
        f"Abay Two,{make_iin(born, 2)},ЭМ-25-1,07130100,Электрические машины,Электромонтёр,",
        f"Abay Three,{make_iin(born, 3)},эм 25 2,07130100,Электрические машины,,",
    ]
    data = "\ufeff" + "\r\n".join(rows)  # UTF-8 with BOM, commas, English headers
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", data.encode()).get_data(as_text=True)
    assert _problems(page) == []
    assert "Специальность 07130100 Электрические машины" in page
    assert "Группа ЭМ-25-1" in page and "Группа ЭМ-25-2" in page  # "эм 25 2" tidied
    assert "Не используются столбцы: Notes." in page
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    specialty = db.session.scalar(select(Specialty).where(
        Specialty.college_id == coordinator.college_id))
    assert (specialty.code, specialty.name, specialty.qualification) == (
        "07130100", "Электрические машины", "Электромонтёр")
    assert db.session.scalar(select(func.count()).select_from(Group)) == 2


def test_a_new_group_that_clashes_with_the_colleges_is_refused_clearly(login_as):
    coordinator, welding, building = _demo_like_college()
    builders.group(coordinator.college, welding, code="СВ-23-1", intake_year=2023)
    born = date(2004, 5, 6)
    rows = [
        "ФИО;ИИН;Группа;Код специальности;Специальность",
        f"Первый;{make_iin(born, 1)};св 23-1;07320100;Строительство",  # another specialty
        f"Второй;{make_iin(born, 2)};CB-23-1;;",  # Latin letters: the same group
        f"Третий;{make_iin(born, 3)};СТ-25-1;07320100;",
        f"Четвёртый;{make_iin(born, 4)};ст-25-1;07150100;",  # same new group, other specialty
        f"Пятый;{make_iin(born, 5)};РО-25;;Ремонт",  # no such specialty
        f"Шестой;{make_iin(born, 6)};РО-XX;09999999;",  # a new code without its name
        f"Седьмой;{make_iin(born, 7)};ГР-1;07150100;",  # no intake year in the code
    ]
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", "\n".join(rows).encode("cp1251")
                   ).get_data(as_text=True)
    problems = {p[0]: p for p in _problems(page)}
    assert problems["2"][1:] == (
        "Код специальности", "Группа «СВ-23-1» уже есть в колледже, но в специальности "
        "«07150100 Сварочное дело (по видам)», а в файле указана другая. Исправьте "
        "специальность или код группы.")
    assert "3" not in problems
    assert "Группа «CB-23-1» в файле — это группа «СВ-23-1» колледжа." in page
    assert problems["5"][1:] == ("Код специальности", "Группа «СТ-25-1» в строке 4 указана "
                                 "с другой специальностью.")
    assert problems["6"][1] == "Специальность" and "Ремонт" in problems["6"][2]
    assert problems["7"][1:] == ("Специальность",
                                 "Укажите название новой специальности «09999999».")
    assert problems["8"][1] == "Год набора" and "ГР-1" in problems["8"][2]
    assert len(problems) == 5
    assert _students(coordinator.college_id) == []
    assert db.session.scalar(select(func.count()).select_from(Group)) == 1


@pytest.mark.parametrize("header", [
    ["ФИО", "ИИН", "Группа", "ФИО родителя", "Телефон родителя"],
    ["ФИО", "ИИН", "Группа", "Законный представитель", "Телефон законного представителя"],
    ["Аты-жөні", "ЖСН", "Топ", "Ата-анасының аты-жөні", "Ата-анасының телефоны"],
    ["Full name", "IIN", "Group", "Parent name", "Parent phone"],
    ["Full name", "IIN", "Group", "Guardian", "Guardian phone"],
])
def test_guardian_columns_in_every_language(login_as, header):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college, code="СВ-25-1")
    born = TODAY - timedelta(days=16 * 366)
    rows = [";".join(header),
            f"Юный Первый;{make_iin(born, 1)};{group.code};Мама Первого;+7 701 111 22 33"]
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", "\n".join(rows).encode()).get_data(as_text=True)
    assert _problems(page) == [] and "несовершеннолетний" not in page
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    (student,) = _students(coordinator.college_id)
    assert (student.student_profile.guardian_name, student.student_profile.guardian_phone) == (
        "Мама Первого", "+7 701 111 22 33")


def test_a_mistake_in_a_guardian_column_is_named_by_its_header(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college, code="СВ-25-1")
    born = TODAY - timedelta(days=16 * 366)
    rows = ["IIN,Parent phone,Full name,Group,Parent name",
            f"{make_iin(born, 1)},звонить маме,Юный,{group.code},Мама"]
    page = _upload(login_as(coordinator), "students", "s.csv",
                   "\n".join(rows).encode()).get_data(as_text=True)
    assert _problems(page) == [("2", "Parent phone",
                                "Телефон: только цифры, пробелы и знаки + - ( ).")]


def test_a_blank_guardian_cell_keeps_the_guardian_on_file(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college, code="СВ-25-1")
    student = builders.student(group, born=TODAY - timedelta(days=16 * 366),
                               guardian_name="Мама", guardian_phone="+7 702 000 00 00")
    old_name = student.full_name
    rows = ["ФИО;ИИН;Группа;Родитель;Телефон родителя",
            f"Новое Имя;{student.student_profile.iin};{group.code};;"]
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", "\n".join(rows).encode()).get_data(as_text=True)
    assert _problems(page) == [] and "несовершеннолетний" not in page
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    db.session.expire_all()
    student = db.session.get(User, student.id)
    assert student.full_name == "Новое Имя"
    assert student.student_profile.guardian_phone == "+7 702 000 00 00"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "student_updated"))
    assert event.object_id == student.id
    assert event.changes == {"full_name": [old_name, "Новое Имя"]}


def test_a_minors_placement_waits_for_the_guardian(app):
    w = world(born=date(2010, 1, 1))
    profile = w.student.student_profile
    profile.guardian_name, profile.guardian_phone = "", ""
    draft = builders.placement(w.student, w.mentor, status=PlacementStatus.DRAFT,
                               start=date(2026, 9, 1), parent_consent_on=date(2026, 8, 20))
    with pytest.raises(RuleViolation) as refusal:
        placements.activate_placement(w.coordinator, draft, date(2026, 9, 1))
    assert "родитель или законный представитель не указан" in refusal.value.message
    assert draft.status == PlacementStatus.DRAFT
    profile.guardian_name, profile.guardian_phone = "Мама", "+7 700 000 00 00"
    agreed(draft)
    placements.activate_placement(w.coordinator, draft, date(2026, 9, 1))
    assert draft.status == PlacementStatus.ACTIVE


def test_the_activation_page_tells_why_a_minor_without_guardian_waits(login_as):
    w = world(born=date(2010, 1, 1))
    w.student.student_profile.guardian_name = ""
    draft = builders.placement(w.student, w.mentor, status=PlacementStatus.DRAFT,
                               start=date.today(), parent_consent_on=date.today())
    db.session.commit()
    page = login_as(w.coordinator).post(f"/placements/{draft.id}/activate",
                                        follow_redirects=True).get_data(as_text=True)
    assert "родитель или законный представитель не указан" in page


@pytest.mark.parametrize(("written", "tidy", "year"), [
    ("св 23 1", "СВ-23-1", 2023),
    ("CВ-23-1", "СВ-23-1", 2023),  # a Latin C in a Cyrillic code
    ("ЭС – 24 – 2", "ЭС-24-2", 2024),
    ("IT-2025", "IT-2025", 2025),  # a Latin code stays Latin
    ("Группа А", "ГРУППА-А", None),
])
def test_group_codes_as_offices_type_them(written, tidy, year):
    from app.imports.groups import group_key, intake_year_of, tidy_code

    assert tidy_code(written) == tidy
    assert group_key(written) == group_key(tidy)
    assert intake_year_of(tidy) == year
