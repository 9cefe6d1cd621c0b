"""Imports in bulk: the statements a preview and a confirmation run do not grow with the rows;
the audit is written for every row; a crash mid-confirm leaves the upload ready to confirm again."""

import io
import json
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.identifiers import make_bin, make_iin
from app.extensions import db
from app.models import AuditEvent, Enterprise, Group, Partnership, Role, Specialty, User
from tests import builders
from tests.test_imports import _problems


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "imports"


@pytest.fixture
def app_config(folder):
    return {"IMPORT_FOLDER": str(folder)}


def _upload(client, kind, filename, data):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _token(page):
    found = re.search(r'action="/imports/([^/"]+)/confirm"', page)
    assert found, page
    return found.group(1)


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _students_file(n: int, start: int = 0, phone: str = "+7 700 000 00 00") -> bytes:
    lines = ["ФИО;ИИН;Группа;Код специальности;Специальность;Телефон;Дата рождения"]
    for i in range(start, start + n):
        born = date(2005, 1 + i % 12, 1 + i % 28)
        group = f"ТМ-{23 + i % 3}-1"
        lines.append(f"Студент Номер {i};{make_iin(born, i + 1)};{group};07151900;"
                     f"Технология машиностроения;{phone};{born:%d.%m.%Y}")
    return "\r\n".join(lines).encode("cp1251")


def _enterprises_file(n: int, capacity: int = 5) -> bytes:
    lines = ["Наименование;БИН;Город;Отрасль;Мест в год"]
    for i in range(n):
        lines.append(f"ТОО «Завод {i}»;{make_bin(date(2003, 1 + i % 12, 1), i + 1)};"
                     f"Усть-Каменогорск;машиностроение;{capacity}")
    return "\n".join(lines).encode("utf-8")


def _statements(login_as, query_counter, kind, data):
    """Statements of the preview and of the confirmation of one file, for a new coordinator."""
    client = login_as(builders.coordinator())
    with query_counter() as preview:
        page = _upload(client, kind, "f.csv", data).get_data(as_text=True)
    token = _token(page)
    with query_counter() as confirm:
        assert client.post(f"/imports/{token}/confirm").status_code == 302
    return client, preview.count, confirm.count


@pytest.mark.parametrize("kind", ["students", "enterprises"])
def test_statements_do_not_grow_with_the_rows(login_as, query_counter, kind, client):
    make = _students_file if kind == "students" else _enterprises_file
    _c, small_preview, small_confirm = _statements(login_as, query_counter, kind, make(10))
    client.post("/logout")
    big, big_preview, big_confirm = _statements(
        login_as, query_counter, kind,
        make(200) if kind == "enterprises" else make(200, start=1000))
    assert big_preview == small_preview
    assert big_confirm == small_confirm
    assert small_preview <= 12 and small_confirm <= 25, (small_preview, small_confirm)
    # Updating what exists is as flat: the same file again with other values.
    changed = (_students_file(200, start=1000, phone="+7 711 111 11 11") if kind == "students"
               else _enterprises_file(200, capacity=9))
    with query_counter() as preview:
        page = _upload(big, kind, "f.csv", changed).get_data(as_text=True)
    with query_counter() as confirm:
        assert big.post(f"/imports/{_token(page)}/confirm").status_code == 302
    assert preview.count == small_preview
    assert confirm.count <= small_confirm + 2  # the update statements instead of inserts


def test_every_imported_row_is_audited(login_as):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", _students_file(30)).get_data(as_text=True)
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    students = _count(User, User.college_id == coordinator.college_id, User.role == Role.STUDENT)
    assert students == 30
    assert _count(AuditEvent, AuditEvent.action == "student_created") == 30
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "student_created").limit(1))
    assert event.actor_id == coordinator.id and event.object_type == "users"
    assert "•" in event.changes["iin"][1]  # masked, as the student service audits it
    assert "email" not in event.changes  # a placeholder address is not audited
    page = _upload(client, "enterprises", "e.csv", _enterprises_file(4)).get_data(as_text=True)
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    assert _count(AuditEvent, AuditEvent.action == "created",
                  AuditEvent.object_type == "enterprises") == 4
    assert _count(AuditEvent, AuditEvent.action == "partner_linked") == 4
    assert _count(Partnership, Partnership.college_id == coordinator.college_id) == 4
    assert _count(AuditEvent, AuditEvent.action == "import_confirmed") == 2


