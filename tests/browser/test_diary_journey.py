"""A practice week end to end on a phone: log, submit, sign off, reject, correct, sign again."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from tests import builders
from tests.browser.steps import sign_in, sign_out
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The UI follows Accept-Language: ask for Russian, the language these labels are in.
    return {**browser_context_args, "locale": "ru-RU"}


def _sign_in(page: Page, live_server: str, user) -> None:
    sign_in(page, live_server, user.email, name=user.full_name)


def test_a_week_is_logged_signed_off_corrected_and_counted(page: Page, live_server):
    placement = builders.placement(required_hours=300)
    db.session.commit()
    week = last_week()
    days = [week.monday + timedelta(days=i) for i in range(5)]
    short = [day.strftime("%d.%m") for day in days]
    page.set_viewport_size({"width": 390, "height": 844})

    # The student logs the week on a phone and submits it.
    _sign_in(page, live_server, placement.student)
    page.goto(f"{live_server}/diary/{placement.id}?week={week.code}")
    for i, day in enumerate(short):
        page.get_by_label(f"Часы {day}").fill("6")
        page.get_by_label(f"Что сделано {day}").fill(f"Сварка стыков, день {i + 1}")
    page.get_by_role("button", name="Отправить неделю").click()
    expect(page.get_by_text("Отправлено наставнику на проверку: 5.")).to_be_visible()
    sign_out(page)

    # The mentor signs four days and returns one with a comment.
    _sign_in(page, live_server, placement.mentor)
    page.goto(f"{live_server}/review")
    expect(page.get_by_text("Ждут подписи: 5")).to_be_visible()
    for day in short[:4]:
        page.get_by_role("button", name=f"Подписать {day}", exact=True).click()
        expect(page.get_by_text("Подписано записей: 1.")).to_be_visible()
    page.get_by_text(f"Вернуть… {short[4]}").click()
    page.get_by_label(f"Что исправить {short[4]}").fill("Укажите марку электродов")
    page.get_by_role("button", name=f"Вернуть студенту {short[4]}").click()
    expect(page.get_by_text("Возвращено студенту на исправление записей: 1.")).to_be_visible()
    expect(page.get_by_text("Все записи проверены.")).to_be_visible()
    sign_out(page)

    # The student sees the comment, corrects the day and submits it again.
    _sign_in(page, live_server, placement.student)
    page.goto(f"{live_server}/diary/{placement.id}?week={week.code}")
    # Beside the day, and as the start of the week's thread.
    expect(page.locator(".diary-day__comment").get_by_text("Укажите марку электродов")
           ).to_be_visible()
    expect(page.locator(".thread__comment--return")).to_contain_text("Укажите марку электродов")
    page.get_by_label(f"Что сделано {short[4]}").fill("Сварка стыков электродами УОНИ-13/55")
    page.get_by_role("button", name=f"Отправить день {short[4]}").click()
    expect(page.get_by_text("Отправлено наставнику на проверку: 1.")).to_be_visible()
    sign_out(page)

    # The mentor signs the corrected day.
    _sign_in(page, live_server, placement.mentor)
    page.goto(f"{live_server}/review")
    expect(page.get_by_text("УОНИ-13/55")).to_be_visible()
    page.get_by_role("button", name=f"Подписать {short[4]}", exact=True).click()
    expect(page.get_by_text("Подписано записей: 1.")).to_be_visible()
    sign_out(page)

    # Progress shows the new total: 5 × 6 h = 30 h of 300 h.
    _sign_in(page, live_server, placement.student)
    page.goto(f"{live_server}/progress")
    approved = page.locator(".figure", has_text="Подписано часов")
    expect(approved.locator(".figure__value")).to_have_text("30")
    expect(page.locator(".figure", has_text="Выполнено").locator(".figure__value")).to_have_text(
        "10%")
