"""People registered without an e-mail address (students, foremen) get a placeholder one.

`User.email` is required and unique; a person registered without an address gets
`person-<random>@no-email.invalid` (the reserved `.invalid` domain, RFC 2606; random, so an
IIN never leaks into an address). Such a person has no login until invited: the invitation is
handed over as a link or QR code, and accepting it asks for a real address to sign in with.
Pages show "—" instead of the placeholder.
"""

import secrets

from app.models import User

PLACEHOLDER_DOMAIN = "no-email.invalid"


def placeholder_email() -> str:
    return f"person-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"


def is_placeholder(email: str | None) -> bool:
    return email is not None and email.endswith("@" + PLACEHOLDER_DOMAIN)


def has_real_email(user: User) -> bool:
    return bool(user.email) and not is_placeholder(user.email)


def shown_email(email: str | None) -> str:
    """The address to show, or '' for a placeholder."""
    return "" if not email or is_placeholder(email) else email
