"""The API against its own OpenAPI document: schemathesis generates requests for every operation
and calls the app in-process (WSGI) with a token of each role; no answer may be a 5xx, fall
outside the document, or show an object outside the caller's scope. And the committed document
(app/api/openapi.json) must be what the code generates."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from sqlalchemy import select

from app.api import tokens
from app.extensions import db
from app.models import (
    ApiToken,
    Assessment,
    College,
    DiaryEntry,
    Enterprise,
    GraduateOutcome,
    Group,
    OutcomeKind,
    Placement,
    PlacementStatus,
    User,
)
from app.scopes import scoped
from tests import builders, builders_outcomes
from tests.builders_api import auth, organisation, personal

COMMITTED = Path(__file__).resolve().parent.parent / "app" / "api" / "openapi.json"
EXAMPLES = 6

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]

# Which model an object in an answer is, by the path's first segment after /api/v1/.
MODELS = {"colleges": College, "enterprises": Enterprise, "groups": Group, "students": User,
          "placements": Placement, "diary-entries": DiaryEntry, "assessments": Assessment,
          "outcomes": GraduateOutcome}


def _world() -> dict[str, str]:
    """Two colleges' worth of data and a read-write token of every role (and a system's)."""
    secrets = {}
    for _ in range(2):
        placement = builders.placement()
        builders.entry(placement, placement.start_date + timedelta(days=1))
        finished = builders.placement(mentor_=placement.mentor,
                                      status=PlacementStatus.COMPLETED)
        builders_outcomes.assessment(finished)
        builders_outcomes.outcome(placement=finished, kind=OutcomeKind.HIRED_BY_HOST)
    secrets["student"] = personal(placement.student)
    secrets["mentor"] = personal(placement.mentor)
    secrets["coordinator"] = personal(builders.coordinator(placement.college))
    secrets["employer"] = personal(builders.employer(placement.enterprise))
    secrets["admin"] = personal(builders.admin())
    secrets["college-system"] = organisation(placement.college)
    db.session.commit()
    return secrets


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "100000 per minute"}


@pytest.fixture
def role_tokens(app):
    return _world()


# The committed document (the drift test below holds it to what the code generates), loaded at
# import time; requests go to each test's own app in-process.
schema = schemathesis.openapi.from_path(COMMITTED)
# Examples and the fuzzing phase only: the coverage phase's exhaustive edge cases cost minutes.
schema.config.phases.coverage.enabled = False


def _ids_in(body) -> list[int]:
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [item["id"] for item in body["items"] if isinstance(item, dict)]
    if isinstance(body, dict) and isinstance(body.get("id"), int):
        return [body["id"]]
    return []


def _assert_in_scope(secret: str, path: str, response) -> None:
    """Every object an answer shows must be one the token's principal may see."""
    match = re.match(r"^/api/v1/([a-z-]+)", path)
    model = MODELS.get(match.group(1)) if match else None
    if model is None or response.status_code >= 300 or not response.text:
        return
    ids = _ids_in(response.json())
    if not ids:
        return
    db.session.rollback()  # see what the requests committed
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == tokens.hash_secret(secret)))
    principal = tokens.principal_of(token)
    visible = set(db.session.scalars(
        scoped(model, principal).where(model.id.in_(ids)).with_only_columns(model.id)))
    assert set(ids) <= visible, f"{path} showed {set(ids) - visible} outside the scope"


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_document_and_the_scope(case, app, role_tokens):
    for secret in role_tokens.values():
        response = case.call_and_validate(app=app, headers=auth(secret), checks=CHECKS)
        _assert_in_scope(secret, case.formatted_path, response)


def test_the_committed_document_is_what_the_code_generates(client):
    generated = client.get("/api/v1/openapi.json").json
    committed = json.loads(COMMITTED.read_text())
    assert generated == committed, (
        "The OpenAPI document has drifted from app/api/openapi.json: regenerate it with "
        "`.venv/bin/flask --app wsgi openapi write app/api/openapi.json` and commit it.")


def test_the_reference_page_is_served_by_the_app_under_the_csp(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "http" not in html.split("<body>")[1]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_chained_calls_keep_to_the_document_and_the_scope(app, role_tokens):
    """Stateful: schemathesis chains operations through the links it infers from the document
    (a list's ids into the object's reads and actions, a created entry into its update and
    submission), for the trainee's and the foreman's tokens; the same checks hold at every step."""
    machine = schema.as_state_machine()
    assert machine.bundles, "no links between operations were inferred"
    for role in ("student", "mentor"):
        _chained(machine, app, role_tokens[role]).run(settings=settings(
            max_examples=8, stateful_step_count=6, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck)))


def _chained(machine, app, secret: str):
    """The state machine calling the app in-process with one token, checking every answer."""

    class Chained(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"app": app, "headers": auth(secret)}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(response, checks=CHECKS)
            _assert_in_scope(secret, case.formatted_path, response)

    return Chained
