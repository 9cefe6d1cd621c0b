"""Who may issue and revoke API tokens: each answers a refusal in words or None."""

from flask_babel import gettext as _

from app.models import ApiToken, User
from app.policy.parties import is_admin


def may_manage_organisation_tokens(user: User) -> str | None:
    """Why the user may not issue or revoke a college's or an enterprise's token; None if they
    may (the region's education department)."""
    if not is_admin(user):
        return _("Токены организаций выдаёт управление образования.")
    return None


def may_revoke_token(user: User, token: ApiToken) -> str | None:
    """Why the user may not revoke the token; None if they may: its owner, or the admin for an
    organisation's token."""
    if token.revoked_at is not None:
        return _("Токен уже отозван.")
    if token.user_id == user.id:
        return None
    if token.user_id is None and is_admin(user):
        return None
    return _("Отозвать токен может только его владелец или управление образования.")
