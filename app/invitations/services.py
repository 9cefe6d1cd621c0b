"""Invitations: a single-use, expiring link that lets a person set their first password.

Only the SHA-256 of the token is stored; the raw token is handed out once (link, QR, e-mail).
"""

from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from app import audit
from app import input_checks as checks
from app.auth.forms import MIN_PASSWORD
from app.auth.services import sign_in_phone
from app.authentication import hash_password
from app.extensions import db
from app.i18n import format_date
from app.models import Invitation, User
from app.notifications.messages import reader_locale
from app.notify import queue_email
from app.one_time import find_by_token, new_token, token_hash
from app.people.emails import has_real_email
from app.policy import manages_invitation_of, staff_refusal
from app.rules import RuleViolation

MAX_PASSWORD = 200


def can_invite(actor: User, user: User) -> bool:
    """Whether the actor may invite the user (and revoke the user's invitation)."""
    return manages_invitation_of(actor, user) and staff_refusal(actor, user) is None


def _close_open(user: User, now: datetime) -> int:
    """Revoke every still-open invitation of the user; the number revoked."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, result).rowcount or 0  # an UPDATE's result is a CursorResult


def invite(actor: User, user: User, now: datetime) -> tuple[Invitation, str]:
    """Issue a new invitation (an earlier open one dies); returns it and the raw token once."""
    if user.password_hash is not None:
        raise RuleViolation(_("У этого пользователя уже есть пароль: приглашение не нужно."))
    if not user.active:
        raise RuleViolation(_("Учётная запись заблокирована: сначала разблокируйте её."))
    refusal = staff_refusal(actor, user)
    if refusal:
        raise RuleViolation(refusal)
    _close_open(user, now)
    token = new_token()
    days = current_app.config.get("INVITATION_DAYS", 14)
    invitation = Invitation(user_id=user.id, token_hash=token_hash(token),
                            created_by_id=actor.id, created_at=now,
                            expires_at=now + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "invited", user,
                 {"invitation_expires": [None, invitation.expires_at.isoformat(" ", "minutes")]})
    if has_real_email(user):
        _email(user, token, invitation.expires_at)
    return invitation, token


def invitation_link(token: str) -> str:
    """The address the invitee opens (absolute inside a request, else a path)."""
    if has_request_context():
        return url_for("invitations.accept", token=token, _external=True)
    return f"/invite/{token}"


def _email(user: User, token: str, expires_at: datetime) -> None:
    """Queue the invitation in the invitee's language (sent from the outbox after commit)."""
    with force_locale(reader_locale(user)):
        subject = _("Приглашение в Shakirt")
        body = _(
            "Здравствуйте, %(name)s!\n\nВас пригласили в Shakirt — систему дуального обучения. "
            "Чтобы задать пароль, откройте ссылку:\n%(link)s\n\nСсылка действует до %(date)s "
            "и только один раз.",
            name=user.full_name, link=invitation_link(token),
            date=format_date(expires_at.date()),
        )
    queue_email(user.email, subject, body, user.id)


def revoke(actor: User, user: User, now: datetime) -> None:
    """End the user's open invitation, so its link no longer works."""
    refusal = staff_refusal(actor, user)
    if refusal:
        raise RuleViolation(refusal)
    if not _close_open(user, now):
        raise RuleViolation(_("Открытого приглашения нет."))
    audit.record(actor, "invitation_revoked", user, {})


def find_invitation(token: str) -> Invitation | None:
    return find_by_token(Invitation, token)


def link_problem(invitation: Invitation | None, now: datetime) -> str | None:
    """Why the link cannot be used, in words for the invitee; None when it can."""
    if invitation is None:
        return _("Ссылка-приглашение не найдена. Проверьте, что она скопирована целиком, "
                 "или попросите новое приглашение.")
    if invitation.used_at is not None:
        return _("Это приглашение уже использовано. Войдите со своим паролем.")
    if invitation.revoked_at is not None:
        return _("Это приглашение отозвано или заменено новым. Попросите новое приглашение.")
    if invitation.expires_at <= now:
        return _("Срок действия приглашения истёк %(date)s. Попросите новое приглашение.",
                 date=format_date(invitation.expires_at.date()))
    return None


def accept_invitation(token: str, password: str, now: datetime, email: str | None = None
                      ) -> User:
    """Set the invitee's password from a valid link; the link is used up, the account active.

    A person registered without an e-mail gives one here to sign in with, unless their phone
    number signs them in (see app.auth.services.sign_in_phone).
    """
    invitation = find_invitation(token)
    problem = link_problem(invitation, now)
    if problem or invitation is None:  # a missing link always has its problem worded
        raise RuleViolation(problem or "", "token")
    user = invitation.user
    changes: dict[str, list[Any]] = {}
    if not has_real_email(user) and ((email or "").strip() or sign_in_phone(user) is None):
        address = checks.email(email, "email", required=True)
        if db.session.scalar(select(User.id).where(User.email == address)) is not None:
            raise RuleViolation(_("Этот адрес уже занят другим пользователем."), "email")
        changes["email"] = [None, address]
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise RuleViolation(_("Пароль — от 10 до 200 символов."), "password")
    # Claim the link in one conditional UPDATE: of two simultaneous accepts only one wins.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, claimed).rowcount != 1:
        raise RuleViolation(_("Это приглашение уже использовано. Войдите со своим паролем."),
                            "token")
    invitation.used_at = now
    if changes:
        user.email = changes["email"][1]
    user.password_hash = hash_password(password)
    user.active = True
    db.session.flush()
    audit.record(user, "invitation_accepted", user, changes)
    return user


def latest_invitations(user_ids: list[int]) -> dict[int, Invitation]:
    """The newest invitation of each user (one query)."""
    if not user_ids:
        return {}
    latest: dict[int, Invitation] = {}
    for invitation in db.session.scalars(
            select(Invitation).where(Invitation.user_id.in_(user_ids))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())):
        latest.setdefault(invitation.user_id, invitation)
    return latest
