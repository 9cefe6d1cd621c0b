"""The second step of sign-in and the account's two-factor page."""

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from app.auth import limits, two_factor
from app.auth.forms import DisableSecondFactorForm, SecondFactorForm
from app.auth.views import bp
from app.extensions import db
from app.labels import register_actions
from app.models import User
from app.qr import qr_svg
from app.saving import commit_or_show

PENDING = "pending_login"
register_actions({
    "two_factor_enabled": _l("двухфакторный вход включён"),
    "two_factor_disabled": _l("двухфакторный вход выключен"),
    "recovery_code_used": _l("вход по коду восстановления"),
})


def start_second_step(user: User, remember: bool, target: str):
    """After the password: remember who is half signed in, and ask for the code."""
    session.clear()
    session[PENDING] = {"user_id": user.id, "version": user.session_version,
                        "remember": bool(remember), "next": target, "at": int(time.time())}
    return redirect(url_for("auth.second_factor"))


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING) or {}
    limit = 60 * current_app.config["TOTP_PENDING_MINUTES"]
    if not pending or time.time() - pending.get("at", 0) > limit:
        return None, {}
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.is_active or user.session_version != pending.get("version"):
        return None, {}
    return user, pending


def _authenticator_qr(uri: str) -> Markup:
    return qr_svg(uri, _("QR-код для приложения-аутентификатора"), scale=4)


def _finish(user: User, pending: dict):
    session.pop(PENDING, None)
    login_user(user, remember=pending["remember"])
    return redirect(pending["next"])


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Войдите снова: вход не был завершён вовремя."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    factor = two_factor.active_factor(user)
    if request.method == "POST" and (
            seconds := limits.seconds_to_wait(user.email, limits.SECOND_FACTOR)) is not None:
        form.code.errors = [_("Слишком много неверных кодов. Повторите через %(minutes)s мин.",
                              minutes=max(1, -(-seconds // 60)))]
        return render_template("auth/second_factor.html", form=form, setup=None), 429
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            if factor is None:
                codes = two_factor.confirm_setup(user, form.code.data)
            else:
                two_factor.check_second_factor(user, form.code.data)
                codes = None
        if not saving.saved:
            limits.count(user.email, limits.SECOND_FACTOR)
        else:
            response = _finish(user, pending)
            if codes:
                return render_template("auth/recovery_codes.html", codes=codes,
                                       next_url=pending["next"])
            return response
    setup = None
    if factor is None:  # a role that must have it, signing in before setting it up
        form.code.label.text = _("Код из приложения")
        pending_factor = two_factor.pending_setup(user)
        db.session.commit()
        uri = two_factor.provisioning_uri(user, pending_factor)
        setup = {"qr": _authenticator_qr(uri), "secret": pending_factor.secret}
    return render_template("auth/second_factor.html", form=form, setup=setup)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_settings():
    user = current_user._get_current_object()
    if not two_factor.is_offered(user):
        abort(404)
    factor = two_factor.active_factor(user)
    form = SecondFactorForm(prefix="enable")
    disable_form = DisableSecondFactorForm(prefix="disable")
    if factor is None and form.validate_on_submit():
        with commit_or_show(form) as saving:
            codes = two_factor.confirm_setup(user, form.code.data)
        if saving.saved:
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.two_factor_settings"))
    elif factor is not None and disable_form.validate_on_submit():
        with commit_or_show(disable_form) as saving:
            two_factor.disable(user, disable_form.password.data, disable_form.code.data)
        if saving.saved:
            flash(_("Двухфакторный вход выключен."), "success")
            return redirect(url_for("auth.two_factor_settings"))
    setup = None
    if factor is None:
        form.code.label.text = _("Код из приложения")
        pending_factor = two_factor.pending_setup(user)
        db.session.commit()
        setup = {"qr": _authenticator_qr(two_factor.provisioning_uri(user, pending_factor)),
                 "secret": pending_factor.secret}
    return render_template(
        "auth/two_factor.html", factor=factor, setup=setup, form=form,
        disable_form=disable_form, required=two_factor.is_required(user),
        codes_left=two_factor.unused_recovery_codes(user) if factor else 0)
