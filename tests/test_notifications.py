"""In-app notifications, the mentors' digest and the "turned red" alert to coordinators."""

import smtplib
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import EntryStatus, Notification, PlacementStatus, utcnow
from app.models.practice import PlacementHealth
from app.notify import notify
from tests import builders

TODAY = date.today()


def _notes(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_everyone_has_the_notifications_page(login_as):
    student = builders.student()
    notify(student, "test", "Ваша запись <b>возвращена</b>", "/diary", email=False)
    client = login_as(student)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/notifications"' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Ваша запись &lt;b&gt;возвращена&lt;/b&gt;" in page
    assert "новое" in page


def test_mark_read_unread_and_all(login_as):
    student = builders.student()
    first = notify(student, "test", "Первое", email=False)
    notify(student, "test", "Второе", email=False)
    db.session.flush()
    client = login_as(student)
    client.post(f"/notifications/{first.id}/read")
    assert [n.read_at is not None for n in _notes(student)] == [True, False]
    unread_page = client.get("/notifications?show=unread").get_data(as_text=True)
    assert "Второе" in unread_page and "Первое" not in unread_page
    client.post(f"/notifications/{first.id}/unread")
    assert [n.read_at is not None for n in _notes(student)] == [False, False]
    client.post("/notifications/read-all")
    assert all(n.read_at is not None for n in _notes(student))


def test_open_marks_read_and_follows_only_our_own_links(login_as):
    student = builders.student()
    ours = notify(student, "test", "Наша", "/progress", email=False)
    evil = notify(student, "test", "Чужая", "https://evil.example/", email=False)
    db.session.flush()
    client = login_as(student)
    assert client.post(f"/notifications/{ours.id}/open").headers["Location"] == "/progress"
    assert client.post(f"/notifications/{evil.id}/open").headers["Location"] == "/notifications"
    assert all(n.read_at is not None for n in _notes(student))


def test_someone_elses_notification_is_not_found(login_as):
    other = builders.student()
    note = notify(other, "test", "Чужое", email=False)
    db.session.flush()
    client = login_as(builders.student())
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert "Чужое" not in client.get("/notifications").get_data(as_text=True)
    assert _notes(other)[0].read_at is None


def test_rejection_reaches_the_student(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, TODAY - timedelta(days=3), submitted_at=utcnow())
    login_as(placement.mentor).post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "reject": "y", "comment": "Нет подписи мастера"})
    (note,) = _notes(placement.student)
    assert note.kind == "entry_rejected" and "Нет подписи мастера" in note.message


# --- notification e-mail ------------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP: records the messages, or fails as told."""

    sent: list = []
    fail: Exception | None = None

    def __init__(self, host, port, timeout=None):
        if isinstance(FakeSMTP.fail, OSError):
            raise FakeSMTP.fail

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if FakeSMTP.fail is not None:
            raise FakeSMTP.fail
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail = [], None
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config["MAIL_SERVER"] = "smtp.example.kz"
    return FakeSMTP


def _reject(login_as, placement, comment: str):
    entry = builders.entry(placement, TODAY - timedelta(days=3), submitted_at=utcnow())
    response = login_as(placement.mentor).post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "reject": "y", "comment": comment})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (note,) = _notes(placement.student)
    assert note.kind == "entry_rejected"
    return note


def test_rejection_with_a_multiline_comment_is_mailed_under_a_fixed_subject(login_as, smtp):
    placement = builders.placement()
    note = _reject(login_as, placement, "Нет подписи мастера.\nПерепишите запись.")
    assert note.emailed_at is not None
    (mail,) = smtp.sent
    assert mail["Subject"] == "Shakirt: уведомление"
    assert mail["To"] == placement.student.email
    assert "Нет подписи мастера." in mail.get_content()
    assert "Перепишите запись." in mail.get_content()


def test_placeholder_address_is_not_mailed(login_as, smtp):
    from app.people.emails import placeholder_email

    placement = builders.placement(builders.student(email=placeholder_email()))
    note = _reject(login_as, placement, "Нет подписи мастера")
    assert smtp.sent == [] and note.emailed_at is None


@pytest.mark.parametrize("failure", [smtplib.SMTPServerDisconnected("gone"),
                                     ConnectionRefusedError("refused")])
def test_failing_smtp_keeps_the_action_and_the_in_app_notification(login_as, smtp, failure):
    smtp.fail = failure
    note = _reject(login_as, builders.placement(), "Нет подписи мастера")
    assert note.emailed_at is None and "Нет подписи мастера" in note.message


# --- the mentors' digest -----------------------------------------------------------------------


