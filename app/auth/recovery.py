"""Password reset by e-mail, or by a link handed over in person: signed, expiring, works once.

The token is signed with the app's secret and carries the user's id and a hash of what the
user's credentials are now (password hash and session version), as Django's reset tokens do:
nothing is stored, so the database holds no token to steal, and the link stops working as soon
as it has been used (the password changes), when any other password change or sign-out-
everywhere happens, and after RESET_HOURS. A person without e-mail gets the same link from
whoever manages their access (app.people.accounts.issue_reset_link); it also names the issuer.
"""

import hashlib
import hmac

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import audit
from app.auth.services import find_by_email
from app.authentication import end_all_sessions, hash_password
from app.extensions import db
from app.labels import register_actions
from app.models import User
from app.notify import absolute_url, send_email
from app.people.emails import has_real_email

SALT = "shakirt-password-reset"

register_actions({
    "password_reset": _l("пароль восстановлен по ссылке из письма"),
    "password_reset_issued": _l("пароль восстановлен по выданной ссылке"),
})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    state = f"{user.id}:{user.password_hash}:{user.session_version}".encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def reset_hours() -> int:
    return int(current_app.config.get("RESET_HOURS", 2))


def reset_token(user: User, issued_by: User | None = None) -> str:
    data = {"u": user.id, "f": _fingerprint(user)}
    if issued_by is not None:
        data["by"] = issued_by.id
    return _serializer().dumps(data)


def _token_data(token: str) -> tuple[User, int | None] | None:
    try:
        data = _serializer().loads(token, max_age=reset_hours() * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.is_active or not isinstance(data.get("f"), str):
        return None
    if not hmac.compare_digest(data["f"], _fingerprint(user)):
        return None
    issuer = data.get("by")
    return user, issuer if isinstance(issuer, int) else None


def user_for_token(token: str) -> User | None:
    """The user a valid, unexpired, unused token is for; None otherwise (one answer for all)."""
    found = _token_data(token)
    return found[0] if found else None


def issuer_of(token: str) -> User | None:
    """Whoever handed this valid link over in person; None for an e-mailed one."""
    found = _token_data(token)
    return db.session.get(User, found[1]) if found and found[1] is not None else None


def send_reset_link(email: str) -> None:
    """E-mail a reset link when the address belongs to an active account; else do nothing.

    The caller answers the same either way, so the form tells nobody which addresses exist.
    """
    user = find_by_email(email or "")
    if user is None or not user.is_active or not has_real_email(user):
        return
    link = absolute_url(url_for("auth.reset_password", token=reset_token(user)))
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Смена пароля в Shakirt")
        body = _("Чтобы задать новый пароль, откройте ссылку:\n%(link)s\n\nСсылка действует "
                 "%(hours)s ч и только один раз. Если вы не просили сменить пароль, ничего не "
                 "делайте: пароль останется прежним.", link=link, hours=reset_hours())
    try:
        send_email(user.email, subject, body)
    except OSError:
        current_app.logger.exception("Password reset e-mail to user %s failed", user.id)


def reset_password(user: User, new_password: str, issued_by: User | None = None) -> None:
    """Set the new password; every session ends and the link stops working."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    db.session.flush()
    if issued_by is None:
        audit.record(user, "password_reset", user, changes={})
    else:
        audit.record(user, "password_reset_issued", user,
                     changes={"issued_by": [None, issued_by.full_name]})
