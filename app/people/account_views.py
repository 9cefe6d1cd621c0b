"""Blocking and unblocking accounts, reset links handed over in person; changing employers' and
coordinators' contacts."""

import math

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth import limits, recovery
from app.auth.services import sign_in_phone
from app.authentication import roles_required
from app.forms import ActionForm
from app.invitations.views import person_url
from app.labels import register_actions
from app.models import Role, User, utcnow
from app.people import accounts, services
from app.people.blueprint import bp
from app.people.emails import shown_email
from app.people.forms import CoordinatorForm, EmployerForm
from app.policy.staff import contact_refusal, manages_access_of
from app.qr import qr_svg
from app.rules import RuleViolation
from app.saving import commit_or_show, render_form
from app.scopes import get_scoped_or_404

register_actions({
    "deactivated": _l("учётная запись заблокирована"),
    "reactivated": _l("учётная запись разблокирована"),
    "employer_updated": _l("данные представителя предприятия изменены"),
    "coordinator_updated": _l("данные координатора изменены"),
    "reset_link_issued": _l("выдана ссылка для смены пароля"),
})


def _reachable(user_id: int) -> User:
    person = get_scoped_or_404(User, user_id)
    if not manages_access_of(current_user, person):
        abort(403)
    return person


def _change_access(user_id: int, change, done: str):
    person = _reachable(user_id)
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            change(person)
        if saving.saved:
            flash(done, "success")
    return redirect(person_url(person))


@bp.post("/people/<int:user_id>/deactivate")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def deactivate(user_id: int):
    return _change_access(
        user_id, lambda person: accounts.deactivate(current_user, person, utcnow()),
        _("Учётная запись заблокирована: все сеансы завершены, приглашения отозваны."))


@bp.post("/people/<int:user_id>/reactivate")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def reactivate(user_id: int):
    return _change_access(
        user_id, lambda person: accounts.reactivate(current_user, person),
        _("Учётная запись разблокирована."))


@bp.post("/people/<int:user_id>/reset-link")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def reset_link(user_id: int):
    """Show once a password-reset link and its QR code, to hand over in person."""
    person = get_scoped_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return redirect(person_url(person))
    issuer = f"user-{current_user.id}"
    if (seconds := limits.seconds_to_wait(str(person.id), limits.ISSUED_RESET, issuer)):
        flash(_("Ссылок для этого пользователя выдано слишком много. Повторите через "
                "%(minutes)s мин.", minutes=max(1, math.ceil(seconds / 60))), "error")
        return redirect(person_url(person))
    with commit_or_show(None) as saving:
        token = accounts.issue_reset_link(current_user, person)
    if not saving.saved:
        return redirect(person_url(person))
    limits.count(str(person.id), limits.ISSUED_RESET, issuer)
    link = url_for("auth.reset_password", token=token, _external=True)
    page = render_template(
        "people/reset_link.html", person=person, link=link, back=person_url(person),
        qr=qr_svg(link, _("QR-код ссылки для смены пароля")), hours=recovery.reset_hours(),
        sign_in=shown_email(person.email) or sign_in_phone(person))
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/people/<int:user_id>/contacts", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.EMPLOYER)
def contact_edit(user_id: int):
    person = get_scoped_or_404(User, user_id)
    if person.role not in (Role.EMPLOYER, Role.COORDINATOR):
        abort(404)
    if contact_refusal(current_user, person):
        abort(403)
    form_class = CoordinatorForm if person.role == Role.COORDINATOR else EmployerForm
    form = form_class(data={"full_name": person.full_name, "email": shown_email(person.email),
                            "phone": person.phone})
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                services.duplicate_email_message(), "email")) as saving:
            services.update_contact(current_user, person, full_name=form.full_name.data,
                                    email=form.email.data, phone=form.phone.data)
        if saving.saved:
            flash(_("Контактные данные сохранены."), "success")
            return redirect(person_url(person))
    title = (_("Изменить данные координатора") if person.role == Role.COORDINATOR
             else _("Изменить данные представителя предприятия"))
    subtitle = (person.college.local_name if person.college
                else person.enterprise.local_name if person.enterprise else "")
    return render_form(form, title, person_url(person), subtitle=subtitle)
