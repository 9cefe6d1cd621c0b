"""Students (IIN, guardian for minors), mentors, employer representatives: rules, scoping,
lists with exports and the query-count guard, history on their pages."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.domain.identifiers import mask_iin
from app.extensions import db
from app.models import AuditEvent, MentorProfile, Role, StudentProfile, User
from app.people import services
from app.people.emails import is_placeholder
from app.rules import RuleViolation
from tests import builders
from tests.builders_people import desk, iin, wrong_check_digit

MINOR = date(date.today().year - 16, 1, 10)


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def _students() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(StudentProfile))


def _form(group, **overrides) -> dict:
    return {"full_name": "Ахметов Нурлан", "iin": iin(), "group_id": str(group.id),
            "phone": "+7 777 123 45 67", "email": "", "guardian_name": "",
            "guardian_phone": "", **overrides}


# --- students ----------------------------------------------------------------------------------

def test_coordinator_registers_a_student_with_birth_date_from_the_iin(login_as):
    d = desk()
    client = login_as(d.coordinator)
    number = iin(date(2001, 9, 30))
    response = client.post("/students/new", data=_form(d.group, iin=number,
                                                       email="Nurlan@Mail.kz"))
    assert response.status_code == 302
    student = db.session.scalar(select(User).where(User.role == Role.STUDENT))
    assert student.student_profile.birth_date == date(2001, 9, 30)
    assert student.email == "nurlan@mail.kz" and student.password_hash is None
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert mask_iin(number) in page and number not in page
    assert "30 сент. 2001" in page or "30.09.2001" in page
    assert "студент зарегистрирован" in page
    listing = client.get("/students").get_data(as_text=True)
    assert mask_iin(number) in listing and number not in listing
    # The full IIN is shown only in the coordinator's edit form.
    assert number in client.get(f"/students/{student.id}/edit").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "field_message"), [
    ({"iin": "12345"}, "ИИН — 12 цифр."),
    ({"iin": "991399300001"}, "первые цифры — не дата рождения"),
    ({"iin": None}, "не сходится контрольная цифра"),
    ({"full_name": ""}, "Заполните это поле."),
    ({"email": "nope"}, "Укажите адрес электронной почты"),
    ({"phone": "<script>"}, "Телефон: только цифры"),
    ({"iin": iin(date(1806, 5, 1))}, "По ИИН дата рождения — 01.05.1806: проверьте седьмую"),
    ({"iin": iin(date(date.today().year - 12, 1, 1))},
     "По ИИН студенту 12 лет: практику проходят не младше 14 лет."),
])
def test_bad_student_input_is_refused_and_nothing_is_written(login_as, overrides,
                                                             field_message):
    d = desk()
    client = login_as(d.coordinator)
    if "iin" in overrides and overrides["iin"] is None:
        overrides["iin"] = wrong_check_digit(iin())
    page = client.post("/students/new", data=_form(d.group, **overrides)).get_data(as_text=True)
    assert field_message in page
    assert "&lt;script&gt;" in page or "<script>" not in page
    assert _students() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_over_long_fields_are_refused(login_as, app):
    d = desk()
    client = login_as(d.coordinator)
    page = client.post("/students/new", data=_form(d.group, full_name="Я" * 201)
                       ).get_data(as_text=True)
    assert "field--invalid" in page and _students() == 0
    with app.test_request_context(), pytest.raises(RuleViolation) as refusal:
        services.save_student(d.coordinator, d.college.id, full_name="Ok", iin=iin(),
                              group_id=d.group.id, guardian_name="Я" * 201)
    assert refusal.value.field == "guardian_name"


def test_minor_needs_a_guardian(login_as):
    d = desk()
    client = login_as(d.coordinator)
    number = iin(MINOR)
    page = client.post("/students/new", data=_form(d.group, iin=number)).get_data(as_text=True)
    assert "Студент несовершеннолетний: укажите родителя" in page
    page = client.post("/students/new", data=_form(d.group, iin=number,
                                                   guardian_name="Ахметова Гульнар")
                       ).get_data(as_text=True)
    assert "укажите телефон родителя" in page
    assert _students() == 0
    response = client.post("/students/new", data=_form(
        d.group, iin=number, guardian_name="Ахметова Гульнар", guardian_phone="+7 701 1"))
    assert response.status_code == 302 and _students() == 1


def test_group_of_another_college_is_refused(login_as):
    d, other = desk(), desk()
    client = login_as(d.coordinator)
    page = client.post("/students/new", data=_form(other.group)).get_data(as_text=True)
    assert "Выберите группу своего колледжа." in page
    assert _students() == 0


def test_duplicate_email_is_refused(login_as):
    d = desk()
    taken = builders.mentor(email="taken@example.kz")
    client = login_as(d.coordinator)
    page = client.post("/students/new", data=_form(d.group, email="TAKEN@example.kz")
                       ).get_data(as_text=True)
    assert "уже занят" in page and _students() == 0
    assert taken.id


def test_double_submitted_student_form_creates_one_student(login_as):
    d = desk()
    client = login_as(d.coordinator)
    data = _form(d.group)
    assert client.post("/students/new", data=data).status_code == 302
    page = client.post("/students/new", data=data).get_data(as_text=True)
    assert "Студент с этим ИИН уже есть в колледже." in page
    assert _students() == 1


def test_race_past_the_check_gets_the_same_friendly_message(login_as, monkeypatch):
    d = desk()
    existing = builders.student(d.group)
    client = login_as(d.coordinator)
    monkeypatch.setattr(services, "find_student_by_iin", lambda iin: None)
    page = client.post("/students/new", data=_form(d.group, iin=existing.student_profile.iin)
                       ).get_data(as_text=True)
    assert "Студент с этим ИИН уже есть в колледже." in page
    assert _students() == 1


def test_save_student_updates_by_iin_without_duplicates(in_request):
    d = desk()
    number = iin()
    first = services.save_student(d.coordinator, d.college.id, full_name="Иванов",
                                  iin=number, group_id=d.group.id)
    assert is_placeholder(first.email) and first.password_hash is None
    again = services.save_student(d.coordinator, d.college.id, full_name="Иванов Иван",
                                  iin=number, group_id=d.group.id, email="ivan@mail.kz")
    assert again.id == first.id and again.full_name == "Иванов Иван"
    assert again.email == "ivan@mail.kz"
    assert _students() == 1
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_id == first.id, AuditEvent.object_type == "users")
        .order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["student_created", "student_updated"]
    assert events[0].changes["iin"] == [None, mask_iin(number)]  # no full IIN in the trail
    assert "email" not in events[0].changes  # the placeholder is not worth recording
    assert events[1].changes["full_name"] == ["Иванов", "Иванов Иван"]


def test_save_student_refuses_another_colleges_student_and_foreign_group(in_request):
    d, other = desk(), desk()
    theirs = builders.student(other.group)
    with pytest.raises(RuleViolation) as refusal:
        services.save_student(d.coordinator, d.college.id, full_name="X",
                              iin=theirs.student_profile.iin, group_id=d.group.id)
    assert refusal.value.field == "iin"
    with pytest.raises(RuleViolation) as refusal:
        services.save_student(d.coordinator, d.college.id, full_name="X", iin=iin(),
                              group_id=other.group.id)
    assert refusal.value.field == "group_id"
    with pytest.raises(RuleViolation):
        services.save_student(d.coordinator, other.college.id, full_name="X", iin=iin(),
                              group_id=other.group.id)


def test_editing_a_student_records_history_with_the_iin_masked(login_as):
    d = desk()
    student = builders.student(d.group)
    old = student.student_profile.iin
    client = login_as(d.coordinator)
    new = iin(date(2003, 1, 2))
    response = client.post(f"/students/{student.id}/edit", data=_form(
        d.group, iin=new, full_name="Новое Имя"))
    assert response.status_code == 302
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert "данные студента изменены" in page
    assert f"{mask_iin(old)} → {mask_iin(new)}" in page and new not in page
    db.session.expire_all()
    assert db.session.get(StudentProfile, student.id).birth_date == date(2003, 1, 2)


def test_edit_cannot_take_another_students_iin(login_as):
    d = desk()
    first, second = builders.student(d.group), builders.student(d.group)
    client = login_as(d.coordinator)
    page = client.post(f"/students/{first.id}/edit", data=_form(
        d.group, iin=second.student_profile.iin)).get_data(as_text=True)
    assert "Этот ИИН уже указан у другого студента." in page


# --- mentors and employer representatives ------------------------------------------------------

def _mentor_form(enterprise, **overrides) -> dict:
    return {"full_name": "Петров Сергей", "email": "", "phone": "", "position": "мастер",
            "enterprise_id": str(enterprise.id), "department_id": "", "trainee_cap": "5",
            **overrides}


def test_coordinator_registers_a_mentor_without_e_mail(login_as):
    d = desk()
    department = d.mentor.mentor_profile.department
    client = login_as(d.coordinator)
    response = client.post("/mentors/new", data=_mentor_form(
        d.enterprise, department_id=str(department.id)))
    assert response.status_code == 302
    mentor = db.session.scalar(select(User).where(User.full_name == "Петров Сергей"))
    assert mentor.enterprise_id == d.enterprise.id and is_placeholder(mentor.email)
    assert mentor.mentor_profile.trainee_cap == 5
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert department.name in page and "наставник зарегистрирован" in page
    assert "no-email.invalid" not in page and "Пригласить" in page


@pytest.mark.parametrize(("which", "message"), [
    ("foreign enterprise", "Выберите предприятие-партнёр своего колледжа."),
    ("foreign department", "Выберите цех этого предприятия."),
    ("zero cap", "Число от 1 до 100."),
])
def test_bad_mentor_input_is_refused(login_as, which, message):
    d, other = desk(), desk()
    client = login_as(d.coordinator)
    data = _mentor_form(d.enterprise)
    if which == "foreign enterprise":
        data["enterprise_id"] = str(other.enterprise.id)
    elif which == "foreign department":
        data["department_id"] = str(other.mentor.mentor_profile.department_id)
    else:
        data["trainee_cap"] = "0"
    page = client.post("/mentors/new", data=data).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count()).where(User.full_name == "Петров Сергей")) == 0


def test_mentor_cap_cannot_fall_below_active_trainees(login_as):
    d = desk()
    for _ in range(3):
        builders.placement(builders.student(d.group), d.mentor)
    client = login_as(d.coordinator)
    page = client.post(f"/mentors/{d.mentor.id}/edit", data=_mentor_form(
        d.enterprise, trainee_cap="2")).get_data(as_text=True)
    assert "уже 3 действующих практикантов" in page
    db.session.expire_all()
    assert db.session.get(MentorProfile, d.mentor.id).trainee_cap == 8


def test_new_mentor_form_offers_the_configured_cap(app, login_as):
    app.config["MENTOR_TRAINEE_CAP"] = 5
    page = login_as(desk().coordinator).get("/mentors/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="trainee_cap"[^>]*>', page)
    assert field is not None and 'value="5"' in field.group(0)


def test_employer_registers_and_edits_own_mentors_only(login_as):
    d, other = desk(), desk()
    employer = builders.employer(d.enterprise)
    client = login_as(employer)
    assert client.post("/mentors/new", data=_mentor_form(d.enterprise)).status_code == 302
    page = client.post("/mentors/new", data=_mentor_form(other.enterprise)
                       ).get_data(as_text=True)
    assert "Выберите предприятие-партнёр" in page
    assert client.get(f"/mentors/{other.mentor.id}/edit").status_code == 404
    listing = client.get("/mentors").get_data(as_text=True)
    assert d.mentor.full_name in listing and other.mentor.full_name not in listing


def test_mentor_page_shows_only_own_colleges_trainees(login_as):
    d, other = desk(), desk()
    db.session.add_all([])
    mine = builders.placement(builders.student(d.group), d.mentor)
    from app.models import Partnership

    db.session.add(Partnership(college_id=other.college.id, enterprise_id=d.enterprise.id))
    theirs = builders.placement(builders.student(other.group), d.mentor)
    client = login_as(d.coordinator)
    page = client.get(f"/mentors/{d.mentor.id}").get_data(as_text=True)
    assert mine.student.full_name in page and theirs.student.full_name not in page


def test_coordinator_adds_an_employer_representative(login_as):
    d = desk()
    client = login_as(d.coordinator)
    response = client.post(f"/enterprises/{d.enterprise.id}/employers/new",
                           data={"full_name": "Кадровик Анна", "email": "hr@plant.kz"})
    assert response.status_code == 302
    employer = db.session.scalar(select(User).where(User.role == Role.EMPLOYER))
    assert employer.enterprise_id == d.enterprise.id
    page = client.get(f"/enterprises/{d.enterprise.id}").get_data(as_text=True)
    assert "Кадровик Анна" in page and "не приглашён" in page


# --- scoping -----------------------------------------------------------------------------------

SCOPING = [
    ("coordinator", "/students/{mine_student}", 200),
    ("coordinator", "/students/{other_student}", 404),
    ("coordinator", "/students/{other_student}/edit", 404),
    ("coordinator", "/students/{mine_mentor}", 404),  # a mentor is not a student
    ("coordinator", "/mentors/{mine_mentor}", 200),
    ("coordinator", "/mentors/{other_mentor}", 404),
    ("coordinator", "/mentors/{other_mentor}/edit", 404),
    ("coordinator", "/enterprises/{other_enterprise}/employers/new", 404),
    ("admin", "/students/{other_student}", 200),
    ("admin", "/students/{other_student}/edit", 403),
    ("admin", "/mentors/{other_mentor}/edit", 200),
    ("employer", "/students", 403),
    ("employer", "/mentors/{mine_mentor}", 200),
    ("employer", "/mentors/{other_mentor}", 404),
    ("mentor", "/mentors", 403),
    ("student", "/students", 403),
    ("student", "/students/{mine_student}", 403),
]


@pytest.mark.parametrize(("who", "url", "status"), SCOPING)
def test_scoping_by_role(login_as, who, url, status):
    d, other = desk(), desk()
    mine_student, other_student = builders.student(d.group), builders.student(other.group)
    users = {"coordinator": d.coordinator, "admin": builders.admin(),
             "employer": builders.employer(d.enterprise),
             "mentor": builders.mentor(d.enterprise), "student": mine_student}
    client = login_as(users[who])
    url = url.format(mine_student=mine_student.id, other_student=other_student.id,
                     mine_mentor=d.mentor.id, other_mentor=other.mentor.id,
                     other_enterprise=other.enterprise.id)
    assert client.get(url).status_code == status


def test_other_colleges_students_never_appear_in_lists_or_exports(login_as):
    d, other = desk(), desk()
    mine, theirs = builders.student(d.group), builders.student(other.group)
    client = login_as(d.coordinator)
    for url in ("/students", "/students/export.csv", f"/students?q={theirs.full_name}",
                f"/students?group={other.group.id}"):
        body = client.get(url).get_data(as_text=True)
        # The search text is echoed back in the page's own links, so look for the row.
        assert f"/students/{theirs.id}\"" not in body
        if url.endswith(".csv"):
            assert theirs.full_name not in body
    assert mine.full_name in client.get("/students").get_data(as_text=True)


# --- lists and exports -------------------------------------------------------------------------

def test_student_list_searches_filters_and_sorts(login_as):
    d = desk()
    second_group = builders.group(d.college)
    builders.student(d.group, full_name="Аманов Бауыржан")
    builders.student(second_group, full_name="Болатова Дана")
    builders.student(d.group, full_name="Васильев Глеб", password_hash=None)
    client = login_as(d.coordinator)
    page = client.get(f"/students?group={d.group.id}&sort=name&dir=desc").get_data(as_text=True)
    assert page.index("Васильев") < page.index("Аманов") and "Болатова" not in page
    page = client.get("/students?access=none").get_data(as_text=True)
    assert "Васильев" in page and "Аманов" not in page
    page = client.get("/students?q=Дана").get_data(as_text=True)
    assert "Болатова" in page and "Аманов" not in page


def test_student_exports_mask_iins_and_neutralise_formulas(login_as):
    d = desk()
    student = builders.student(d.group, full_name="=HYPERLINK(\"http://evil\")",
                               phone="+7 777 000 00 00")
    builders.student(d.group, full_name="@SUM(A1)")
    client = login_as(d.coordinator)
    response = client.get("/students/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:3] == ["ФИО", "ИИН", "Дата рождения"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"}
    row = by_name["'=HYPERLINK(\"http://evil\")"]
    assert row[1] == mask_iin(student.student_profile.iin)
    assert row[3] == d.group.code and row[5] == "'+7 777 000 00 00"
    assert student.student_profile.iin not in response.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/students/export.xlsx").data)).active
    names = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"=HYPERLINK(\"http://evil\")", "@SUM(A1)"}  # typed text, not formulas


def test_mentor_export_lists_trainees_and_cap(login_as):
    d = desk()
    builders.placement(builders.student(d.group), d.mentor)
    client = login_as(d.coordinator)
    rows = list(csv.reader(io.StringIO(client.get("/mentors/export.csv").get_data(
        as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == d.mentor.full_name and rows[1][4:6] == ["1", "8"]
    sheet = load_workbook(io.BytesIO(client.get("/mentors/export.xlsx").data)).active
    assert sheet.cell(row=2, column=2).value == d.enterprise.name


@pytest.mark.parametrize("url", ["/students", "/mentors", "/students/export.csv",
                                 "/mentors/export.xlsx"])
def test_people_lists_run_a_fixed_number_of_queries(login_as, query_counter, url):
    d = desk()
    client = login_as(d.coordinator)
    counts = []
    for n in (2, 15):
        for _ in range(n):
            group = builders.group(d.college)
            mentor = builders.mentor(d.enterprise)
            builders.placement(builders.student(group), mentor)
        db.session.commit()
        with query_counter() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- enterprise staff: who may register employers and change mentors (review fixes) ------------

def _as(login_as, client, user):
    """Sign out whoever is signed in, then sign in as `user`."""
    db.session.commit()
    client.post("/logout")
    return login_as(user)


def _employers(enterprise) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.EMPLOYER, User.enterprise_id == enterprise.id))


def test_no_employer_by_a_coordinator_where_other_colleges_train(login_as, client):
    d, other = desk(), desk()
    builders.placement(builders.student(other.group), builders.mentor(d.enterprise))
    url = f"/enterprises/{d.enterprise.id}/employers/new"
    client_ = login_as(d.coordinator)
    response = client_.post(url, data={"full_name": "Захватчик", "email": "me@college.kz"},
                            follow_redirects=True)
    assert "студенты других колледжей" in response.get_data(as_text=True)
    assert _employers(d.enterprise) == 0
    page = client_.get(f"/enterprises/{d.enterprise.id}").get_data(as_text=True)
    assert "Добавить представителя" not in page
    with pytest.raises(RuleViolation):
        services.create_employer(d.coordinator, enterprise_id=d.enterprise.id, full_name="X",
                                 email=None)
    assert _as(login_as, client, builders.admin()).post(url, data={
        "full_name": "Кадровик", "email": "hr@plant.kz"}).status_code == 302
    assert _employers(d.enterprise) == 1


def test_no_employer_by_a_coordinator_once_the_enterprise_has_one_signed_in(login_as):
    d = desk()
    builders.employer(d.enterprise)
    response = login_as(d.coordinator).post(
        f"/enterprises/{d.enterprise.id}/employers/new",
        data={"full_name": "Второй", "email": "second@plant.kz"}, follow_redirects=True)
    assert "уже есть представитель с доступом" in response.get_data(as_text=True)
    assert _employers(d.enterprise) == 1


def test_coordinator_may_not_change_a_mentor_of_another_colleges_trainees(login_as, client):
    d, other = desk(), desk()
    builders.placement(builders.student(d.group), d.mentor)
    builders.placement(builders.student(other.group), d.mentor)
    old_email = d.mentor.email
    client_ = login_as(d.coordinator)
    page = client_.get(f"/mentors/{d.mentor.id}").get_data(as_text=True)
    assert f"/mentors/{d.mentor.id}/edit" not in page and "Пригласить" not in page
    response = client_.post(f"/mentors/{d.mentor.id}/edit", data=_mentor_form(
        d.enterprise, email="mine@college.kz"), follow_redirects=True)
    assert "практиканты других колледжей" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).email == old_email
    for who in (builders.admin(), builders.employer(d.enterprise)):
        assert _as(login_as, client, who).post(f"/mentors/{d.mentor.id}/edit", data=_mentor_form(
            d.enterprise, email=f"{who.role.value}@plant.kz")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).email == "employer@plant.kz"


def test_coordinator_still_changes_a_mentor_of_own_trainees_only(login_as):
    d = desk()
    builders.placement(builders.student(d.group), d.mentor)
    client = login_as(d.coordinator)
    assert client.post(f"/mentors/{d.mentor.id}/edit", data=_mentor_form(
        d.enterprise, email="foreman@plant.kz")).status_code == 302


def test_iin_of_another_colleges_student_gets_a_neutral_message(login_as, in_request):
    d, other = desk(), desk()
    theirs = builders.student(other.group)
    mine = builders.student(d.group)
    neutral = "Этот ИИН уже зарегистрирован; обратитесь в управление образования."
    with pytest.raises(RuleViolation) as refusal:
        services.save_student(d.coordinator, d.college.id, full_name="X",
                              iin=theirs.student_profile.iin, group_id=d.group.id)
    assert refusal.value.message == neutral
    client = login_as(d.coordinator)
    page = client.post("/students/new", data=_form(
        d.group, iin=theirs.student_profile.iin)).get_data(as_text=True)
    assert neutral in page and "в колледже" not in page
    page = client.post(f"/students/{mine.id}/edit", data=_form(
        d.group, iin=theirs.student_profile.iin)).get_data(as_text=True)
    assert neutral in page
    page = client.post("/students/new", data=_form(
        d.group, iin=mine.student_profile.iin)).get_data(as_text=True)
    assert "Студент с этим ИИН уже есть в колледже." in page
