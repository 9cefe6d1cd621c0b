"""A foreman without e-mail gets back into their account through their employer (issue 13).

At a phone's width: the employer hands over a reset link on the foreman's page; the foreman
opens it, sets a new password, and signs in with the phone number; the session the foreman had
left open on another phone has ended.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from app.extensions import db
from app.people.emails import placeholder_email
from tests import builders
from tests.browser.steps import sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}
NEW = "новый-пароль-мастера"


def test_a_foreman_without_e_mail_gets_back_in_through_the_employer(page: Page, browser: Browser,
                                                                    live_server):
    placement = builders.placement()
    foreman = placement.mentor
    foreman.email, foreman.phone = placeholder_email(), "+7 701 234 56 78"
    employer = builders.employer(placement.enterprise)
    db.session.commit()
    page.set_viewport_size(PHONE)

    # The foreman's old phone, still signed in.
    old_phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                    locale="ru-RU")
    old = old_phone.new_page()
    sign_in(old, live_server, "8 701 234 56 78", name=foreman.full_name)

    sign_in(page, live_server, employer.email, name=employer.full_name)
    page.goto(f"{live_server}/mentors/{foreman.id}")
    page.get_by_role("button", name="Выдать ссылку для смены пароля").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Смена пароля для {foreman.full_name}")
    expect(page.locator("svg.qr")).to_be_visible()
    expect(page.get_by_text("Вход по: +7 701 234 56 78")).to_be_visible()
    link = page.get_by_label("Ссылка для смены пароля").input_value()
    assert "/password/reset/" in link
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the handover page scrolls sideways on a phone"
    page.screenshot(path="/tmp/reset_link_handover.png", full_page=True)
    sign_out(page)

    # The foreman opens the link (as the QR code would) and sets a new password.
    page.goto(link)
    expect(page.get_by_role("heading", name="Новый пароль")).to_be_visible()
    page.get_by_label("Новый пароль", exact=True).fill(NEW)
    page.get_by_label("Повторите новый пароль").fill(NEW)
    page.get_by_role("button", name="Сохранить пароль").click()
    expect(page.get_by_text("Пароль изменён. Войдите с новым паролем.")).to_be_visible()

    sign_in(page, live_server, "8 (701) 234-56-78", NEW, name=foreman.full_name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Мои практиканты")

    # The link works once; the session on the old phone has ended.
    page.goto(link)
    expect(page.get_by_text("Ссылка недействительна")).to_be_visible()
    old.reload()
    expect(old.get_by_role("heading", name="Вход в Shakirt")).to_be_visible()
    old_phone.close()
