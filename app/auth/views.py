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

from app.auth import limits
from app.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from app.auth.services import AuthError, authenticate, change_password
from app.extensions import db
from app.forms import ActionForm
from app.security import end_all_sessions, is_safe_next

bp = Blueprint("auth", __name__)


def _too_many(form: LoginForm, seconds: int):
    minutes = max(1, math.ceil(seconds / 60))
    flash(_("Слишком много попыток входа с этого адреса. Повторите через %(minutes)s мин.",
            minutes=minutes), "error")
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST":
        email = request.form.get("email", "")
        if (seconds := limits.seconds_to_wait(email)) is not None:
            return _too_many(form, seconds)
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            limits.count_failure(form.email.data)
            current_app.logger.warning("Failed login for %r from %s", form.email.data,
                                       request.remote_addr)
            flash(_("Неверная электронная почта или пароль."), "error")
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
            target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
            return redirect(target)
    elif request.method == "POST":
        limits.count_failure(request.form.get("email", ""))
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
