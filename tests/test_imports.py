"""Bulk import: the sample files, encodings, separators, headers, problems by row and column,
all or nothing, re-import without duplicates, and refusals of files that cannot be read."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.domain.identifiers import make_bin, make_iin
from app.extensions import db
from app.models import (
    Enterprise,
    Partnership,
    Placement,
    PlacementStatus,
    Role,
    StudentProfile,
    User,
)
from tests import builders
from tests.builders_placements import world

DATA = Path(__file__).parent / "data"
SAMPLE_GROUPS = ("СТ-24-1", "СВ-23-1", "СР-23-1", "ЭС-23-2")


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


@pytest.fixture
def all_adults(monkeypatch):
    """Pin the import's clock to a day when every sample student is 18 or older."""
    import app.imports.views as views

    monkeypatch.setattr(views, "_today", lambda: date(2027, 1, 15))


def _coordinator_with_groups(*codes):
    coordinator = builders.coordinator()
    specialty = builders.specialty(coordinator.college)
    groups = {code: builders.group(coordinator.college, specialty, code=code) for code in codes}
    return coordinator, groups


def _upload(client, kind: str, filename: str, data: bytes):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _token(page: str) -> str | None:
    found = re.search(r'action="/imports/([^/"]+)/confirm"', page)
    return found.group(1) if found else None


def _problems(page: str) -> list[tuple[str, str, str]]:
    """The rows of the problems table: (row, column, message)."""
    if 'id="problems-heading"' not in page:
        return []
    body = page.split('id="problems-heading"', 1)[-1].split("</tbody>", 1)[0]
    body = body.split("<tbody>", 1)[-1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip()
              for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    # The row's card is titled "Строка N" (on a phone each problem is a card).
    return [(cell[0].removeprefix("Строка "), *cell[1:]) for cell in cells if len(cell) == 3]


def _students(college_id) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.college_id == college_id, User.role == Role.STUDENT)))


def _confirm(client, page: str):
    token = _token(page)
    assert token, page
    return client.post(f"/imports/{token}/confirm")


# --- the sample files ---------------------------------------------------------------------------


