"""Sign in, sign out, password change and the language switch."""

import math

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import limits, recovery, two_factor
from app.auth.forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.auth.services import (
    AuthError,
    SharedPhone,
    authenticate,
    change_password,
    identifier_key,
    sign_in_phone,
)
from app.authentication import end_all_sessions, is_safe_next
from app.extensions import db
from app.forms import ActionForm
from app.people.emails import shown_email

bp = Blueprint("auth", __name__)


def _too_many(template: str, form, seconds: int):
    minutes = max(1, math.ceil(seconds / 60))
    if template == "auth/login.html":
        message = _("Слишком много попыток входа с этого адреса. Повторите через %(minutes)s мин.",
                    minutes=minutes)
    else:
        message = _("Слишком много запросов на смену пароля. Повторите через %(minutes)s мин.",
                    minutes=minutes)
    flash(message, "error")
    response = current_app.make_response((render_template(template, form=form), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST":
        identifier = identifier_key(request.form.get("email", ""))
        if (seconds := limits.seconds_to_wait(identifier)) is not None:
            return _too_many("auth/login.html", form, seconds)
    if form.validate_on_submit():
        identifier = identifier_key(form.email.data)
        try:
            user = authenticate(form.email.data, form.password.data)
        except SharedPhone as refusal:
            user = None
            form.email.errors.append(str(refusal))
        if user is None:
            limits.count(identifier)
            current_app.logger.warning("Failed login for %r from %s", identifier,
                                       request.remote_addr)
            if not form.email.errors:
                flash(_("Неверная электронная почта, телефон или пароль."), "error")
        else:
            db.session.commit()
            target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
            if two_factor.is_required(user) or two_factor.active_factor(user):
                return two_factor_views.start_second_step(user, form.remember.data, target)
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(target)
    elif request.method == "POST":
        limits.count(identifier_key(request.form.get("email", "")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        # Logging out ends this session and every other copy of it.
        end_all_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Вы вышли из системы."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            change_password(user, form.current_password.data, form.new_password.data)
        except AuthError as refusal:
            db.session.rollback()
            form.current_password.errors.append(str(refusal))
        else:
            db.session.commit()
            login_user(user)  # this session carries on; every other one has ended
            flash(_("Пароль изменён. Другие сеансы завершены."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.post("/language")
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.language.data
        if current_user.is_authenticated:
            current_user.locale = form.language.data
            db.session.commit()
    target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
    return redirect(target)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.password"))
    form = ResetRequestForm()
    if request.method == "POST":
        email = request.form.get("email", "")
        if (seconds := limits.seconds_to_wait(email, limits.RESET)) is not None:
            return _too_many("auth/forgot.html", form, seconds)
    if form.validate_on_submit():
        limits.count(form.email.data, limits.RESET)
        recovery.send_reset_link(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("Если этот адрес зарегистрирован, на него отправлена ссылка для смены пароля. "
                "Она действует %(hours)s ч.", hours=recovery.reset_hours()), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = recovery.user_for_token(token[:500])
    if user is None:
        return render_template("auth/reset.html", form=None), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        recovery.reset_password(user, form.new_password.data, recovery.issuer_of(token[:500]))
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(_("Пароль изменён. Войдите с новым паролем."), "success")
        return redirect(url_for("auth.login"))
    sign_in = shown_email(user.email) or sign_in_phone(user)
    page = render_template("auth/reset.html", form=form, sign_in=sign_in)
    return page, 200, {"Cache-Control": "no-store"}  # the address carries the token


# The second step of sign-in and the two-factor settings share this blueprint.
from app.auth import two_factor_views  # noqa: E402
