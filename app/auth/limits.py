"""Sign-in limits keyed by account and address, in the rate limiter's shared storage.

Wrong passwords count per (account, address): someone guessing a password from one address
locks only themselves out, not the account's owner at another. A looser limit per address
over all accounts stops one address from trying many accounts.
"""

import math
import time

from flask import current_app, request
from limits import parse

from app.extensions import limiter


def _keys(email: str) -> list[tuple[str, list[str]]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "") or "shakirt"
    address = request.remote_addr or "-"
    account = (email or "").strip().lower()[:254]
    return [
        (current_app.config["LOGIN_RATE_LIMIT"], [prefix, "login", account, address]),
        (current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], [prefix, "login-address", address]),
    ]


def _active() -> bool:
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def seconds_to_wait(email: str) -> int | None:
    """None when this address may try this account now; else the seconds until it may."""
    if not _active():
        return None
    waits = []
    for limit, identifiers in _keys(email):
        item = parse(limit)
        if not limiter.limiter.test(item, *identifiers):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def count_failure(email: str) -> None:
    """Count one failed sign-in of this account from this address."""
    if _active():
        for limit, identifiers in _keys(email):
            limiter.limiter.hit(parse(limit), *identifiers)
