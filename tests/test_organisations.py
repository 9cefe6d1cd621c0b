"""Colleges, specialties with competencies, groups, and the region's shared enterprises."""

import csv
import html
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    College,
    Competency,
    Department,
    Enterprise,
    Group,
    Partnership,
    Role,
    Specialty,
    User,
)
from app.organisations import services
from app.rules import RuleViolation
from tests import builders
from tests.builders_people import bin_, desk, wrong_check_digit


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _enterprise_form(**overrides) -> dict:
    return {"name": "Ульбинский металлургический завод", "bin": bin_(),
            "city": "Усть-Каменогорск", "industry": "металлургия", "intake_capacity": "30",
            "contact_name": "Иванова А. А.", "contact_phone": "+7 7232 00 00 00",
            "contact_email": "hr@ulba.kz", **overrides}


# --- colleges (admin) --------------------------------------------------------------------------

def test_admin_registers_a_college_and_sees_its_history(login_as):
    client = login_as(builders.admin())
    number = bin_()
    response = client.post("/colleges/new", data={"name": "Колледж энергетики",
                                                  "city": "Риддер", "bin": number})
    assert response.status_code == 302
    college = db.session.scalar(select(College).where(College.bin == number))
    page = client.get(f"/colleges/{college.id}").get_data(as_text=True)
    assert "Колледж энергетики" in page
    assert "История изменений" in page and "создано" in page


@pytest.mark.parametrize(("bin_value", "message"), [
    ("12345", "БИН — 12 цифр."),
    ("wrong", "БИН — 12 цифр."),
    (None, "не сходится контрольная цифра"),
])
def test_college_with_a_bad_bin_is_refused(login_as, bin_value, message):
    client = login_as(builders.admin())
    bin_value = bin_value or wrong_check_digit(bin_())
    page = client.post("/colleges/new", data={"name": "К", "city": "Риддер",
                                              "bin": bin_value}).get_data(as_text=True)
    assert message in page
    assert _count(College) == 0


def test_college_bin_is_unique(login_as):
    existing = builders.college()
    client = login_as(builders.admin())
    page = client.post("/colleges/new", data={"name": "Другой", "city": "Алтай",
                                              "bin": existing.bin}).get_data(as_text=True)
    assert "Колледж с этим БИН уже зарегистрирован." in page
    assert _count(College) == 1


def test_admin_appoints_a_coordinator_who_is_not_yet_invited(login_as):
    college = builders.college()
    client = login_as(builders.admin())
    response = client.post(f"/colleges/{college.id}/coordinators/new",
                           data={"full_name": "Сейткали Айгерим", "email": "A.Seit@college.kz"})
    assert response.status_code == 302
    page = client.get(f"/colleges/{college.id}").get_data(as_text=True)
    assert "Сейткали Айгерим" in page and "a.seit@college.kz" in page
    assert "не приглашён" in page and "Пригласить" in page


def test_coordinator_e_mail_is_required_and_unique(login_as):
    college = builders.college()
    taken = builders.mentor(email="taken@example.kz")
    client = login_as(builders.admin())
    page = client.post(f"/colleges/{college.id}/coordinators/new",
                       data={"full_name": "X", "email": ""}).get_data(as_text=True)
    assert "Заполните это поле." in page
    page = client.post(f"/colleges/{college.id}/coordinators/new",
                       data={"full_name": "X", "email": taken.email}).get_data(as_text=True)
    assert "уже занят" in page


# --- specialties and groups --------------------------------------------------------------------

def test_coordinator_keeps_a_specialty_with_its_competencies(login_as):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    response = client.post("/specialties/new", data={
        "code": "07150100", "name": "Сварочное дело", "qualification": "Электрогазосварщик",
        "competencies": "ПК1 Ручная дуговая сварка\n\nПК2 Газовая сварка\n"})
    assert response.status_code == 302
    specialty = db.session.scalar(select(Specialty))
    assert specialty.college_id == coordinator.college_id
    assert [(c.code, c.name) for c in specialty.competencies] == [
        ("ПК1", "Ручная дуговая сварка"), ("ПК2", "Газовая сварка")]
    client.post(f"/specialties/{specialty.id}/edit", data={
        "code": "07150100", "name": "Сварочное дело", "qualification": "Сварщик",
        "competencies": "ПК2 Газовая сварка металлов\nПК3 Контроль качества"})
    db.session.expire_all()
    assert [c.code for c in specialty.competencies] == ["ПК2", "ПК3"]
    page = client.get(f"/specialties/{specialty.id}").get_data(as_text=True)
    assert "Контроль качества" in page
    assert "изменено" in page and "Электрогазосварщик → Сварщик" in page


