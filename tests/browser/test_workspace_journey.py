"""A coordinator sets up a placement by hand and invites the mentor, who then sees the trainee."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.domain.identifiers import make_iin
from app.extensions import db
from app.models import Partnership, Placement
from tests import builders
from tests.browser.steps import sign_in, sign_out
from tests.builders_placements import agreed

pytestmark = pytest.mark.browser



def test_coordinator_places_a_student_and_the_invited_mentor_sees_the_trainee(
    page: Page, live_server
):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college, code="СВ-25-1")
    enterprise = builders.enterprise(name="ТОО «Алтай Сварка Сервис»")
    db.session.add(Partnership(college_id=coordinator.college_id, enterprise_id=enterprise.id))
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, coordinator.email)

    # The foreman is registered and invited; his invitation link is shown to hand over.
    page.goto(f"{live_server}/mentors/new")
    page.get_by_label("ФИО").fill("Бекетов Ержан Маратович")
    page.get_by_label("Электронная почта").fill("beketov@altai-svarka.kz")
    page.get_by_label("Предприятие").select_option(label=enterprise.name)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Бекетов Ержан Маратович")
    page.get_by_role("button", name="Пригласить").click()
    link = page.get_by_label("Ссылка-приглашение").input_value()
    assert "/invite/" in link

    # A student of the group.
    page.goto(f"{live_server}/students/new")
    page.get_by_label("ФИО").fill("Сагинтаев Нурлан Асетович")
    page.get_by_label("ИИН").fill(make_iin(date(2005, 4, 12), 321))
    page.get_by_label("Группа").select_option(label=f"СВ-25-1 · {group.specialty.name}")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Сагинтаев Нурлан Асетович")

    # The placement: drafted, then put into force.
    page.goto(f"{live_server}/placements/new")
    page.get_by_label("Студент").select_option(label="Сагинтаев Нурлан Асетович · СВ-25-1")
    page.get_by_label("Наставник").select_option(
        label=f"Бекетов Ержан Маратович · {enterprise.name}")
    start = date.today() - timedelta(days=3)
    page.get_by_label("Дата начала").fill(start.isoformat())
    page.get_by_label("Дата окончания").fill((start + timedelta(weeks=16)).isoformat())
    page.get_by_label("Требуемые часы практики").fill("480")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Черновик договора создан")).to_be_visible()
    # The parties accept it (their own pages are test_acceptance_journey's), then it starts.
    db.session.expire_all()
    agreed(db.session.scalar(select(Placement).order_by(Placement.id.desc()).limit(1)))
    db.session.commit()
    page.reload()
    page.get_by_role("button", name="Ввести в действие").click()
    expect(page.get_by_text("Договор введён в действие.")).to_be_visible()
    expect(page.locator(".page-header .badge")).to_have_text("действует")
    sign_out(page)

    # The foreman opens the link, sets a password and finds his trainee at home.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Бекетов Ержан Маратович")
    page.get_by_label("Пароль", exact=True).fill("сварка-и-пайка-2026")
    page.get_by_label("Повторите пароль").fill("сварка-и-пайка-2026")
    page.get_by_role("button", name="Задать пароль и войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Мои практиканты")
    # The mentor's trainees: each a card (phone) or a row (desk) led by the trainee's name.
    trainee = page.get_by_role("rowheader").filter(has_text="Сагинтаев Нурлан Асетович")
    expect(trainee).to_be_visible()
