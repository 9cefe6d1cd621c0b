"""Tokens handed over once (an invitation, a guardian's link, an API secret): made at random,
shown to their owner once, stored only as their SHA-256, and looked up by it."""

import hashlib
import secrets
from typing import Any, TypeVar

from sqlalchemy import select

from app.extensions import db

M = TypeVar("M")
MAX_TOKEN = 200  # longer than any token made here: refused before it is hashed


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_by_token(model: type[M], token: str) -> M | None:
    """The row whose `token_hash` is the token's, or None (for a missing or absurd token too)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    column: Any = model.token_hash  # type: ignore[attr-defined]
    return db.session.scalar(select(model).where(column == token_hash(token)))
