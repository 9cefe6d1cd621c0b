"""What the RQ worker calls: each function runs in the application, in its own context.

Started by `flask jobs worker` (the app is the one the command loaded) or by a plain
`rq worker` with `--url $REDIS_URL shakirt` (the app is made here from the environment).
"""


from flask import Flask, current_app, has_app_context

from app import clock
from app.jobs.queue import run_in_context

_app: Flask | None = None


def _application() -> Flask:
    global _app
    if has_app_context():
        # current_app is typed as the Flask it stands for, not as the proxy it is.
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def run_job(job_id: int) -> None:
    """A user's job (the group ZIP…), to done or failed."""
    run_in_context(_application(), "run_job", job_id)


def send_outbox() -> None:
    """The mails waiting in the outbox."""
    run_in_context(_application(), "send_outbox")


def mentor_digest() -> int:
    """The mentors' digest, as `flask notify-mentors` sends it (a schedule's entry)."""
    from app.notifications.cli import run_mentor_digests

    with _application().app_context():
        return run_mentor_digests()


def progress_alerts() -> int:
    """The daily progress check, as `flask progress-alerts` runs it (a schedule's entry)."""
    from app.notifications.cli import run_progress_alerts

    with _application().app_context():
        return run_progress_alerts(clock.today())[1]


def remove_old_results() -> int:
    """The files of jobs finished long ago (a schedule's entry)."""
    from app.jobs.services import remove_old_results as remove
    from app.models import utcnow

    with _application().app_context():
        return remove(utcnow())
