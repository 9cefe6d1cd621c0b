"""At 360 px: a trainee asks in the week's thread, the foreman's deputy answers and signs, and
the trainee reads "signed by X as deputy for Y" — no page wider than the phone, no serious
accessibility problem."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import utcnow
from app.practice.deputies import name_deputy
from tests import builders
from tests.browser.steps import sign_in
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _fits_and_is_accessible(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = [f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}"
             for v in Axe().run(page).response["violations"]
             if v["impact"] in {"serious", "critical"}]
    assert not found, found


def _sign_out(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")


def test_a_week_thread_and_a_deputys_signature_on_a_phone(app, live_server, page: Page):
    enterprise = builders.enterprise()
    foreman = builders.mentor(enterprise, full_name="Ерлан Сапаров")
    deputy = builders.mentor(enterprise, full_name="Айгуль Нурланова")
    employer = builders.employer(enterprise)
    placement = builders.placement(mentor_=foreman)
    week = last_week()
    builders.entry(placement, week.monday, submitted_at=utcnow() - timedelta(days=1))
    with app.test_request_context():
        name_deputy(employer, foreman, deputy, clock.today(), clock.today(), today=clock.today())
    db.session.commit()
    page.set_viewport_size(PHONE)
    diary = f"{live_server}/diary/{placement.id}?week={week.code}"

    sign_in(page, live_server, placement.student.email)
    page.goto(diary)
    page.get_by_label("Новый комментарий").fill("Можно ли записать инструктаж?")
    page.get_by_role("button", name="Отправить комментарий").click()
    expect(page.locator(".thread__comment")).to_contain_text("Можно ли записать инструктаж?")
    _fits_and_is_accessible(page)
    _sign_out(page, live_server)

    sign_in(page, live_server, deputy.email)
    page.goto(f"{live_server}/review")
    expect(page.get_by_text("вы замещаете наставника Ерлан Сапаров")).to_be_visible()
    _fits_and_is_accessible(page)
    page.get_by_role("button", name="Подписать").first.click()
    expect(page.locator("#just-done")).to_contain_text("Подписано записей: 1")
    page.goto(diary)
    page.get_by_label("Новый комментарий").fill("Да, отдельной строкой.")
    page.get_by_role("button", name="Отправить комментарий").click()
    expect(page.locator(".thread__comment")).to_have_count(2)
    _sign_out(page, live_server)

    sign_in(page, live_server, placement.student.email)
    page.goto(diary)
    expect(page.get_by_text("Подписал(а) Айгуль Нурланова как заместитель Ерлан Сапаров",
                            exact=False)).to_be_visible()
    expect(page.locator(".thread__comment").last).to_contain_text("Да, отдельной строкой.")
    _fits_and_is_accessible(page)
