"""On a 360 px phone no page of any role's menu scrolls sideways, the header is one bar, and a
refused form says so where it cannot be missed."""

import pytest
from playwright.sync_api import Page, expect

from app.demo import load_world
from app.extensions import db
from tests import builders
from tests.browser.steps import DEMO_ACCOUNTS, menu_urls, open_account_menu, sign_in, sign_out
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser

ACCOUNTS = DEMO_ACCOUNTS
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


def test_a_refused_week_is_summed_up_on_top_and_no_bar_covers_a_message(page: Page,
                                                                         live_server):
    placement = builders.placement()
    db.session.commit()
    week = last_week()
    monday, tuesday = (day.strftime("%d.%m") for day in week.days[:2])
    page.set_viewport_size({"width": WIDTH, "height": 700})
    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}?week={week.code}")
    page.get_by_label(f"Часы {monday}").fill("6")
    page.get_by_label(f"Что сделано {monday}").fill("Сварка стыков")
    page.get_by_label(f"Часы {tuesday}").fill("9")
    page.get_by_label(f"Что сделано {tuesday}").fill("Сварка труб")
    page.get_by_role("button", name="Отправить неделю").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Неделя не сохранена")
    expect(summary).to_contain_text("не более 8 ч в день")
    expect(summary).to_contain_text("тоже не сохранены")
    # The link leads to the field; its message is on screen, not under the action bar.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(f"Часы {tuesday}")).to_be_focused()
    message = page.locator(".field__error").first
    expect(message).to_be_in_viewport()
    bar = page.locator(".diary-actions").bounding_box()
    box = message.bounding_box()
    overlap = not (box["y"] + box["height"] <= bar["y"] or bar["y"] + bar["height"] <= box["y"])
    assert not overlap, (box, bar)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
