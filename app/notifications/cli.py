"""The mentors' digest and the daily progress check: for cron, and for the RQ scheduler
(`flask jobs scheduler` enqueues the same two functions, see app/jobs/worker.py)."""

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from app import clock
from app.extensions import db
from app.notifications import services
from app.practice.health import Thresholds


def run_mentor_digests() -> int:
    """Send the digests and commit (the mails go from the outbox after the commit)."""
    with current_app.test_request_context("/"):
        sent = services.send_mentor_digests()
        db.session.commit()
    return sent


def run_progress_alerts(today: date) -> tuple[int, int]:
    """Check every active placement, a chunk at a time, each committed (the identity map
    then lets them go); returns (checked, turned red)."""
    thresholds = Thresholds.from_config(current_app.config)
    checked = turned_red = last_id = 0
    with current_app.test_request_context("/"):
        while True:
            result = services.check_progress(today, thresholds, after_id=last_id)
            db.session.commit()
            checked, turned_red = checked + result.checked, turned_red + result.turned_red
            if result.last_id is None:
                break
            last_id = result.last_id
    return checked, turned_red


@click.command("notify-mentors")
@with_appcontext
def notify_mentors() -> None:
    """Send each mentor with entries waiting for sign-off one digest."""
    click.echo(f"Digests sent: {run_mentor_digests()}")


@click.command("progress-alerts")
@with_appcontext
def progress_alerts() -> None:
    """Record every active placement's status; tell coordinators which turned red."""
    checked, turned_red = run_progress_alerts(clock.today())
    click.echo(f"Placements checked: {checked}; turned red: {turned_red}")
