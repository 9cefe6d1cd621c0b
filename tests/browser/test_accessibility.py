"""Every page in every role's menu passes axe-core's accessibility rules (no serious or critical
violations: labels, contrast, names, landmarks), on a phone and on a desk screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.demo import load_world
from app.extensions import db

pytestmark = pytest.mark.browser

ACCOUNTS = [
    "admin@shakirt.kz",
    "coordinator@shakirt.kz",
    "employer@shakirt.kz",
    "mentor@shakirt.kz",
    "student@shakirt.kz",
]
SERIOUS = {"serious", "critical"}


@pytest.fixture
def demo_world(app):
    load_world("small")
    db.session.commit()


@pytest.mark.parametrize("width", [390, 1280])
def test_every_menu_page_passes_axe(page: Page, live_server, demo_world, width):
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    problems = []
    for email in ACCOUNTS:
        page.goto(f"{live_server}/login")
        page.get_by_label("Электронная почта").fill(email)
        page.get_by_label("Пароль").fill("demo12345")
        page.get_by_role("button", name="Войти").click()
        expect(page.locator(".whoami")).to_be_visible()
        links = page.get_by_role("navigation", name="Разделы").get_by_role("link")
        urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for url in urls:
            page.goto(f"{live_server}{url}")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in SERIOUS:
                    targets = [node["target"] for node in violation["nodes"][:3]]
                    problems.append(f"{email} {url}: {violation['id']} {targets}")
        page.get_by_role("button", name="Выйти").click()
    assert not problems, "\n".join(problems)
