"""The production layout, started for real on one machine: two gunicorn instances (each from
gunicorn.conf.py) and one RQ worker against one PostgreSQL and one Redis. A session made on one
instance is honoured by the other, the sign-in limit counts across both, a job started on one is
followed to its end on the other, and stopping one instance loses nothing."""

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, load_world
from app.extensions import db
from app.models import Group, Placement, StudentProfile, User

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_DB = "redis://127.0.0.1:6379/7"  # this test's own Redis database, emptied first

pytestmark = pytest.mark.slow


def _redis_or_skip():
    try:
        from redis import Redis

        connection = Redis.from_url(REDIS_DB, socket_connect_timeout=1)
        connection.ping()
        return connection
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"needs Redis at 127.0.0.1:6379 ({error})")


@pytest.fixture
def layout(app, database_url):
    """Two instances and a worker on the test's PostgreSQL database and Redis."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the production layout runs on PostgreSQL: set TEST_DATABASE_URL (CI does)")
    redis = _redis_or_skip()
    redis.flushdb()
    load_world("small", 2025)
    db.session.commit()
    db.session.remove()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_DB,
        "JOBS_QUEUE": f"two-instances-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": "two-instances-secret",
        "LOGIN_RATE_LIMIT": "3 per 15 minutes",
        "WEB_CONCURRENCY": "1",
        "METRICS_BIND": "off",
        "PYTHONUNBUFFERED": "1",
    }
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(subprocess.Popen(
                [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        processes.append(subprocess.Popen([BIN / "flask", "--app", "wsgi", "jobs", "worker"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        for url in urls:
            _wait_ready(url)
        yield urls, processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.flushdb()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not become ready")


class Browser:
    """A cookie jar shared by both instances (cookies don't tell ports apart, as a balancer's
    one host name wouldn't), following redirects."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def form_post(self, page_url: str, post_url: str, fields: dict) -> tuple[int, str, str]:
        _, _, page = self.open(page_url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the page"
        return self.open(post_url, {"csrf_token": html.unescape(token.group(1)), **fields})


def _smallest_group_of(email: str) -> int:
    coordinator = db.session.scalar(select(User).where(User.email == email))
    placements = func.count(Placement.id)
    row = db.session.execute(
        select(Group.id, placements)
        .join(StudentProfile, StudentProfile.group_id == Group.id)
        .join(Placement, Placement.student_id == StudentProfile.user_id)
        .where(Group.college_id == coordinator.college_id)
        .group_by(Group.id).having(placements > 0).order_by(placements, Group.id)
    ).first()
    db.session.remove()
    return row[0]


def test_two_instances_share_sessions_limits_and_jobs(layout):
    (a, b), processes = layout
    coordinator = Browser()
    status, landed, _ = coordinator.form_post(
        f"{a}/login", f"{a}/login",
        {"email": "coordinator@shakirt.kz", "password": DEMO_PASSWORD})
    assert status == 200 and not landed.endswith("/login"), landed

    # The session made on A is honoured by B.
    status, landed, page = coordinator.open(f"{b}/placements/")
    assert status == 200 and "/login" not in landed

    # A job started on A is run by the worker and followed to its end from B.
    group_id = _smallest_group_of("coordinator@shakirt.kz")
    zip_url = f"/documents/group/{group_id}/diaries.zip"
    status, job_url, _ = coordinator.form_post(f"{b}{zip_url}", f"{a}{zip_url}", {})
    assert status == 200 and "/jobs/" in job_url, job_url
    job_path = urllib.parse.urlparse(job_url).path
    deadline = time.monotonic() + 240
    while True:
        status, _, page = coordinator.open(f"{b}{job_path}")
        assert status == 200
        if f"{job_path}/result" in page or "/result" in page:
            break
        assert time.monotonic() < deadline, "the job did not finish on the worker"
        time.sleep(1)
    assert "Скачать" in page

    # Wrong passwords count across both instances: 2 on A, 1 on B, and the next is refused.
    guesser = Browser()
    wrong = {"email": "mentor@shakirt.kz", "password": "not-the-password"}
    for url in (a, a, b):
        status, _, _ = guesser.form_post(f"{url}/login", f"{url}/login", wrong)
        assert status == 200
    status, _, _ = guesser.form_post(f"{b}/login", f"{b}/login", wrong)
    assert status == 429
    status, _, _ = guesser.form_post(f"{a}/login", f"{a}/login", wrong)
    assert status == 429

    # Stopping A loses nothing: B still knows the session and the finished job.
    processes[0].send_signal(signal.SIGTERM)
    processes[0].wait(timeout=30)
    status, landed, page = coordinator.open(f"{b}{job_path}")
    assert status == 200 and "Скачать" in page
