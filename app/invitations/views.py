"""Inviting people (link, QR code, e-mail), revoking, and accepting an invitation."""

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from markupsafe import Markup

from app.auth.services import sign_in_phone
from app.authentication import roles_required
from app.forms import ActionForm
from app.invitations import services
from app.invitations.forms import AcceptForm
from app.labels import register_actions
from app.models import Role, User, utcnow
from app.people.emails import has_real_email
from app.people.services import duplicate_email_message
from app.policy import manages_invitation_of
from app.qr import qr_svg
from app.rules import RuleViolation
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404

bp = Blueprint("invitations", __name__)

register_actions({
    "invited": _l("отправлено приглашение"),
    "invitation_revoked": _l("приглашение отозвано"),
    "invitation_accepted": _l("приглашение принято"),
})


def person_url(user: User) -> str:
    """The page where a person's invitation is managed."""
    match user.role:
        case Role.STUDENT:
            return url_for("people.student", student_id=user.id)
        case Role.MENTOR:
            return url_for("people.mentor", mentor_id=user.id)
        case Role.EMPLOYER:
            return url_for("organisations.enterprise", enterprise_id=user.enterprise_id)
        case Role.COORDINATOR:
            return url_for("organisations.college", college_id=user.college_id)
    return url_for("home.index")


def invitation_qr(link: str) -> Markup:
    return qr_svg(link, _("QR-код приглашения"))


def _invitee(user_id: int) -> User:
    user = get_scoped_or_404(User, user_id)
    if not manages_invitation_of(current_user, user):
        abort(404)
    return user


@bp.post("/people/<int:user_id>/invite")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def invite(user_id: int):
    user = _invitee(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(person_url(user))
    with commit_or_show(None) as saving:
        invitation, token = services.invite(current_user, user, utcnow())
    if not saving.saved:
        return redirect(person_url(user))
    link = services.invitation_link(token)
    response = render_template(
        "invitations/handover.html", person=user, link=link, qr=invitation_qr(link),
        emailed=has_real_email(user), invitation=invitation, back=person_url(user),
    )
    return response


@bp.post("/people/<int:user_id>/invite/revoke")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def revoke(user_id: int):
    user = _invitee(user_id)
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            services.revoke(current_user, user, utcnow())
        if saving.saved:
            flash(_("Приглашение отозвано: ссылка больше не действует."), "success")
    return redirect(person_url(user))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    now = utcnow()
    invitation = services.find_invitation(token)
    problem = services.link_problem(invitation, now)
    if problem or invitation is None:
        code = 404 if invitation is None else 410
        return _no_store(render_template("invitations/dead.html", message=problem), code)
    needs_email = not has_real_email(invitation.user)
    form = AcceptForm()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                duplicate_email_message(), "email")) as saving:
            user = services.accept_invitation(
                token, form.password.data, now, email=form.email.data if needs_email else None)
        if saving.saved:
            session.clear()
            login_user(user)
            flash(_("Пароль задан. Добро пожаловать в Shakirt!"), "success")
            return redirect(url_for("home.index"))
    page = render_template("invitations/accept.html", form=form, person=invitation.user,
                           needs_email=needs_email, expires_at=invitation.expires_at,
                           phone=sign_in_phone(invitation.user) if needs_email else None)
    return _no_store(page, 200)


def _no_store(body: str, code: int):
    # The page's address carries the token: keep it out of every cache.
    return body, code, {"Cache-Control": "no-store"}


@bp.app_template_global("invitation_state")
def invitation_state(person: User, invitation) -> str:
    """A person's access in words: sign-in open, invited until…, expired, revoked, not invited."""
    from app.i18n import format_datetime

    if person.password_hash is not None:
        return _("вход открыт")
    if invitation is None:
        return _("не приглашён")
    if invitation.revoked_at is not None:
        return _("приглашение отозвано")
    if invitation.expires_at <= utcnow():
        return _("приглашение истекло %(date)s", date=format_datetime(invitation.expires_at,
                                                                     "short"))
    return _("приглашён, ссылка действует до %(date)s",
             date=format_datetime(invitation.expires_at, "short"))
