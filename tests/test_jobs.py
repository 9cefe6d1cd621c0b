"""Background jobs: the group ZIP as a job through its pages, scope, failure and retry, the
threaded path, a real Redis queue, and the health endpoints."""

import io
import os
import re
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from app.extensions import db
from app.jobs import queue
from app.jobs import services as jobs
from app.jobs.tasks import GROUP_DIARIES
from app.models import AuditEvent, IssuedDocument, Job, JobStatus, utcnow
from tests import builders
from tests import builders_documents as bd
from tests.conftest import login

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"JOB_RESULTS_DIR": str(tmp_path / "job-results")}


def _group_with_diaries(names=("Арман Қалиев", "Дана Өмірова")):
    group = builders.group()
    placements = [builders.placement(builders.student(group, full_name=name)) for name in names]
    bd.approved_entries(placements[0], 2)
    return group, placements


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _start_zip(client, group, lang="kk") -> int:
    """Open the offer, press the button; returns the job id the button led to."""
    offer = client.get(f"/documents/group/{group.id}/diaries.zip?lang={lang}")
    assert offer.status_code == 200
    assert "Собрать архив" in offer.get_data(as_text=True)
    started = client.post(f"/documents/group/{group.id}/diaries.zip?lang={lang}")
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    location = started.headers["Location"]
    assert location.startswith("/jobs/")
    return int(location.removeprefix("/jobs/"))


def test_group_zip_is_a_job_whose_page_offers_the_archive(login_as):
    group, (first, second) = _group_with_diaries()
    builders.placement()  # another group's diary is not in the archive
    client = login_as(builders.coordinator(group.college))
    job_id = _start_zip(client, group)

    page = client.get(f"/jobs/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Refresh" not in page.headers  # done: no more reloads
    assert "готово" in html and f"/jobs/{job_id}/result" in html
    assert '<progress id="job-progress" max="1" value="1"' in html

    response = client.get(f"/jobs/{job_id}/result")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert quote(f"diaries-{group.code}.zip") in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    texts = ["\n".join(bd.pdf_pages(archive.read(name))) for name in sorted(archive.namelist())]
    assert len(texts) == 2
    assert any("Арман Қалиев" in t for t in texts) and any("Дана Өмірова" in t for t in texts)
    assert all("күнделіг" in t.lower() for t in texts)  # printed in Kazakh, as asked

    job = _job(job_id)
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 2, 2)
    assert {doc.object_id for doc in db.session.query(IssuedDocument)} == {first.id, second.id}
    event = db.session.query(AuditEvent).filter_by(action="documents_issued").one()
    assert (event.object_type, event.object_id) == ("groups", group.id)
    assert db.session.query(AuditEvent).filter_by(action="job_started").one().object_id == job_id
    assert not list(Path(jobs.results_dir(job_id)).glob("*.part"))

    listing = client.get("/jobs").get_data(as_text=True)
    assert f'href="/jobs/{job_id}"' in listing and f"{group.code} · KK" in listing


def test_a_job_and_its_result_are_the_owners_alone(app, client):
    group, _placements = _group_with_diaries()
    owner = builders.coordinator(group.college)
    colleague = builders.coordinator(group.college)  # same college, still not the owner
    stranger = builders.coordinator()
    db.session.commit()
    login(client, owner)
    job_id = _start_zip(client, group)
    client.post("/logout")
    for user in (colleague, stranger):
        login(client, user)
        assert client.get(f"/jobs/{job_id}").status_code == 404
        assert client.get(f"/jobs/{job_id}/result").status_code == 404
        assert client.post(f"/jobs/{job_id}/retry").status_code == 404
        assert f"/jobs/{job_id}" not in client.get("/jobs").get_data(as_text=True)
        client.post("/logout")
    login(client, stranger)  # another college's group can't be archived either
    assert client.get(f"/documents/group/{group.id}/diaries.zip").status_code == 404
    assert client.post(f"/documents/group/{group.id}/diaries.zip").status_code == 404
    client.post("/logout")
    student = builders.student(group)
    db.session.commit()
    login(client, student)
    assert client.post(f"/documents/group/{group.id}/diaries.zip").status_code == 403
    assert db.session.query(Job).count() == 1


def test_starting_the_same_archive_twice_joins_the_job_under_way(app):
    group, _placements = _group_with_diaries()
    owner = builders.coordinator(group.college)
    params = {"group_id": group.id, "locale": "ru", "base_url": "http://localhost/"}
    app.config["JOBS_MODE"] = "rq"  # handed over to nobody here: it stays queued
    app.config["REDIS_URL"] = None
    first = jobs.start(owner, GROUP_DIARIES, params, subject=f"group:{group.id}:ru")
    second = jobs.start(owner, GROUP_DIARIES, params, subject=f"group:{group.id}:ru")
    other_language = jobs.start(owner, GROUP_DIARIES, {**params, "locale": "kk"},
                                subject=f"group:{group.id}:kk")
    assert first.id == second.id != other_language.id
    db.session.rollback()


