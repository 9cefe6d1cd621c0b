"""Input normalised once: the base form and the query string refuse or clean hostile text."""

import importlib
import inspect
import pkgutil
import unicodedata

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DateField, Form, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired

import app as app_package
from app.forms import BaseForm, BaseSubForm
from app.practice.forms import DayForm, HoursField
from tests import builders


class Sample(BaseForm):
    name = StringField("name", validators=[DataRequired()])
    note = TextAreaField("note")
    count = IntegerField("count")
    hours = HoursField("hours")
    day = DateField("day")


def _form(app, **data) -> Sample:
    with app.test_request_context(method="POST", data=data):
        form = Sample(meta={"csrf": False})
        form.validate()
        return form


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "ab\x07", "a\x1bb", "a\x85b", "a\tb"])
def test_control_characters_in_a_name_are_refused_with_a_message(app, value):
    form = _form(app, name=value)
    assert form.errors["name"] == ["Поле содержит недопустимые управляющие символы."]


def test_a_text_area_keeps_line_breaks_and_tabs_but_refuses_nul(app):
    assert "note" not in _form(app, name="x", note="строка 1\r\nстрока\t2").errors
    assert "note" in _form(app, name="x", note="строка\x00").errors


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_overrides_and_isolates_are_refused(app, mark):
    form = _form(app, name=f"Иван{mark}вонаВ")
    assert form.errors["name"] == ["Поле содержит символы смены направления текста: уберите их."]


def test_text_is_normalised_to_nfc(app):
    decomposed = unicodedata.normalize("NFD", "  Йошкар-Ола Әлия  ")
    form = _form(app, name=decomposed)
    assert not form.errors
    assert form.name.data == "Йошкар-Ола Әлия"
    assert form.name.data == unicodedata.normalize("NFC", form.name.data)


@pytest.mark.parametrize("value", ["１２", "٣", "1_000"])
def test_numbers_take_ascii_digits_only(app, value):
    form = _form(app, name="x", count=value, hours=value)
    assert "count" in form.errors
    assert "hours" in form.errors
    if value != "1_000":
        assert form.errors["hours"] == ["Введите число цифрами 0–9."]


def test_ascii_numbers_still_work(app):
    form = _form(app, name="x", count="12", hours="7,5")
    assert not form.errors
    assert form.count.data == 12


def test_an_integer_beyond_the_database_range_is_refused(app):
    form = _form(app, name="x", count="99999999999999999999")
    assert form.errors["count"] == ["Слишком большое число."]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1806-05-01"])
def test_a_date_no_person_can_mean_is_refused_before_any_date_arithmetic(app, value):
    # 9999-12-31 as a hire date once answered 500: its 12-month check fell outside the calendar.
    form = _form(app, name="x", day=value)
    assert form.errors["day"] == ["Проверьте дату: допустимы годы с 1900 по 2100."]
    assert "day" not in _form(app, name="x", day="2026-12-01").errors


def test_full_width_digits_do_not_count_as_hours_in_a_diary_row(app):
    row = DayForm(MultiDict({"hours": "７", "activity": "Сварка", "work_date": "2026-11-02"}))
    assert not row.validate()
    assert row.errors["hours"] == ["Введите число цифрами 0–9."]


def _form_classes():
    for module_info in pkgutil.walk_packages(app_package.__path__, "app."):
        if module_info.name.startswith("app.demo"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Form) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_of_the_app_derives_from_the_base_form():
    classes = list(_form_classes())
    assert len(classes) > 20
    strays = [f"{c.__module__}.{c.__name__}" for c in classes
              if not issubclass(c, BaseForm | BaseSubForm)]
    assert strays == []


LISTS = ["/students", "/placements/", "/enterprises", "/mentors", "/outcomes/", "/assessments/",
         "/notifications", "/review", "/progress", "/groups", "/colleges", "/outcomes/due",
         "/enterprises/find", "/dashboard/", "/documents", "/verify"]


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "page=99999999999999999999",
                                   "page=%EF%BC%92", "page=-5", "q=%E2%80%AEx", "sort=%00",
                                   "group=99999999999999999999", "enterprise=%00",
                                   "college=99999999999999999999", "city=%00"])
def test_hostile_query_strings_never_break_a_list(app, login_as, query):
    coordinator = builders.coordinator()
    client = login_as(coordinator)
    for path in LISTS:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query)
        assert response.status_code in (200, 302, 403, 404), (path, query)


def test_a_nul_byte_in_the_search_box_finds_what_the_text_without_it_finds(app, login_as):
    student = builders.student(full_name="Айгерим Нурланова")
    client = login_as(builders.coordinator(student.college))
    page = client.get("/students?q=Айгер%00им").get_data(as_text=True)
    assert "Айгерим Нурланова" in page


def test_a_full_width_page_number_is_page_one(app, login_as):
    from flask import request

    from app.listing import ListRequest

    with app.test_request_context("/students?page=%EF%BC%92&q=%00abc"):
        assert request.args.get("page", type=int) is None
        req = ListRequest.from_args({"name": None}, "name")
        assert req.page == 1
        assert req.q == "abc"
    with app.test_request_context("/students?page=99999999999999999999"):
        assert ListRequest.from_args({"name": None}, "name").page == 1
    with app.test_request_context("/students?page=2147483647"):
        assert ListRequest.from_args({"name": None}, "name").page == 100_000


def test_an_id_beyond_the_database_range_is_not_found(app, login_as):
    client = login_as(builders.admin())
    for path in ("/colleges/99999999999999999999", "/colleges/2147483648",
                 "/placements/99999999999999999999"):
        assert client.get(path).status_code == 404, path
