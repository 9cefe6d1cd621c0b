"""Idempotency-Key: a POST repeated with the same key and body gets the first answer again;
the same key with another body is refused (422). Kept with the change, in one transaction."""

import contextlib
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.problems import ApiProblem
from app.extensions import db
from app.models import IdempotentRequest, utcnow

KEEP = timedelta(hours=24)


def _fingerprint() -> str:
    body = request.get_data(cache=True) or b""
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), body]))\
        .hexdigest()


def _key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255 or not all(" " <= ch <= "~" for ch in key):
        raise ApiProblem(400, _("Ключ идемпотентности — от 1 до 255 символов ASCII."),
                         errors=[{"field": "Idempotency-Key",
                                  "message": _("Недопустимое значение.")}])
    return key


def idempotent(token_id: int, act: Callable[[], tuple[dict, int]]) -> tuple[Any, int, dict]:
    """Run `act` (which flushes its change) once per key; commit the change and the answer
    together. `act` returns (body, status); refusals it raises are not remembered."""
    key = _key()
    if key is None:
        body, status = act()
        db.session.commit()
        return body, status, {}
    fingerprint = _fingerprint()
    kept = db.session.scalar(select(IdempotentRequest).where(
        IdempotentRequest.token_id == token_id, IdempotentRequest.key == key))
    if kept is not None and kept.created_at < utcnow() - KEEP:
        db.session.delete(kept)
        db.session.flush()
        kept = None
    if kept is not None:
        if kept.fingerprint != fingerprint:
            raise ApiProblem(422, _("Этот ключ идемпотентности уже использован для другого "
                                    "запроса: для нового запроса возьмите новый ключ."),
                             errors=[{"field": "Idempotency-Key",
                                      "message": _("Ключ уже использован с другим телом.")}])
        return kept.body, kept.status_code, {"Idempotent-Replayed": "true"}
    body, status = act()
    # The token's answers older than a day go as it stores a new one: the table stays small.
    db.session.execute(delete(IdempotentRequest).where(
        IdempotentRequest.token_id == token_id, IdempotentRequest.created_at < utcnow() - KEEP))
    db.session.add(IdempotentRequest(token_id=token_id, key=key, fingerprint=fingerprint,
                                     status_code=status,
                                     body=json.loads(current_app.json.dumps(body))))
    try:
        db.session.commit()
    except IntegrityError:
        # The same key came twice at once: the other request won and its change stands.
        db.session.rollback()
        raise ApiProblem(409, _("Запрос с этим ключом уже выполняется — повторите его через "
                                "секунду, чтобы получить ответ.")) from None
    return body, status, {}

