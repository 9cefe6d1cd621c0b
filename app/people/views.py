"""Students, mentors, employer representatives and coordinators: lists, pages and forms."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit import history_of
from app.authentication import roles_required
from app.domain.identifiers import mask_iin
from app.exports import spreadsheet_response as export
from app.extensions import db
from app.forms import ActionForm
from app.home import related
from app.invitations.services import can_invite, latest_invitations
from app.labels import register_actions
from app.listing import ListRequest, paginate
from app.models import College, Enterprise, Role, User
from app.organisations.queries import groups_of
from app.people import (
    account_views,  # noqa: F401  (its routes are on the same blueprint)
    queries,
    services,
)
from app.people.blueprint import bp
from app.people.emails import shown_email
from app.people.forms import CoordinatorForm, EmployerForm, MentorEditForm, MentorForm, StudentForm
from app.policy import can_see_enterprise_staff, employer_refusal, mentor_refusal
from app.policy.parties import is_employer
from app.rules import RuleViolation
from app.saving import commit_or_show, render_form
from app.scopes import get_scoped_or_404
from app.web import register_nav

register_nav("people.students", _l("Студенты"), Role.COORDINATOR, Role.ADMIN)
register_nav("people.mentors", _l("Наставники"), Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
bp.add_app_template_global(shown_email, "shown_email")
register_actions({
    "student_created": _l("студент зарегистрирован"),
    "student_updated": _l("данные студента изменены"),
    "mentor_created": _l("наставник зарегистрирован"),
    "mentor_updated": _l("данные наставника изменены"),
    "employer_created": _l("представитель предприятия зарегистрирован"),
    "coordinator_created": _l("координатор назначен"),
})


STUDENT_HINTS = {
    "iin": _l("12 цифр; дата рождения берётся из ИИН."),
    "email": _l("Необязательно: без почты вход появится после приглашения по ссылке или QR-коду."),
    "guardian_name": _l("Обязательно для несовершеннолетних."),
}
MENTOR_HINTS = {
    "email": _l("Необязательно: приглашение можно передать ссылкой или QR-кодом."),
}


def _duplicate_email() -> RuleViolation:
    return RuleViolation(services.duplicate_email_message(), "email")


# --- students ----------------------------------------------------------------------------------

def _student_query(user: User):
    req = ListRequest.from_args(queries.STUDENT_SORTS, "name")
    group_id = request.args.get("group", type=int)
    access = request.args.get("access", "")
    return req, group_id, access, queries.student_list(user, req, group_id, access)


@bp.get("/students")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def students():
    req, group_id, access, stmt = _student_query(current_user)
    pager = paginate(stmt, req)
    groups = [g for g, _n in groups_of(current_user.college_id)] if current_user.college_id else []
    return render_template("people/students.html", pager=pager, req=req, groups=groups,
                           group_id=group_id, access=access)


@bp.get("/students/export.<fmt>")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def students_export(fmt: str):
    _req, _group, _access, stmt = _student_query(current_user)
    header = [_("ФИО"), _("ИИН"), _("Дата рождения"), _("Группа"), _("Специальность"),
              _("Телефон"), _("Электронная почта"), _("Родитель или представитель"),
              _("Телефон родителя"), _("Доступ")]
    rows = (
        [s.full_name, mask_iin(s.student_profile.iin), s.student_profile.birth_date,
         s.student_profile.group.code, str(s.student_profile.group.specialty), s.phone,
         shown_email(s.email), s.student_profile.guardian_name,
         s.student_profile.guardian_phone,
         _("есть") if s.password_hash else _("нет")]
        for s in db.session.scalars(stmt).unique()
    )
    return export(fmt, "students", header, rows, title=_("Студенты"))


def _student(student_id: int) -> User:
    student = get_scoped_or_404(User, student_id)
    if student.role != Role.STUDENT:
        abort(404)
    return student


def _group_choices() -> list[tuple[int, str]]:
    return [(g.id, f"{g.code} · {g.specialty.local_name}")
            for g, _n in groups_of(current_user.college_id)]


@bp.route("/students/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def student_new():
    form = StudentForm()
    form.group_id.choices = _group_choices()
    if not form.group_id.choices:
        flash(_("Сначала добавьте группу."), "warning")
        return redirect(url_for("organisations.groups"))
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                services.duplicate_student_message(), "iin")) as saving:
            saved = services.create_student(current_user, current_user.college_id,
                                            **form.service_fields())
        if saving.saved:
            flash(_("Студент зарегистрирован."), "success")
            return redirect(url_for(".student", student_id=saved.id))
    return render_form(form.confirm_only_if_asked(), _("Новый студент"), url_for(".students"),
                       hints=STUDENT_HINTS)


@bp.route("/students/<int:student_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def student_edit(student_id: int):
    student = _student(student_id)
    profile = student.student_profile or abort(404)
    form = StudentForm(data={
        "full_name": student.full_name, "iin": profile.iin, "group_id": profile.group_id,
        "phone": student.phone, "email": shown_email(student.email),
        "guardian_name": profile.guardian_name, "guardian_phone": profile.guardian_phone,
    })
    form.group_id.choices = _group_choices()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Этот ИИН уже указан у другого студента."), "iin")) as saving:
            services.update_student(current_user, student, **form.service_fields())
        if saving.saved:
            flash(_("Данные студента сохранены."), "success")
            return redirect(url_for(".student", student_id=student.id))
    return render_form(form.confirm_only_if_asked(), _("Изменить данные студента"),
                       url_for(".student", student_id=student.id), hints=STUDENT_HINTS)


@bp.get("/students/<int:student_id>")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def student(student_id: int):
    student = _student(student_id)
    return render_template(
        "people/student.html", student=student, profile=student.student_profile,
        invitation=latest_invitations([student.id]).get(student.id),
        may_invite=can_invite(current_user, student), history=history_of(student),
        action_form=ActionForm(), related=related.of_student(current_user, student),
    )


# --- mentors -----------------------------------------------------------------------------------

def _mentor_query(user: User):
    req = ListRequest.from_args(queries.MENTOR_SORTS, "name")
    enterprise_id = request.args.get("enterprise", type=int)
    return req, enterprise_id, queries.mentor_list(user, req, enterprise_id)


@bp.get("/mentors")
@roles_required(Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
def mentors():
    req, enterprise_id, stmt = _mentor_query(current_user)
    pager = paginate(stmt, req)
    enterprises = queries.mentor_enterprises(current_user) if not is_employer(current_user) \
        else []
    return render_template(
        "people/mentors.html", pager=pager, req=req, enterprises=enterprises,
        enterprise_id=enterprise_id, trainees=queries.active_trainees([m.id for m in pager.items]),
    )


@bp.get("/mentors/export.<fmt>")
@roles_required(Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
def mentors_export(fmt: str):
    _req, _enterprise, stmt = _mentor_query(current_user)
    items = list(db.session.scalars(stmt).unique())
    trainees = queries.active_trainees([m.id for m in items])
    header = [_("ФИО"), _("Предприятие"), _("Цех или отдел"), _("Должность"),
              _("Практикантов сейчас"), _("Предел практикантов"), _("Телефон"),
              _("Электронная почта")]
    rows = (
        [m.full_name, m.enterprise.local_name,
         m.mentor_profile.department.local_name if m.mentor_profile and m.mentor_profile.department
         else "", m.mentor_profile.position if m.mentor_profile else "",
         trainees.get(m.id, 0), m.mentor_profile.trainee_cap if m.mentor_profile else "",
         m.phone, shown_email(m.email)]
        for m in items
    )
    return export(fmt, "mentors", header, rows, title=_("Наставники"))


def _mentor(mentor_id: int) -> User:
    mentor = get_scoped_or_404(User, mentor_id)
    if mentor.role != Role.MENTOR:
        abort(404)
    return mentor


def _department_choices(enterprise_ids: list[int]) -> list[tuple]:
    return [("", "—")] + [
        (d.id, f"{d.enterprise.local_name} · {d.local_name}" if len(enterprise_ids) > 1
         else d.local_name)
        for d in queries.departments_by_enterprise(enterprise_ids)
    ]


@bp.route("/mentors/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
def mentor_new():
    form = MentorForm(enterprise_id=request.args.get("enterprise", type=int))
    if is_employer(current_user):
        enterprises = [current_user.enterprise]
    else:
        enterprises = queries.mentor_enterprises(current_user)
    if not enterprises:
        flash(_("Сначала добавьте предприятие-партнёр."), "warning")
        return redirect(url_for("organisations.enterprises"))
    form.enterprise_id.choices = [(e.id, e.local_name) for e in enterprises]
    form.department_id.choices = _department_choices([e.id for e in enterprises])
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=_duplicate_email) as saving:
            saved = services.create_mentor(current_user, enterprise_id=form.enterprise_id.data,
                                           **form.service_fields())
        if saving.saved:
            flash(_("Наставник зарегистрирован. Пригласите его, чтобы он смог войти."), "success")
            return redirect(url_for(".mentor", mentor_id=saved.id))
    return render_form(form, _("Новый наставник"), url_for(".mentors"), hints=MENTOR_HINTS)


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
def mentor_edit(mentor_id: int):
    mentor = _mentor(mentor_id)
    if mentor.enterprise is None or not can_see_enterprise_staff(current_user, mentor.enterprise):
        abort(404)
    refusal = mentor_refusal(current_user, mentor)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for(".mentor", mentor_id=mentor.id))
    profile = mentor.mentor_profile
    form = MentorEditForm(data={
        "full_name": mentor.full_name, "email": shown_email(mentor.email), "phone": mentor.phone,
        "department_id": profile.department_id if profile else None,
        "position": profile.position if profile else "",
        "trainee_cap": (profile.trainee_cap if profile
                        else current_app.config["MENTOR_TRAINEE_CAP"]),
    })
    form.department_id.choices = _department_choices([mentor.enterprise.id])
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=_duplicate_email) as saving:
            services.update_mentor(current_user, mentor, **form.service_fields())
        if saving.saved:
            flash(_("Данные наставника сохранены."), "success")
            return redirect(url_for(".mentor", mentor_id=mentor.id))
    return render_form(form, _("Изменить данные наставника"),
                       url_for(".mentor", mentor_id=mentor.id), hints=MENTOR_HINTS)


@bp.get("/mentors/<int:mentor_id>")
@roles_required(Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER)
def mentor(mentor_id: int):
    mentor = _mentor(mentor_id)
    return render_template(
        "people/mentor.html", mentor=mentor, profile=mentor.mentor_profile,
        trainees=queries.trainees_of(mentor, current_user),
        can_edit=mentor_refusal(current_user, mentor) is None,
        invitation=latest_invitations([mentor.id]).get(mentor.id),
        may_invite=can_invite(current_user, mentor), history=history_of(mentor),
        action_form=ActionForm(),
    )


# --- employer representatives and coordinators -------------------------------------------------

@bp.route("/enterprises/<int:enterprise_id>/employers/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def employer_new(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id)
    if not can_see_enterprise_staff(current_user, enterprise):
        abort(404)
    refusal = employer_refusal(current_user, enterprise)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("organisations.enterprise", enterprise_id=enterprise.id))
    form = EmployerForm()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=_duplicate_email) as saving:
            services.create_employer(
                current_user, enterprise_id=enterprise.id, full_name=form.full_name.data,
                email=form.email.data, phone=form.phone.data)
        if saving.saved:
            flash(_("Представитель предприятия зарегистрирован. Отправьте приглашение."),
                  "success")
            return redirect(url_for("organisations.enterprise", enterprise_id=enterprise.id))
    return render_form(form, _("Новый представитель предприятия"),
                       url_for("organisations.enterprise", enterprise_id=enterprise.id),
                       subtitle=enterprise.local_name, hints={"email": _(
                           "Необязательно: приглашение можно передать ссылкой или QR-кодом.")})


@bp.route("/colleges/<int:college_id>/coordinators/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def coordinator_new(college_id: int):
    college = get_scoped_or_404(College, college_id)
    form = CoordinatorForm()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=_duplicate_email) as saving:
            services.create_coordinator(
                current_user, college_id=college.id, full_name=form.full_name.data,
                email=form.email.data, phone=form.phone.data)
        if saving.saved:
            flash(_("Координатор назначен. Отправьте приглашение."), "success")
            return redirect(url_for("organisations.college", college_id=college.id))
    return render_form(form, _("Новый координатор"),
                       url_for("organisations.college", college_id=college.id),
                       subtitle=college.local_name)

