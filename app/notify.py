"""In-app notifications, and e-mail when SMTP is configured (else the log)."""

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.models import Notification, User, utcnow
from app.people.emails import has_real_email, is_placeholder


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


def email_user(user: User, subject: str, body: str) -> bool:
    """E-mail a user with a real address; False (logged) when there is none or sending failed."""
    if not current_app.config.get("MAIL_SERVER") or not has_real_email(user):
        return False
    try:
        send_email(user.email, subject, body)
    except (smtplib.SMTPException, OSError):
        # The in-app notification stands; the user's action must not fail because of mail.
        current_app.logger.exception("E-mail to user %s failed", user.id)
        return False
    return True


def notify(user: User, kind: str, message: str, link: str = "", email: bool = True) -> Notification:
    """Leave an in-app notification (and e-mail it when SMTP is configured)."""
    notification = Notification(user_id=user.id, kind=kind, message=message, link=link)
    db.session.add(notification)
    body = f"{message}\n\n{absolute_url(link)}" if link else message
    if email and email_user(user, _("Shakirt: уведомление"), body):
        notification.emailed_at = utcnow()
    return notification
