"""From the mentor's final assessment to the host's hire, seen in the coordinator's funnel."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from tests import builders
from tests import builders_outcomes as bo
from tests.browser.steps import open_menu, sign_in, sign_out

pytestmark = pytest.mark.browser



def _world():
    placement, competencies = bo.trainee_with_competencies(count=2)
    outcome = bo.outcome(placement=placement, graduated_on=date(2025, 6, 30))
    return {
        "placement": placement,
        "competencies": competencies,
        "outcome": outcome,
        "coordinator": builders.coordinator(placement.college),
        "employer": builders.employer(placement.enterprise),
    }


def _sign_in(page: Page, base: str, user) -> None:
    sign_in(page, base, user.email, name=user.full_name)


def _open_menu(page: Page, item: str) -> None:
    open_menu(page, item)


def _funnel_stage(page: Page, stage: str):
    row = page.locator('table[data-figure="funnel"] tr').filter(has_text=stage)
    return row.locator("td").first


def test_assessment_hire_and_the_funnel(page: Page, live_server):
    world = _world()
    db.session.commit()
    student = world["placement"].student.full_name
    page.set_viewport_size({"width": 390, "height": 844})

    # The coordinator's funnel before: nobody recommended, nobody hired.
    _sign_in(page, live_server, world["coordinator"])
    page.goto(f"{live_server}/dashboard/")
    expect(_funnel_stage(page, "Рекомендованы к найму")).to_have_text("0")
    expect(_funnel_stage(page, "Приняты на работу")).to_have_text("0")
    sign_out(page)

    # The mentor fills and submits the final assessment with a hire recommendation.
    _sign_in(page, live_server, world["placement"].mentor)
    _open_menu(page, "Оценки")
    page.get_by_role("link", name=re.compile(rf"Заполнить\W+итоговая — {student}")).click()
    for competency in world["competencies"]:
        page.get_by_role("group", name=f"{competency.code} {competency.name}").get_by_label(
            "5").check()
    page.get_by_label("5 — отлично").check()
    page.get_by_label("Характеристика").fill("Уверенно варит стыковые швы, соблюдает ТБ.")
    page.get_by_label("рекомендован", exact=True).check()
    page.get_by_label("Комментарий к рекомендации").fill("Готов к работе в цехе.")
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_text("Оценка отправлена в колледж.")).to_be_visible()
    expect(page.get_by_text("изменения закрыты")).to_be_visible()
    sign_out(page)

    # The host enterprise records the hire of its graduate.
    _sign_in(page, live_server, world["employer"])
    _open_menu(page, "Выпускники и найм")
    page.get_by_role("link", name=student).click()
    page.get_by_label("Должность").fill("Электрогазосварщик 3 разряда")
    page.get_by_label("Дата приёма на работу").fill("2025-07-01")
    page.get_by_role("button", name="Записать приём на работу").click()
    expect(page.get_by_text("Приём на работу записан")).to_be_visible()
    expect(page.get_by_text("предложение принято").first).to_be_visible()
    sign_out(page)

    # The coordinator's funnel moved.
    _sign_in(page, live_server, world["coordinator"])
    _open_menu(page, "Аналитика")
    expect(_funnel_stage(page, "Рекомендованы к найму")).to_have_text("1")
    expect(_funnel_stage(page, "Получили предложение")).to_have_text("1")
    expect(_funnel_stage(page, "Приняты на работу")).to_have_text("1")
