"""E-mail through the outbox: written with the change, sent after commit (never on rollback),
retried when SMTP fails; and notifications rendered in the reader's language."""

import smtplib
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import DiaryEntry, EntryStatus, Notification, OutboxMail, utcnow
from app.models.practice import PlacementHealth
from app.notifications import messages
from app.notify import notify, queue_email, send_outbox
from tests import builders
from tests.test_notifications import FakeSMTP, smtp  # noqa: F401  (the fixture)

TODAY = date.today()


def _outbox() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def _notes(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


# --- after commit, not on rollback ---------------------------------------------------------------


def test_mail_is_sent_after_commit_and_never_on_rollback(app, smtp):  # noqa: F811
    student = builders.student(email="trainee@college.kz")
    db.session.commit()

    notify(student, "test", "Откатится", "/diary")
    db.session.flush()
    assert smtp.sent == [] and len(_outbox()) == 1  # in the transaction, not yet sent
    db.session.rollback()
    assert smtp.sent == [] and _outbox() == [] and _notes(student) == []

    note = notify(student, "test", "Останется", "/diary")
    db.session.flush()
    assert smtp.sent == []
    db.session.commit()
    (mail,) = smtp.sent
    assert mail["To"] == "trainee@college.kz" and "Останется" in mail.get_content()
    (stored,) = _outbox()
    assert stored.sent_at is not None and stored.notification_id == note.id
    assert db.session.get(Notification, note.id).emailed_at == stored.sent_at


def test_failing_smtp_keeps_the_mail_for_later_and_gives_up_in_the_end(app, smtp, runner):  # noqa: F811
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    student = builders.student(email="trainee@college.kz")
    smtp.fail = smtplib.SMTPServerDisconnected("gone")
    note = notify(student, "test", "Письмо")
    db.session.commit()  # the action stands whatever the mail server does
    (mail,) = _outbox()
    assert mail.sent_at is None and mail.attempts == 1 and "gone" in mail.last_error
    assert db.session.get(Notification, note.id).emailed_at is None

    smtp.fail = None
    result = runner.invoke(args=["jobs", "send-mail"])
    assert result.exit_code == 0 and "E-mails sent: 1" in result.output
    (mail,) = _outbox()
    assert mail.sent_at is not None and mail.attempts == 2 and len(smtp.sent) == 1
    assert send_outbox() == 0  # sent once, never twice

    smtp.fail = ConnectionRefusedError("refused")
    queue_email("hr@plant.kz", "Тема", "Текст")
    db.session.commit()
    for _ in range(3):
        send_outbox()
    failed = _outbox()[-1]
    assert failed.attempts == 3 and failed.failed_at is not None and failed.sent_at is None
    send_outbox()
    assert _outbox()[-1].attempts == 3  # given up: not tried again


def test_a_mail_claimed_by_another_sender_is_not_sent_twice(app, smtp):  # noqa: F811
    mail = queue_email("hr@plant.kz", "Тема", "Текст")
    mail.claimed_at = utcnow()  # another sender is at it
    db.session.commit()  # the hand-over after commit finds it taken
    assert send_outbox() == 0 and smtp.sent == []
    (mail,) = _outbox()
    mail.claimed_at = utcnow() - timedelta(hours=1)  # …and that sender died long ago
    db.session.commit()
    assert send_outbox() == 1 and len(smtp.sent) == 1


def test_the_mail_goes_once_the_change_is_committed(login_as, smtp, monkeypatch):  # noqa: F811
    """What the mail tells is already in the database, seen from another connection."""
    placement = builders.placement(builders.student(email="trainee@college.kz"))
    entry = builders.entry(placement, TODAY - timedelta(days=3), submitted_at=utcnow())
    seen_when_sending = []

    def sending(to, subject, body):
        with db.engine.connect() as other:
            seen_when_sending.append(other.execute(
                select(DiaryEntry.status).where(DiaryEntry.id == entry.id)).scalar_one())

    monkeypatch.setattr("app.notify.send_email", sending)
    client = login_as(placement.mentor)
    response = client.post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "reject": "y", "comment": "Нет подписи"})
    assert response.status_code == 302
    assert seen_when_sending == [EntryStatus.REJECTED]
    (mail,) = _outbox()
    assert mail.sent_at is not None and mail.body == ""


# --- in the reader's language --------------------------------------------------------------------


