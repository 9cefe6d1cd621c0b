"""A coordinator imports the office's students file on a phone: the preview offers to create its
groups, asks for the two specialties the college lacks, shows the minors without a guardian, and
the confirmed import lands every student in the list."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from tests import builders
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "students_excel_ru_cp1251.csv"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    import app.imports.views as views

    monkeypatch.setattr(views, "_today", lambda: date(2026, 12, 1))


def test_the_sample_students_file_imports_with_its_groups(page: Page, live_server):
    coordinator = builders.coordinator()
    builders.specialty(coordinator.college, code="07150100", name="Сварочное дело (по видам)")
    builders.specialty(coordinator.college, code="07320100",
                       name="Строительство и эксплуатация зданий и сооружений")
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, coordinator.email, name=coordinator.full_name)
    page.goto(f"{live_server}/imports/")
    page.get_by_label("Что загружаем").select_option("students")
    page.get_by_label("Файл CSV или XLSX").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", name="Специальности, которых нет в колледже")
           ).to_be_visible()
    for number, code in enumerate(("07150500", "07130200")):
        page.locator(f"#entries-{number}-specialty").select_option("new")
        page.locator(f"#entries-{number}-code").fill(code)
    page.get_by_role("button", name="Применить и проверить снова").click()
    expect(page.get_by_text("Ошибок нет. Пока ничего не записано")).to_be_visible()
    expect(page.get_by_text("Группа ЭС-23-2")).to_be_visible()
    expect(page.get_by_text("Строка 18: Студент несовершеннолетний")).to_be_visible()
    page.get_by_role("button", name="Импортировать").click()
    expect(page.get_by_text("Импорт завершён: строк 40, создано 40")).to_be_visible()