# --- crashes ----------------------------------------------------------------------------------


def test_a_crash_mid_confirm_writes_nothing_and_the_file_can_be_confirmed_again(
        login_as, monkeypatch):
    import app.imports.bulk as bulk

    coordinator = builders.coordinator()
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", _students_file(5)).get_data(as_text=True)
    token = _token(page)
    real = bulk.insert_rows

    def crash_after_the_students(model, rows):
        if model is AuditEvent:  # the students and their groups are written by now
            raise RuntimeError("the database went away")
        return real(model, rows)

    monkeypatch.setattr(bulk, "insert_rows", crash_after_the_students)
    response = client.post(f"/imports/{token}/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(token)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Импорт прервался из-за ошибки, ничего не записано" in page
    assert "уже импортирован" not in page
    db.session.expire_all()
    assert _count(User, User.role == Role.STUDENT) == 0
    assert _count(Group) == 0 and _count(Specialty) == 0 and _count(AuditEvent) == 0
    monkeypatch.setattr(bulk, "insert_rows", real)
    assert _token(page) == token  # the preview offers the same upload again
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Импорт завершён: строк 5, создано 5" in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 5
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Этот файл уже импортирован." in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 5


def _claim_by_a_dead_process(folder: Path, token: str, age: float) -> None:
    taken = folder / f"{token}.taken"
    (folder / f"{token}.data").rename(taken)
    os.utime(taken, (time.time() - age, time.time() - age))


def test_an_import_that_died_is_recovered_and_a_live_one_is_not_taken(login_as, folder):
    client = login_as(builders.coordinator())
    page = _upload(client, "students", "s.csv", _students_file(3)).get_data(as_text=True)
    token = _token(page)
    _claim_by_a_dead_process(folder, token, age=5)  # another request is importing it now
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "импортируется прямо сейчас" in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 0
    os.utime(folder / f"{token}.taken", (time.time() - 3600, time.time() - 3600))
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Импорт завершён: строк 3, создано 3" in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 3


def test_a_committed_import_whose_file_was_not_released_is_not_imported_twice(login_as,
                                                                                folder):
    client = login_as(builders.coordinator())
    page = _upload(client, "students", "s.csv", _students_file(3)).get_data(as_text=True)
    token = _token(page)
    data = (folder / f"{token}.data").read_bytes()
    assert client.post(f"/imports/{token}/confirm").status_code == 302
    # As if the process died between the commit and the release of the file.
    meta_path = folder / f"{token}.json"
    meta = json.loads(meta_path.read_text())
    meta.pop("imported")
    meta_path.write_text(json.dumps(meta))
    (folder / f"{token}.data").write_bytes(data)
    _claim_by_a_dead_process(folder, token, age=3600)
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Этот файл уже импортирован." in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 3
    assert _count(AuditEvent, AuditEvent.action == "import_confirmed") == 1


def test_a_confirmation_refused_by_changed_data_keeps_nothing_half_written(login_as, folder):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    data = _enterprises_file(3)
    page = _upload(client, "enterprises", "e.csv", data).get_data(as_text=True)
    token = _token(page)
    # Meanwhile the second enterprise's HR signs in: its record is then theirs, still linked.
    owned = builders.enterprise(bin=make_bin(date(2003, 2, 1), 2))
    builders.employer(owned)
    db.session.commit()
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "Импорт завершён: строк 3, создано 2, обновлено 1" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enterprise, owned.id).name == owned.name
    assert _count(Partnership, Partnership.college_id == coordinator.college_id) == 3


# --- placements -------------------------------------------------------------------------------


def _placements_world(students: int):
    from tests.builders_placements import world

    w = world(capacity=1000, trainee_cap=100)
    people = [w.student] + [builders.student(w.group) for _ in range(students - 1)]
    return w, people


