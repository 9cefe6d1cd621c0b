"""Where background work runs, and handing it over only once its transaction has committed.

Modes (JOBS_MODE; by default `rq` when REDIS_URL is set, else `thread`, and `sync` in tests):

- `rq` — the work goes to the RQ queue on Redis; `flask jobs worker` runs it, `flask jobs
  scheduler` enqueues the schedules. If Redis can't be reached the work runs in a thread
  instead (logged), so nothing waits for a broker that is down.
- `thread` — the embedded default: a daemon thread of this process, so `make run` does
  everything without a broker.
- `sync` — at once, in the committing thread (tests: deterministic).

A new `Job` or `OutboxMail` flushed in a session is remembered in `session.info`; after
that session commits it is handed over, after a rollback it is forgotten. Each run gets its
own application context and so its own database session.
"""

import threading
from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from app.models import Job, JobStatus, OutboxMail

PENDING_JOBS = "shakirt.jobs_pending"
PENDING_MAIL = "shakirt.outbox_pending"

_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def mode(app: Flask) -> str:
    configured = app.config.get("JOBS_MODE")
    if configured in ("rq", "thread", "sync"):
        return configured
    if app.config.get("REDIS_URL"):
        return "rq"
    return "sync" if app.testing else "thread"


def after_commit(session: Session | scoped_session, job_id: int) -> None:
    """Hand job `job_id` over once this session commits (a retried job, say)."""
    session.info.setdefault(PENDING_JOBS, set()).add(job_id)


def _after_flush(session: Session, _context) -> None:
    for obj in session.new:
        if isinstance(obj, Job) and obj.status == JobStatus.QUEUED:
            after_commit(session, obj.id)
        elif isinstance(obj, OutboxMail):
            session.info[PENDING_MAIL] = True


def _after_commit(session: Session) -> None:
    job_ids = session.info.pop(PENDING_JOBS, set())
    mail = session.info.pop(PENDING_MAIL, False)
    if not (job_ids or mail) or not has_app_context():
        return
    # current_app is typed as the Flask it stands for, not as the proxy it is.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for job_id in sorted(job_ids):
        hand_over(app, "run_job", job_id)
    if mail:
        hand_over(app, "send_outbox")


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_JOBS, None)
    session.info.pop(PENDING_MAIL, None)


def init_app(app: Flask) -> None:
    from app.extensions import db

    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)


# --- running -----------------------------------------------------------------------------------


def _work(name: str) -> Callable[..., object]:
    from app.jobs import services
    from app.notify import send_outbox

    work: dict[str, Callable[..., object]] = {"run_job": services.run_job,
                                              "send_outbox": send_outbox}
    return work[name]


def run_in_context(app: Flask, name: str, *args: object) -> None:
    """Run one piece of work in a fresh application context (its own database session)."""
    with app.app_context():
        try:
            _work(name)(*args)
        except Exception:
            # Nothing above a thread or a commit hook would see it: log it, keep serving.
            app.logger.exception("Background work %s%s failed", name, args)


def hand_over(app: Flask, name: str, *args: object) -> None:
    """Run `name` where the mode says: the RQ queue, a thread, or right now."""
    how = mode(app)
    if how == "rq":
        try:
            enqueue(app, name, *args)
            return
        except Exception as error:  # redis.RedisError and the socket errors under it
            app.logger.error("Redis at REDIS_URL is not reachable (%s): running %s in-process",
                             error, name)
            how = "thread"
    if how == "thread":
        thread = threading.Thread(target=run_in_context, args=(app, name, *args),
                                  name=f"shakirt-{name}", daemon=True)
        with _threads_lock:
            _threads[:] = [t for t in _threads if t.is_alive()]
            _threads.append(thread)
        thread.start()
        return
    run_in_context(app, name, *args)


def wait_for_threads(timeout: float = 30) -> None:
    """Wait for the background threads started so far (tests; a clean shutdown)."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)


# --- RQ ----------------------------------------------------------------------------------------


def redis_connection(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)


def rq_queue(app: Flask, connection=None):
    from rq import Queue

    return Queue(app.config.get("JOBS_QUEUE", "shakirt"),
                 connection=connection or redis_connection(app))


def enqueue(app: Flask, name: str, *args: object) -> None:
    rq_queue(app).enqueue(f"app.jobs.worker.{name}", *args,
                          job_timeout=app.config.get("JOB_TIMEOUT", 3600),
                          result_ttl=3600, failure_ttl=7 * 24 * 3600)
