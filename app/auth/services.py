"""Signing in and changing passwords."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.authentication import end_all_sessions, hash_password, verify_password
from app.domain import phones
from app.extensions import db
from app.models import User, utcnow


class AuthError(Exception):
    """A refusal to show to the user."""


class SharedPhone(AuthError):
    """The password is right, but the phone number is on more than one account."""


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _typed_phone(identifier: str) -> str | None:
    """The phone number typed to sign in, in its one written form; None for an address."""
    return None if "@" in (identifier or "") else phones.canonical(identifier)


def identifier_key(identifier: str) -> str:
    """What was typed to sign in, read once: a phone in its one written form, else the
    lower-cased address (the login limits count attempts on this key)."""
    return _typed_phone(identifier) or (identifier or "").strip().lower()[:254]


def _accounts_for(identifier: str) -> list[User]:
    """The accounts the typed e-mail or phone number names (a phone may name several)."""
    phone = _typed_phone(identifier)
    if phone is None:
        user = find_by_email(identifier or "")
        return [user] if user is not None else []
    return list(db.session.scalars(select(User).where(User.phone == phone).limit(5)))


def sign_in_phone(user: User) -> str | None:
    """The phone number that signs this person in (valid, and on no other account), or None."""
    phone = phones.canonical(user.phone)
    if phone is None or phone != user.phone:
        return None
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.phone == phone, User.id != user.id))
    return None if others else phone


def authenticate(identifier: str, password: str) -> User | None:
    """The active user with these credentials (e-mail or phone), or None; the same answer for
    every mistake. A phone on two accounts signs nobody in: SharedPhone when the password is
    right for one of them, so only its owner learns to use the e-mail instead."""
    accounts = _accounts_for(identifier)
    if not accounts:
        verify_password(None, password)  # the same work whether or not the account exists
        return None
    matches = [user for user in accounts if verify_password(user, password)]
    if len(accounts) > 1:
        if matches:
            raise SharedPhone(_("Этот номер телефона указан у нескольких учётных записей. "
                                "Войдите по электронной почте."))
        return None
    user = accounts[0]
    if not matches or not user.is_active:
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
