"""The safety induction on a phone: the diary refuses hours, the mentor records the induction,
the trainee confirms it, and the same day's hours are accepted."""

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from tests import builders
from tests.browser.steps import sign_in, sign_out
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ru-RU"}


def test_induction_is_recorded_confirmed_and_opens_the_diary(page: Page, live_server):
    placement = builders.placement(inducted=False)
    db.session.commit()
    week = last_week()
    day = week.monday.strftime("%d.%m")
    page.set_viewport_size({"width": 360, "height": 780})

    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}?week={week.code}")
    expect(page.get_by_text("Часы пока не принимаются:")).to_be_visible()
    page.get_by_label(f"Часы {day}").fill("6")
    page.get_by_label(f"Что сделано {day}").fill("Сварка стыков")
    page.get_by_role("button", name="Отправить неделю").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "предприятие ещё не записало инструктаж по охране труда")
    sign_out(page)

    sign_in(page, live_server, placement.mentor.email, name=placement.mentor.full_name)
    page.goto(f"{live_server}/placements/{placement.id}")
    page.get_by_role("link", name="Записать инструктаж").click()
    page.get_by_label("Дата проведения").fill(placement.start_date.isoformat())
    page.get_by_label("Кто провёл (ФИО, должность)").fill("Сергеев П. А., инженер по ОТ")
    page.get_by_role("button", name="Записать", exact=True).click()
    expect(page.get_by_text("Инструктаж записан.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}?week={week.code}")
    page.get_by_role("button", name="Подтверждаю: инструктаж прошёл").click()
    expect(page.get_by_text("Инструктаж подтверждён: теперь дневник принимает часы.")
           ).to_be_visible()
    page.get_by_label(f"Часы {day}").fill("6")
    page.get_by_label(f"Что сделано {day}").fill("Сварка стыков")
    page.get_by_role("button", name="Отправить неделю").click()
    expect(page.get_by_text("Отправлено наставнику на проверку: 1.")).to_be_visible()