def _placements_file(w, people, start="01.09.2026", end="25.12.2026") -> bytes:
    lines = ["ИИН студента;БИН предприятия;E-mail наставника;Начало;Окончание;Часы;Цех"]
    department = w.mentor.mentor_profile.department.name
    lines += [f"{s.student_profile.iin};{w.enterprise.bin};{w.mentor.email};{start};{end};480;"
              f"{department}" for s in people]
    return "\n".join(lines).encode("utf-8")


def test_placement_statements_do_not_grow_with_the_rows(login_as, query_counter, client):
    from app.models import Placement

    counts = []
    for size in (10, 120):
        w, people = _placements_world(size)
        data = _placements_file(w, people)
        client = login_as(w.coordinator)
        with query_counter() as preview:
            page = _upload(client, "placements", "p.csv", data).get_data(as_text=True)
        with query_counter() as confirm:
            assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
        counts.append((preview.count, confirm.count))
        assert _count(Placement, Placement.college_id == w.college.id) == size
        client.post("/logout")
    assert counts[0] == counts[1], counts
    assert _count(AuditEvent, AuditEvent.action == "created",
                  AuditEvent.object_type == "placements") == 130


def test_placement_rows_count_against_each_other(login_as):
    from tests.builders_placements import world

    w = world(capacity=2)
    second, third = builders.student(w.group), builders.student(w.group)
    rows = [
        (w.student, "01.09.2026", "25.12.2026"),
        (w.student, "01.12.2026", "30.04.2027"),  # overlaps the row above
        (second, "01.09.2026", "25.12.2026"),
        (third, "01.09.2026", "25.12.2026"),  # the enterprise's two places are taken above
        (third, "10.01.2027", "30.04.2027"),  # another year: a place is free
    ]
    lines = ["ИИН студента;БИН предприятия;E-mail наставника;Начало;Окончание;Часы"]
    lines += [f"{s.student_profile.iin};{w.enterprise.bin};{w.mentor.email};{a};{b};300"
              for s, a, b in rows]
    client = login_as(w.coordinator)
    page = _upload(client, "placements", "p.csv", "\n".join(lines).encode()).get_data(
        as_text=True)
    assert _problems(page) == [
        ("3", "Начало", "Даты пересекаются с договором этого студента в строке 2."),
        ("5", "Начало", f"У предприятия «{w.enterprise.name}» не осталось мест на 2026 год "
                        "(2 в год)."),
    ]


def test_a_duplicate_written_meanwhile_is_told_and_nothing_is_half_written(login_as,
                                                                          monkeypatch):
    from sqlalchemy.exc import IntegrityError

    import app.imports.bulk as bulk

    client = login_as(builders.coordinator())
    page = _upload(client, "students", "s.csv", _students_file(4)).get_data(as_text=True)
    token = _token(page)
    real = bulk.insert_rows

    def unique_index_says_no(model, rows):
        raise IntegrityError("INSERT", {}, Exception("duplicate key value"))

    monkeypatch.setattr(bulk, "insert_rows", unique_index_says_no)
    response = client.post(f"/imports/{token}/confirm", follow_redirects=True)
    assert "в системе появились те же данные" in response.get_data(as_text=True)
    assert _count(User, User.role == Role.STUDENT) == 0 and _count(Group) == 0
    monkeypatch.setattr(bulk, "insert_rows", real)
    assert client.post(f"/imports/{token}/confirm").status_code == 302
    assert _count(User, User.role == Role.STUDENT) == 4


def test_a_class_of_minors_without_guardians_imports_with_the_notes_counted(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college, code="СВ-25-1")
    lines = ["ФИО;ИИН;Группа"] + [
        f"Юный {i};{make_iin(date(2011, 1 + i % 12, 1 + i % 28), i + 1)};{group.code}"
        for i in range(150)]
    client = login_as(coordinator)
    page = _upload(client, "students", "s.csv", "\n".join(lines).encode()).get_data(
        as_text=True)
    assert page.count("Студент несовершеннолетний") == 100
    assert "И ещё примечаний: 50." in page
    assert page.count("нет данных родителя") == 150  # each row's badge in the table
    assert client.post(f"/imports/{_token(page)}/confirm").status_code == 302
    assert _count(User, User.college_id == coordinator.college_id) == 151