@pytest.mark.parametrize(("lines", "message"), [
    ("ПК1", "укажите код и название"),
    ("ПК1 Один\nПК1 Два", "Коды компетенций повторяются."),
    ("К" * 21 + " Название", "код до 20 символов"),
])
def test_bad_competency_lists_are_refused(login_as, lines, message):
    client = login_as(builders.coordinator())
    page = client.post("/specialties/new", data={
        "code": "0715", "name": "Сварка", "qualification": "Сварщик",
        "competencies": lines}).get_data(as_text=True)
    assert message in page
    assert _count(Specialty) == 0 and _count(Competency) == 0


def test_group_of_another_colleges_specialty_is_refused(login_as):
    coordinator = builders.coordinator()
    builders.specialty(coordinator.college)
    foreign = builders.specialty()
    client = login_as(coordinator)
    page = client.post("/groups/new", data={"code": "СВ-25-1", "intake_year": "2025",
                                            "specialty_id": str(foreign.id)}
                       ).get_data(as_text=True)
    assert "Выберите специальность своего колледжа." in page
    assert _count(Group) == 0


def test_group_double_submit_creates_one_group(login_as):
    coordinator = builders.coordinator()
    specialty = builders.specialty(coordinator.college)
    client = login_as(coordinator)
    data = {"code": "СВ-25-1", "intake_year": "2025", "specialty_id": str(specialty.id)}
    assert client.post("/groups/new", data=data).status_code == 302
    page = client.post("/groups/new", data=data).get_data(as_text=True)
    assert "Группа с этим кодом в колледже уже есть." in page
    assert _count(Group) == 1


def test_group_intake_year_and_lengths_are_checked(login_as):
    coordinator = builders.coordinator()
    specialty = builders.specialty(coordinator.college)
    client = login_as(coordinator)
    page = client.post("/groups/new", data={"code": "X" * 31, "intake_year": "1800",
                                            "specialty_id": str(specialty.id)}
                       ).get_data(as_text=True)
    assert "Год от 1990 до 2100." in page
    assert page.count("field--invalid") == 2
    assert _count(Group) == 0


def test_group_page_shows_its_students_and_history(login_as):
    coordinator = builders.coordinator()
    specialty = builders.specialty(coordinator.college)
    client = login_as(coordinator)
    client.post("/groups/new", data={"code": "СВ-25-1", "intake_year": "2025",
                                     "specialty_id": str(specialty.id)})
    group = db.session.scalar(select(Group))
    student = builders.student(group)
    db.session.commit()
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert student.full_name in page and "История изменений" in page and "создано" in page


# --- enterprises -------------------------------------------------------------------------------

def test_coordinator_registers_a_partner_enterprise(login_as):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    data = _enterprise_form()
    response = client.post("/enterprises/new", data=data)
    assert response.status_code == 302
    enterprise = db.session.scalar(select(Enterprise))
    assert enterprise.bin == data["bin"] and enterprise.intake_capacity == 30
    assert db.session.get(Partnership, (coordinator.college_id, enterprise.id)) is not None
    assert enterprise.name in client.get("/enterprises").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"bin": "123"}, "БИН — 12 цифр."),
    ({"bin": None}, "не сходится контрольная цифра"),
    ({"contact_email": "not-an-address"}, "Укажите адрес электронной почты"),
    ({"contact_phone": "call me"}, "Телефон: только цифры"),
    ({"intake_capacity": "-1"}, "Число от 0 до 100000."),
    ({"name": ""}, "Заполните это поле."),
])
def test_bad_enterprise_input_is_refused_and_nothing_is_written(login_as, overrides, message):
    client = login_as(builders.coordinator())
    if overrides.get("bin", "") is None:
        overrides["bin"] = wrong_check_digit(bin_())
    page = client.post("/enterprises/new", data=_enterprise_form(**overrides)
                       ).get_data(as_text=True)
    assert message in page
    assert _count(Enterprise) == 0 and _count(AuditEvent) == 0


