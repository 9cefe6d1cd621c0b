"""Acceptance pages: send, accept or decline, acknowledge, the guardian's link and its page,
and the employer's inbox of agreements waiting for an answer."""

import math
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from limits import parse
from markupsafe import Markup

from app import clock
from app.acceptance import queries
from app.acceptance.forms import (
    STALE_PAGE,
    ChangeAnswerForm,
    ChangeRequestForm,
    DeclineForm,
    GuardianForm,
    StepForm,
)
from app.authentication import roles_required
from app.extensions import db, limiter
from app.labels import agreement_name
from app.models import ChangeKind, ChangeRequest, Placement, Role, User, utcnow
from app.naming import local_name
from app.placements import acceptance, changes
from app.policy import agreements
from app.policy.parties import is_coordinator
from app.qr import qr_svg
from app.saving import Saving, commit_or_show
from app.scopes import get_scoped_or_404, scope_of
from app.web import register_nav

bp = Blueprint("acceptance", __name__)

register_nav("acceptance.inbox", _l("Договоры на согласование"), Role.EMPLOYER)


def _load(placement_id: int, attempted: str) -> Placement:
    """The placement in the user's scope; an attempt on one outside it is audited, then 404."""
    actor = current_user._get_current_object()
    placement = db.session.scalar(db.select(Placement).where(
        Placement.id == placement_id, scope_of(Placement, actor)))
    if placement is None:
        if db.session.get(Placement, placement_id) is not None:
            acceptance.record_refusal(actor, placement_id, attempted,
                                      _("Договор другой организации."))
            db.session.commit()
        abort(404)
    return placement


def _show(placement_id: int):
    return redirect(url_for("placements.show", placement_id=placement_id) + "#acceptance")


def _first_error(form) -> str:
    if "version" in form.errors or "csrf_token" in form.errors:
        return str(STALE_PAGE)
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return str(STALE_PAGE)


def _step(placement_id: int, attempted: str, act, done: str, form=None):
    """Load, check the form, call the step, commit once; a refusal is rolled back, audited and
    shown."""
    placement = _load(placement_id, attempted)
    actor = current_user._get_current_object()
    form = form or StepForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _show(placement_id)
    with commit_or_show(None) as saving:
        act(actor, placement, form)
    if saving.saved:
        flash(done, "success")
    _put_on_record(actor, placement_id, attempted, saving)
    return _show(placement_id)


def _put_on_record(actor: User | None, placement_id: int, attempted: str,
                   saving: Saving) -> None:
    """A refused attempt is on the record (its own commit); nothing of what it tried is."""
    if saving.refusal is not None:
        acceptance.record_refusal(actor, placement_id, attempted, saving.refusal.message)
        db.session.commit()


@bp.post("/placements/<int:placement_id>/send")
@roles_required(Role.COORDINATOR)
def send(placement_id: int):
    return _step(placement_id, "sent_to_enterprise",
                 lambda actor, p, f: acceptance.send_to_enterprise(actor, p, f.version.data,
                                                                   utcnow()),
                 _("Договор отправлен предприятию на согласование."))


@bp.post("/placements/<int:placement_id>/accept")
@roles_required(Role.EMPLOYER)
def accept(placement_id: int):
    return _step(placement_id, "accepted_by_enterprise",
                 lambda actor, p, f: acceptance.accept(actor, p, f.version.data, utcnow()),
                 _("Договор принят. Колледж и студент получили уведомление."))


@bp.post("/placements/<int:placement_id>/decline")
@roles_required(Role.EMPLOYER)
def decline(placement_id: int):
    return _step(placement_id, "declined_by_enterprise",
                 lambda actor, p, f: acceptance.decline(actor, p, f.version.data,
                                                        f.reason.data, utcnow()),
                 _("Договор отклонён. Колледж получил причину отказа."), form=DeclineForm())


@bp.post("/placements/<int:placement_id>/acknowledge")
@roles_required(Role.STUDENT)
def acknowledge(placement_id: int):
    return _step(placement_id, "acknowledged_by_student",
                 lambda actor, p, f: acceptance.acknowledge(actor, p, f.version.data, utcnow()),
                 _("Спасибо: отмечено, что вы ознакомились с договором."))


