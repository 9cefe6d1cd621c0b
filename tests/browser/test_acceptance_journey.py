"""The agreement goes round the parties: the coordinator sends it, the employer accepts it from
the inbox, the trainee acknowledges it, the guardian confirms on a 360 px phone without an
account, and only then the coordinator puts it in force."""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.extensions import db
from app.placements import services
from tests import builders
from tests.browser.steps import open_menu, sign_in, sign_out
from tests.builders_placements import terms, world

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHAKIRT_SHOTS", "/tmp/shakirt-shots"))
PHONE = {"width": 360, "height": 780}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"acceptance-{name}.png"), full_page=True)


def _fits(page: Page) -> None:
    """Nothing scrolls sideways on the phone; otherwise name what sticks out."""
    width = PHONE["width"]
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .slice(0, 4).map(e => e.tagName + '.' + e.className)""", width)
    if page.evaluate("document.documentElement.scrollWidth") > width:
        _shot(page, "too-wide")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def _step(page: Page, key: str):
    return page.locator(f'[data-step="{key}"]')


def test_coordinator_sends_employer_accepts_guardian_confirms_coordinator_activates(
        page: Page, browser: Browser, live_server):
    w = world(born=date(2009, 11, 1))  # 16 on the first day: the guardian must confirm
    employer = builders.employer(w.enterprise, full_name="Жумабаев Ерлан Каиратович")
    placement = services.create_placement(w.coordinator, **terms(w, agreement_number="ДО-77"))
    db.session.commit()
    url = f"{live_server}/placements/{placement.id}"
    page.set_viewport_size(PHONE)

    # The coordinator sends the draft; activating it now is refused in words.
    sign_in(page, live_server, w.coordinator.email, name=w.coordinator.full_name)
    page.goto(url)
    page.get_by_role("button", name="Ввести в действие").click()
    expect(page.get_by_text("Договор ещё не отправлен предприятию").first).to_be_visible()
    page.get_by_role("button", name="Отправить предприятию").click()
    expect(page.get_by_text("Договор отправлен предприятию на согласование.")).to_be_visible()
    expect(_step(page, "sent")).to_have_attribute("data-state", "done")
    expect(_step(page, "answer")).to_have_attribute("data-state", "waiting")
    expect(page.get_by_text(f"Ждём ответа предприятия «{w.enterprise.name}».")).to_be_visible()
    _fits(page)
    _shot(page, "1-sent")
    sign_out(page)

    # The employer finds it in the inbox and accepts it.
    sign_in(page, live_server, employer.email, name=employer.full_name)
    expect(page.get_by_text("Договоры ждут вашего ответа: 1 — открыть")).to_be_visible()
    open_menu(page, "Договоры на согласование")
    _fits(page)
    _shot(page, "2-inbox")
    page.get_by_role("link", name=w.student.full_name).click()
    page.get_by_role("button", name="Принять договор").click()
    expect(page.get_by_text("Договор принят.")).to_be_visible()
    expect(_step(page, "answer")).to_have_attribute("data-state", "done")
    sign_out(page)

    # The trainee acknowledges it from the home page's call.
    sign_in(page, live_server, w.student.email, name=w.student.full_name)
    page.get_by_role("link", name=re.compile("Ознакомьтесь с договором")).click()
    page.get_by_role("button", name="Я ознакомлен(а) с договором").click()
    expect(page.get_by_text("отмечено, что вы ознакомились")).to_be_visible()
    sign_out(page)

    # The coordinator issues the guardian's one-time link (with its QR code).
    sign_in(page, live_server, w.coordinator.email, name=w.coordinator.full_name)
    page.goto(url)
    expect(page.get_by_text("Ждём: подтверждения законного представителя.")).to_be_visible()
    page.get_by_role("button", name="Выдать ссылку законному представителю").click()
    expect(page.locator("svg.qr")).to_be_visible()
    _fits(page)
    _shot(page, "3-guardian-link")
    link = page.locator("#invite-link").input_value()
    assert "/guardian/" in link

    # The guardian opens it on a phone, with no account, and confirms.
    guardian = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU")
    phone = guardian.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Здравствуйте, Родитель Тестовый!")).to_be_visible()
    _fits(phone)
    _shot(phone, "4-guardian-phone")
    phone.get_by_role("button", name="Подтвердить договор").click()
    expect(phone.get_by_text("Отметьте, что вы согласны с договором.").first).to_be_visible()
    phone.get_by_label(re.compile("согласен")).check()
    phone.get_by_role("button", name="Подтвердить договор").click()
    expect(phone.get_by_role("heading", name="Спасибо!")).to_be_visible()
    _shot(phone, "5-guardian-done")
    phone.goto(link)  # a second use is refused in words
    expect(phone.get_by_text("По этой ссылке договор уже подтверждён")).to_be_visible()
    guardian.close()

    # Every party agreed: the coordinator puts it in force.
    page.goto(url)
    expect(_step(page, "guardian")).to_have_attribute("data-state", "done")
    expect(page.get_by_text("Все стороны согласны")).to_be_visible()
    page.get_by_role("button", name="Ввести в действие").click()
    expect(page.get_by_text("Договор введён в действие.")).to_be_visible()
    expect(_step(page, "activated")).to_have_attribute("data-state", "done")
    _fits(page)
    _shot(page, "6-activated")
