"""The student's diary week: saving, submitting, the working-time law and every refusal."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DiaryEntry, EntryStatus, PlacementStatus, Role
from app.practice.weeks import Week, parse_week
from tests import builders
from tests.builders_practice import (
    competency,
    diary_url,
    last_week,
    placement_born,
    week_form,
)


def _entries(placement) -> list[DiaryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(DiaryEntry).where(DiaryEntry.placement_id == placement.id)
        .order_by(DiaryEntry.work_date)
    ))


def _post(client, placement, week, rows, action="save"):
    return client.post(diary_url(placement, week), data=week_form(rows, action))


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- weeks -------------------------------------------------------------------------------------


def test_week_is_read_from_iso_code_or_any_date():
    assert parse_week("2026-W48") == Week(date(2026, 11, 23))
    assert parse_week("2026-11-27") == Week(date(2026, 11, 23))
    assert parse_week("2026-W60") is None
    assert parse_week("вчера") is None
    assert Week(date(2026, 11, 23)).code == "2026-W48"


def test_week_page_shows_seven_days_and_closes_future_and_outside_days(login_as):
    placement = builders.placement(start=date.today() - timedelta(days=2))
    client = login_as(placement.student)
    page = _text(client.get(diary_url(placement, Week.of(date.today()))))
    assert page.count('<section class="diary-day') == 7
    assert "вне периода практики" in page or date.today().weekday() < 2
    if date.today().weekday() < 6:
        assert "ещё не наступил" in page
    assert f'name="submit_day" value="{date.today().isoformat()}"' in page
    future = (date.today() + timedelta(days=1)).isoformat()
    assert f'value="{future}"' not in page


def test_unreadable_week_opens_the_current_one(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    page = _text(client.get(f"/diary/{placement.id}?week=garbage"))
    assert Week.of(date.today()).code in page


def test_nav_diary_opens_the_active_placement(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    response = client.get("/diary")
    assert response.headers["Location"].startswith(f"/diary/{placement.id}")
    assert "Дневник" in _text(client.get("/"))


def test_student_without_placement_is_told_so(login_as):
    client = login_as(builders.student())
    assert "нет договора" in _text(client.get("/diary"))


def test_moving_week_to_week(login_as):
    placement = builders.placement()
    week = last_week()
    page = _text(login_as(placement.student).get(diary_url(placement, week)))
    assert f"week={week.shifted(-1).code}" in page
    assert f"week={week.shifted(1).code}" in page


# --- saving and submitting ---------------------------------------------------------------------


def test_save_week_as_draft_then_submit_one_day(login_as):
    placement = builders.placement()
    week = last_week()
    client = login_as(placement.student)
    rows = [{"date": week.monday, "hours": "7,5", "activity": "Сварка швов"},
            {"date": week.monday + timedelta(days=1), "hours": "6", "activity": "Резка"}]
    assert _post(client, placement, week, rows).status_code == 302
    saved = _entries(placement)
    assert [(e.minutes, e.status) for e in saved] == [(450, EntryStatus.DRAFT),
                                                      (360, EntryStatus.DRAFT)]
    rows = [dict(row, version=entry.version) for row, entry in zip(rows, saved, strict=True)]
    response = _post(client, placement, week, rows, action=week.monday.isoformat())
    assert response.status_code == 302
    assert [e.status for e in _entries(placement)] == [EntryStatus.SUBMITTED, EntryStatus.DRAFT]
    assert "Отправлено наставнику" in _text(client.get(response.headers["Location"]))


def test_submit_whole_week_notifies_mentor_and_is_audited(login_as):
    placement = builders.placement()
    week = last_week()
    client = login_as(placement.student)
    rows = [{"date": week.monday + timedelta(days=i), "hours": 6, "activity": f"День {i}"}
            for i in range(5)]
    assert _post(client, placement, week, rows, "week").status_code == 302
    entries = _entries(placement)
    assert {e.status for e in entries} == {EntryStatus.SUBMITTED}
    assert all(e.submitted_at is not None for e in entries)
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "diary_entries")).all()
    assert actions.count("entry_submitted") == 5
    from app.models import Notification
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == placement.mentor_id))
    assert "5" in note.message and note.link == "/review"


def test_week_submit_with_nothing_filled_is_refused(login_as):
    placement = builders.placement()
    week = last_week()
    response = _post(login_as(placement.student), placement, week, [], "week")
    assert response.status_code == 422
    assert "Нечего отправлять" in _text(response)


def test_clearing_a_draft_deletes_it(login_as):
    placement = builders.placement()
    week = last_week()
    draft = builders.entry(placement, week.monday, status=EntryStatus.DRAFT)
    client = login_as(placement.student)
    rows = [{"date": week.monday, "hours": "", "activity": "", "version": draft.version}]
    assert _post(client, placement, week, rows).status_code == 302
    assert _entries(placement) == []


def test_competency_of_the_specialty_is_kept(login_as):
    placement = builders.placement()
    skill = competency(placement)
    week = last_week()
    client = login_as(placement.student)
    assert skill.name in _text(client.get(diary_url(placement, week)))
    rows = [{"date": week.monday, "hours": 6, "activity": "Сварка", "competency": skill.id}]
    assert _post(client, placement, week, rows).status_code == 302
    assert _entries(placement)[0].competency_id == skill.id


def test_competency_of_another_specialty_is_refused(login_as):
    placement = builders.placement()
    foreign = competency(builders.placement())
    week = last_week()
    rows = [{"date": week.monday, "hours": 6, "activity": "Сварка", "competency": foreign.id}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert response.status_code == 422
    assert "Выберите компетенцию из списка" in _text(response)
    assert _entries(placement) == []


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "activity", "message"), [
    ("-2", "Сварка", "Часы не могут быть отрицательными."),
    ("0", "Сварка", "Укажите часы больше нуля"),
    ("восемь", "Сварка", "Часы — это число"),
    ("NaN", "Сварка", "Часы — это число"),
    ("25", "Сварка", "В сутках 24 часа"),
    ("6.25", "Сварка", "шагом в полчаса"),
    ("9", "Сварка", "Совершеннолетнему можно работать не более 8 ч в день."),
    ("6", "", "Опишите, что сделано за день."),
    ("", "Сварка", "Укажите часы."),
])
def test_bad_hours_are_refused_and_nothing_is_saved(login_as, hours, activity, message):
    placement = builders.placement()
    week = last_week()
    rows = [{"date": week.monday, "hours": "4", "activity": "Хороший день"},
            {"date": week.monday + timedelta(days=1), "hours": hours, "activity": activity}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert response.status_code == 422
    assert message in _text(response)
    assert _entries(placement) == []


def test_fifteen_year_old_is_held_to_four_point_eight_hours_a_day(login_as):
    week = last_week()
    placement = placement_born(week.monday.replace(year=week.monday.year - 15))
    rows = [{"date": week.monday, "hours": "5", "activity": "Сварка"}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert ("В 15 лет можно записать не более 4,5 ч в день (по закону — 4,8 ч, а часы "
            "указываются шагом в полчаса).") in _text(response)
    assert _entries(placement) == []


def test_fifteen_year_old_is_held_to_twenty_four_hours_a_week(login_as):
    week = last_week()
    placement = placement_born(week.monday.replace(year=week.monday.year - 15))
    builders.entry(placement, week.monday, hours=4.5, status=EntryStatus.APPROVED)
    builders.entry(placement, week.monday + timedelta(days=1), hours=4.5,
                   status=EntryStatus.REJECTED)  # rejected hours do not count
    rows = [{"date": week.monday + timedelta(days=i), "hours": "4,5", "activity": "Сварка"}
            for i in range(2, 7)]
    response = _post(login_as(placement.student), placement, week, rows)
    assert response.status_code == 422
    assert "В 15 лет можно работать не более 24 ч в неделю" in _text(response)
    assert "27 ч" in _text(response)
    assert len(_entries(placement)) == 2
    ok = _post(login_as(placement.student), placement, week, rows[:4])
    assert ok.status_code == 302  # 4.5 + 4 × 4.5 = 22.5 h


def test_age_is_taken_on_the_date_of_work(login_as):
    week = last_week()
    wednesday = week.monday + timedelta(days=2)
    placement = placement_born(wednesday.replace(year=wednesday.year - 16))
    client = login_as(placement.student)
    tuesday = [{"date": week.monday + timedelta(days=1), "hours": "7", "activity": "Резка"}]
    assert "В 15 лет можно записать не более 4,5 ч в день" in _text(
        _post(client, placement, week, tuesday))
    assert _post(client, placement, week, [{"date": wednesday, "hours": "7",
                                            "activity": "Резка"}]).status_code == 302


def test_under_fourteen_may_not_work(login_as):
    week = last_week()
    placement = placement_born(week.monday.replace(year=week.monday.year - 13))
    rows = [{"date": week.monday, "hours": "1", "activity": "Уборка"}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert "В 13 лет работать нельзя" in _text(response)
    assert _entries(placement) == []


def test_dates_outside_the_placement_or_in_the_future_are_refused(login_as):
    week = last_week()
    placement = builders.placement(start=week.monday + timedelta(days=1))
    client = login_as(placement.student)
    before = [{"date": week.monday, "hours": "6", "activity": "Сварка"}]
    assert "вне периода практики" in _text(_post(client, placement, week, before))
    this_week = Week.of(date.today())
    tomorrow = [{"date": date.today() + timedelta(days=1), "hours": "6", "activity": "Сварка"}]
    response = _post(client, placement, Week.of(tomorrow[0]["date"]), tomorrow)
    assert "Нельзя заполнять дневник наперёд" in _text(response)
    other_week = [{"date": this_week.monday - timedelta(days=14), "hours": "6",
                   "activity": "Сварка"}]
    assert "не из этой недели" in _text(_post(client, placement, this_week, other_week))
    assert _entries(placement) == []


def test_second_entry_for_the_same_date_is_refused(login_as):
    placement = builders.placement()
    week = last_week()
    builders.entry(placement, week.monday, hours=3, status=EntryStatus.DRAFT)
    client = login_as(placement.student)
    rows = [{"date": week.monday, "hours": "6", "activity": "Ещё одна"}]
    response = _post(client, placement, week, rows)
    assert "уже есть запись" in _text(response)
    twice = [{"date": week.tuesday if hasattr(week, "tuesday") else week.monday
              + timedelta(days=1), "hours": "2", "activity": "А"}] * 2
    assert "указана дважды" in _text(_post(client, placement, week, twice))
    assert [(e.minutes, e.activity) for e in _entries(placement)] == [
        (180, "Сварка стыковых соединений")]


def test_approved_entry_is_locked_in_the_form_and_against_forged_posts(login_as):
    placement = builders.placement()
    week = last_week()
    approved = builders.entry(placement, week.monday, status=EntryStatus.APPROVED)
    client = login_as(placement.student)
    page = _text(client.get(diary_url(placement, week)))
    assert f'value="{week.monday.isoformat()}"' not in page  # no input for the day
    forged = [{"date": week.monday, "hours": "8", "activity": "Подделка",
               "version": approved.version}]
    for action in ("save", "week"):
        response = _post(client, placement, week, forged, action)
        assert response.status_code == 422
        assert "подписана наставником: изменить её нельзя" in _text(response)
    entry = _entries(placement)[0]
    assert (entry.minutes, entry.activity, entry.status) == (
        360, "Сварка стыковых соединений", EntryStatus.APPROVED)


def test_submitted_entry_waits_for_the_mentor(login_as):
    placement = builders.placement()
    week = last_week()
    sent = builders.entry(placement, week.monday, status=EntryStatus.SUBMITTED)
    rows = [{"date": week.monday, "hours": "2", "activity": "Иначе", "version": sent.version}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert "на проверке у наставника" in _text(response)
    assert _entries(placement)[0].minutes == 360


def test_stale_tab_is_refused(login_as):
    placement = builders.placement()
    week = last_week()
    draft = builders.entry(placement, week.monday, status=EntryStatus.DRAFT)
    client = login_as(placement.student)
    rows = [{"date": week.monday, "hours": "5", "activity": "Вкладка 1", "version": draft.version}]
    assert _post(client, placement, week, rows).status_code == 302
    rows[0]["activity"] = "Вкладка 2"
    response = _post(client, placement, week, rows)
    assert "изменилась в другой вкладке" in _text(response)
    assert _entries(placement)[0].activity == "Вкладка 1"


def test_student_cannot_write_into_someone_elses_placement(login_as):
    mine = builders.placement()
    theirs = builders.placement()
    week = last_week()
    client = login_as(mine.student)
    rows = [{"date": week.monday, "hours": "6", "activity": "Чужое"}]
    assert client.get(diary_url(theirs, week)).status_code == 404
    assert _post(client, theirs, week, rows, "week").status_code == 404
    assert _entries(theirs) == []


def test_only_the_student_writes(login_as):
    placement = builders.placement()
    coordinator = builders.coordinator(placement.college)
    week = last_week()
    rows = [{"date": week.monday, "hours": "6", "activity": "За студента"}]
    for user in (placement.mentor, coordinator):
        client = login_as(user)
        page = _text(client.get(diary_url(placement, week)))
        assert "Сохранить черновик" not in page
        assert _post(client, placement, week, rows).status_code == 403
        client.post("/logout")
    assert _entries(placement) == []


def test_diary_of_a_completed_placement_is_closed(login_as):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    week = last_week()
    client = login_as(placement.student)
    assert "Сохранить черновик" not in _text(client.get(diary_url(placement, week)))
    rows = [{"date": week.monday, "hours": "6", "activity": "Поздно"}]
    assert "Договор не действует" in _text(_post(client, placement, week, rows))
    assert _entries(placement) == []


def test_coordinator_of_another_college_sees_nothing(login_as):
    placement = builders.placement()
    client = login_as(builders.coordinator())
    assert client.get(diary_url(placement, last_week())).status_code == 404


def test_script_and_long_text_are_stored_verbatim_and_shown_escaped(login_as):
    placement = builders.placement()
    week = last_week()
    script = "<script>alert('x')</script> & «сварка»"
    long_word = "Ш" * 3000
    rows = [{"date": week.monday, "hours": "6", "activity": script},
            {"date": week.monday + timedelta(days=1), "hours": "6", "activity": long_word}]
    client = login_as(placement.student)
    assert _post(client, placement, week, rows, "week").status_code == 302
    assert [e.activity for e in _entries(placement)] == [script, long_word]
    page = _text(client.get(diary_url(placement, week)))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; «сварка»" in page
    assert re.search(r'class="prose diary-day__activity">Ш{3000}<', page)
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert re.search(r"\.prose \{[^}]*overflow-wrap: anywhere", css)


def test_too_long_text_is_refused(login_as):
    placement = builders.placement()
    week = last_week()
    rows = [{"date": week.monday, "hours": "6", "activity": "a" * 10_001}]
    response = _post(login_as(placement.student), placement, week, rows)
    assert "не длиннее 10000 символов" in _text(response)


def test_rejected_entry_shows_the_comment_and_is_corrected(login_as):
    placement = builders.placement()
    week = last_week()
    rejected = builders.entry(placement, week.monday, status=EntryStatus.REJECTED,
                              review_comment="Опишите марку электродов")
    client = login_as(placement.student)
    assert "Опишите марку электродов" in _text(client.get(diary_url(placement, week)))
    rows = [{"date": week.monday, "hours": "6", "activity": "Сварка электродами УОНИ-13/55",
             "version": rejected.version}]
    assert _post(client, placement, week, rows, "week").status_code == 302
    entry = _entries(placement)[0]
    assert entry.status == EntryStatus.SUBMITTED
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == entry.id, AuditEvent.object_type == "diary_entries")).all()
    assert set(actions) == {"entry_corrected", "entry_submitted"}


# --- speed -------------------------------------------------------------------------------------


def _fill_week(placement, week, with_competencies: int):
    for i in range(with_competencies):
        competency(placement, code=f"ПК-{i}")
    for i, status in enumerate([EntryStatus.APPROVED, EntryStatus.SUBMITTED, EntryStatus.DRAFT,
                                EntryStatus.REJECTED, EntryStatus.APPROVED]):
        builders.entry(placement, week.monday + timedelta(days=i), status=status,
                       reviewed_by_id=placement.mentor_id)


@pytest.mark.parametrize("role", [Role.STUDENT, Role.COORDINATOR])
def test_diary_week_runs_a_fixed_number_of_queries(login_as, query_counter, role):
    week = last_week()
    small, large = builders.placement(), builders.placement()
    _fill_week(small, week, 0)
    _fill_week(large, week, 12)
    for other in range(3):
        builders.entry(large, week.monday - timedelta(days=7 * (other + 1)))
    counts = []
    for placement in (small, large):
        user = (placement.student if role == Role.STUDENT
                else builders.coordinator(placement.college))
        client = login_as(user)
        with query_counter() as counter:
            assert client.get(diary_url(placement, week)).status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]


def test_a_seventeen_year_old_is_told_the_usable_maximum_and_the_legal_one(login_as):
    week = last_week()
    placement = placement_born(week.monday.replace(year=week.monday.year - 17))
    client = login_as(placement.student)
    rows = [{"date": week.monday, "hours": "7,5", "activity": "Монтаж"}]
    assert ("В 17 лет можно записать не более 7 ч в день (по закону — 7,2 ч, а часы "
            "указываются шагом в полчаса).") in _text(_post(client, placement, week, rows))
    rows = [{"date": week.monday, "hours": "7", "activity": "Монтаж"}]
    assert _post(client, placement, week, rows).status_code == 302
