"""The audit trail page and its export: load (scoped) → filter → show in words."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.audit import readable_history
from app.authentication import roles_required
from app.exports import spreadsheet_response
from app.extensions import db
from app.labels import action_label
from app.listing import ListRequest, paginate
from app.models import Role
from app.trail import queries
from app.trail.forms import TrailFilterForm
from app.web import register_nav

bp = Blueprint("trail", __name__)
register_nav("trail.index", _l("Журнал изменений"), Role.ADMIN, Role.COORDINATOR)
EXPORT_LIMIT = 50_000


def _filters() -> tuple[TrailFilterForm, queries.TrailFilters]:
    form = TrailFilterForm(formdata=request.args)
    actions, kinds = queries.choices(current_user)
    form.action.choices = [("", _("все действия")),
                           *((a, action_label(a)) for a in actions)]
    form.object_type.choices = [("", _("все объекты")),
                                *((k, queries.kind_label(k)) for k in kinds)]
    if request.args and not form.validate():
        return form, queries.TrailFilters()  # the form shows why; the whole trail meanwhile
    return form, queries.TrailFilters(
        who=form.who.data or "", action=form.action.data or "",
        object_type=form.object_type.data or "", since=form.since.data, until=form.until.data)


@bp.get("/audit")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def index():
    form, filters = _filters()
    req = ListRequest.from_args({"created": None}, "created")
    pager = paginate(queries.events(current_user, filters), req)
    return render_template("trail/index.html", form=form, pager=pager,
                           shown=readable_history(pager.items),
                           names=queries.object_names(pager.items),
                           kind_label=queries.kind_label)


@bp.get("/audit/export.<fmt>")
@roles_required(Role.ADMIN, Role.COORDINATOR)
def export(fmt: str):
    _form, filters = _filters()
    events = list(db.session.scalars(queries.events(current_user, filters).limit(EXPORT_LIMIT)))
    names = queries.object_names(events)
    header = [_("Когда"), _("Кто"), _("Действие"), _("С чем"), _("Объект"), _("Изменения")]

    def changes(shown) -> str:
        def one(change) -> str:
            if change.secret:
                return f"{change.label}: {_('изменено')}"
            return f"{change.label}: {change.before or '—'} → {change.after or '—'}"

        return "; ".join(one(c) for c in shown.changes)

    rows = ([shown.event.created_at, shown.event.actor.full_name if shown.event.actor
             else _("система"), action_label(shown.event.action),
             queries.kind_label(shown.event.object_type),
             names.get((shown.event.object_type, shown.event.object_id),
                       f"№ {shown.event.object_id}"), changes(shown)]
            for shown in readable_history(events))
    return spreadsheet_response(fmt, f"audit-{clock.today():%Y-%m-%d}", header, rows,
                                title=_("Журнал изменений"))
