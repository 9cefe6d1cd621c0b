"""The API's plumbing: flask-smorest wired to problem details, bearer tokens, the caller's
language, a rate limit per token, and CSRF left to cookies (which never authenticate here)."""

import http
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from app.api import tokens
from app.api.problems import PROBLEM_TYPE, ApiProblem, from_http_exception, problem
from app.api.schemas import ProblemSchema
from app.extensions import csrf, db, limiter
from app.models import ApiToken, User, utcnow

PREFIX = "/api/v1"
# last_used_at is written at most this often, so reads don't each cost a write.
LAST_USED_EVERY = timedelta(minutes=5)


class _Parser(FlaskParser):
    # A body or query string that doesn't match the schema is a 400 naming the field.
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(SmorestBlueprint):
    """A resource's blueprint: every request authenticated by its bearer token first."""

    ARGUMENTS_PARSER = _Parser()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(authenticate)
        self.register_error_handler(HTTPException, from_http_exception)
        self.register_error_handler(Exception, _server_error)


def _server_error(error: Exception):
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    db.session.rollback()
    current_app.logger.exception("API error on %s", request.path)
    return problem(500)


class ShakirtApi(Api):
    """flask-smorest's Api with problem-details errors documented and answered per blueprint
    (its own handler would turn every HTML error page of the app into JSON)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="shakirt"'})


def _choose_language(user: User | None) -> None:
    languages = current_app.config["LANGUAGES"]
    asked = request.accept_languages.best_match(languages) if request.accept_languages else None
    g.api_locale = asked or (user.locale if user and user.locale in languages else None)
    refresh()


def authenticate() -> None:
    """Find the caller by the bearer token: cookies never count, an unusable token is a 401."""
    _choose_language(None)
    secret = bearer_secret()
    if secret is None:
        raise _unauthorized(_("Передайте токен в заголовке Authorization: Bearer <токен>."))
    token = tokens.find_token(secret)
    now = utcnow()
    if token is None:
        raise _unauthorized(_("Такого токена нет."))
    if token.revoked_at is not None:
        raise _unauthorized(_("Токен отозван."))
    if token.expires_at <= now:
        raise _unauthorized(_("Срок действия токена истёк."))
    principal = tokens.principal_of(token)
    if principal is None:
        raise _unauthorized(_("Учётная запись владельца токена заблокирована."))
    g.api_token, g.api_token_id, g.api_principal = token, token.id, principal
    _choose_language(principal if token.user_id else None)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        token.last_used_at = now
        db.session.commit()
    if request.method not in ("GET", "HEAD", "OPTIONS") and not token.may_write:
        raise ApiProblem(403, _("Токен только для чтения: изменять данные им нельзя."))


def caller() -> User:
    return g.api_principal


def current_token() -> ApiToken:
    return g.api_token


def rate_limit_key() -> str:
    """One bucket per token (its hash); callers without a token share their address's."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + tokens.hash_secret(secret)[:32]
    return "api-addr:" + (request.remote_addr or "-")


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "300 per minute")


def init_app(app: Flask) -> None:
    """Bind the API to the app: the spec at /api/v1/openapi.json, the resources under /api/v1."""
    from app.api import resources, writes

    app.config.setdefault("API_TITLE", "Shakirt API")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": _DESCRIPTION},
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A personal or organisation token (shk_…)"}}},
        "security": [{"bearerAuth": []}],
    })
    api = ShakirtApi(app)
    for blueprint in (*resources.BLUEPRINTS, *writes.BLUEPRINTS):
        if blueprint.name not in _LIMITED:
            _LIMITED.add(blueprint.name)
            _shared_limit(blueprint)
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix=PREFIX + blueprint.url_prefix)


# The blueprints are module-level and the limiter global: decorate each blueprint once, however
# many apps (tests) are made.
_LIMITED: set[str] = set()
_shared_limit = limiter.shared_limit(_rate_limit, scope="api", key_func=rate_limit_key)


_DESCRIPTION = (
    "Shakirt's REST API. Authenticate with `Authorization: Bearer <token>`: a personal token "
    "(account page → API tokens) acts as its owner, with the same scopes as the pages; an "
    "organisation token (issued by the admin) acts as its college's coordinator or its "
    "enterprise's HR. Read-only tokens may only GET. Lists paginate by cursor (`limit` ≤ 100, "
    "`cursor` from `next_cursor`). Every error is `application/problem+json` (RFC 9457) in the "
    "caller's language (`Accept-Language`: ru, kk, en). POSTs honour `Idempotency-Key`; "
    "updates need `If-Match` with the ETag of the object, and a stale one answers 412 with the "
    "current object."
)