def test_over_long_enterprise_name_is_refused(login_as, app):
    client = login_as(builders.coordinator())
    page = client.post("/enterprises/new", data=_enterprise_form(name="Я" * 201)
                       ).get_data(as_text=True)
    assert "field--invalid" in page
    assert _count(Enterprise) == 0
    with app.test_request_context(), pytest.raises(RuleViolation) as refusal:
        services.save_enterprise(builders.admin(), None, name="Я" * 201, bin=bin_(), city="X")
    assert refusal.value.field == "name"


def test_a_second_college_finds_and_links_instead_of_duplicating(login_as):
    first = builders.coordinator()
    enterprise = builders.enterprise(name="Казцинк")
    db.session.add(Partnership(college_id=first.college_id, enterprise_id=enterprise.id))
    second = builders.coordinator()
    client = login_as(second)
    page = client.post("/enterprises/new", data=_enterprise_form(bin=enterprise.bin)
                       ).get_data(as_text=True)
    assert "уже есть в регионе" in page
    assert _count(Enterprise) == 1
    for query in ("Казц", enterprise.bin[:6]):
        found = client.get(f"/enterprises/find?q={query}").get_data(as_text=True)
        assert "Казцинк" in found and "Добавить в партнёры" in found
    assert client.post(f"/enterprises/{enterprise.id}/partner").status_code == 302
    assert db.session.get(Partnership, (second.college_id, enterprise.id)) is not None
    assert "уже партнёр" in client.get("/enterprises/find?q=Казцинк").get_data(as_text=True)
    history = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "добавлено в партнёры" in history and second.college.name in history


def test_double_submit_racing_past_the_check_hits_the_unique_index(login_as, monkeypatch):
    existing = builders.enterprise()
    client = login_as(builders.coordinator())
    monkeypatch.setattr(services, "find_enterprise_by_bin", lambda bin: None)
    page = client.post("/enterprises/new", data=_enterprise_form(bin=existing.bin)
                       ).get_data(as_text=True)
    assert "уже есть в регионе" in page
    assert _count(Enterprise) == 1


@pytest.fixture
def in_request(app):
    """Services speak through Flask-Babel, whose locale comes from the request."""
    with app.test_request_context():
        yield


def test_save_enterprise_updates_by_bin_and_ensures_the_partnership(in_request):
    desk_ = desk()
    actor = desk_.coordinator
    number = bin_()
    first, _written = services.save_enterprise(actor, desk_.college.id, name="Завод",
                                               bin=number, city="Алтай", intake_capacity=5)
    again, written = services.save_enterprise(actor, desk_.college.id, name="Завод им. Ленина",
                                              bin=number, city="Алтай", intake_capacity=7)
    assert first.id == again.id and again.intake_capacity == 7 and written
    assert _count(Enterprise) == 2  # the desk's own enterprise and this one
    assert db.session.scalar(select(func.count()).select_from(Partnership).where(
        Partnership.enterprise_id == first.id)) == 1
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "enterprises", AuditEvent.object_id == first.id)
        .order_by(AuditEvent.id)))
    assert actions == ["created", "partner_linked", "updated"]


def test_employer_edits_own_enterprise_capacity_and_departments(login_as):
    employer = builders.employer()
    client = login_as(employer)
    enterprise = employer.enterprise
    assert client.get("/enterprise").headers["Location"] == f"/enterprises/{enterprise.id}"
    data = _enterprise_form(name=enterprise.name, intake_capacity="45")
    data.pop("bin")
    assert client.post(f"/enterprises/{enterprise.id}/edit", data=data).status_code == 302
    client.post(f"/enterprises/{enterprise.id}/departments", data={"name": "Цех №3"})
    client.post(f"/enterprises/{enterprise.id}/departments", data={"name": "Цех №3"})
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).intake_capacity == 45
    assert _count(Department) == 1
    page = client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "Цех №3" in page and "20 → 45" in page and "добавлен цех" in page


def test_bin_cannot_be_changed_on_edit(login_as):
    employer = builders.employer()
    client = login_as(employer)
    old_bin = employer.enterprise.bin
    data = _enterprise_form(name="Новое имя")
    client.post(f"/enterprises/{employer.enterprise_id}/edit", data=data)
    db.session.expire_all()
    assert db.session.get(Enterprise, employer.enterprise_id).bin == old_bin


# --- scoping -----------------------------------------------------------------------------------

