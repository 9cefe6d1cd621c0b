"""Command-line commands, grouped by topic."""

from flask import Flask


def register_cli(app: Flask) -> None:
    from app.cli.accounts import accounts_cli
    from app.cli.audit import audit_cli
    from app.cli.backup import backup, restore
    from app.cli.demo import analyze, demo_data
    from app.cli.jobs import jobs_cli
    from app.cli.totals import rebuild_totals
    from app.files.cli import files_cli

    app.cli.add_command(demo_data)
    app.cli.add_command(analyze)
    app.cli.add_command(rebuild_totals)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup)
    app.cli.add_command(audit_cli)
    app.cli.add_command(restore)
    app.cli.add_command(files_cli)
    from app.notifications.cli import notify_mentors, progress_alerts

    app.cli.add_command(notify_mentors)
    app.cli.add_command(progress_alerts)
