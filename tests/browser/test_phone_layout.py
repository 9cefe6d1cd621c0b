"""On a 360 px phone no page of any role's menu scrolls sideways, and the header is one bar."""

import pytest
from playwright.sync_api import Page

from app.demo import load_world
from app.extensions import db
from tests.browser.steps import menu_urls, open_account_menu, sign_in, sign_out

pytestmark = pytest.mark.browser

ACCOUNTS = [
    "admin@shakirt.kz",
    "coordinator@shakirt.kz",
    "employer@shakirt.kz",
    "mentor@shakirt.kz",
    "student@shakirt.kz",
]
WIDTH = 360


@pytest.fixture
def demo_world(app):
    load_world("small")
    db.session.commit()


def test_no_menu_page_scrolls_sideways_at_360_px(page: Page, live_server, demo_world):
    page.set_viewport_size({"width": WIDTH, "height": 780})
    problems = []
    visited = 0
    for email in ACCOUNTS:
        sign_in(page, live_server, email, "demo12345")
        urls = menu_urls(page)
        assert len(urls) >= 4, (email, urls)
        for url in urls:
            page.goto(f"{live_server}{url}")
            visited += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            header = page.evaluate("document.querySelector('.topbar').offsetHeight")
            if width > WIDTH:
                wide = page.evaluate(
                    """w => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > w + 0.5)
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)""", WIDTH)
                problems.append(f"{email} {url}: scrollWidth {width} ({wide})")
            if header > 64:
                problems.append(f"{email} {url}: header {header} px")
        open_account_menu(page)
        if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
            problems.append(f"{email}: the open menu scrolls sideways")
        sign_out(page)
    assert visited >= 5 * 4
    assert not problems, "\n".join(problems)
