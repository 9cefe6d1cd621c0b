"""The week's conversation: a return starts it, each party writes within their scope, the
others are told in their own language, and an edit keeps the earlier text."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    CommentKind,
    DiaryEntry,
    Notification,
    WeekComment,
    utcnow,
)
from app.notifications.messages import render
from app.practice.thread import post_comment
from app.practice.weeks import Week
from app.rules import RuleViolation
from tests import builders
from tests.builders_practice import last_week
from tests.conftest import login


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services build links with url_for, as they do inside a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def world():
    """A trainee's placement, the college's coordinator, and a submitted entry last week."""
    placement = builders.placement()
    coordinator = builders.coordinator(placement.student.college)
    week = last_week()
    entry = builders.entry(placement, week.monday, submitted_at=utcnow() - timedelta(days=1))
    return placement, coordinator, week, entry


def _client(app, user):
    db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _thread_url(placement, week) -> str:
    return f"/diary/{placement.id}/weeks/{week.code}/comments"


def _post(client, placement, week, body):
    return client.post(_thread_url(placement, week), data={"body": body, "post": "y"})


def _comments(placement) -> list[WeekComment]:
    db.session.expire_all()
    return list(db.session.scalars(select(WeekComment).where(
        WeekComment.placement_id == placement.id).order_by(WeekComment.id)))


def _notes(user, kind="week_comment") -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


# --- a return starts the thread -------------------------------------------------------------

def test_a_return_with_a_reason_starts_the_weeks_thread(app, world):
    placement, coordinator, week, entry = world
    mentor = _client(app, placement.mentor)
    response = mentor.post(f"/review/entries/{entry.id}",
                           data={"version": entry.version, "reject": "y",
                                 "comment": "Опишите подробнее, какие швы варили."})
    assert response.status_code == 302
    [comment] = _comments(placement)
    assert comment.kind == CommentKind.RETURN
    assert comment.body == "Опишите подробнее, какие швы варили."
    assert comment.author_id == placement.mentor_id and comment.week_start == week.monday
    # The trainee is told of the return once (not again as a comment); the coordinator is.
    assert len(_notes(placement.student, "entry_rejected")) == 1
    assert _notes(placement.student) == []
    assert len(_notes(coordinator)) == 1

    page = _text(_client(app, placement.student).get(
        f"/diary/{placement.id}?week={week.code}"))
    assert "Обсуждение недели" in page and "возврат на исправление" in page
    assert "Опишите подробнее, какие швы варили." in page


def test_a_week_returned_whole_adds_one_comment_to_that_weeks_thread(app, world):
    placement, _coordinator, week, entry = world
    second = builders.entry(placement, week.monday + timedelta(days=1), submitted_at=utcnow())
    mentor = _client(app, placement.mentor)
    mentor.post("/review/week", data={
        "placement": placement.id, "week": week.code, "reject": "y", "comment": "Нет часов обеда",
        "entries": f"{entry.id}:{entry.version} {second.id}:{second.version}"})
    comments = _comments(placement)
    assert [(c.kind, c.body) for c in comments] == [(CommentKind.RETURN, "Нет часов обеда")]


def test_a_refused_return_leaves_no_comment(app, world):
    placement, _coordinator, _week, entry = world
    mentor = _client(app, placement.mentor)
    mentor.post(f"/review/entries/{entry.id}",
                data={"version": entry.version + 5, "reject": "y", "comment": "устарело"})
    assert _comments(placement) == []


# --- writing and being told -----------------------------------------------------------------

def test_each_party_writes_and_the_others_are_told(app, world):
    placement, coordinator, week, _entry = world
    response = _post(_client(app, placement.student), placement, week, "Варил стыки труб Ду50")
    assert response.status_code == 302
    [comment] = _comments(placement)
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert len(_notes(placement.mentor)) == 1 and len(_notes(coordinator)) == 1
    assert _notes(placement.student) == []

    assert _post(_client(app, coordinator), placement, week, "Приложите фото").status_code == 302
    assert _post(_client(app, placement.mentor), placement, week, "Принято").status_code == 302
    assert [c.body for c in _comments(placement)] == [
        "Варил стыки труб Ду50", "Приложите фото", "Принято"]
    assert len(_notes(placement.student)) == 2
    assert len(_notes(placement.mentor)) == 2 and len(_notes(coordinator)) == 2
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "week_comments", AuditEvent.object_id == comment.id)
    ) == "week_comment_posted"


def test_the_notification_is_in_each_readers_own_language(app, world):
    placement, coordinator, week, _entry = world
    placement.mentor.locale = "kk"
    coordinator.locale = "en"
    _post(_client(app, placement.student), placement, week, "Сварка стыков")

    kk_page = _text(_client(app, placement.mentor).get("/notifications"))
    assert "апта" in kk_page and "талқыла" in kk_page  # «аптаны талқылауда»
    assert "в обсуждении" not in kk_page
    en_page = _text(_client(app, coordinator).get("/notifications"))
    assert "in the discussion of their week" in en_page
    assert "Сварка стыков" in kk_page and "Сварка стыков" in en_page
    # The stored fallback is Russian, whoever wrote it.
    [note] = _notes(coordinator)
    assert "в обсуждении своей недели" in note.message
    assert render(note)  # renders outside a request too


def test_a_notification_links_to_the_comment_on_the_diary_week(app, world):
    placement, coordinator, week, _entry = world
    _post(_client(app, placement.student), placement, week, "Вопрос по часам")
    [note] = _notes(coordinator)
    [comment] = _comments(placement)
    assert note.link == f"/diary/{placement.id}?week={week.code}#comment-{comment.id}"


@pytest.mark.parametrize("body, message", [
    ("", "пустой отправить нельзя"),
    ("   \n  ", "пустой отправить нельзя"),
    ("x" * 2001, "2000"),
    ("text\x00", "управляющие символы"),
    ("abc\u202edef", "смены направления"),
])
def test_hostile_or_empty_comments_are_refused_in_words_and_nothing_is_stored(
        app, world, body, message):
    placement, _coordinator, week, _entry = world
    response = _post(_client(app, placement.student), placement, week, body)
    assert response.status_code == 422
    assert message in _text(response)
    assert _comments(placement) == []


def test_a_week_outside_the_placement_is_refused_and_a_garbled_week_is_not_found(app, world):
    placement, _coordinator, _week, _entry = world
    student = _client(app, placement.student)
    before = Week.of(placement.start_date).shifted(-3)
    response = _post(student, placement, before, "Рано")
    assert response.status_code == 422 and "вне периода практики" in _text(response)
    assert student.post(f"/diary/{placement.id}/weeks/9999-W99/comments",
                        data={"body": "x"}).status_code == 404
    assert _comments(placement) == []


# --- who sees and who writes ----------------------------------------------------------------

@pytest.mark.parametrize("who, sees, writes", [
    ("student", 200, 302),
    ("mentor", 200, 302),
    ("coordinator", 200, 302),
    ("other_student", 404, 404),
    ("other_college_coordinator", 404, 404),
    ("other_enterprise_mentor", 404, 404),
    ("same_enterprise_mentor", 404, 404),
    ("employer", 200, 403),
    ("other_employer", 404, 404),
    ("admin", 200, 403),
])
def test_scoping_matrix_of_the_thread(app, world, who, sees, writes):
    placement, coordinator, week, _entry = world
    post_comment(placement.student, placement, week, "Секрет недели", now=utcnow())
    people = {
        "student": placement.student,
        "mentor": placement.mentor,
        "coordinator": coordinator,
        "other_student": builders.student(),
        "other_college_coordinator": builders.coordinator(),
        "other_enterprise_mentor": builders.mentor(),
        "same_enterprise_mentor": builders.mentor(placement.mentor.enterprise),
        "employer": builders.employer(placement.mentor.enterprise),
        "other_employer": builders.employer(),
        "admin": builders.admin(),
    }
    client = _client(app, people[who])
    response = client.get(_thread_url(placement, week))
    assert response.status_code == sees
    if sees == 200:
        assert "Секрет недели" in _text(response)
    diary = client.get(f"/diary/{placement.id}?week={week.code}")
    assert ("Секрет недели" in _text(diary)) == (sees == 200)
    assert _post(client, placement, week, "Чужой текст").status_code == writes
    assert [c.body for c in _comments(placement)] == (
        ["Секрет недели", "Чужой текст"] if writes == 302 else ["Секрет недели"])


def test_a_comment_of_another_placement_cannot_be_edited_or_seen(app, world):
    placement, _coordinator, week, _entry = world
    comment = post_comment(placement.student, placement, week, "Моё", now=utcnow())
    stranger = builders.student()
    client = _client(app, stranger)
    assert client.get(f"/comments/{comment.id}/edit").status_code == 404
    assert client.post(f"/comments/{comment.id}/edit",
                       data={"body": "чужое", "version": 1}).status_code == 404
    assert _comments(placement)[0].body == "Моё"


def test_the_service_refuses_an_outsider(world):
    placement, _coordinator, week, _entry = world
    with pytest.raises(RuleViolation, match="В обсуждении недели пишут"):
        post_comment(builders.coordinator(), placement, week, "x", now=utcnow())


# --- edits keep the history -----------------------------------------------------------------

def test_an_edit_keeps_the_earlier_text_in_the_history(app, world):
    placement, _coordinator, week, _entry = world
    comment = post_comment(placement.student, placement, week, "Работал 6 часов", now=utcnow())
    client = _client(app, placement.student)
    page = client.get(f"/comments/{comment.id}/edit")
    assert page.status_code == 200 and "Работал 6 часов" in _text(page)
    response = client.post(f"/comments/{comment.id}/edit",
                           data={"body": "Работал 7 часов", "version": comment.version})
    assert response.status_code == 302
    [stored] = _comments(placement)
    assert stored.body == "Работал 7 часов" and stored.edited_at is not None
    assert [r.body for r in stored.revisions] == ["Работал 6 часов"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "week_comments", AuditEvent.object_id == comment.id,
        AuditEvent.action == "week_comment_edited")).one()
    assert event.changes["body"] == ["Работал 6 часов", "Работал 7 часов"]

    # Everyone in the thread sees both texts.
    diary = _text(_client(app, placement.mentor).get(f"/diary/{placement.id}?week={week.code}"))
    assert "Работал 7 часов" in diary and "Работал 6 часов" in diary
    assert "прежние версии: 1" in diary

    client.post(f"/comments/{comment.id}/edit",
                data={"body": "Работал 7,5 часов", "version": stored.version})
    [stored] = _comments(placement)
    assert [r.body for r in stored.revisions] == ["Работал 6 часов", "Работал 7 часов"]


def test_only_the_author_edits_a_comment(app, world):
    placement, coordinator, week, _entry = world
    comment = post_comment(placement.student, placement, week, "Оригинал", now=utcnow())
    for other in (placement.mentor, coordinator):
        client = _client(app, other)
        assert client.get(f"/comments/{comment.id}/edit").status_code == 403
        assert client.post(f"/comments/{comment.id}/edit",
                           data={"body": "Подменено", "version": 1}).status_code == 403
    diary = _text(_client(app, placement.mentor).get(f"/diary/{placement.id}?week={week.code}"))
    assert f"/comments/{comment.id}/edit" not in diary
    [stored] = _comments(placement)
    assert stored.body == "Оригинал" and stored.revisions == []


@pytest.mark.parametrize("body, version, message", [
    ("Новый текст", 99, "в другой вкладке"),
    ("Оригинал", 1, "Текст не изменился"),
    ("", 1, "пустой отправить нельзя"),
])
def test_a_refused_edit_changes_nothing(app, world, body, version, message):
    placement, _coordinator, week, _entry = world
    comment = post_comment(placement.student, placement, week, "Оригинал", now=utcnow())
    response = _client(app, placement.student).post(
        f"/comments/{comment.id}/edit", data={"body": body, "version": version})
    assert response.status_code == 422 and message in _text(response)
    [stored] = _comments(placement)
    assert stored.body == "Оригинал" and stored.revisions == [] and stored.edited_at is None


# --- fixed query counts ---------------------------------------------------------------------

def _grow_thread(placement, week, count):
    for i in range(count):
        comment = post_comment(placement.student, placement, week, f"Комментарий {i}",
                               now=utcnow())
        if i % 2:
            from app.practice.thread import edit_comment
            edit_comment(placement.student, comment, f"Исправлено {i}", comment.version,
                         now=utcnow())


def test_the_week_pages_with_comments_run_fixed_queries(app, query_counter):
    counts = []
    for size in (1, 8):
        placement = builders.placement()
        week = last_week()
        for i in range(size):
            builders.entry(placement, week.monday + timedelta(days=i % 5),
                           submitted_at=utcnow()) if i < 5 else None
        _grow_thread(placement, week, size)
        builders.coordinator(placement.student.college)
        mentor = _client(app, placement.mentor)
        student = _client(app, placement.student)
        with query_counter() as diary:
            assert student.get(f"/diary/{placement.id}?week={week.code}").status_code == 200
        with query_counter() as review:
            assert mentor.get(f"/review/week/{placement.id}/{week.code}").status_code == 200
        with query_counter() as thread:
            assert mentor.get(_thread_url(placement, week)).status_code == 200
        counts.append((diary.count, review.count, thread.count))
    assert counts[0] == counts[1]


def test_entries_unchanged_by_comments(world):
    placement, _coordinator, week, entry = world
    post_comment(placement.student, placement, week, "Просто вопрос", now=utcnow())
    db.session.expire_all()
    assert db.session.get(DiaryEntry, entry.id).status == entry.status
