"""Every page in every role's menu passes axe-core's accessibility rules (no serious or critical
violations: labels, contrast, names, landmarks), on a phone and on a desk screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.demo import load_world
from app.extensions import db
from tests.browser.steps import DEMO_ACCOUNTS, menu_urls, open_account_menu, sign_in, sign_out

pytestmark = pytest.mark.browser

ACCOUNTS = DEMO_ACCOUNTS
SERIOUS = {"serious", "critical"}


@pytest.fixture
def demo_world(app):
    load_world("small")
    db.session.commit()


def _check(axe: Axe, page: Page, where: str, problems: list[str]) -> None:
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{where}: {violation['id']} {targets}")


@pytest.mark.parametrize("width", [390, 1280])
def test_every_menu_page_passes_axe(page: Page, live_server, demo_world, width):
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    problems = []
    for email in ACCOUNTS:
        sign_in(page, live_server, email, "demo12345")
        expect(page.locator(".whoami")).to_be_attached()
        for url in menu_urls(page):
            page.goto(f"{live_server}{url}")
            _check(axe, page, f"{email} {url}", problems)
        # The open menu is part of the page too.
        open_account_menu(page)
        _check(axe, page, f"{email} (menu open)", problems)
        sign_out(page)
    assert not problems, "\n".join(problems)
