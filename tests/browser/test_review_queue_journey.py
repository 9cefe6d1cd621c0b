"""The foreman clears a queue of twenty entries on a phone (390 × 844): one entry in one tap,
a trainee's week in two, and after every tap the next card is in view — never back to the top."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import utcnow
from tests import builders
from tests.browser.steps import sign_in
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _no_serious_axe_violations(page: Page) -> None:
    found = [f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}"
             for v in Axe().run(page).response["violations"]
             if v["impact"] in {"serious", "critical"}]
    assert not found, found


def _queue_of_twenty(mentor):
    """Two trainees, two weeks each of five days: twenty entries, the oldest first."""
    cards = []
    for t, placement in enumerate(builders.placement(mentor_=mentor) for _ in range(2)):
        for w, week in enumerate((last_week().shifted(-1), last_week())):
            for d in range(5):
                cards.append(builders.entry(
                    placement, week.monday + timedelta(days=d), hours=6,
                    activity=f"Практикант {t + 1}, неделя {w + 1}, день {d + 1}: сварка стыков",
                    submitted_at=utcnow() - timedelta(days=10 - 4 * t - 2 * w, minutes=d)))
    return cards


def _waiting(page: Page, count: int) -> None:
    expect(page.get_by_text(f"Ждут подписи: {count}", exact=True)).to_be_visible()


def _next_card_in_view(page: Page, entry, scrolled: bool) -> None:
    """The notice and the card after it stand in the viewport; `scrolled`: the page stayed
    down in the queue instead of jumping back to the top."""
    expect(page.locator("#just-done")).to_be_in_viewport()
    expect(page.locator(f"#entry-{entry.id}")).to_be_in_viewport()
    if scrolled:
        assert page.evaluate("window.scrollY") > 400


def _sign_week(page: Page, week_cards: list, remaining: int) -> int:
    """Two taps: the week's button, then the one confirmation of its days and hours."""
    student = week_cards[0].placement.student.full_name
    page.get_by_role("link", name=f"Подписать всю неделю… {student}").first.click()
    count = len(week_cards)
    expect(page.get_by_role("heading", name=f"Будет подписано записей: {count}, всего "
                            f"{6 * count} ч")).to_be_visible()
    for entry in week_cards:
        expect(page.get_by_text(entry.activity)).to_be_visible()
    if remaining == 19:
        _no_serious_axe_violations(page)  # the confirmation page
    noun = "записи" if count in (2, 3, 4) else "записей"
    page.get_by_role("button", name=f"Да, подписать {count} {noun}").click()
    expect(page.locator("#just-done")).to_contain_text(f"Подписано записей: {count}.")
    if remaining - count:
        _waiting(page, remaining - count)
    return remaining - count


def test_foreman_clears_twenty_entries_without_scrolling_back(page: Page, live_server):
    mentor = builders.mentor()
    cards = _queue_of_twenty(mentor)
    db.session.commit()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, mentor.email, name=mentor.full_name)
    page.goto(f"{live_server}/review")
    _waiting(page, 20)

    # One entry deep in the queue (the second trainee's first day) in one tap: the foreman
    # stays where he is, the next card right under the notice.
    one = cards[10]
    day = one.work_date.strftime("%d.%m")
    page.locator(f"#entry-{one.id}").get_by_role("button", name=f"Подписать {day}",
                                                 exact=True).click()
    _waiting(page, 19)
    expect(page.locator("#just-done")).to_contain_text("Подписано записей: 1.")
    _next_card_in_view(page, cards[11], scrolled=True)
    _no_serious_axe_violations(page)  # the queue with its notice and undo button
    taps, remaining = 1, 19

    # The rest of that week in two taps; he lands on the second trainee's next week, still
    # down the page.
    remaining = _sign_week(page, cards[11:15], remaining)
    taps += 2
    _next_card_in_view(page, cards[15], scrolled=True)

    # The first trainee's two weeks and the second trainee's last one, two taps each.
    for week_cards, following in ((cards[0:5], cards[5]), (cards[5:10], cards[15]),
                                  (cards[15:20], None)):
        remaining = _sign_week(page, week_cards, remaining)
        taps += 2
        if following is not None:
            _next_card_in_view(page, following, scrolled=False)

    expect(page.get_by_text("Все записи проверены.")).to_be_visible()
    assert (taps, remaining) == (9, 0)  # twenty entries: 1 + 4 weeks × 2

    # Changed his mind: the last week is taken back with one tap, its cards are back.
    page.get_by_role("button", name="Отменить подпись").click()
    expect(page.locator("#just-done")).to_contain_text("Подпись отменена")
    _waiting(page, 5)
    expect(page.locator(f"#entry-{cards[15].id}")).to_be_in_viewport()


def test_the_queue_works_with_javascript_switched_off(browser, live_server):
    """Plain forms and links only: sign, return with a comment, sign a week, undo."""
    mentor = builders.mentor()
    cards = _queue_of_twenty(mentor)[:10]  # the first trainee's two weeks
    db.session.commit()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    try:
        sign_in(page, live_server, mentor.email, name=mentor.full_name)
        page.goto(f"{live_server}/review")
        _waiting(page, 20)
        first, second = cards[0], cards[1]
        page.locator(f"#entry-{first.id}").get_by_role("button", name="Подписать").click()
        _waiting(page, 19)
        _next_card_in_view(page, second, scrolled=False)

        card = page.locator(f"#entry-{second.id}")
        card.locator("summary").click()
        card.get_by_role("textbox").fill("Уточните режим сварки")
        card.get_by_role("button", name="Вернуть студенту").click()
        expect(page.locator("#just-done")).to_contain_text("Возвращено студенту")
        _waiting(page, 18)

        remaining = _sign_week(page, cards[2:5], 18)
        assert remaining == 15
        page.get_by_role("button", name="Отменить подпись").click()
        expect(page.locator("#just-done")).to_contain_text("Подпись отменена")
        _waiting(page, 18)
    finally:
        context.close()
