"""Starting, running and retrying jobs.

`start` and `retry` are services (flush, the view commits; the job is handed to a worker
after that commit). `run_job` is the worker's side: it commits as it goes, like a view.
"""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, and_, func, or_, select, update

from app.audit import record
from app.extensions import db
from app.jobs import queue
from app.labels import register_actions
from app.models import Job, JobStatus, User, utcnow
from app.notifications.messages import reader_locale

register_actions({"job_started": _l("задание запущено"), "job_retried": _l("задание повторено")})


class JobFailure(Exception):
    """A reason the job could not be done, in words for its owner (translated when raised)."""


@dataclass(frozen=True)
class JobResult:
    path: Path  # the file, inside the job's folder under JOB_RESULTS_DIR
    name: str  # the name the owner downloads it under


Progress = Callable[[int, int], None]
Task = Callable[[Job, Progress], JobResult]
TASKS: dict[str, Task] = {}


def task(kind: str) -> Callable[[Task], Task]:
    """Register the function that does the work of jobs of `kind`."""

    def register(function: Task) -> Task:
        TASKS[kind] = function
        return function

    return register


def results_dir(job_id: int) -> Path:
    return Path(current_app.config["JOB_RESULTS_DIR"]) / str(job_id)


def stale_before(now: datetime) -> datetime:
    """A job queued or running since before this moment has lost its worker."""
    return now - timedelta(seconds=current_app.config.get("JOB_TIMEOUT", 3600) + 300)


def is_stale(job: Job, now: datetime) -> bool:
    return (job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
            and (job.started_at or job.created_at) < stale_before(now))


def start(owner: User, kind: str, params: dict, subject: str = "") -> Job:
    """Queue a job; the same kind and subject of the same owner still under way is returned
    instead of a second one."""
    if kind not in TASKS:
        raise ValueError(f"no task for jobs of kind {kind!r}")
    under_way = db.session.scalar(
        select(Job).where(Job.owner_id == owner.id, Job.kind == kind, Job.subject == subject,
                          Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
                          Job.created_at >= stale_before(utcnow()))
        .order_by(Job.id.desc()).limit(1))
    if under_way is not None:
        return under_way
    job = Job(owner_id=owner.id, kind=kind, subject=subject, params=params,
              status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.flush()
    record(owner, "job_started", job, {"kind": [None, kind]})
    return job


def retry(actor: User, job: Job, now: datetime) -> bool:
    """Queue a failed (or abandoned) job again; False when it isn't (a second click)."""
    result = db.session.execute(
        update(Job)
        .where(Job.id == job.id, or_(
            Job.status == JobStatus.FAILED,
            and_(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
                 func.coalesce(Job.started_at, Job.created_at) < stale_before(now))))
        .values(status=JobStatus.QUEUED, error=None, progress_done=0, finished_at=None,
                started_at=None, created_at=now)
        .execution_options(synchronize_session=False))
    if not cast(CursorResult, result).rowcount:  # an UPDATE's result is a CursorResult
        return False
    db.session.refresh(job)
    record(actor, "job_retried", job, {"status": [JobStatus.FAILED.value, job.status.value]})
    queue.after_commit(db.session, job.id)
    return True


def _report_progress(job_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        db.session.execute(update(Job).where(Job.id == job_id)
                           .values(progress_done=done, progress_total=total)
                           .execution_options(synchronize_session=False))
        db.session.commit()

    return report


def run_job(job_id: int) -> None:
    """Run a queued job to done or failed. Only one worker gets it: the claim is one UPDATE."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), attempts=Job.attempts + 1,
                progress_done=0)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if not cast(CursorResult, claimed).rowcount:
        return  # taken by another worker, or no longer queued
    job = db.session.get(Job, job_id)
    if job is None:
        return  # deleted since the claim
    shutil.rmtree(results_dir(job_id), ignore_errors=True)  # a retry starts clean
    try:
        # The owner's language: a refusal raised by the task is worded for them.
        with force_locale(reader_locale(job.owner)):
            result = TASKS[job.kind](job, _report_progress(job_id))
    except Exception as error:
        db.session.rollback()
        shutil.rmtree(results_dir(job_id), ignore_errors=True)
        job = db.session.get(Job, job_id)
        if job is None:
            return  # deleted while it ran: nothing left to mark failed
        if isinstance(error, JobFailure):
            reason = str(error)
        else:
            current_app.logger.exception("Job %s (%s) failed", job_id, job.kind)
            with force_locale(reader_locale(job.owner)):
                reason = _("Внутренняя ошибка (%(error)s). Попробуйте ещё раз; если не "
                           "поможет, сообщите администратору номер задания %(id)s.",
                           error=type(error).__name__, id=job_id)
        job.status, job.error, job.finished_at = JobStatus.FAILED, reason, utcnow()
        db.session.commit()
        return
    job = db.session.get(Job, job_id)
    if job is None:
        return  # deleted while it ran
    job.status, job.finished_at = JobStatus.DONE, utcnow()
    job.result_path = str(result.path.relative_to(Path(current_app.config["JOB_RESULTS_DIR"])))
    job.result_name = result.name
    job.progress_done = max(job.progress_done, job.progress_total)
    db.session.commit()


def result_file(job: Job) -> Path | None:
    """The finished job's file on disk, if it is still there (and inside the results folder)."""
    if job.status != JobStatus.DONE or not job.result_path:
        return None
    root = Path(current_app.config["JOB_RESULTS_DIR"]).resolve()
    path = (root / job.result_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def remove_old_results(now: datetime) -> int:
    """Delete the files of jobs finished more than JOB_RESULT_DAYS ago (the rows stay, saying
    the file is gone); returns how many. Commits: run by the scheduler or cron."""
    cutoff = now - timedelta(days=current_app.config.get("JOB_RESULT_DAYS", 7))
    old = list(db.session.scalars(
        select(Job).where(Job.finished_at < cutoff, Job.result_path.is_not(None))))
    for job in old:
        shutil.rmtree(results_dir(job.id), ignore_errors=True)
        job.result_path = None
    db.session.commit()
    return len(old)
