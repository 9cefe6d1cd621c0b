"""`flask audit verify`: walk the audit trail's hash chain and name every break."""

import click

from app.audit_chain import verify
from app.extensions import db


@click.group("audit")
def audit_cli() -> None:
    """The audit trail."""


@audit_cli.command("verify")
def verify_command() -> None:
    """Check that no audit event was changed, added or removed outside the app."""
    breaks = list(verify(db.session.connection()))
    db.session.rollback()
    if not breaks:
        count = db.session.execute(db.text("SELECT count(*) FROM audit_events")).scalar()
        click.echo(f"The audit trail is intact: {count:,} events, each linked to the one before.")
        return
    for found in breaks:
        where = f"event id {found.event_id}" if found.event_id is not None else "the chain"
        place = f" (link {found.seq})" if found.seq is not None else ""
        click.echo(f"{where}{place}: {found.problem}", err=True)
    raise click.ClickException(f"The audit trail was tampered with: {len(breaks)} break(s).")
