"""Colleges (admin), specialties and groups (coordinator), and the region's enterprises."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit import history_of
from app.authentication import roles_required
from app.exports import spreadsheet_response as export
from app.extensions import db
from app.forms import ActionForm
from app.invitations.services import latest_invitations
from app.labels import register_actions
from app.listing import ListRequest, paginate
from app.models import College, Department, Enterprise, Group, Role, Specialty
from app.organisations import legal, queries, services
from app.organisations.forms import (
    KAZAKH_NAME_HINT,
    CollegeForm,
    DepartmentForm,
    EnterpriseEditForm,
    EnterpriseForm,
    GroupForm,
    SpecialtyForm,
)
from app.policy import can_edit_enterprise, can_see_enterprise_staff, employer_refusal
from app.policy.parties import is_admin, is_coordinator, is_employer
from app.rules import RuleViolation
from app.saving import commit_or_show, render_form
from app.scopes import get_scoped_or_404
from app.web import register_nav

bp = Blueprint("organisations", __name__)

register_nav("organisations.groups", _l("Группы и специальности"), Role.COORDINATOR)
register_nav("organisations.enterprises", _l("Предприятия"), Role.COORDINATOR, Role.ADMIN)
register_nav("organisations.colleges", _l("Колледжи"), Role.ADMIN)
register_nav("organisations.my_enterprise", _l("Предприятие"), Role.EMPLOYER)
register_actions({
    "partner_linked": _l("добавлено в партнёры"),
    "department_added": _l("добавлен цех"),
    "department_renamed": _l("изменено название цеха"),
})


# --- colleges (admin) --------------------------------------------------------------------------

@bp.get("/colleges")
@roles_required(Role.ADMIN)
def colleges():
    return render_template("organisations/colleges.html", rows=queries.college_list(current_user))


@bp.route("/colleges/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def college_new():
    return _college_form(None)


@bp.route("/colleges/<int:college_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def college_edit(college_id: int):
    return _college_form(get_scoped_or_404(College, college_id))


def _college_form(college: College | None):
    form = CollegeForm(obj=college)
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Колледж с этим БИН уже зарегистрирован."), "bin")) as saving:
            saved = services.save_college(
                current_user, college, name=form.name.data, city=form.city.data,
                bin=form.bin.data, name_kk=form.name_kk.data, **legal.form_values(form))
        if saving.saved:
            flash(_("Колледж сохранён."), "success")
            return redirect(url_for(".college", college_id=saved.id))
    back = url_for(".college", college_id=college.id) if college else url_for(".colleges")
    title = _("Изменить колледж") if college else _("Новый колледж")
    return render_form(form, title, back, hints={"name_kk": KAZAKH_NAME_HINT})


@bp.get("/colleges/<int:college_id>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def college(college_id: int):
    college = get_scoped_or_404(College, college_id)
    coordinators = queries.coordinators_of(college)
    return render_template(
        "organisations/college.html", college=college, coordinators=coordinators,
        invitations=latest_invitations([u.id for u in coordinators]),
        specialties=queries.specialties_of(college.id), groups=queries.groups_of(college.id),
        history=history_of(college), action_form=ActionForm(),
    )


# --- specialties and groups (coordinator) -----------------------------------------------------

@bp.get("/groups")
@roles_required(Role.COORDINATOR)
def groups():
    college_id = current_user.college_id
    return render_template("organisations/groups.html",
                           specialties=queries.specialties_of(college_id),
                           groups=queries.groups_of(college_id))


@bp.route("/specialties/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def specialty_new():
    return _specialty_form(None)


@bp.route("/specialties/<int:specialty_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def specialty_edit(specialty_id: int):
    return _specialty_form(get_scoped_or_404(Specialty, specialty_id))


def _specialty_form(specialty: Specialty | None):
    form = SpecialtyForm(obj=specialty)
    if request.method == "GET" and specialty is not None:
        form.competencies.data = "\n".join(
            services.competency_line(c.code, c.name) for c in specialty.competencies)
        form.competencies_kk.data = "\n".join(
            services.competency_line(c.code, c.name_kk) for c in specialty.competencies
            if c.name_kk)
    college_id = current_user.college_id
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Специальность с этим кодом в колледже уже есть."), "code")) as saving:
            saved = _save_specialty(form, college_id, specialty)
        if saving.saved:
            flash(_("Специальность сохранена."), "success")
            return redirect(url_for(".specialty", specialty_id=saved.id))
    back = (url_for(".specialty", specialty_id=specialty.id) if specialty
            else url_for(".groups"))
    title = _("Изменить специальность") if specialty else _("Новая специальность")
    return render_form(form, title, back, hints={
        "name_kk": KAZAKH_NAME_HINT,
        "competencies": _("Например: «ПМ 01 — Выполнять ручную дуговую сварку». Порядок строк — "
                          "порядок в оценке."),
        "competencies_kk": _("Необязательно. Те же коды, например: «ПМ 01 — Қолмен доғалық "
                             "дәнекерлеуді орындау». Компетенция без строки здесь показывается "
                             "по-русски."),
    })


def _save_specialty(form: SpecialtyForm, college_id: int, specialty: Specialty | None
                    ) -> Specialty:
    competencies = services.parse_competencies(form.competencies.data)
    names_kk = services.parse_kazakh_competencies(form.competencies_kk.data,
                                                  [code for code, _name in competencies])
    return services.save_specialty(
        current_user, college_id, specialty, code=form.code.data, name=form.name.data,
        name_kk=form.name_kk.data, qualification=form.qualification.data,
        competencies=competencies, competency_names_kk=names_kk)


@bp.get("/specialties/<int:specialty_id>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def specialty(specialty_id: int):
    specialty = get_scoped_or_404(Specialty, specialty_id)
    groups = [row for row in queries.groups_of(specialty.college_id)
              if row[0].specialty_id == specialty.id]
    return render_template("organisations/specialty.html", specialty=specialty, groups=groups,
                           history=history_of(specialty))


@bp.route("/groups/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def group_new():
    return _group_form(None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def group_edit(group_id: int):
    return _group_form(get_scoped_or_404(Group, group_id))


def _group_form(group: Group | None):
    college_id = current_user.college_id
    form = GroupForm(obj=group)
    form.specialty_id.choices = [(s.id, str(s)) for s in queries.specialties_of(college_id)]
    if not form.specialty_id.choices:
        flash(_("Сначала добавьте специальность."), "warning")
        return redirect(url_for(".specialty_new"))
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Группа с этим кодом в колледже уже есть."), "code")) as saving:
            saved = services.save_group(
                current_user, college_id, group, code=form.code.data,
                intake_year=form.intake_year.data, specialty_id=form.specialty_id.data)
        if saving.saved:
            flash(_("Группа сохранена."), "success")
            return redirect(url_for(".group", group_id=saved.id))
    back = url_for(".group", group_id=group.id) if group else url_for(".groups")
    return render_form(form, _("Изменить группу") if group else _("Новая группа"), back)


@bp.get("/groups/<int:group_id>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def group(group_id: int):
    from app.people.queries import students_of_group

    group = get_scoped_or_404(Group, group_id)
    return render_template("organisations/group.html", group=group,
                           students=students_of_group(group), history=history_of(group))


# --- enterprises -------------------------------------------------------------------------------

def _enterprise_rows(user, city: str):
    req = ListRequest.from_args(queries.ENTERPRISE_SORTS, "name")
    return req, queries.enterprise_list(user, req, city)


@bp.get("/enterprises")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def enterprises():
    city = (request.args.get("city") or "").strip()[:100]
    req, stmt = _enterprise_rows(current_user, city)
    pager = paginate(stmt, req)
    return render_template(
        "organisations/enterprises.html", pager=pager, req=req, city=city,
        cities=queries.enterprise_cities(current_user),
        mentors=queries.mentor_counts([e.id for e in pager.items]),
    )


@bp.get("/enterprises/export.<fmt>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def enterprises_export(fmt: str):
    city = (request.args.get("city") or "").strip()[:100]
    _req, stmt = _enterprise_rows(current_user, city)
    items = list(db.session.scalars(stmt))
    mentors = queries.mentor_counts([e.id for e in items])
    header = [_("Название"), _("БИН"), _("Город"), _("Отрасль"), _("Мест в год"),
              _("Наставники"), _("Контактное лицо"), _("Телефон"), _("Электронная почта")]
    rows = ([e.local_name, e.bin, e.city, e.industry, e.intake_capacity, mentors.get(e.id, 0),
             e.contact_name, e.contact_phone, e.contact_email] for e in items)
    return export(fmt, "enterprises", header, rows, title=_("Предприятия"))


@bp.get("/enterprises/find")
@roles_required(Role.COORDINATOR)
def enterprise_find():
    q = (request.args.get("q") or "").strip()[:100]
    return render_template("organisations/enterprise_find.html", q=q,
                           found=queries.find_enterprises(q),
                           partners=queries.partner_ids(current_user.college_id),
                           action_form=ActionForm())


@bp.post("/enterprises/<int:enterprise_id>/partner")
@roles_required(Role.COORDINATOR)
def enterprise_link(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id)
    if ActionForm().validate_on_submit():
        if services.link_partner(current_user, current_user.college_id, enterprise):
            flash(_("Предприятие добавлено в партнёры колледжа."), "success")
        else:
            flash(_("Предприятие уже партнёр колледжа."), "info")
        db.session.commit()
    return redirect(url_for(".enterprise", enterprise_id=enterprise.id))


@bp.route("/enterprises/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def enterprise_new():
    form = EnterpriseForm()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                services.duplicate_enterprise_message(), "bin")) as saving:
            saved = services.register_enterprise(
                current_user, current_user.college_id, bin=form.bin.data,
                **form.service_fields())
        if saving.saved:
            flash(_("Предприятие зарегистрировано."), "success")
            return redirect(url_for(".enterprise", enterprise_id=saved.id))
    return render_form(form, _("Новое предприятие"), url_for(".enterprises"),
                       hints={"bin": _("12 цифр. Если предприятие уже есть в регионе, "
                                       "найдите его и добавьте в партнёры."),
                              "name_kk": KAZAKH_NAME_HINT})


@bp.get("/enterprise")
@roles_required(Role.EMPLOYER)
def my_enterprise():
    return redirect(url_for(".enterprise", enterprise_id=current_user.enterprise_id))


def _editable_enterprise(enterprise_id: int) -> Enterprise:
    enterprise = get_scoped_or_404(Enterprise, enterprise_id)
    if not can_edit_enterprise(current_user, enterprise):
        abort(404)
    return enterprise


def _enterprise_history(enterprise: Enterprise, can_edit: bool) -> list | None:
    """The admin, the enterprise's employers and coordinators who may edit it see its history;
    a coordinator does not see other colleges joining as partners."""
    if not can_edit:
        return None
    events = history_of(enterprise)
    if is_coordinator(current_user):
        events = [e for e in events if e.action != "partner_linked" or (
            e.actor is not None and e.actor.college_id == current_user.college_id)]
    return events


@bp.get("/enterprises/<int:enterprise_id>")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def enterprise(enterprise_id: int):
    enterprise = get_scoped_or_404(Enterprise, enterprise_id)
    can_edit = can_edit_enterprise(current_user, enterprise)
    show_staff = can_see_enterprise_staff(current_user, enterprise)
    employers = queries.staff_of(enterprise, Role.EMPLOYER) if show_staff else []
    mentors = queries.staff_of(enterprise, Role.MENTOR) if show_staff else []
    return render_template(
        "organisations/enterprise.html", enterprise=enterprise, can_edit=can_edit,
        show_staff=show_staff,
        may_add_employer=show_staff and not is_employer(current_user)
        and employer_refusal(current_user, enterprise) is None,
        is_partner=queries.is_partner(current_user.college_id, enterprise.id),
        departments=queries.departments_of(enterprise.id),
        colleges=queries.partner_colleges(enterprise) if is_admin(current_user) else None,
        employers=employers, mentors=mentors,
        invitations=latest_invitations([u.id for u in employers + mentors]) if show_staff
        else {},
        history=_enterprise_history(enterprise, can_edit),
        department_form=DepartmentForm(),
        action_form=ActionForm(),
    )


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def enterprise_edit(enterprise_id: int):
    enterprise = _editable_enterprise(enterprise_id)
    form = EnterpriseEditForm(obj=enterprise)
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            services.update_enterprise(current_user, enterprise, **form.service_fields())
        if saving.saved:
            flash(_("Данные предприятия сохранены."), "success")
            return redirect(url_for(".enterprise", enterprise_id=enterprise.id))
    return render_form(form, _("Изменить предприятие"),
                       url_for(".enterprise", enterprise_id=enterprise.id),
                       subtitle=_("БИН %(bin)s", bin=enterprise.bin),
                       hints={"name_kk": KAZAKH_NAME_HINT})


@bp.post("/enterprises/<int:enterprise_id>/departments")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def department_add(enterprise_id: int):
    enterprise = _editable_enterprise(enterprise_id)
    form = DepartmentForm()
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Такое подразделение уже есть."))) as saving:
            services.add_department(current_user, enterprise, form.name.data, form.name_kk.data)
        if saving.saved:
            flash(_("Цех добавлен."), "success")
    # The enterprise's page is shown again, not this form: its refusals go there as flashes.
    for error in [*form.name.errors, *form.name_kk.errors, *form.form_errors]:
        flash(error, "error")
    return redirect(url_for(".enterprise", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/departments/<int:department_id>/edit",
          methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)
def department_edit(enterprise_id: int, department_id: int):
    enterprise = _editable_enterprise(enterprise_id)
    department = db.session.get(Department, department_id)
    if department is None or department.enterprise_id != enterprise.id:
        abort(404)
    form = DepartmentForm(obj=department)
    back = url_for(".enterprise", enterprise_id=enterprise.id)
    if form.validate_on_submit():
        with commit_or_show(form, duplicate=lambda: RuleViolation(
                _("Такое подразделение уже есть."), "name")) as saving:
            services.rename_department(current_user, department, form.name.data,
                                       form.name_kk.data)
        if saving.saved:
            flash(_("Цех сохранён."), "success")
            return redirect(back)
    return render_form(form, _("Изменить цех"), back, subtitle=enterprise.local_name,
                       hints={"name_kk": KAZAKH_NAME_HINT})
