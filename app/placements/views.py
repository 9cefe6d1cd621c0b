"""Placement pages: the scoped list and its exports, the form, the page with history, actions."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.audit import history_of
from app.authentication import roles_required
from app.exports import spreadsheet_response
from app.extensions import db
from app.forms import ActionForm, chosen_id
from app.home import related
from app.labels import agreement_name, label
from app.listing import ListRequest, paginate
from app.models import OfferStatus, Placement, PlacementStatus, Role
from app.outcomes import offers
from app.outcomes.forms import PlacementOfferForm
from app.placements import acceptance, compensation, queries, services
from app.placements.forms import PlacementForm, TerminationForm
from app.policy.placements import may_manage_placement, may_record_offer
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404
from app.training import queries as training_queries
from app.web import register_nav

bp = Blueprint("placements", __name__, url_prefix="/placements")

register_nav("placements.index", _l("Договоры"), Role.COORDINATOR, Role.EMPLOYER, Role.ADMIN)

LIST_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER, Role.MENTOR)


def _list_request() -> tuple[ListRequest, queries.PlacementFilters]:
    return (ListRequest.from_args(queries.SORTABLE, "start"),
            queries.PlacementFilters.from_args(request.args))


@bp.get("/")
@roles_required(*LIST_ROLES)
def index():
    req, filters = _list_request()
    pager = paginate(queries.placements_for(current_user, req, filters), req)
    return render_template(
        "placements/index.html",
        pager=pager,
        req=req,
        filters=filters,
        enterprises=queries.enterprise_choices(current_user),
        groups=queries.group_choices(current_user),
        statuses=list(PlacementStatus),
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
@roles_required(*LIST_ROLES)
def export(fmt: str):
    req, filters = _list_request()
    placements = db.session.scalars(queries.placements_for(current_user, req, filters))
    header = [_("№"), _("Номер договора"), _("Студент"), _("Группа"), _("Предприятие"),
              _("Наставник"), _("Начало"), _("Окончание"), _("Часы"), _("Статус"),
              _("Дата расторжения"), _("Причина расторжения")]
    rows = (
        [p.id, p.agreement_number, p.student.full_name, p.student.student_profile.group.code,
         p.enterprise.local_name, p.mentor.full_name, p.start_date, p.end_date, p.required_hours,
         label(p.status), p.terminated_on, p.termination_reason]
        for p in placements
    )
    return spreadsheet_response(fmt, f"placements-{clock.today():%Y-%m-%d}", header, rows,
                                title=_("Договоры"))


@bp.app_template_global("compensation_terms")
def compensation_terms(placement: Placement) -> tuple[str, bool]:
    """The agreement's compensation in words, and whether it is the enterprise's general rule."""
    own = compensation.Compensation(placement.compensation_amount,
                                    placement.compensation_rule or "")
    return compensation.in_words(compensation.of_placement(placement)), not own


def _placement_form(college_id: int, obj=None) -> PlacementForm:
    form = PlacementForm(obj=obj)
    # Once a mentor is chosen (a draft being edited, a form shown again), only the workshops
    # of the mentor's enterprise are offered; before that they are grouped by enterprise.
    mentor_id = chosen_id(form.mentor_id)
    form.set_choices(queries.student_choices(college_id), queries.mentor_choices(college_id),
                     queries.department_choices(college_id, mentor_id))
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new():
    actor = current_user._get_current_object()
    form = _placement_form(actor.college_id)
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            placement = services.create_placement(actor, college_id=actor.college_id,
                                                  **form.terms())
        if saving.saved:
            flash(_("Черновик договора создан: %(agreement)s.",
                    agreement=agreement_name(placement)), "success")
            return redirect(url_for("placements.show", placement_id=placement.id))
    return render_template("placements/form.html", form=form, placement=None)


@bp.get("/<int:placement_id>")
@login_required
def show(placement_id: int, termination: TerminationForm | None = None,
         offer_form: PlacementOfferForm | None = None):
    placement = queries.placement_page(placement_id, current_user)
    if placement is None:
        abort(404)
    return render_template(
        "placements/show.html",
        placement=placement,
        history=history_of(placement),
        training=training_queries.panel(placement),
        action_form=ActionForm(),
        termination=termination or TerminationForm(formdata=None, on=clock.today()),
        can_manage=may_manage_placement(current_user, placement) is None,
        offer_form=offer_form or _offer_form(placement, formdata=None),
        related=related.of_placement(current_user, placement), may_open=related.may_open,
    )


def _offer_form(placement: Placement, **kw) -> PlacementOfferForm | None:
    """The host employer's offer form, while the placement and the offer allow a next step."""
    if (may_record_offer(current_user, placement) is not None
            or placement.status not in offers.OFFER_STATUSES
            or not offers.next_offer_statuses(placement)):
        return None
    form = PlacementOfferForm(**kw)
    form.set_choices(offers.next_offer_statuses(placement))
    if "formdata" in kw:
        form.offer_date.data = clock.today()
    return form


