"""`flask jobs …`: the RQ worker, the schedules, and sending the outbox from cron."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.jobs import queue, worker


def _redis_or_exit():
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: without a broker jobs run inside the web process "
            "(nothing to start). Set REDIS_URL=redis://host:6379/0 to use a worker.")
    connection = queue.redis_connection(current_app)
    try:
        connection.ping()
    except Exception as error:  # redis.ConnectionError and the socket errors under it
        raise click.ClickException(
            f"Redis at REDIS_URL is not reachable: {error}") from None
    return connection


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs: worker, scheduler, outbox."""


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def run_worker(burst: bool) -> None:
    """Run the jobs and send the mails queued on Redis (RQ worker)."""
    from rq import Worker

    connection = _redis_or_exit()
    db.engine.dispose()  # each job runs in a forked child: no connection is shared with it
    Worker([queue.rq_queue(current_app, connection)], connection=connection).work(burst=burst)


@jobs_cli.command("scheduler")
@with_appcontext
def run_scheduler() -> None:
    """Enqueue the mentors' digest, the progress alerts and the outbox on their schedules
    (RQ's cron scheduler; SCHEDULE_* settings, cron syntax in UTC)."""
    from rq.cron import CronScheduler

    connection = _redis_or_exit()
    config = current_app.config
    name = config.get("JOBS_QUEUE", "shakirt")
    scheduler = CronScheduler(connection=connection)
    scheduler.register(worker.mentor_digest, name, cron=config["SCHEDULE_MENTOR_DIGEST"])
    scheduler.register(worker.progress_alerts, name, cron=config["SCHEDULE_PROGRESS_ALERTS"])
    scheduler.register(worker.send_outbox, name, interval=config["SCHEDULE_OUTBOX_SECONDS"])
    scheduler.register(worker.remove_old_results, name, cron="30 21 * * *")
    scheduler.start()


@jobs_cli.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send the e-mails waiting in the outbox (for cron, without a worker)."""
    from app.notify import send_outbox

    click.echo(f"E-mails sent: {send_outbox()}")


@jobs_cli.command("clean")
@with_appcontext
def clean() -> None:
    """Delete the result files of jobs finished more than JOB_RESULT_DAYS (7) days ago."""
    from app.jobs.services import remove_old_results
    from app.models import utcnow

    click.echo(f"Result files removed: {remove_old_results(utcnow())}")
