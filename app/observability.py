"""What an operator sees of a running Shakirt: a request id on every response and log line,
structured JSON logs, and Prometheus metrics (prometheus-flask-exporter).

Metrics are never served by the app's own public routes. Under gunicorn (PROMETHEUS_MULTIPROC_DIR
set, see gunicorn.conf.py) every worker records into the shared folder and the master serves
them on METRICS_BIND, a private address; elsewhere they are kept in the app's own registry.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid
from datetime import timedelta

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select

REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy may hand us: short, printable, nothing a log reader could be fooled by.
PASSED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
request_log = logging.getLogger("shakirt.request")


def init_app(app: Flask) -> None:
    _request_ids(app)
    if not app.testing:
        configure_logging(app.config.get("LOG_FORMAT", "text"))
    _metrics(app)


# --- request ids and the request log ---------------------------------------------------------


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _request_ids(app: Flask) -> None:
    @app.before_request
    def take_request_id() -> None:
        passed = request.headers.get(REQUEST_ID_HEADER, "")
        # Only a proxy we trust may name the request; a client's own header is ignored.
        trusted = app.config.get("TRUSTED_PROXIES", 0) and PASSED_REQUEST_ID.fullmatch(passed)
        g.request_id = passed if trusted else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        if app.config.get("LOG_REQUESTS") and "request_started" in g:
            from flask_login import current_user

            request_log.info("request", extra={
                "method": request.method,
                "path": request.path,  # never the query string: it may carry a token
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round(1000 * (time.perf_counter() - g.request_started), 1),
                "user_id": current_user.get_id() if current_user else None,
            })
        return response


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record logged while it is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def configure_logging(log_format: str, stream=None) -> logging.Handler:
    """One handler on the root logger: JSON lines (production) or readable text."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        ))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "shakirt", False)]:
        root.removeHandler(old)
    handler.shakirt = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # Our own lines from INFO; libraries (WeasyPrint narrates every step) only from WARNING.
    root.setLevel(logging.WARNING)
    for name in ("shakirt", "app", "rq.worker"):
        logging.getLogger(name).setLevel(logging.INFO)
    return handler


# --- metrics ----------------------------------------------------------------------------------


def _metrics(app: Flask) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

        metrics = GunicornPrometheusMetrics(app, path=None, group_by="endpoint",
                                            defaults_prefix="shakirt")
    else:
        from prometheus_flask_exporter import PrometheusMetrics

        registry = CollectorRegistry(auto_describe=True)
        registry.register(JobsCollector(app))
        metrics = PrometheusMetrics(app, path=None, group_by="endpoint", registry=registry,
                                    defaults_prefix="shakirt")
    app.extensions["metrics"] = metrics


class JobsCollector:
    """Job queue depth, jobs by status, failures of the last day and unsent mail, read at
    scrape time (a few indexed counts) so every instance and worker is counted once."""

    NAMES = ("shakirt_job_queue_depth", "shakirt_jobs", "shakirt_job_failures_last_day",
             "shakirt_outbox_unsent")

    def __init__(self, app: Flask) -> None:
        self.app = app

    def describe(self):
        """The metric names without reading the database (the registry asks when registering)."""
        return [GaugeMetricFamily(name, name) for name in self.NAMES]

    def collect(self):
        from app.extensions import db
        from app.jobs import queue
        from app.models import Job, JobStatus, OutboxMail, utcnow

        with self.app.app_context():
            try:
                counts = dict(db.session.execute(
                    select(Job.status, func.count()).group_by(Job.status)).all())
                failed = db.session.scalar(select(func.count()).select_from(Job).where(
                    Job.status == JobStatus.FAILED,
                    Job.finished_at >= utcnow() - timedelta(days=1)))
                unsent = db.session.scalar(select(func.count()).select_from(OutboxMail).where(
                    OutboxMail.sent_at.is_(None)))
            finally:
                db.session.remove()
            depth = counts.get(JobStatus.QUEUED, 0)
            if queue.mode(self.app) == "rq":
                try:
                    depth = len(queue.rq_queue(self.app))
                except Exception:  # noqa: BLE001 - Redis away: the database's count stands in
                    self.app.logger.warning("Redis unreachable for the queue depth metric")
        yield GaugeMetricFamily("shakirt_job_queue_depth", "Jobs waiting for a worker",
                                value=depth)
        by_status = GaugeMetricFamily("shakirt_jobs", "Jobs by status", labels=["status"])
        for status in JobStatus:
            by_status.add_metric([status.value], counts.get(status, 0))
        yield by_status
        yield GaugeMetricFamily("shakirt_job_failures_last_day",
                                "Jobs that failed in the last 24 hours", value=failed)
        yield GaugeMetricFamily("shakirt_outbox_unsent", "E-mails waiting in the outbox",
                                value=unsent)


def serve_metrics(bind: str) -> None:
    """From the gunicorn master: every worker's metrics plus the job figures on `bind`."""
    from prometheus_client import start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    from app import create_app

    host, _, port = bind.rpartition(":")
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(JobsCollector(create_app()))
    start_http_server(int(port), host or "127.0.0.1", registry=registry)