def _world():
    mine = desk()
    other = desk()
    admin = builders.admin()
    employer = builders.employer(mine.enterprise)
    db.session.commit()
    return mine, other, admin, employer


SCOPING = [
    # (who, url template, expected status)
    ("coordinator", "/colleges/{mine_college}", 200),
    ("coordinator", "/colleges/{other_college}", 404),
    ("coordinator", "/colleges", 403),
    ("coordinator", "/colleges/{mine_college}/edit", 403),
    ("coordinator", "/specialties/{other_specialty}", 404),
    ("coordinator", "/specialties/{other_specialty}/edit", 404),
    ("coordinator", "/groups/{other_group}", 404),
    ("coordinator", "/groups/{other_group}/edit", 404),
    ("coordinator", "/groups/{mine_group}", 200),
    ("coordinator", "/enterprises/{other_enterprise}", 200),  # regional: may find and link
    ("coordinator", "/enterprises/{other_enterprise}/edit", 404),
    # The enterprise's employer has signed in: its data is the enterprise's own now.
    ("coordinator", "/enterprises/{mine_enterprise}/edit", 404),
    ("employer", "/enterprises/{mine_enterprise}", 200),
    ("employer", "/enterprises/{other_enterprise}", 404),
    ("employer", "/enterprises/{other_enterprise}/edit", 404),
    ("employer", "/enterprises", 403),
    ("employer", "/groups/{mine_group}", 403),
    ("admin", "/colleges/{other_college}", 200),
    ("admin", "/enterprises/{other_enterprise}/edit", 200),
    ("admin", "/specialties/{other_specialty}", 200),
    ("mentor", "/enterprises/{mine_enterprise}", 403),
    ("student", "/groups/{mine_group}", 403),
]


@pytest.mark.parametrize(("who", "url", "status"), SCOPING)
def test_scoping_by_role(login_as, who, url, status):
    mine, other, admin, employer = _world()
    users = {"coordinator": mine.coordinator, "admin": admin, "employer": employer,
             "mentor": builders.mentor(mine.enterprise),
             "student": builders.student(mine.group)}
    client = login_as(users[who])
    url = url.format(mine_college=mine.college.id, other_college=other.college.id,
                     other_specialty=other.group.specialty_id, other_group=other.group.id,
                     mine_group=mine.group.id, mine_enterprise=mine.enterprise.id,
                     other_enterprise=other.enterprise.id)
    assert client.get(url).status_code == status


def test_another_colleges_partner_data_is_not_disclosed(login_as):
    mine, other, _admin, _employer = _world()
    client = login_as(mine.coordinator)
    page = client.get(f"/enterprises/{other.enterprise.id}").get_data(as_text=True)
    assert other.mentor.full_name not in page
    listing = client.get("/enterprises").get_data(as_text=True)
    assert mine.enterprise.name in listing and other.enterprise.name not in listing


def test_coordinator_cannot_post_to_another_colleges_group(login_as):
    mine, other, _admin, _employer = _world()
    client = login_as(mine.coordinator)
    response = client.post(f"/groups/{other.group.id}/edit", data={
        "code": "HACK", "intake_year": "2025", "specialty_id": str(mine.group.specialty_id)})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Group, other.group.id).code != "HACK"


# --- lists and exports -------------------------------------------------------------------------

def test_enterprise_list_searches_filters_sorts_and_pages(login_as, app):
    app.config["PAGE_SIZE"] = 2
    coordinator = builders.coordinator()
    for name, city in (("Альфа", "Риддер"), ("Бета", "Алтай"), ("Гамма", "Риддер")):
        enterprise = builders.enterprise(name=name, city=city)
        db.session.add(Partnership(college_id=coordinator.college_id, enterprise_id=enterprise.id))
    client = login_as(coordinator)
    page = client.get("/enterprises?city=Риддер&sort=name&dir=desc").get_data(as_text=True)
    assert page.index("Гамма") < page.index("Альфа") and "Бета" not in page
    page = client.get("/enterprises?q=Бет").get_data(as_text=True)
    assert "Бета" in page and "Альфа" not in page
    page = client.get("/enterprises?sort=name").get_data(as_text=True)
    assert "Альфа" in page and "Гамма" not in page and "Страница 1 из 2" in page


