"""`/healthz`: the process answers. `/readyz`: it can serve — the database answers and, when
REDIS_URL is set, so does Redis (the broker of the jobs and, often, the rate limits)."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db, limiter
from app.jobs import queue

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


def _database() -> str | None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver's error: the answer is "not ready"
        db.session.rollback()
        current_app.logger.warning("Readiness: database: %s", error)
        return type(error).__name__
    return None


def _broker() -> str | None:
    try:
        queue.redis_connection(current_app).ping()
    except Exception as error:  # redis.RedisError and the socket errors under it
        current_app.logger.warning("Readiness: Redis: %s", error)
        return type(error).__name__
    return None


@bp.get("/readyz")
@limiter.exempt
def readyz():
    checks = {"database": _database()}
    if current_app.config.get("REDIS_URL"):
        checks["broker"] = _broker()
    ready = all(problem is None for problem in checks.values())
    body = {"status": "ok" if ready else "unavailable",
            "checks": {name: problem or "ok" for name, problem in checks.items()}}
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