def test_group_zip_job_runs_a_fixed_number_of_queries(login_as, query_counter, monkeypatch):
    monkeypatch.setattr("app.jobs.tasks.document_pdf", lambda *a, **kw: b"%PDF-1.7 stub")
    counts, statements = [], []
    for size in (1, 4):
        group = builders.group()
        for _ in range(size):
            placement = builders.placement(builders.student(group))
            bd.approved_entries(placement, 3)
        client = login_as(builders.coordinator(group.college))
        with query_counter() as counter:
            response = client.post(f"/documents/group/{group.id}/diaries.zip")
        assert response.status_code == 302
        job_id = int(response.headers["Location"].removeprefix("/jobs/"))
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job_id}/result").data))
        assert len(archive.namelist()) == size
        # Progress is one UPDATE per diary; everything else is fixed.
        counts.append(counter.count - sum(s.startswith("UPDATE jobs SET progress_done")
                                          for s in counter.statements))
        statements = counter.statements
        client.post("/logout")
    assert counts[0] == counts[1], "\n".join(statements)


def test_a_failed_job_says_why_and_can_be_retried(login_as, monkeypatch):
    group, _placements = _group_with_diaries()
    client = login_as(builders.coordinator(group.college))

    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr("app.jobs.tasks.document_pdf", broken)
    job_id = _start_zip(client, group, lang="ru")
    job = _job(job_id)
    assert job.status == JobStatus.FAILED and "RuntimeError" in job.error
    assert str(job_id) in job.error and job.result_path is None
    assert not Path(jobs.results_dir(job_id)).exists()  # nothing half-written is left
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "не выполнено" in page and "Внутренняя ошибка (RuntimeError)" in page
    assert f'action="/jobs/{job_id}/retry"' in page
    assert client.get(f"/jobs/{job_id}/result").status_code == 404

    monkeypatch.setattr("app.jobs.tasks.document_pdf", lambda *a, **kw: b"%PDF-1.7 stub")
    assert client.post(f"/jobs/{job_id}/retry").headers["Location"] == f"/jobs/{job_id}"
    job = _job(job_id)
    assert job.status == JobStatus.DONE and job.error is None and job.attempts == 2
    assert client.get(f"/jobs/{job_id}/result").status_code == 200
    # A second press of an old "retry" button changes nothing.
    again = client.post(f"/jobs/{job_id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "повторять нечего" in again and _job(job_id).attempts == 2
    assert db.session.query(AuditEvent).filter_by(action="job_retried").count() == 1


def test_a_group_out_of_the_owners_scope_fails_the_job_in_words(app):
    coordinator = builders.coordinator()
    other_group, _placements = _group_with_diaries()
    job = jobs.start(coordinator, GROUP_DIARIES,
                     {"group_id": other_group.id, "locale": "ru", "base_url": "http://x/"})
    db.session.commit()  # runs at once in tests
    job = _job(job.id)
    assert job.status == JobStatus.FAILED
    assert job.error == "Группа не найдена или больше вам недоступна."
    assert db.session.query(IssuedDocument).count() == 0


def test_page_of_a_job_under_way_shows_progress_and_reloads(login_as):
    owner = builders.coordinator()
    running = Job(owner_id=owner.id, kind=GROUP_DIARIES, params={"label": "ТС-21 · RU"},
                  status=JobStatus.RUNNING, progress_done=3, progress_total=10,
                  started_at=utcnow())
    abandoned = Job(owner_id=owner.id, kind=GROUP_DIARIES, params={},
                    status=JobStatus.RUNNING, started_at=utcnow() - timedelta(days=1),
                    created_at=utcnow() - timedelta(days=1))
    db.session.add_all([running, abandoned])
    client = login_as(owner)
    page = client.get(f"/jobs/{running.id}")
    html = page.get_data(as_text=True)
    assert page.headers["Refresh"] == "2"
    assert '<progress id="job-progress" max="10" value="3">30%</progress>' in html
    assert "Готово 3 из 10" in html and "ТС-21 · RU" in html
    # Within the strict CSP: no inline script (the shell's script is a file), no inline style.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
    # A job whose worker died long ago is shown as interrupted and may be run again.
    page = client.get(f"/jobs/{abandoned.id}")
    assert "Refresh" not in page.headers and "прервано" in page.get_data(as_text=True)
    assert jobs.retry(owner, _job(abandoned.id), utcnow()) is True
    db.session.rollback()
    assert jobs.retry(owner, _job(running.id), utcnow()) is False


@pytest.mark.parametrize("app_config", [{"JOBS_MODE": "thread"}])
def test_embedded_default_runs_the_job_in_a_background_thread(login_as, app, tmp_path,
                                                              monkeypatch):
    app.config["JOB_RESULTS_DIR"] = str(tmp_path / "results")
    group, _placements = _group_with_diaries()
    client = login_as(builders.coordinator(group.college))
    client.application.config["JOB_RESULTS_DIR"] = str(tmp_path / "results")
    response = client.post(f"/documents/group/{group.id}/diaries.zip")
    job_id = int(response.headers["Location"].removeprefix("/jobs/"))
    queue.wait_for_threads(timeout=120)
    job = _job(job_id)
    assert job.status == JobStatus.DONE, job.error
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job_id}/result").data))
    assert len(archive.namelist()) == 2


