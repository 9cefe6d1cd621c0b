"""Account administration from the shell."""

import click
from flask.cli import AppGroup

from app.authentication import hash_password
from app.extensions import db
from app.models import Role, User

accounts_cli = AppGroup("accounts", help="Manage accounts.")


@accounts_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", default="Администратор")
@click.password_option()
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create a regional admin account."""
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        role=Role.ADMIN,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created admin {user.email}")