@bp.post("/placements/<int:placement_id>/guardian-link")
@roles_required(Role.COORDINATOR)
def guardian_link(placement_id: int):
    placement = _load(placement_id, "guardian_link_issued")
    actor = current_user._get_current_object()
    if not StepForm().validate_on_submit():
        flash(str(STALE_PAGE), "error")
        return _show(placement_id)
    with commit_or_show(None) as saving:
        link, token = acceptance.issue_guardian_link(actor, placement, utcnow())
    if not saving.saved:
        _put_on_record(actor, placement_id, "guardian_link_issued", saving)
        return _show(placement_id)
    url = acceptance.guardian_url(token)
    page = render_template("acceptance/handover.html", placement=placement, link=link, url=url,
                           qr=_qr_svg(url), guardian=placement.student.student_profile)
    return page, 200, {"Cache-Control": "no-store"}


def _qr_svg(link: str) -> Markup:
    return qr_svg(link, _("QR-код ссылки для законного представителя"))


@bp.get("/agreements/inbox")
@roles_required(Role.EMPLOYER)
def inbox():
    return render_template("acceptance/inbox.html",
                           waiting=queries.waiting_for_enterprise(current_user),
                           answered=queries.recently_answered(current_user))


# --- the guardian's page: no account, a one-time link -------------------------------------------


def _limit_keys() -> tuple:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "") or "shakirt"
    limit = parse(current_app.config.get("GUARDIAN_RATE_LIMIT", "20 per hour"))
    return limit, (prefix, "guardian", request.remote_addr or "-")


def _seconds_to_wait() -> int | None:
    if not (limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)):
        return None
    limit, keys = _limit_keys()
    if limiter.limiter.test(limit, *keys):
        return None
    reset_at, _remaining = limiter.limiter.get_window_stats(limit, *keys)
    return max(1, math.ceil(reset_at - time.time()))


def _count_attempt() -> None:
    if limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True):
        limit, keys = _limit_keys()
        limiter.limiter.hit(limit, *keys)


def _no_store(body: str, code: int):
    # The address carries the token: keep the page out of every cache.
    return body, code, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/guardian/<token>", methods=["GET", "POST"])
def confirm(token: str):
    if (seconds := _seconds_to_wait()) is not None:
        message = _("Слишком много попыток. Попробуйте снова через %(minutes)s мин.",
                    minutes=max(1, math.ceil(seconds / 60)))
        return _no_store(render_template("acceptance/guardian_dead.html", message=message), 429)
    now = utcnow()
    link = acceptance.find_link(token)
    problem = acceptance.link_problem(link, now)
    if problem or link is None:
        _count_attempt()
        if link is not None and problem and request.method == "POST":
            acceptance.record_refusal(None, link.placement_id, "confirmed_by_guardian", problem)
            db.session.commit()
        code = 404 if link is None else 410
        return _no_store(render_template("acceptance/guardian_dead.html", message=problem), code)
    placement = link.placement
    form = GuardianForm()
    if request.method == "POST":
        _count_attempt()
    if form.validate_on_submit():
        with commit_or_show(form) as saving:
            acceptance.confirm_by_guardian(token, now, clock.today())
        if saving.refusal is not None:
            _put_on_record(None, placement.id, "confirmed_by_guardian", saving)
            return _no_store(render_template("acceptance/guardian_dead.html",
                                             message=saving.refusal.message), 409)
        return _no_store(render_template("acceptance/guardian_done.html", placement=placement,
                                         agreement=agreement_name(placement)), 200)
    page = render_template("acceptance/guardian.html", form=form, placement=placement,
                           link=link, guardian=placement.student.student_profile,
                           agreement=agreement_name(placement))
    return _no_store(page, 422 if form.errors else 200)


