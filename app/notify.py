"""In-app notifications, and e-mail through the outbox (sent after commit, by a worker).

Nothing is mailed inside a request: `queue_email` writes the mail to the outbox in the same
transaction as the change; once that commits, the job runner (app/jobs/queue.py) hands the
outbox to a worker, which sends it with `send_email`. A rollback leaves no mail behind; a
failing SMTP server never fails the action (the mail is tried again later, see
`send_outbox`).
"""

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any, cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import CursorResult, or_, select, update

from app.extensions import db
from app.models import Notification, OutboxMail, User, utcnow
from app.notifications import messages
from app.people.emails import has_real_email, is_placeholder

# A sender that died holding a mail lets go of it after this long.
CLAIM_TIMEOUT = timedelta(minutes=10)


def send_email(to: str, subject: str, body: str) -> None:
    """Send through SMTP when MAIL_SERVER is set; otherwise write the message to the log.

    Placeholder addresses are never mailed; SMTP failures are raised to the caller.
    """
    if is_placeholder(to):
        return
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("E-mail to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def absolute_url(link: str) -> str:
    """A link of ours as the recipient can open it from a mail client (PUBLIC_URL prefix)."""
    if link.startswith("/"):
        return current_app.config.get("PUBLIC_URL", "").rstrip("/") + link
    return link


def queue_email(to: str, subject: str, body: str, user_id: int | None = None,
                notification_id: int | None = None) -> OutboxMail | None:
    """Write a mail to the outbox (sent after the transaction commits); None for placeholders."""
    if is_placeholder(to):
        return None
    mail = OutboxMail(recipient=to, subject=subject, body=body, user_id=user_id,
                      notification_id=notification_id)
    db.session.add(mail)
    return mail


def email_user(user: User, subject: str, body: str,
               notification: Notification | None = None) -> OutboxMail | None:
    """Queue a mail to a user with a real address when SMTP is configured; else None."""
    if not current_app.config.get("MAIL_SERVER") or not has_real_email(user):
        return None
    if notification is not None and notification.id is None:
        db.session.flush()
    return queue_email(user.email, subject, body, user.id,
                       notification.id if notification is not None else None)


def email_notification(user: User, notification: Notification) -> OutboxMail | None:
    """Queue the notification as a mail, written in the reader's language."""
    with force_locale(messages.reader_locale(user)):
        lines = [messages.render(notification)]
        lines += messages.mail_lines(notification.kind, notification.params)
        if notification.link:
            lines += ["", absolute_url(notification.link)]
        subject = (_("Shakirt: записи ждут подписи") if notification.kind == "entries_waiting"
                   else _("Shakirt: уведомление"))
    return email_user(user, subject, "\n".join(lines), notification)


def notify(user: User, kind: str, params: dict[str, Any] | str, link: str = "",
           email: bool = True) -> Notification:
    """Leave an in-app notification of what happened (and mail it when SMTP is configured).

    `params` are the plain facts the text is made of in the reader's language when shown
    (see app/notifications/messages.py); a string is stored as the text itself.
    """
    if isinstance(params, str):
        message, stored = params, None
    else:
        message, stored = messages.fallback_text(kind, params), params
    notification = Notification(user_id=user.id, kind=kind, params=stored, message=message,
                                link=link)
    db.session.add(notification)
    if email:
        email_notification(user, notification)
    return notification


def send_outbox(limit: int = 200) -> int:
    """Send the mails waiting in the outbox, oldest first; returns how many went.

    Runs in a worker, never in a request; commits after each mail. Each mail is claimed
    first, so two senders at once never send the same mail twice. A failed mail is tried
    again on the next run, up to OUTBOX_MAX_ATTEMPTS times.
    """
    max_attempts = current_app.config.get("OUTBOX_MAX_ATTEMPTS", 5)
    now = utcnow()
    waiting = list(db.session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
        .order_by(OutboxMail.id).limit(limit)))
    db.session.commit()
    sent = 0
    for mail_id in waiting:
        claimed = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None),
                   OutboxMail.failed_at.is_(None),
                   or_(OutboxMail.claimed_at.is_(None),
                       OutboxMail.claimed_at < now - CLAIM_TIMEOUT))
            .values(claimed_at=utcnow(), attempts=OutboxMail.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if not cast(CursorResult, claimed).rowcount:  # an UPDATE's result is a CursorResult
            continue  # another sender has it
        mail = db.session.get(OutboxMail, mail_id)
        if mail is None:
            continue  # deleted since the claim
        try:
            send_email(mail.recipient, mail.subject, mail.body)
        except (smtplib.SMTPException, OSError) as error:
            current_app.logger.exception("E-mail %s to user %s failed", mail.id, mail.user_id)
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            mail.claimed_at = None
            if mail.attempts >= max_attempts:
                mail.failed_at = utcnow()
            db.session.commit()
            continue
        mail.sent_at = utcnow()
        # The body may carry a one-time link (invitations): not kept once it has gone.
        mail.body = ""
        if mail.notification_id is not None:
            db.session.execute(update(Notification)
                               .where(Notification.id == mail.notification_id)
                               .values(emailed_at=mail.sent_at)
                               .execution_options(synchronize_session=False))
        db.session.commit()
        sent += 1
    return sent
