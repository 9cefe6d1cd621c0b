"""Commands for cron: the mentors' digest and the daily progress check."""

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.notifications import services
from app.practice.health import Thresholds


@click.command("notify-mentors")
@with_appcontext
def notify_mentors() -> None:
    """Send each mentor with entries waiting for sign-off one digest."""
    with current_app.test_request_context("/"):
        sent = services.send_mentor_digests()
        db.session.commit()
    click.echo(f"Digests sent: {sent}")


@click.command("progress-alerts")
@with_appcontext
def progress_alerts() -> None:
    """Record every active placement's status; tell coordinators which turned red.

    A chunk of placements at a time, committed each (the identity map then lets them go)."""
    today, thresholds = date.today(), Thresholds.from_config(current_app.config)
    checked = turned_red = last_id = 0
    with current_app.test_request_context("/"):
        while True:
            result = services.check_progress(today, thresholds, after_id=last_id)
            db.session.commit()
            checked, turned_red = checked + result.checked, turned_red + result.turned_red
            if result.last_id is None:
                break
            last_id = result.last_id
    click.echo(f"Placements checked: {checked}; turned red: {turned_red}")