def test_modes_follow_the_configuration(app):
    app.config.update(JOBS_MODE=None, REDIS_URL=None, TESTING=False)
    assert queue.mode(app) == "thread"
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/5"
    assert queue.mode(app) == "rq"
    app.config["JOBS_MODE"] = "sync"
    assert queue.mode(app) == "sync"
    app.config.update(TESTING=True, JOBS_MODE=None, REDIS_URL=None)
    assert queue.mode(app) == "sync"


def test_unreachable_redis_falls_back_to_running_in_process(app, caplog):
    group, _placements = _group_with_diaries()
    owner = builders.coordinator(group.college)
    app.config.update(JOBS_MODE="rq", REDIS_URL="redis://127.0.0.1:1/0")
    job = jobs.start(owner, GROUP_DIARIES,
                     {"group_id": group.id, "locale": "ru", "base_url": "http://x/"})
    db.session.commit()
    queue.wait_for_threads(timeout=120)
    assert _job(job.id).status == JobStatus.DONE
    assert "Redis at REDIS_URL is not reachable" in caplog.text


def test_old_result_files_are_removed_and_the_page_says_so(login_as, runner):
    group, _placements = _group_with_diaries()
    client = login_as(builders.coordinator(group.college))
    job_id = _start_zip(client, group, lang="ru")
    assert runner.invoke(args=["jobs", "clean"]).output == "Result files removed: 0\n"
    job = _job(job_id)
    job.finished_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert runner.invoke(args=["jobs", "clean"]).output == "Result files removed: 1\n"
    assert not jobs.results_dir(job_id).exists()
    assert client.get(f"/jobs/{job_id}/result").status_code == 404
    assert "больше не хранится" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


# --- a real Redis and an RQ worker ---------------------------------------------------------------


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}: {error}")
    return connection


def test_with_redis_the_job_waits_on_the_queue_until_a_worker_runs_it(login_as, app):
    from rq import SimpleWorker

    connection = _redis_or_skip()
    name = f"shakirt-test-{uuid.uuid4().hex[:8]}"
    group, _placements = _group_with_diaries()
    client = login_as(builders.coordinator(group.college))
    client.application.config.update(JOBS_MODE=None, REDIS_URL=REDIS_TEST_URL, JOBS_QUEUE=name)
    app.config.update(REDIS_URL=REDIS_TEST_URL, JOBS_QUEUE=name)
    try:
        response = client.post(f"/documents/group/{group.id}/diaries.zip")
        job_id = int(response.headers["Location"].removeprefix("/jobs/"))
        assert _job(job_id).status == JobStatus.QUEUED  # nobody has run it yet
        rq_queue = queue.rq_queue(app, connection)
        assert rq_queue.count == 1
        assert client.get(f"/jobs/{job_id}").headers["Refresh"] == "2"
        SimpleWorker([rq_queue], connection=connection).work(burst=True)
        job = _job(job_id)
        assert job.status == JobStatus.DONE, job.error
        assert len(zipfile.ZipFile(io.BytesIO(
            client.get(f"/jobs/{job_id}/result").data)).namelist()) == 2
        ready = client.get("/readyz").get_json()
        assert ready == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    finally:
        queue.rq_queue(app, connection).delete(delete_jobs=True)


# --- command line and health ---------------------------------------------------------------------


def test_worker_without_a_broker_says_what_to_do(runner, app):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = runner.invoke(args=["jobs", "scheduler"])
    assert result.exit_code == 1 and "not reachable" in result.output


def test_health_and_readiness(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    client.application.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.get_json()["checks"]["broker"] != "ok"
    assert down.get_json()["checks"]["database"] == "ok"
