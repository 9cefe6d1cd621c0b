"""Creating, revoking and checking API tokens. Services: plain arguments, flush, audit, no commit.

A token's secret is `shk_` and 43 URL-safe characters (256 random bits); only its SHA-256 is
stored — a hash that fast is enough for a secret that long, and lets a request find its token
by one indexed lookup. A person's token acts as that person; an organisation's token (issued by
the admin to a college or an enterprise) acts as that organisation's coordinator or employer
would, so the same scopes and predicates as the pages apply.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.labels import register_actions
from app.models import ApiToken, College, Enterprise, Role, TokenScope, User
from app.one_time import new_token
from app.one_time import token_hash as hash_secret
from app.policy.tokens import may_manage_organisation_tokens, may_revoke_token
from app.rules import RuleViolation

PREFIX = "shk_"
MAX_NAME = 100
LIFETIMES = (30, 90, 365)  # days a token may live, as offered on the pages

register_actions({
    "api_token_created": _l("создан токен API"),
    "api_token_revoked": _l("токен API отозван"),
})


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def _check(name: str, days: int, scope: TokenScope | str) -> tuple[str, TokenScope]:
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("Назовите токен — например, по системе, которая им пользуется."),
                            "name")
    if len(name) > MAX_NAME:
        raise RuleViolation(_("Название — не длиннее %(max)s символов.", max=MAX_NAME), "name")
    if days not in LIFETIMES:
        raise RuleViolation(_("Выберите срок действия из списка."), "days")
    try:
        return name, TokenScope(scope)
    except ValueError:
        raise RuleViolation(_("Выберите права из списка."), "scope") from None


def _issue(actor: User, name: str, days: int, scope: TokenScope | str, now: datetime,
           **owner: int) -> Issued:
    name, scope = _check(name, days, scope)
    secret = PREFIX + new_token()
    token = ApiToken(name=name, token_hash=hash_secret(secret), hint=secret[:8], scope=scope,
                     created_by_id=actor.id, created_at=now,
                     expires_at=now + timedelta(days=days), **owner)
    db.session.add(token)
    db.session.flush()
    record(actor, "api_token_created", token, {
        "name": [None, name], "scope": [None, scope.value],
        "expires_at": [None, token.expires_at.isoformat()]})
    return Issued(token, secret)


def create_personal_token(user: User, *, name: str, days: int, scope: TokenScope | str,
                          now: datetime) -> Issued:
    """A token of the user's own, acting as the user."""
    return _issue(user, name, days, scope, now, user_id=user.id)


def issue_organisation_token(admin: User, organisation: College | Enterprise, *, name: str,
                             days: int, scope: TokenScope | str, now: datetime) -> Issued:
    """The admin's token for a college's or an enterprise's system."""
    if refusal := may_manage_organisation_tokens(admin):
        raise RuleViolation(refusal)
    owner = ({"college_id": organisation.id} if isinstance(organisation, College)
             else {"enterprise_id": organisation.id})
    return _issue(admin, name, days, scope, now, **owner)


def revoke_token(user: User, token: ApiToken, *, now: datetime) -> None:
    if refusal := may_revoke_token(user, token):
        raise RuleViolation(refusal)
    token.revoked_at = now
    db.session.flush()
    record(user, "api_token_revoked", token, {"revoked_at": [None, now.isoformat()]})


def find_token(secret: str) -> ApiToken | None:
    """The token a secret belongs to, whatever its state (the caller checks it)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))


def principal_of(token: ApiToken) -> User | None:
    """Whom the token acts as: its person, or a stand-in coordinator or employer of its
    organisation (never saved; id None, so it matches no one's own objects)."""
    if token.user_id is not None:
        user = token.user
        return user if user is not None and user.is_active else None
    if token.college_id is not None:
        return User(id=None, role=Role.COORDINATOR, college_id=token.college_id,
                    full_name=token.name, email="", locale=None)
    return User(id=None, role=Role.EMPLOYER, enterprise_id=token.enterprise_id,
                full_name=token.name, email="", locale=None)


def personal_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def organisation_tokens() -> list[ApiToken]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id.is_(None))
        .options(selectinload(ApiToken.college), selectinload(ApiToken.enterprise))
        .order_by(ApiToken.id.desc())))