def test_rejection_reads_in_the_students_language_whoever_sent_it(login_as, client, smtp):  # noqa: F811
    from tests.conftest import login

    student = builders.student(email="trainee@college.kz", locale="kk")
    placement = builders.placement(student)
    placement.mentor.locale = "ru"
    entry = builders.entry(placement, date(2026, 11, 24), submitted_at=utcnow())
    mentor_client = login_as(placement.mentor)
    mentor_client.post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "reject": "y", "comment": "Қолы жоқ"})
    mentor_client.post("/logout")

    (note,) = _notes(student)
    assert note.params == {"dates": ["2026-11-24"], "comment": "Қолы жоқ"}
    assert note.message.startswith("Наставник вернул записи за 24.11")  # the fallback
    (mail,) = smtp.sent
    assert mail["Subject"] == "Shakirt: хабарлама"
    assert mail.get_content().startswith("Тәлімгер 24.11")
    assert "күнгі жазбаларды қайтарды: «Қолы жоқ»" in mail.get_content()

    login(client, student)
    page = client.get("/notifications").get_data(as_text=True)
    assert "күнгі жазбаларды қайтарды: «Қолы жоқ»" in page
    assert "Наставник вернул" not in page
    client.post("/logout")
    student.locale = "en"  # the same notification, read later in another language
    db.session.commit()
    login(client, student)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your mentor returned the entries for" in page and "Тәлімгер" not in page


def test_each_mentor_gets_the_digest_in_their_own_language(app, runner, smtp):  # noqa: F811
    kazakh = builders.mentor(email="usta@plant.kz", locale="kk")
    russian = builders.mentor(email="master@plant.kz")
    for mentor in (kazakh, russian):
        builders.entry(builders.placement(mentor_=mentor), TODAY - timedelta(days=2),
                       submitted_at=utcnow())
    db.session.commit()
    result = runner.invoke(args=["notify-mentors"])
    assert result.exit_code == 0 and "Digests sent: 2" in result.output
    mails = {m["To"]: m for m in smtp.sent}
    assert mails["usta@plant.kz"]["Subject"] == "Shakirt: жазбалар қол қоюды күтуде"
    assert "Сіздің қолыңызды күтетін күнделік жазбалары: 1" in \
        mails["usta@plant.kz"].get_content()
    assert mails["master@plant.kz"]["Subject"] == "Shakirt: записи ждут подписи"
    assert "Ждут вашей подписи записей дневника: 1" in mails["master@plant.kz"].get_content()
    (digest,) = _notes(kazakh)
    assert digest.params["count"] == 1 and digest.emailed_at is not None
    with app.test_request_context(), messages.force_locale("kk"):
        assert messages.render(digest).startswith("Сіздің қолыңызды күтетін")


def test_the_red_alert_reads_in_each_coordinators_language(app, runner):
    kazakh = builders.coordinator(locale="kk")
    english = builders.coordinator(kazakh.college, locale="en")
    placement = builders.placement(builders.student(builders.group(kazakh.college)),
                                   required_hours=40)
    db.session.execute(delete(PlacementHealth))
    db.session.commit()
    app.config["PROGRESS_IDLE_DAYS"] = 1
    assert runner.invoke(args=["progress-alerts"]).exit_code == 0
    (kk_note,) = _notes(kazakh)
    (en_note,) = _notes(english)
    assert kk_note.params == en_note.params and set(kk_note.params["reasons"]) == {
        "ru", "kk", "en"}
    with app.test_request_context():
        with messages.force_locale("kk"):
            kk_text = messages.render(kk_note)
        with messages.force_locale("en"):
            en_text = messages.render(en_note)
    assert kk_text.startswith("Практика тәуекел аймағында: " + placement.student.full_name)
    assert "күн бойы жазба жоқ" in kk_text
    assert en_text.startswith("Placement at risk:") and "no entries for" in en_text
    assert "нет записей" in kk_note.message  # the Russian fallback


@pytest.mark.parametrize("params", [None, {"unexpected": 1}])
def test_old_or_unreadable_notifications_show_their_stored_text(login_as, params):
    student = builders.student(locale="kk")
    db.session.add(Notification(user_id=student.id, kind="entry_rejected", params=params,
                                message="Старый текст уведомления"))
    client = login_as(student)
    assert "Старый текст уведомления" in client.get("/notifications").get_data(as_text=True)


def test_statuses_are_untouched_by_the_outbox(app):
    """A notification without e-mail writes nothing to the outbox."""
    builders.entry(builders.placement(), TODAY, status=EntryStatus.DRAFT)
    notify(builders.student(), "test", "Без почты", email=False)
    db.session.commit()
    assert _outbox() == []
