"""Signing in and changing passwords."""

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User, utcnow
from app.security import end_all_sessions, hash_password, verify_password


class AuthError(Exception):
    """A refusal to show to the user."""


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; same answer for either mistake."""
    user = find_by_email(email)
    if not verify_password(user, password) or user is None or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every other session of the user."""
    if not verify_password(user, current):
        raise AuthError(_("Текущий пароль указан неверно."))
    if current == new:
        raise AuthError(_("Новый пароль должен отличаться от текущего."))
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    db.session.flush()
    audit.record(user, "password_changed", user, changes={})