@bp.app_template_global("acceptance_of")
def acceptance_of(placement: Placement) -> dict:
    """What the placement page shows of the acceptance: the timeline, who is waiting, and the
    forms the reader may use now."""
    user = current_user
    version = {"version": placement.version}
    return {
        "steps": acceptance.timeline(placement),
        "waiting": acceptance.waiting_for(placement),
        "decline_reason": placement.decline_reason,
        "may_send": agreements.send_refusal(user, placement) is None,
        "may_answer": agreements.answer_refusal(user, placement) is None,
        "may_acknowledge": agreements.acknowledge_refusal(user, placement) is None,
        "may_link": agreements.guardian_link_refusal(user, placement) is None,
        "link": queries.latest_link(placement.id) if is_coordinator(user) else None,
        "step_form": StepForm(formdata=None, data=version),
        "decline_form": DeclineForm(formdata=None, data=version),
    }


# --- changes to an agreement in force (11.2) ---------------------------------------------------


def change_form(placement: Placement, **kw) -> ChangeRequestForm:
    form = ChangeRequestForm(**kw)
    form.kind.choices = [(k.value, str(changes.KIND_LABELS[k])) for k in ChangeKind]
    mentors = db.session.execute(
        db.select(User.id, User.full_name).where(
            User.enterprise_id == placement.enterprise_id, User.role == Role.MENTOR,
            User.active, User.id != placement.mentor_id).order_by(User.full_name))
    form.mentor_id.choices = [("", "—")] + [(m.id, m.full_name) for m in mentors]
    from app.models import Department

    departments = db.session.execute(
        db.select(Department.id, Department.name, Department.name_kk).where(
            Department.enterprise_id == placement.enterprise_id).order_by(Department.name))
    form.department_id.choices = [("", "—")] + [(d.id, local_name(d.name, d.name_kk))
                                                for d in departments]
    return form


@bp.post("/placements/<int:placement_id>/changes")
@roles_required(Role.COORDINATOR, Role.EMPLOYER)
def request_change(placement_id: int):
    placement = _load(placement_id, "change_requested")
    actor = current_user._get_current_object()
    form = change_form(placement)
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _changes_anchor(placement_id)
    with commit_or_show(None) as saving:
        changes.request_change(actor, placement, form.version.data, ChangeKind(form.kind.data),
                               form.values(), form.reason.data, utcnow())
    if saving.saved:
        flash(_("Изменение предложено. Договор изменится, когда другая сторона его одобрит."),
              "success")
    _put_on_record(actor, placement_id, "change_requested", saving)
    return _changes_anchor(placement_id)


def _changes_anchor(placement_id: int):
    return redirect(url_for("placements.show", placement_id=placement_id) + "#changes")


def _answer(request_id: int, approve: bool):
    actor = current_user._get_current_object()
    request_ = db.session.get(ChangeRequest, request_id)
    if request_ is None:
        abort(404)
    placement = get_scoped_or_404(Placement, request_.placement_id)
    attempted = "change_approved" if approve else "change_declined"
    form = ChangeAnswerForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _changes_anchor(placement.id)
    with commit_or_show(None) as saving:
        changes.answer_change(actor, request_, approve, form.comment.data, utcnow(),
                              clock.today())
    if saving.saved:
        flash(_("Изменение одобрено и внесено в договор.") if approve
              else _("Изменение отклонено."), "success")
    _put_on_record(actor, placement.id, attempted, saving)
    return _changes_anchor(placement.id)


@bp.post("/changes/<int:request_id>/approve")
@roles_required(Role.COORDINATOR, Role.EMPLOYER)
def approve_change(request_id: int):
    return _answer(request_id, True)


@bp.post("/changes/<int:request_id>/decline")
@roles_required(Role.COORDINATOR, Role.EMPLOYER)
def decline_change(request_id: int):
    return _answer(request_id, False)


@bp.app_template_global("changes_of")
def changes_of_placement(placement: Placement) -> dict:
    """The change requests of the agreement with what each proposes, and the reader's forms."""
    user = current_user
    requests_ = changes.requests_of(placement.id)
    may_request = (agreements.change_request_refusal(user, placement) is None
                   and not any(r.status == "pending" for r in requests_))
    return {
        "requests": [(r, changes.describe(r), agreements.change_answer_refusal(user, r) is None)
                     for r in requests_],
        "may_request": may_request,
        "form": change_form(placement, formdata=None, data={"version": placement.version})
        if may_request else None,
        "answer_form": ChangeAnswerForm(formdata=None),
    }