@bp.route("/<int:placement_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    if placement.status != PlacementStatus.DRAFT:
        flash(_("Изменять можно только черновик договора."), "error")
        return redirect(url_for("placements.show", placement_id=placement.id))
    form = _placement_form(placement.college_id, obj=placement)
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            services.update_placement(current_user._get_current_object(), placement,
                                      **form.terms())
        if saving.saved:
            flash(_("Изменения сохранены."), "success")
            return redirect(url_for("placements.show", placement_id=placement.id))
    return render_template("placements/form.html", form=form, placement=placement)


def _act(placement_id: int, act, done: str, action: str):
    placement = get_scoped_or_404(Placement, placement_id)
    if ActionForm().validate_on_submit():
        with commit_or_show(None) as saving:
            act(current_user._get_current_object(), placement)
        if saving.saved:
            flash(done, "success")
        elif saving.refusal is not None:
            # The refused attempt is on the record; nothing of what it tried is.
            acceptance.record_refusal(current_user, placement_id, action, saving.refusal.message)
            db.session.commit()
    return redirect(url_for("placements.show", placement_id=placement_id))


@bp.post("/<int:placement_id>/activate")
@roles_required(Role.COORDINATOR)
def activate(placement_id: int):
    return _act(placement_id, lambda actor, p: services.activate_placement(actor, p, clock.today()),
                _("Договор введён в действие."), "activated")


@bp.post("/<int:placement_id>/complete")
@roles_required(Role.COORDINATOR)
def complete(placement_id: int):
    return _act(placement_id, lambda actor, p: services.complete_placement(actor, p, clock.today()),
                _("Договор завершён."), "completed")


@bp.post("/<int:placement_id>/terminate")
@roles_required(Role.COORDINATOR)
def terminate(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    form = TerminationForm()
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            services.terminate_placement(current_user._get_current_object(), placement,
                                         form.on.data, form.reason.data, today=clock.today())
        if saving.saved:
            flash(_("Проект договора отозван."), "success")
            return redirect(url_for("placements.show", placement_id=placement_id))
        if form.form_errors:
            # Not about what was typed (an agreement in force, say): the page says why.
            flash(" ".join(form.form_errors), "error")
            return redirect(url_for("placements.show", placement_id=placement_id) + "#changes")
    return show(placement_id, termination=form), 422


@bp.post("/<int:placement_id>/offer")
@roles_required(Role.EMPLOYER)
def record_offer(placement_id: int):
    placement = get_scoped_or_404(Placement, placement_id)
    form = PlacementOfferForm()
    form.set_choices(list(OfferStatus))
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            offers.record_placement_offer(current_user._get_current_object(), placement,
                                          form.offer_status.data, form.offer_date.data,
                                          today=clock.today())
        if saving.saved:
            flash(_("Предложение о работе записано."), "success")
            return redirect(url_for("placements.show", placement_id=placement_id))
    if not offers.next_offer_statuses(placement) or placement.status not in offers.OFFER_STATUSES:
        flash(form.form_errors[0] if form.form_errors else _("Предложение нельзя изменить."),
              "error")
        return redirect(url_for("placements.show", placement_id=placement_id))
    form.set_choices(offers.next_offer_statuses(placement))
    return show(placement_id, offer_form=form), 422
