"""Each role signs in through a real browser and sees its own home page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Role
from tests import builders
from tests.browser.steps import sign_out

pytestmark = pytest.mark.browser


def _world():
    mentor = builders.mentor()
    group = builders.group()
    placement = builders.placement(builders.student(group), mentor, required_hours=200)
    builders.entry(placement, date.today() - timedelta(days=1), hours=8)
    return {
        Role.ADMIN: (builders.admin(), "Дуальное обучение в регионе"),
        Role.COORDINATOR: (builders.coordinator(group.college), group.college.name),
        Role.EMPLOYER: (builders.employer(mentor.enterprise), mentor.enterprise.name),
        Role.MENTOR: (mentor, "Мои практиканты"),
        Role.STUDENT: (placement.student, "Моя практика"),
    }


def test_each_role_signs_in_and_sees_its_home(page: Page, live_server):
    world = _world()
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    for user, heading in world.values():
        page.goto(f"{live_server}/")
        expect(page.get_by_role("heading", name="Вход в Shakirt")).to_be_visible()
        page.get_by_label("Электронная почта").fill(user.email)
        page.get_by_label("Пароль").fill(builders.PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator(".whoami")).to_contain_text(user.full_name)
        sign_out(page)


def test_wrong_password_is_told_in_the_page(page: Page, live_server):
    user = builders.admin()
    db.session.commit()
    page.goto(f"{live_server}/login")
    page.get_by_label("Электронная почта").fill(user.email)
    page.get_by_label("Пароль").fill("not the password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Неверная электронная почта, телефон или пароль.")).to_be_visible()
