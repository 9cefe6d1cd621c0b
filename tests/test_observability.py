"""Request ids, structured logs and metrics (app/observability.py)."""

import io
import json
import logging
import re

import pytest
from prometheus_client import generate_latest
from sqlalchemy import insert

from app.extensions import db
from app.models import Job, JobStatus, utcnow
from app.observability import REQUEST_ID_HEADER, configure_logging
from tests import builders


def test_every_response_names_its_request(client):
    first = client.get("/healthz").headers[REQUEST_ID_HEADER]
    second = client.get("/healthz").headers[REQUEST_ID_HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_clients_own_request_id_is_not_taken(client):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "forged-id-0001"})
    assert response.headers[REQUEST_ID_HEADER] != "forged-id-0001"


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}])
def test_a_trusted_proxys_request_id_is_kept_when_well_formed(client):
    kept = client.get("/healthz", headers={REQUEST_ID_HEADER: "lb-7f3a9c11"})
    assert kept.headers[REQUEST_ID_HEADER] == "lb-7f3a9c11"
    odd = client.get("/healthz", headers={REQUEST_ID_HEADER: "<script>x</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers[REQUEST_ID_HEADER])


@pytest.mark.parametrize("app_config", [{"LOG_REQUESTS": True}])
def test_json_log_lines_carry_the_request_id_and_never_the_query(client):
    stream = io.StringIO()
    handler = configure_logging("json", stream)
    try:
        response = client.get("/login?next=/secret-token-123")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_line = next(line for line in lines if line["logger"] == "shakirt.request")
    assert request_line["request_id"] == response.headers[REQUEST_ID_HEADER]
    assert request_line["path"] == "/login"
    assert request_line["endpoint"] == "auth.login"
    assert request_line["status"] == 200
    assert request_line["duration_ms"] >= 0
    assert "secret-token" not in stream.getvalue()


def test_metrics_count_requests_by_endpoint_and_jobs_by_status(app, client):
    owner = builders.coordinator()
    # Written past the ORM, so the queue's flush hook doesn't run them.
    db.session.execute(insert(Job), [
        {"owner_id": owner.id, "kind": "group_diaries", "status": JobStatus.QUEUED},
        {"owner_id": owner.id, "kind": "group_diaries", "status": JobStatus.FAILED,
         "finished_at": utcnow()},
    ])
    db.session.commit()
    client.get("/healthz")
    text = generate_latest(app.extensions["metrics"].registry).decode()
    assert re.search(r'shakirt_http_request_duration_seconds_count\{endpoint="health\.healthz"'
                     r'.*\} 1\.0', text)
    assert "shakirt_job_queue_depth 1.0" in text
    assert 'shakirt_jobs{status="failed"} 1.0' in text


def test_metrics_are_not_served_by_the_app(client):
    assert client.get("/metrics").status_code == 404
