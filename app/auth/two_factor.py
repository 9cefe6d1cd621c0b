"""Two-factor sign-in with a TOTP authenticator (pyotp) and single-use recovery codes.

Required for the roles in TWO_FACTOR_REQUIRED_ROLES (the region's admins in production; in
development and the demo nobody is made to, so the demo accounts sign in with the password
alone), offered to admins and coordinators. A code is accepted once: its time step is
remembered, so a code seen over someone's shoulder cannot be replayed in its window.
"""

import hashlib
import secrets
import time
from typing import cast

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, Table, func, select, update

from app import audit
from app.authentication import verify_password
from app.extensions import db
from app.models import RecoveryCode, TwoFactor, User, utcnow
from app.policy.staff import may_set_up_two_factor
from app.rules import RuleViolation

ISSUER = "Shakirt"
RECOVERY_CODES = 10
STEP = 30


def is_required(user: User) -> bool:
    return user.role.value in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", ())


def is_offered(user: User) -> bool:
    return may_set_up_two_factor(user) is None


def active_factor(user: User) -> TwoFactor | None:
    factor = db.session.get(TwoFactor, user.id)
    return factor if factor is not None and factor.confirmed_at is not None else None


def pending_setup(user: User) -> TwoFactor:
    """The user's unconfirmed secret, made on first ask (kept while they type the first code)."""
    factor = db.session.get(TwoFactor, user.id)
    if factor is None:
        factor = TwoFactor(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(factor)
        db.session.flush()
    return factor


def provisioning_uri(user: User, factor: TwoFactor) -> str:
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()[:20]


def _accept_totp(factor: TwoFactor, code: str) -> bool:
    """True for a current code (one step either side) not used before; remembers its step."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp, now = pyotp.TOTP(factor.secret), int(time.time())
    for offset in (0, -1, 1):
        step = now // STEP + offset
        if secrets.compare_digest(totp.at(step * STEP), code) and step > factor.last_step:
            # A guarded update: of two requests with the same code only one moves the step.
            moved = cast(CursorResult, db.session.execute(
                update(TwoFactor).where(TwoFactor.user_id == factor.user_id,
                                        TwoFactor.last_step < step)
                .values(last_step=step))).rowcount
            db.session.refresh(factor)
            return bool(moved)
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    used = cast(CursorResult, db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()))).rowcount
    return bool(used)


def check_second_factor(user: User, code: str) -> None:
    """Accept an authenticator code or an unused recovery code; else RuleViolation."""
    factor = active_factor(user)
    normalised = _normalised(code)
    if factor is None:
        raise RuleViolation(_("Двухфакторный вход не настроен."), "code")
    if _accept_totp(factor, normalised):
        return
    if len(normalised) == 10 and _use_recovery_code(user, normalised):
        audit.record(user, "recovery_code_used", user, changes={})
        return
    raise RuleViolation(_("Код не подошёл. Введите шесть цифр из приложения — новый код "
                          "появляется каждые 30 секунд — или неиспользованный код "
                          "восстановления."), "code")


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(cast(Table, RecoveryCode.__table__).delete().where(
        RecoveryCode.__table__.c.user_id == user.id))
    codes = [secrets.token_hex(5).upper() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def confirm_setup(user: User, code: str) -> list[str]:
    """Put the pending secret in force with a first code; returns the recovery codes."""
    factor = pending_setup(user)
    if factor.confirmed_at is not None:
        raise RuleViolation(_("Двухфакторный вход уже включён."), "code")
    if not _accept_totp(factor, _normalised(code)):
        raise RuleViolation(_("Код не подошёл: проверьте, что время на телефоне верное, и "
                              "введите шесть цифр, которые приложение показывает сейчас."),
                            "code")
    factor.confirmed_at = utcnow()
    audit.record(user, "two_factor_enabled", user, changes={})
    return _new_recovery_codes(user)


def disable(user: User, password: str, code: str) -> None:
    """Turn the second factor off (not for roles that must have it): password and a code."""
    if is_required(user):
        raise RuleViolation(_("Для вашей роли двухфакторный вход обязателен."), None)
    if not verify_password(user, password):
        raise RuleViolation(_("Пароль указан неверно."), "password")
    check_second_factor(user, code)
    db.session.execute(cast(Table, RecoveryCode.__table__).delete().where(
        RecoveryCode.__table__.c.user_id == user.id))
    db.session.delete(db.session.get(TwoFactor, user.id))
    audit.record(user, "two_factor_disabled", user, changes={})


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