def test_enterprise_exports_neutralise_formulas(login_as):
    coordinator = builders.coordinator()
    for name in ("=HYPERLINK(\"http://x\")", "+SUM(1)", "-1+2", "@cmd", "Обычный завод"):
        enterprise = builders.enterprise(name=name, contact_phone="+7 700 000 00 00")
        db.session.add(Partnership(college_id=coordinator.college_id, enterprise_id=enterprise.id))
    other = builders.enterprise(name="Чужой завод")
    client = login_as(coordinator)
    response = client.get("/enterprises/export.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="enterprises.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:2] == ["Название", "БИН"]
    names = {row[0] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://x\")", "'+SUM(1)", "'-1+2", "'@cmd", "Обычный завод"}
    assert all(row[7] == "'+7 700 000 00 00" for row in rows[1:])
    assert other.name not in response.get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx").data))
    values = {row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    # Typed cells: the name is text as written (never a formula), no apostrophe added.
    assert "=HYPERLINK(\"http://x\")" in values and "Обычный завод" in values
    assert client.get("/enterprises/export.pdf").status_code == 404


def test_enterprise_list_runs_a_fixed_number_of_queries(login_as, query_counter):
    coordinator = builders.coordinator()
    client = login_as(coordinator)

    def add(n):
        for _ in range(n):
            enterprise = builders.enterprise()
            db.session.add(Partnership(college_id=coordinator.college_id,
                                       enterprise_id=enterprise.id))
            builders.mentor(enterprise)
        db.session.commit()

    counts = []
    for n in (2, 20):
        add(n)
        with query_counter() as counter:
            assert client.get("/enterprises").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_colleges_list_for_admin_counts_in_sql(login_as, query_counter):
    admin = builders.admin()
    client = login_as(admin)
    counts = []
    for n in (1, 8):
        for _ in range(n):
            builders.student(builders.group())
        db.session.commit()
        with query_counter() as counter:
            page = client.get("/colleges").get_data(as_text=True)
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert "Колледж" in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_csrf_token_are_refused(client):
    coordinator = builders.coordinator()
    db.session.commit()
    # Sign in with a token taken from the login page.
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"email": coordinator.email, "password": builders.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    response = client.post("/enterprises/new", data=_enterprise_form())
    assert response.status_code == 400
    assert _count(Enterprise) == 0
    assert Role.COORDINATOR


# --- who edits an enterprise, who sees its history (review fixes) ------------------------------

def _details(enterprise, **overrides) -> dict:
    data = _enterprise_form(**{"name": enterprise.name, **overrides})
    data.pop("bin")
    return data


def _as(login_as, client, user):
    """Sign out whoever is signed in, then sign in as `user`."""
    db.session.commit()
    client.post("/logout")
    return login_as(user)


def test_coordinator_edits_a_partner_only_until_its_employer_signs_in(login_as, client):
    d = desk()
    pending = builders.employer(d.enterprise, password_hash=None)
    client = login_as(d.coordinator)
    url = f"/enterprises/{d.enterprise.id}"
    assert client.post(f"{url}/edit", data=_details(d.enterprise, intake_capacity="31")
                       ).status_code == 302  # a pending employer does not own the data yet
    pending.password_hash = builders.password_hash()
    db.session.commit()
    assert client.get(f"{url}/edit").status_code == 404
    assert client.post(f"{url}/edit", data=_details(d.enterprise, name="Чужое имя",
                                                    intake_capacity="99")).status_code == 404
    assert client.post(f"{url}/departments", data={"name": "Цех подмены"}).status_code == 404
    db.session.expire_all()
    enterprise = db.session.get(Enterprise, d.enterprise.id)
    assert (enterprise.name, enterprise.intake_capacity) == (d.enterprise.name, 31)
    assert _count(Department) == 1  # the desk mentor's own
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}/edit"' not in page
    assert d.mentor.full_name in page  # the partner still sees the enterprise's mentors
    assert _as(login_as, client, builders.admin()).get(f"{url}/edit").status_code == 200
    assert _as(login_as, client, pending).post(f"{url}/edit", data=_details(
        d.enterprise, intake_capacity="45")).status_code == 302


def test_update_enterprise_service_refuses_a_coordinator_who_may_not_edit(in_request):
    d, other = desk(), desk()
    with pytest.raises(RuleViolation) as refusal:
        services.update_enterprise(d.coordinator, other.enterprise, name="Взлом", city="Алтай")
    assert "меняет его представитель" in refusal.value.message
    with pytest.raises(RuleViolation):
        services.add_department(d.coordinator, other.enterprise, "Цех")


def test_enterprise_history_is_shown_only_to_those_who_may_edit_it(login_as, client):
    enterprise = builders.enterprise()
    mine, theirs, outsider = (builders.coordinator(builders.college(name=name)) for name in (
        "Колледж «Мой»", "Колледж «Соседний»", "Колледж «Посторонний»"))
    for coordinator in (mine, theirs):
        _as(login_as, client, coordinator).post(f"/enterprises/{enterprise.id}/partner")
    url = f"/enterprises/{enterprise.id}"
    page = _as(login_as, client, mine).get(url).get_data(as_text=True)
    assert "История изменений" in page and "Колледж «Мой»" in page
    assert "Соседний" not in page  # another college's partnership is not told
    page = _as(login_as, client, outsider).get(url).get_data(as_text=True)
    assert "История изменений" not in page and "Соседний" not in page
    for who in (builders.admin(), builders.employer(enterprise)):
        page = _as(login_as, client, who).get(url).get_data(as_text=True)
        assert "Колледж «Мой»" in page and "Соседний" in page
    # With a signed-in employer the enterprise owns its data: no history for coordinators.
    page = _as(login_as, client, mine).get(url).get_data(as_text=True)
    assert "История изменений" not in page


def test_removing_a_competency_used_in_the_diary_is_refused_clearly(login_as):
    coordinator = builders.coordinator()
    specialty = builders.specialty(coordinator.college)
    used = Competency(specialty=specialty, code="ПК1", name="Сварка", position=0)
    db.session.add(used)
    group = builders.group(coordinator.college, specialty)
    placement = builders.placement(builders.student(group))
    builders.entry(placement, placement.start_date, competency_id=used.id)
    db.session.commit()
    page = login_as(coordinator).post(f"/specialties/{specialty.id}/edit", data={
        "code": specialty.code, "name": specialty.name, "qualification": "Сварщик",
        "competencies": "ПК2 Газовая сварка"}).get_data(as_text=True)
    assert "указана в записях дневника практики" in page
    assert "уже есть" not in page
    db.session.expire_all()
    assert [c.code for c in db.session.get(Specialty, specialty.id).competencies] == ["ПК1"]


@pytest.mark.parametrize(("line", "pair"), [
    ("ПМ 01 Подготовка металла", ("ПМ 01", "Подготовка металла")),
    ("ПМ 01 — Подготовка металла", ("ПМ 01", "Подготовка металла")),
    ("ПК 1.1 - Ручная сварка", ("ПК 1.1", "Ручная сварка")),
    ("ПК-2 Газовая резка", ("ПК-2", "Газовая резка")),
    ("ПК1 Ручная дуговая сварка", ("ПК1", "Ручная дуговая сварка")),
    ("BK\tБазовая компетенция", ("BK", "Базовая компетенция")),
    ("Охрана труда и безопасность", ("Охрана", "труда и безопасность")),
])
def test_competency_codes_may_hold_a_space(line, pair):
    from app.organisations.services import split_competency

    assert split_competency(line) == pair


def test_every_demo_specialty_saves_unchanged_through_its_form(app, client):
    import re as regex

    from app.demo import load_world
    from tests.conftest import login

    load_world("small", 2025)
    db.session.commit()
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@shakirt.kz"))
    specialties = db.session.scalars(select(Specialty).where(
        Specialty.college_id == coordinator.college_id)).all()
    before = {s.id: [(c.code, c.name) for c in s.competencies] for s in specialties}
    assert specialties and all(before.values())
    assert login(client, coordinator, "demo12345").status_code == 302
    for specialty in specialties:
        page = client.get(f"/specialties/{specialty.id}/edit").get_data(as_text=True)
        text = html.unescape(regex.search(r"<textarea[^>]*>(.*?)</textarea>", page, regex.S)[1])
        response = client.post(f"/specialties/{specialty.id}/edit", data={
            "code": specialty.code, "name": specialty.name,
            "qualification": specialty.qualification, "competencies": text.strip("\n")})
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    for specialty in specialties:
        assert [(c.code, c.name) for c in db.session.get(Specialty, specialty.id).competencies] \
            == before[specialty.id]