def test_each_mentor_with_waiting_entries_gets_one_digest(app, runner, monkeypatch):
    busy, idle = builders.mentor(), builders.mentor()
    for _ in range(2):
        placement = builders.placement(mentor_=busy)
        for days in (3, 4):
            builders.entry(placement, TODAY - timedelta(days=days), submitted_at=utcnow())
    builders.entry(builders.placement(mentor_=idle), TODAY - timedelta(days=2),
                   status=EntryStatus.APPROVED)
    db.session.commit()
    mails = []
    monkeypatch.setattr("app.notify.send_email",
                        lambda to, subject, body: mails.append((to, subject, body)))
    app.config["MAIL_SERVER"] = "smtp.example.kz"
    result = runner.invoke(args=["notify-mentors"])
    assert result.exit_code == 0, result.output
    assert "Digests sent: 1" in result.output
    (digest,) = _notes(busy)
    assert digest.kind == "entries_waiting" and "4" in digest.message
    assert digest.link == "/review" and digest.emailed_at is not None
    assert _notes(idle) == []
    (mail,) = mails
    assert mail[0] == busy.email and "/review" in mail[2]


def test_digest_without_smtp_is_in_app_only(app, runner, monkeypatch):
    mentor = builders.mentor()
    builders.entry(builders.placement(mentor_=mentor), TODAY - timedelta(days=2),
                   submitted_at=utcnow())
    db.session.commit()
    monkeypatch.setattr("app.notify.send_email",
                        lambda *a: pytest.fail("no SMTP configured: nothing is e-mailed"))
    assert runner.invoke(args=["notify-mentors"]).exit_code == 0
    (digest,) = _notes(mentor)
    assert digest.emailed_at is None


# --- turned red --------------------------------------------------------------------------------


def _alerts(runner) -> str:
    result = runner.invoke(args=["progress-alerts"])
    assert result.exit_code == 0, result.output
    return result.output


def test_coordinator_is_told_once_when_a_placement_turns_red(app, runner):
    coordinator = builders.coordinator()
    other_coordinator = builders.coordinator()
    placement = builders.placement(builders.student(builders.group(coordinator.college)),
                                   required_hours=40)
    # On pace and active: green at first.
    for days in range(1, 6):
        builders.entry(placement, TODAY - timedelta(days=days), hours=2,
                       status=EntryStatus.APPROVED)
    db.session.commit()
    assert "turned red: 0" in _alerts(runner)
    assert db.session.get(PlacementHealth, placement.id).status == "green"

    # Nothing written for two weeks: red, told once.
    db.session.execute(delete(PlacementHealth))
    db.session.add(PlacementHealth(placement_id=placement.id, status="green"))
    db.session.commit()
    app.config["PROGRESS_IDLE_DAYS"] = 1
    assert "turned red: 1" in _alerts(runner)
    (note,) = _notes(coordinator)
    assert note.kind == "placement_red" and placement.student.full_name in note.message
    assert note.link.startswith(f"/diary/{placement.id}")
    assert "turned red: 0" in _alerts(runner)
    assert len(_notes(coordinator)) == 1
    assert _notes(other_coordinator) == []

    # Recovers, then turns red again: told again.
    app.config["PROGRESS_IDLE_DAYS"] = 14
    _alerts(runner)
    db.session.expire_all()
    assert db.session.get(PlacementHealth, placement.id).status == "green"
    app.config["PROGRESS_IDLE_DAYS"] = 1
    _alerts(runner)
    assert len(_notes(coordinator)) == 2


def test_amber_is_not_alerted(app, runner):
    coordinator = builders.coordinator()
    placement = builders.placement(builders.student(builders.group(coordinator.college)),
                                   required_hours=40)
    for days in range(1, 6):
        builders.entry(placement, TODAY - timedelta(days=days), hours=2,
                       submitted_at=utcnow() - timedelta(days=9))
    db.session.commit()
    _alerts(runner)
    db.session.expire_all()
    assert db.session.get(PlacementHealth, placement.id).status == "amber"
    assert _notes(coordinator) == []


def test_notification_list_runs_a_fixed_number_of_queries(login_as, query_counter):
    few, many = builders.student(), builders.student()
    notify(few, "test", "Одно", email=False)
    for i in range(40):
        notify(many, "test", f"Много {i}", "/diary", email=False)
    counts = []
    for user in (few, many):
        client = login_as(user)
        with query_counter() as counter:
            assert client.get("/notifications").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]


def test_progress_check_goes_a_chunk_of_placements_at_a_time(app, runner, monkeypatch):
    from app.notifications import services

    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    placements = [builders.placement(builders.student(group)) for _ in range(5)]  # all red
    builders.placement(builders.student(group), status=PlacementStatus.DRAFT)
    db.session.commit()
    chunks = []
    real = services.progress_rows

    def spy(*args, **kwargs):
        rows = real(*args, **kwargs)
        chunks.append(sorted(p.placement.id for p in rows))
        return rows

    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    monkeypatch.setattr(services, "progress_rows", spy)
    assert "Placements checked: 5; turned red: 5" in _alerts(runner)
    ids = sorted(p.id for p in placements)
    assert chunks == [ids[0:2], ids[2:4], ids[4:]]
    db.session.expire_all()
    assert sorted(db.session.scalars(select(PlacementHealth.placement_id))) == ids
    assert len(_notes(coordinator)) == 5
    assert "turned red: 0" in _alerts(runner)
