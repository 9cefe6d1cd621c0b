"""Sign-in and reset-request limits keyed by account and address, in the limiter's storage.

Wrong passwords count per (account, address): someone guessing a password from one address
locks only themselves out, not the account's owner at another. A looser limit per address
over all accounts stops one address from trying many accounts. Reset requests count per
account and per address, keyed on the address typed, so a refusal says nothing about whether
the account exists. Reset links handed over in person count per (person, issuer) and per issuer,
the issuer standing where the address stands.
"""

import math
import time

from flask import current_app, request
from limits import parse

from app.extensions import limiter

LOGIN = ("LOGIN_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT")
RESET = ("RESET_RATE_LIMIT", "RESET_ADDRESS_RATE_LIMIT")
SECOND_FACTOR = ("TOTP_RATE_LIMIT", "TOTP_ADDRESS_RATE_LIMIT")
ISSUED_RESET = ("RESET_ISSUE_RATE_LIMIT", "RESET_ISSUER_RATE_LIMIT")


def _keys(kind: tuple[str, str], email: str, by: str | None = None
          ) -> list[tuple[str, list[str]]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "") or "shakirt"
    address = by or request.remote_addr or "-"
    account = (email or "").strip().lower()[:254]
    per_account, per_address = kind
    return [
        (current_app.config[per_account], [prefix, per_account, account, address]),
        (current_app.config[per_address], [prefix, per_address, address]),
    ]


def _active() -> bool:
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def seconds_to_wait(email: str, kind: tuple[str, str] = LOGIN, by: str | None = None
                    ) -> int | None:
    """None when this address (or issuer `by`) may try this account now; else the seconds
    until it may."""
    if not _active():
        return None
    waits = []
    for limit, identifiers in _keys(kind, email, by):
        item = parse(limit)
        if not limiter.limiter.test(item, *identifiers):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def count(email: str, kind: tuple[str, str] = LOGIN, by: str | None = None) -> None:
    """Count one attempt (a failed sign-in, a reset request) for this account and address."""
    if _active():
        for limit, identifiers in _keys(kind, email, by):
            limiter.limiter.hit(parse(limit), *identifiers)