def test_sample_students_file_imports_and_reimports_without_duplicates(login_as, all_adults):
    coordinator, groups = _coordinator_with_groups(*SAMPLE_GROUPS)
    client = login_as(coordinator)
    data = (DATA / "students_excel_ru_cp1251.csv").read_bytes()
    response = _upload(client, "students", "Студенты.csv", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _problems(page) == [], _problems(page)
    assert "Ошибок нет" in page and "Ковалёв Ярослав Ерланович" in page
    assert "080905569311" not in page  # IINs are masked in the preview
    assert _students(coordinator.college_id) == []  # a preview writes nothing
    response = _confirm(client, page)
    assert response.status_code == 302
    db.session.expire_all()
    students = {s.student_profile.iin: s for s in _students(coordinator.college_id)}
    assert len(students) == 40  # two pairs of namesakes, told apart by their IINs
    kim = students["070310590889"]
    assert kim.full_name == "Ким Данияр Нурланович"
    assert kim.student_profile.iin == "070310590889"
    assert kim.student_profile.birth_date == date(2007, 3, 10)
    assert kim.student_profile.group_id == groups["СВ-23-1"].id
    assert kim.phone == "+7 708 897 34 34"
    page = _upload(client, "students", "Студенты.csv", data).get_data(as_text=True)
    response = _confirm(client, page)
    follow = client.get(response.headers["Location"]) if response.status_code == 302 else None
    assert follow is not None
    db.session.expire_all()
    assert len(_students(coordinator.college_id)) == 40
    assert db.session.scalar(select(func.count()).select_from(StudentProfile)) == 40


def test_sample_enterprises_workbook_imports_and_partners_the_college(login_as):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    data = (DATA / "enterprises_ru.xlsx").read_bytes()
    page = _upload(client, "enterprises", "enterprises_ru.xlsx", data).get_data(as_text=True)
    assert _problems(page) == []
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0
    assert _confirm(client, page).status_code == 302
    enterprises = {e.name: e for e in db.session.scalars(select(Enterprise))}
    assert len(enterprises) == 5
    ulba = enterprises["АО «Ульба Металл»"]
    assert (ulba.bin, ulba.city, ulba.industry, ulba.intake_capacity) == (
        "180840683594", "Усть-Каменогорск", "Металлургия", 25)
    partners = db.session.scalar(select(func.count()).select_from(Partnership).where(
        Partnership.college_id == coordinator.college_id))
    assert partners == 5
    page = _upload(client, "enterprises", "enterprises_ru.xlsx", data).get_data(as_text=True)
    assert "Будет обновлено" in page
    _confirm(client, page)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 5


# --- encodings, separators, headers ----------------------------------------------------------


def _student_rows(n=3):
    born = date(2004, 5, 6)
    return [(f"Тестов Ёрмек {i}", make_iin(born, 700 + i), "СВ-23-1", f"{born:%d.%m.%Y}")
            for i in range(n)]


@pytest.mark.parametrize(
    ("encoding", "separator", "header"),
    [
        ("utf-8-sig", ";", ["ФИО", "ИИН", "Группа", "Дата рождения"]),
        ("utf-8", ",", ["ФИО", "ИИН", "Группа", "Дата рождения"]),
        ("cp1251", ";", ["Ф.И.О.", "ИИН*", "группа", "дата рождения"]),
        ("utf-16", "\t", ["ФИО", "ИИН", "Группа", "Дата рождения"]),
        ("utf-8", ",", ["Full name", "IIN", "Group", "Date of birth"]),
    ],
)
def test_csv_in_any_office_encoding_separator_and_language(login_as, encoding, separator,
                                                           header):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    rows = _student_rows()
    lines = [separator.join(header)] + [separator.join(r) for r in rows]
    data = "\r\n".join(lines).encode(encoding)
    client = login_as(coordinator)
    page = _upload(client, "students", "list.csv", data).get_data(as_text=True)
    assert _problems(page) == []
    assert _confirm(client, page).status_code == 302
    names = {s.full_name for s in _students(coordinator.college_id)}
    assert names == {r[0] for r in rows}


def test_reordered_extra_columns_iso_dates_and_lost_leading_zeros(login_as):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    born = date(2006, 1, 2)  # an IIN starting with 0, which Excel turns into a number
    iin = make_iin(born, 42)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet.append(["Список студентов группы СВ-23-1"])  # a title above the table
    sheet.append([])
    sheet.append(["№", "Group", "Примечание", "IIN", "Birth date", "Full name", "E-mail"])
    sheet.append([1, "св-23-1", "староста", int(iin), born, "Абаев Тимур", "Timur@Mail.kz"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login_as(coordinator)
    page = _upload(client, "students", "группа.xlsx", buffer.getvalue()).get_data(as_text=True)
    assert _problems(page) == []
    assert "Не используются столбцы: №, Примечание." in page
    _confirm(client, page)
    (student,) = _students(coordinator.college_id)
    assert (student.full_name, student.student_profile.iin, student.email) == (
        "Абаев Тимур", iin, "timur@mail.kz")


# --- problems by row and column -------------------------------------------------------------


def test_preview_lists_every_problem_by_row_and_column_and_writes_nothing(login_as):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    good = make_iin(date(2004, 5, 6), 1)
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    text = "\n".join([
        "ФИО;ИИН;Группа;Дата рождения",
        f"Первый Ок;{good};СВ-23-1;06.05.2004",
        f"Ошибка Контрольной;{bad_check};СВ-23-1;",
        f"Чужая Группа;{make_iin(date(2004, 1, 1), 2)};XX-99;",
        f"Плохая Дата;{make_iin(date(2004, 1, 1), 3)};СВ-23-1;31.02.2004",
        f"Не Та Дата;{make_iin(date(2004, 1, 1), 4)};СВ-23-1;02.01.2004",
        f";{make_iin(date(2004, 1, 1), 5)};СВ-23-1;",
        f"Повтор;{good};СВ-23-1;",
        "<script>alert(1)</script>;123;СВ-23-1;",
    ])
    client = login_as(coordinator)
    response = _upload(client, "students", "s.csv", text.encode("utf-8"))
    page = response.get_data(as_text=True)
    problems = _problems(page)
    assert ("3", "ИИН", "ИИН указан с ошибкой: не сходится контрольная цифра.") in problems
    assert ("4", "Группа", "Группы «XX-99» нет в колледже. Чтобы создать её вместе с "
            "импортом, укажите в файле её специальность (столбец «Код специальности» или "
            "«Специальность»).") in problems
    assert any(p[:2] == ("5", "Дата рождения") and "не распознана" in p[2] for p in problems)
    assert ("6", "Дата рождения", "Дата рождения не совпадает с ИИН: по ИИН — 01.01.2004.") \
        in problems
    assert ("7", "ФИО", "Заполните это поле.") in problems
    assert ("8", "—", "Строка повторяет строку 2.") in problems
    assert ("9", "ИИН", "ИИН — 12 цифр.") in problems
    assert len(problems) == 7
    assert "<script>alert(1)</script>" not in page
    assert _token(page) is None and "Ничего не записано" in page
    assert _students(coordinator.college_id) == []


def test_minor_without_guardian_imports_with_the_reason_on_its_row(login_as):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    born = date.today() - timedelta(days=16 * 366)
    rows = [
        "ФИО,ИИН,Группа,Родитель,Телефон родителя",
        f"Юный Без Родителя,{make_iin(born, 11)},СВ-23-1,,",
        f"Юный С Родителем,{make_iin(born, 12)},СВ-23-1,Мама Юного,+7 700 000 00 00",
        f"Юный Без Телефона,{make_iin(born, 13)},СВ-23-1,Папа Юного,",
    ]
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", "\n".join(rows).encode()).get_data(as_text=True)
    assert _problems(page) == []
    assert "Строка 2: Студент несовершеннолетний" in page
    assert "Строка 4: Студент несовершеннолетний" in page and "Строка 3:" not in page
    assert _confirm(client, page).status_code == 302
    stored = {s.full_name: s.student_profile for s in _students(coordinator.college_id)}
    assert len(stored) == 3
    assert stored["Юный С Родителем"].guardian_phone == "+7 700 000 00 00"
    assert stored["Юный Без Телефона"].guardian_name == "Папа Юного"


def test_import_is_all_or_nothing_when_data_changed_after_the_preview(login_as):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    rows = _student_rows(3)
    text = "ФИО;ИИН;Группа\n" + "\n".join(";".join(r[:3]) for r in rows)
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", text.encode()).get_data(as_text=True)
    assert _token(page)
    # Meanwhile another college registers the third student.
    other = builders.student(builders.group())
    other.student_profile.iin = rows[2][1]
    db.session.commit()
    response = _confirm(client, page)
    assert response.status_code == 409
    assert ("4", "ИИН", "Этот ИИН уже зарегистрирован; обратитесь в управление образования."
            ) in _problems(
        response.get_data(as_text=True))
    db.session.expire_all()
    assert _students(coordinator.college_id) == []


# --- placements from a file ----------------------------------------------------------------------


def _placements_file(rows, separator=";"):
    header = ["ИИН студента", "БИН предприятия", "E-mail наставника", "Начало", "Окончание",
              "Часы"]
    lines = [separator.join(header)] + [separator.join(map(str, r)) for r in rows]
    return "\n".join(lines).encode("cp1251")


def test_placements_import_creates_drafts_once(login_as):
    w = world(capacity=10)
    second = builders.student(w.group)
    rows = [
        (w.student.student_profile.iin, w.enterprise.bin, w.mentor.email.upper(), "01.09.2026",
         "25.12.2026", 480),
        (second.student_profile.iin, w.enterprise.bin, w.mentor.email, "2026-09-01",
         "2026-12-25", "480"),
    ]
    client = login_as(w.coordinator)
    page = _upload(client, "placements", "p.csv", _placements_file(rows)).get_data(as_text=True)
    assert _problems(page) == []
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
    response = _confirm(client, page)
    assert response.headers["Location"].endswith("/placements/")
    placements = list(db.session.scalars(select(Placement)))
    assert len(placements) == 2
    assert {p.status for p in placements} == {PlacementStatus.DRAFT}
    page = _upload(client, "placements", "p.csv", _placements_file(rows)).get_data(as_text=True)
    assert _problems(page) == []
    _confirm(client, page)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 2


def test_placement_rows_are_checked_by_every_rule(login_as):
    w = world(capacity=1)
    stranger = builders.student()  # another college's student
    other_mentor = builders.mentor()
    s2, s3, s4 = (builders.student(w.group) for _ in range(3))
    iin, bin_ = w.student.student_profile.iin, w.enterprise.bin
    rows = [
        (iin, bin_, w.mentor.email, "01.09.2026", "25.12.2026", 480),
        (stranger.student_profile.iin, bin_, w.mentor.email, "01.09.2026", "25.12.2026", 480),
        (s2.student_profile.iin, bin_, other_mentor.email, "01.09.2026", "25.12.2026", 480),
        (s3.student_profile.iin, bin_, w.mentor.email, "25.12.2026", "01.09.2026", 480),
        (s4.student_profile.iin, bin_, w.mentor.email, "01.09.2026", "25.12.2026", 480),
        (s4.student_profile.iin, make_bin(date(2001, 1, 1), 1), w.mentor.email, "01.09.2027",
         "25.12.2027", "много"),
    ]
    client = login_as(w.coordinator)
    page = _upload(client, "placements", "p.csv", _placements_file(rows)).get_data(as_text=True)
    problems = _problems(page)
    assert problems[0][:2] == ("3", "ИИН студента")
    # A foreman of a non-partner enterprise: whether the address exists elsewhere is not told.
    assert problems[1] == ("4", "E-mail наставника", "Наставник с этой почтой не найден среди "
                           "наставников предприятий-партнёров.")
    assert problems[2] == ("5", "Окончание", "Дата окончания должна быть позже даты начала.")
    assert problems[3][:2] == ("6", "Начало") and "не осталось мест" in problems[3][2]
    assert problems[4][:2] == ("7", "БИН предприятия")
    assert len(problems) == 5
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0


# --- refusals -------------------------------------------------------------------------------


def _xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("empty.csv", b"", "Файл пустой."),
        ("bom.csv", b"\xef\xbb\xbf\r\n", "Файл пустой."),
        ("junk.csv", bytes(range(256)) * 8, "двоичные данные"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "Это не текстовая таблица CSV"),
        ("book.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Старый формат Excel (.xls)"),
        ("scan.pdf", b"%PDF-1.4 ...", "Можно загрузить только таблицу CSV или XLSX."),
        ("fake.xlsx", "ФИО;ИИН;Группа".encode(), "Файл не похож на книгу Excel"),
        ("header.csv", "ФИО;ИИН;Группа\r\n".encode(), "только заголовок"),
        ("cols.csv", "ФИО;Телефон\nКим;1".encode(), "нет обязательных столбцов: «ИИН»"),
        ("nohead.csv", "Ким;070310590889\n".encode(), "Не найдена строка заголовков"),
        ("empty.xlsx", _xlsx_bytes([]), "Не найдена строка заголовков"),
    ],
)
def test_unreadable_files_are_refused_clearly(login_as, filename, data, message):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    response = _upload(login_as(coordinator), "students", filename, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _students(coordinator.college_id) == []


def test_no_file_chosen_is_refused(login_as):
    coordinator = builders.coordinator()
    response = login_as(coordinator).post("/imports/", data={"kind": "students"},
                                          content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Выберите файл." in response.get_data(as_text=True)


def test_oversized_file_gets_the_friendly_413_page(login_as, app):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = _upload(client, "students", "big.csv", b"a;b\n" * 5_000)
    assert response.status_code == 413
    assert "Файл слишком большой" in response.get_data(as_text=True)


def test_a_kept_file_is_confirmed_once_and_only_by_its_owner(login_as, client):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    other = builders.coordinator()
    rows = _student_rows(2)
    text = "ФИО;ИИН;Группа\n" + "\n".join(";".join(r[:3]) for r in rows)
    page = _upload(login_as(coordinator), "students", "s.csv", text.encode()).get_data(
        as_text=True)
    token = _token(page)
    client.post("/logout")
    login_as(other)
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "устарел или не найден" in response.get_data(as_text=True)
    assert client.post("/imports/..%2F..%2Fsecret_key/confirm").status_code in (302, 404)
    client.post("/logout")
    login_as(coordinator)
    assert client.post(f"/imports/{token}/confirm").status_code == 302
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Этот файл уже импортирован." in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(_students(coordinator.college_id)) == 2
    assert _students(other.college_id) == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYER, Role.MENTOR, Role.STUDENT])
def test_only_coordinators_import(login_as, role):
    user = {Role.ADMIN: builders.admin, Role.EMPLOYER: builders.employer,
            Role.MENTOR: builders.mentor, Role.STUDENT: builders.student}[role]()
    client = login_as(user)
    assert client.get("/imports/").status_code == 403
    assert _upload(client, "students", "s.csv", b"x").status_code == 403


def test_upload_page_explains_columns_and_is_in_the_menu(login_as):
    page = login_as(builders.coordinator()).get("/imports/").get_data(as_text=True)
    assert ">Импорт<" in page
    assert "Мест в год" in page and "E-mail наставника" in page and "full name" in page


def test_headers_in_kazakh_and_english_as_the_help_page_titles_them(login_as):
    coordinator, _ = _coordinator_with_groups("СВ-23-1")
    client = login_as(coordinator)
    bin_ = make_bin(date(2003, 3, 1), 77)
    kazakh = f"Атауы;БСН;Қала;Саласы\nТОО Тест;{bin_};Риддер;энергетика"
    page = _upload(client, "enterprises", "kk.csv", kazakh.encode()).get_data(as_text=True)
    assert _problems(page) == []
    assert "ТОО Тест" in page


# --- an existing enterprise is linked, not overwritten (review fixes) ---------------------------

def _enterprises_file(rows) -> bytes:
    lines = ["Наименование;БИН;Город;Отрасль;Мест в год"] + [";".join(map(str, r)) for r in rows]
    return "\n".join(lines).encode("cp1251")


def test_import_links_an_enterprise_its_employer_runs_and_keeps_its_record(login_as):
    owned = builders.enterprise(name="АО «Свой учёт»", intake_capacity=12)
    builders.employer(owned)  # its HR has signed in: the enterprise keeps its own data
    free = builders.enterprise(name="ТОО «Без кадровика»", intake_capacity=3)
    coordinator = builders.coordinator()
    rows = [("Подменённое имя", owned.bin, "Алтай", "Торговля", 99),
            ("ТОО «Без кадровика» (ред.)", free.bin, "Риддер", "Ремонт", 7)]
    client = login_as(coordinator)
    page = _upload(client, "enterprises", "e.csv", _enterprises_file(rows)).get_data(as_text=True)
    assert _problems(page) == []
    assert "Примечания" in page and "запись оставлена без изменений" in page
    assert "Строка 2:" in page and "Строка 3:" not in page
    assert _confirm(client, page).status_code == 302
    db.session.expire_all()
    owned, free = db.session.get(Enterprise, owned.id), db.session.get(Enterprise, free.id)
    assert (owned.name, owned.city, owned.intake_capacity) == ("АО «Свой учёт»",
                                                                "Усть-Каменогорск", 12)
    assert (free.name, free.intake_capacity) == ("ТОО «Без кадровика» (ред.)", 7)
    linked = set(db.session.scalars(select(Partnership.enterprise_id).where(
        Partnership.college_id == coordinator.college_id)))
    assert linked == {owned.id, free.id}


def test_placements_import_tells_a_partners_foreman_at_another_enterprise(login_as):
    w = world(capacity=10)
    partner_mentor = builders.mentor(builders.enterprise())
    db.session.add(Partnership(college_id=w.college.id,
                               enterprise_id=partner_mentor.enterprise_id))
    rows = [(w.student.student_profile.iin, w.enterprise.bin, partner_mentor.email,
             "01.09.2026", "25.12.2026", 480)]
    page = _upload(login_as(w.coordinator), "placements", "p.csv",
                   _placements_file(rows)).get_data(as_text=True)
    assert _problems(page) == [("2", "E-mail наставника",
                                "Этот наставник работает на другом предприятии.")]
