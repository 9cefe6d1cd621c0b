"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL by TEST_DATABASE_URL),
clients acting as any role, a SQL statement counter and a live server for browser tests."""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from app import create_app
from app.audit_chain import reset_head
from app.extensions import db
from app.models import Base, User
from tests import builders


def _database_url(tmp_dir, worker: str) -> str:
    """SQLite in the worker's own temporary folder; on PostgreSQL, one database per xdist worker
    beside the one TEST_DATABASE_URL names (created when missing)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.db'}"
    if worker == "master":
        return url
    base = make_url(url)
    worker_url = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": worker_url.database})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    finally:
        engine.dispose()
    return worker_url.render_as_string(hide_password=False)


# Every test runs on the same day at the same hour, so none depends on the weekday or on the
# hour at which UTC's date and the region's (UTC+5) differ; the clock keeps ticking from there.
# A test that needs another moment travels itself (time_machine.travel).
FROZEN_AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Tuesday, 11:00 in Almaty


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller


def _config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """Build the schema once per run (per worker) through the migrations, as production does."""
    url = _database_url(tmp_path_factory.mktemp("db"), worker_id)
    app = create_app(_config(url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return url


def _truncate(names: str, attempts: int = 5) -> None:
    """TRUNCATE takes its locks table by table: a request a live server is still finishing may
    hold one of them and want another, and PostgreSQL breaks the deadlock by aborting us. Then
    the request ends, and the same statement goes through on the next try."""
    for attempt in range(attempts):
        try:
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as error:
            db.session.rollback()
            if attempt == attempts - 1 or not isinstance(
                    error.orig, psycopg.errors.DeadlockDetected):
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty_all_tables() -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        _truncate(", ".join(f'"{t.name}"' for t in tables))
    else:
        for table in tables:
            db.session.execute(table.delete())
    reset_head(db.session.connection())  # as the migration leaves it: an empty chain
    db.session.commit()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's settings."""
    return {}


@pytest.fixture
def app(database_url, app_config) -> Iterator[Flask]:
    app = create_app(_config(database_url, **app_config))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, so it gets its own database session,
    as in production, instead of sharing the test's session and identity map."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client: FlaskClient, user: User, password: str = builders.PASSWORD):
    """Sign in through the real form."""
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(app, client):
    """Sign the test client in as `user` (committing the test's data first)."""

    def sign_in(user: User) -> FlaskClient:
        db.session.commit()
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements run inside the block (the N+1 guard)."""
    counter = QueryCounter()

    def before_cursor_execute(conn, cursor, statement, *args):
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def query_counter():
    return count_queries


# --- browser tests -----------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (CI installs it with apt-get)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Russian is the product's default language; the browser asks for it as a user here would.
    return {**browser_context_args, "locale": "ru-RU"}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test app on 127.0.0.1 in a thread; yields its base URL."""
    server_app = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with server_app.app_context():
            db.engine.dispose()
