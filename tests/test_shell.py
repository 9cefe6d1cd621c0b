"""The shell every page shares (issue 9): the header's menu per role, the error summary of a
refused form, the change history in people's words, weeks as dates."""

import re
from datetime import date, timedelta

from flask_babel import force_locale, format_date

from app.audit import record
from app.extensions import db
from app.labels import field_label, week_span
from app.models import OfferStatus, PlacementStatus
from app.notify import notify
from app.placements import services as placement_services
from app.practice.weeks import Week
from tests import builders
from tests.builders_placements import agreed
from tests.builders_practice import diary_url, last_week, week_form


def _text(response) -> str:
    return response.get_data(as_text=True)


def _menu(page: str, modifier: str) -> str:
    found = re.search(rf'<nav class="menu menu--{modifier}".*?</nav>', page, re.S)
    assert found, modifier
    return found.group(0)


def test_coordinator_menu_is_grouped_and_notifications_sit_on_the_bar(login_as):
    coordinator = builders.coordinator()
    page = _text(login_as(coordinator).get("/"))
    desk = _menu(page, "desk")
    for group in ("Практика", "Люди", "Организации", "Отчёты"):
        assert f">{group}</p>" in desk
    # Fifteen places: home (the product name leads there on a desk), thirteen more (absences
    # among the practice, the change log among the reports), and the notifications, which sit
    # on the bar.
    assert desk.count("<li>") == 14
    assert ">Журнал изменений<" in desk
    assert ">Уведомления<" not in desk
    assert re.search(r'class="topbar__notifications"[^>]*>Уведомления', page)
    # On a phone the same entries sit behind the menu button, with language and sign-out.
    details = page[page.index('<details class="account">'):page.index("</details>")]
    assert "Меню" in details and 'action="/language"' in details and "Выйти" in details
    assert _menu(page, "phone").count("<li>") == 14


def test_the_unread_count_is_on_the_notification_link(login_as):
    student = builders.student()
    db.session.commit()
    notify(student, "review_done", "Запись подписана.", "/diary")
    page = _text(login_as(student).get("/"))
    link = re.search(r'class="topbar__notifications".*?</a>', page, re.S).group(0)
    assert re.search(r'badge--count">1<span class="visually-hidden"> непрочитанных', link)


def test_employer_menu_has_the_progress_board_it_may_open(login_as):
    mentor = builders.mentor()
    builders.placement(mentor_=mentor)
    employer = builders.employer(mentor.enterprise)
    client = login_as(employer)
    assert 'href="/progress"' in _menu(_text(client.get("/")), "desk")
    assert client.get("/progress").status_code == 200


def test_a_refused_form_says_so_at_the_top_with_a_link_to_each_field(login_as):
    user = builders.coordinator()
    response = login_as(user).post("/account/password", data={
        "current_password": "", "new_password": "short", "confirm": "other"})
    page = _text(response)
    summary = page[page.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert page.index('class="error-summary"') < page.index("<h1")
    assert 'href="#current_password">Текущий пароль: Введите текущий пароль.' in summary
    assert 'href="#confirm">' in summary
    assert 'data-error-summary' in summary  # shell.js moves the focus here


def test_a_page_without_errors_has_no_summary(login_as):
    page = _text(login_as(builders.coordinator()).get("/account/password"))
    assert "error-summary" not in page


def test_refused_week_names_refused_days_and_days_not_saved(login_as):
    placement = builders.placement()
    week = last_week()
    rows = [{"date": week.monday, "hours": "4", "activity": "Сварка швов"},
            {"date": week.monday + timedelta(days=1), "hours": "25", "activity": "Сварка"}]
    response = login_as(placement.student).post(diary_url(placement, week),
                                                data=week_form(rows, "week"))
    assert response.status_code == 422
    page = _text(response)
    summary = page[page.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert "Неделя не сохранена" in summary
    with force_locale("ru"):
        tuesday = format_date(week.monday + timedelta(days=1), "EEEE, d MMMM")
        monday = format_date(week.monday, "EEEE, d MMMM")
    assert re.search(rf'href="#days-1-hours">{tuesday} — [^<]*24', summary)
    assert f"Без ошибок, но тоже не сохранены (неделя сохраняется целиком): {monday}" in summary
    # While the summary is up, the action bar stays in place instead of sliding over messages.
    assert "diary-actions diary-actions--still" in page


def test_diary_week_is_named_by_its_dates_not_its_iso_code(login_as):
    placement = builders.placement()
    week = last_week()
    page = _text(login_as(placement.student).get(diary_url(placement, week)))
    assert week.code not in re.sub(r'(href|action|value)="[^"]*"', "", page)
    with force_locale("ru"):
        assert week_span(week) in page


def test_week_span_in_each_language(app):
    with app.test_request_context():
        week = Week(date(2026, 11, 30))
        def plain(text: str) -> str:
            return re.sub(r"\s+", " ", text.replace("\u2009", " "))

        with force_locale("ru"):
            assert plain(week_span(week)) == "30 ноября — 6 декабря"
        with force_locale("kk"):
            assert plain(week_span(week)) == "30 қараша – 6 желтоқсан"
        with force_locale("en"):
            assert plain(week_span(week)) == "November 30 – December 6"
        with force_locale("ru"):
            assert plain(week_span(Week(date(2026, 12, 28)))) == "28 декабря 2026 – 3 января 2027"


def test_history_reads_as_people_read_it(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    placement = builders.placement(builders.student(group), status=PlacementStatus.DRAFT,
                                   agreement_number="ДО-2026/000777")
    agreed(placement)
    placement_services.activate_placement(coordinator, placement, date.today())
    placement.offer_status = OfferStatus.MADE
    record(coordinator, "offer_recorded", placement)
    record(coordinator, "updated", placement, {"mentor_id": [None, placement.mentor_id],
                                               "activated_at": [None, "2026-12-01T08:16:09.918330"],
                                               "password_hash": ["x", "y"]})
    page = _text(login_as(coordinator).get(f"/placements/{placement.id}"))
    history = page[page.index('id="history-heading"'):]
    assert "Статус:</span>" in history and "черновик → действует" in history
    assert "Предложение о работе:</span>" in history
    assert "нет предложения → предложение сделано" in history
    assert placement.mentor.full_name in history  # the person, not the id
    assert "1 дек. 2026" in history or "01.12.2026" in history
    for raw in ("offer_status", "status:", "2026-12-01T08", "none → made", "mentor_id",
                "password_hash", "Password hash", ">x<", "x → y"):
        assert raw not in history, raw
    assert "ДО-2026/000777" in page[:page.index("<main")] + page  # the title names the number
    assert f"№{placement.id}<" not in page


def test_every_field_a_service_records_has_a_name(app):
    with force_locale("ru"):
        assert field_label("offer_status") == "Предложение о работе"
        assert field_label("check_6m_still_employed") == "Проверка через 6 мес.: Работает"
    with force_locale("kk"):
        assert field_label("status") != "Статус"  # translated, not the Russian label


def test_list_rows_carry_their_labels_for_the_phone_cards(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    builders.placement(builders.student(group), agreement_number="ДО-2026/000001")
    page = _text(login_as(coordinator).get("/placements/"))
    assert 'class="table-wrap table-wrap--cards"' in page
    assert '<th scope="row" class="table__title">' in page
    for label in ("Студент", "Группа", "Предприятие", "Наставник", "Часы", "Статус"):
        assert f'data-label="{label}"' in page
