"""The pages around the API: a person's tokens, the admin's organisation tokens, and the
interactive reference. The REST API itself is bound to the app when this blueprint is."""

import click
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.api import core, tokens
from app.api.forms import OrganisationTokenForm, TokenForm
from app.authentication import roles_required
from app.extensions import db
from app.forms import ActionForm
from app.models import ApiToken, College, Enterprise, Role, TokenScope, User, utcnow
from app.naming import local_name
from app.policy.tokens import may_manage_organisation_tokens
from app.saving import commit_or_show

bp = Blueprint("api_tokens", __name__, cli_group="api")


@bp.cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="what the token is for")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), default="read")
@click.option("--days", type=click.Choice([str(d) for d in tokens.LIFETIMES]), default="30")
def token_command(email: str, name: str, scope: str, days: str) -> None:
    """Create a personal API token for the account EMAIL and print it (shown once)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        raise click.ClickException(f"no active account {email}")
    issued = tokens.create_personal_token(user, name=name, days=int(days), scope=scope,
                                          now=utcnow())
    db.session.commit()
    click.echo(issued.secret)


@bp.record_once
def _bind_rest_api(state) -> None:
    core.init_app(state.app)


@bp.get("/api/v1/docs")
def reference():
    """The interactive reference (Swagger UI, served from our own static folder)."""
    return render_template("api/reference.html")


def _state(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return _("отозван")
    if token.expires_at <= now:
        return _("истёк")
    return _("действует")


def _issued_page(template: str, form, issued: tokens.Issued | None, **context):
    now = utcnow()
    return render_template(template, form=form, issued=issued, now=now,
                           token_state=lambda t: _state(t, now), **context)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def personal():
    form = TokenForm()
    issued = None
    status = 200
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            issued = tokens.create_personal_token(
                current_user, name=form.name.data, days=int(form.days.data),
                scope=form.scope.data, now=utcnow())
        if saving.saved:
            form = TokenForm(formdata=None)
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return _issued_page("api/tokens.html", form, issued,
                        tokens_list=tokens.personal_tokens(current_user)), status


def _organisation_choices() -> dict[str, list[tuple[str, str]]]:
    """Colleges and enterprises, each group under its own heading (an optgroup)."""
    colleges = db.session.execute(
        select(College.id, College.name, College.name_kk).order_by(College.name))
    enterprises = db.session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.name_kk).order_by(Enterprise.name))
    return {_("Колледжи"): [(f"college:{i}", local_name(n, kk)) for i, n, kk in colleges],
            _("Предприятия"): [(f"enterprise:{i}", local_name(n, kk))
                               for i, n, kk in enterprises]}


def _organisation(choice: str):
    kind, _sep, raw = choice.partition(":")
    model = {"college": College, "enterprise": Enterprise}.get(kind)
    found = db.session.get(model, int(raw)) if model and raw.isdigit() and len(raw) < 10 else None
    if found is None:
        abort(404)
    return found


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisation():
    form = OrganisationTokenForm()
    form.organisation.choices = _organisation_choices()
    issued = None
    status = 200
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            issued = tokens.issue_organisation_token(
                current_user, _organisation(form.organisation.data), name=form.name.data,
                days=int(form.days.data), scope=form.scope.data, now=utcnow())
        if saving.saved:
            form = OrganisationTokenForm(formdata=None)
            form.organisation.choices = _organisation_choices()
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return _issued_page("api/organisation_tokens.html", form, issued,
                        tokens_list=tokens.organisation_tokens()), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    # Another person's token is not there for this user: 404, not a refusal that confirms it.
    if token is None or (token.user_id != current_user.id and not (
            token.user_id is None and may_manage_organisation_tokens(current_user) is None)):
        abort(404)
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            tokens.revoke_token(current_user, token, now=utcnow())
        if saving.saved:
            flash(_("Токен «%(name)s» отозван: запросы с ним больше не принимаются.",
                    name=token.name), "success")
    return redirect(url_for("api_tokens.personal" if token.user_id
                            else "api_tokens.organisation"))
