"""Deputy foremen: the employer names one for any foreman of the enterprise, a foreman for
themself; the list shows the ranges that have not ended."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.authentication import roles_required
from app.forms import ActionForm, chosen_id
from app.models import DeputyAssignment, Role, User
from app.policy.parties import is_mentor
from app.policy.practice import may_name_deputy
from app.practice import deputies
from app.practice.forms import DeputyForm
from app.practice.views import bp
from app.rules import RuleViolation
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.web import register_nav

register_nav("practice.deputies", _l("Заместители"), Role.EMPLOYER, Role.MENTOR)


def _form(mentors) -> DeputyForm:
    form = DeputyForm()
    me = current_user._get_current_object()
    names = [(m.id, m.full_name) for m in mentors]
    if is_mentor(me):
        form.mentor.choices = [(me.id, me.full_name)]
        form.deputy.choices = [("", _("— выберите —"))] + [c for c in names if c[0] != me.id]
    else:
        form.mentor.choices = [("", _("— выберите —"))] + names
        form.deputy.choices = [("", _("— выберите —"))] + names
    if not form.is_submitted():
        form.mentor.data = me.id if is_mentor(me) else None
    return form


@bp.route("/deputies", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER, Role.MENTOR)
def deputies_page():
    me = current_user._get_current_object()
    today = clock.today()
    mentors = deputies.enterprise_mentors(me)
    by_id: dict[int | None, User] = {m.id: m for m in mentors}  # looked up by a choice or None
    form = _form(mentors)
    status = 200
    if form.is_submitted():
        if form.validate():
            mentor = by_id.get(chosen_id(form.mentor))
            deputy = by_id.get(chosen_id(form.deputy))
            with commit_or_show(form) as saving:
                if mentor is None:
                    raise RuleViolation(_("Выберите наставника своего предприятия."), "mentor")
                if deputy is None:
                    raise RuleViolation(_("Выберите заместителя из наставников своего "
                                          "предприятия."), "deputy")
                assignment = deputies.name_deputy(me, mentor, deputy, form.starts_on.data,
                                                  form.ends_on.data, today=today)
                message = _("%(deputy)s замещает %(mentor)s с %(start)s по %(end)s.",
                            deputy=assignment.deputy.full_name,
                            mentor=assignment.mentor.full_name,
                            start=format_date(assignment.starts_on, "d MMMM"),
                            end=format_date(assignment.ends_on, "d MMMM y"))
            if saving.saved:
                flash(message, "success")
                return redirect(url_for("practice.deputies_page"))
        status = 422
    return render_template("practice/deputies.html", form=form, today=today,
                           assignments=deputies.current_and_coming(me, today),
                           end_form=ActionForm(formdata=None)), status


@bp.post("/deputies/<int:assignment_id>/end")
@roles_required(Role.EMPLOYER, Role.MENTOR)
def end_deputy(assignment_id: int):
    assignment = get_scoped_or_404(DeputyAssignment, assignment_id)
    if not ActionForm().validate_on_submit():
        flash(_("Форма устарела — обновите страницу. Ничего не изменено."), "error")
        return redirect(url_for("practice.deputies_page"))
    if may_name_deputy(current_user, assignment.mentor):
        abort(403)
    with commit_or_show(None) as saving:
        deputies.end_deputy(current_user, assignment, today=clock.today())
    if saving.saved:
        flash(_("Замещение завершено."), "success")
    return redirect(url_for("practice.deputies_page"))
