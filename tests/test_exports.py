"""Every export opens cleanly: XLSX cells typed, bold frozen header, fitted widths, sheet names in
the reader's language; CSV with the reader's locale's separators and formulas neutralised."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.exports import csv_dialect, sheet_title
from app.extensions import db
from app.models import Partnership
from tests import builders
from tests import builders_dashboard as bd
from tests.builders_people import desk

PHONE = "+7 773 123 45 67"
LIST_EXPORTS = {  # path → sheet name by language
    "/students/export": {"ru": "Студенты", "en": "Students"},
    "/mentors/export": {"ru": "Наставники", "en": "Mentors"},
    "/enterprises/export": {"ru": "Предприятия", "en": "Enterprises"},
    "/placements/export": {"ru": "Договоры", "en": "Agreements"},
    "/outcomes/export": {"ru": "Выпускники", "en": "Graduates"},
}
FIGURES = ["funnel", "graduates-by-year", "graduates-by-college", "graduates-by-specialty",
           "enterprises", "mentors", "weekly-hours"]


@pytest.fixture
def coordinator_world():
    d = desk()
    d.enterprise.contact_phone = PHONE
    builders.enterprise(name="=HYPERLINK(\"http://x\")", contact_phone=PHONE)
    db.session.add(Partnership(college_id=d.college.id,
                               enterprise_id=builders.enterprise(name="Второй завод").id))
    trainee = builders.student(d.group, full_name="Айгерим Сапарова", phone=PHONE,
                               born=date(2006, 2, 3))
    builders.student(d.group, full_name="=1+1", phone="-5")
    mentor = builders.mentor(d.enterprise, phone=PHONE)
    placement = builders.placement(trainee, mentor, start=date(2025, 1, 6),
                                   end_date=date(2025, 6, 1), required_hours=480)
    bd.signed_entry(placement, date(2025, 4, 7), hours=6.5)
    bd.final_assessment(placement)
    bd.outcome(placement)
    db.session.flush()
    return d


def _as(login_as, user, language):
    user.locale = language
    return login_as(user)


def _xlsx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def _csv(response, delimiter):
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("path", list(LIST_EXPORTS))
def test_list_exports_open_as_typed_workbooks(login_as, coordinator_world, path, language):
    client = _as(login_as, coordinator_world.coordinator, language)
    book = _xlsx(client.get(f"{path}.xlsx"))
    sheet = book.active
    assert sheet.title == LIST_EXPORTS[path][language]
    assert sheet.freeze_panes == "A2"
    header = list(sheet[1])
    assert header and all(c.font.bold for c in header)
    assert not re.search("[а-яё]", " ".join(str(c.value) for c in header), re.I) or (
        language == "ru")
    for column, cell in zip(sheet.iter_cols(min_row=1), header, strict=False):
        width = sheet.column_dimensions[cell.column_letter].width
        longest = max(10 if c.is_date else len(str(c.value)) for c in column
                      if c.value is not None)
        assert min(longest, 58) <= width <= 62, (cell.value, width, longest)
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells, "the export has rows"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith("'")], "no literal apostrophes in typed cells"
    if path != "/placements/export" and path != "/outcomes/export":
        assert PHONE in texts  # a phone number is text, shown as typed
    for c in cells:
        if isinstance(c.value, str) and c.value.startswith("="):
            assert c.data_type == "s" and c.quotePrefix  # text, never run as a formula
        assert c.data_type != "f"


def test_cells_are_numbers_and_dates(login_as, coordinator_world):
    client = _as(login_as, coordinator_world.coordinator, "ru")
    students = _xlsx(client.get("/students/export.xlsx")).active
    row = next(r for r in students.iter_rows(min_row=2) if r[0].value == "Айгерим Сапарова")
    assert row[2].value == datetime(2006, 2, 3) and row[2].is_date
    assert row[2].number_format == "dd.mm.yyyy"
    assert row[5].value == PHONE and row[5].data_type == "s"
    formula = next(r for r in students.iter_rows(min_row=2) if r[0].value == "=1+1")
    assert formula[0].data_type == "s" and formula[5].value == "-5"
    placements = _xlsx(client.get("/placements/export.xlsx")).active
    agreement = next(placements.iter_rows(min_row=2))
    assert isinstance(agreement[0].value, int) and agreement[6].is_date
    assert agreement[8].value == 480 and agreement[8].data_type == "n"
    mentors = _xlsx(client.get("/mentors/export.xlsx")).active
    counts = [r[4].value for r in mentors.iter_rows(min_row=2)]
    assert all(isinstance(v, int) for v in counts) and 1 in counts


@pytest.mark.parametrize(("language", "delimiter", "decimal"), [("ru", ";", ","),
                                                                 ("kk", ";", ","),
                                                                 ("en", ",", ".")])
def test_csv_follows_the_readers_locale(login_as, coordinator_world, language, delimiter,
                                        decimal):
    client = _as(login_as, coordinator_world.coordinator, language)
    wrong = "." if decimal == "," else ","
    for path in LIST_EXPORTS:
        rows = _csv(client.get(f"{path}.csv"), delimiter)
        assert len(rows) > 1 and len(rows[0]) > 3, path
        assert all(len(r) == len(rows[0]) for r in rows), path
        cells = [c for r in rows[1:] for c in r]
        assert "'" + PHONE in cells or path in ("/placements/export", "/outcomes/export")
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], path
    decimals = []
    for figure in FIGURES:
        rows = _csv(client.get(f"/dashboard/export/{figure}.csv?year=2025"), delimiter)
        assert len(rows[0]) >= 2 and all(len(r) == len(rows[0]) for r in rows), figure
        for cell in (c for r in rows[1:] for c in r):
            assert not re.fullmatch(rf"-?\d+\{wrong}\d+", cell), (figure, cell)
            if re.fullmatch(rf"-?\d+\{decimal}\d+", cell):
                decimals.append(cell)
    assert decimals, "percentages and hours carry a decimal separator"


def test_dialects_and_sheet_titles():
    assert csv_dialect("ru").delimiter == ";" and csv_dialect("kk").decimal == ","
    assert csv_dialect("en").delimiter == "," and csv_dialect("en").decimal == "."
    assert sheet_title("Договоры: 2026/27 [все]") == "Договоры 2026 27 все"
    assert len(sheet_title("Ж" * 40)) == 31 and sheet_title("???") == "Sheet"
