"""In-app notifications, and e-mail when SMTP is configured (else the log)."""

import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import Notification, User, utcnow


def send_email(to: str, subject: str, body: str) -> None:
    """Send through SMTP when MAIL_SERVER is set; otherwise write the message to the log."""
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


def notify(user: User, kind: str, message: str, link: str = "", email: bool = True) -> Notification:
    """Leave an in-app notification (and e-mail it when SMTP is configured)."""
    notification = Notification(user_id=user.id, kind=kind, message=message, link=link)
    db.session.add(notification)
    if email and current_app.config.get("MAIL_SERVER") and user.email:
        send_email(user.email, message, link)
        notification.emailed_at = utcnow()
    return notification
