"""The dashboards of the admin (region), the coordinator (college) and the employer (enterprise)."""

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.authentication import roles_required
from app.dashboard import figures, forms, queries
from app.exports import csv_response
from app.models import Role
from app.web import register_nav

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

DASHBOARD_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER)

register_nav("dashboard.index", _l("Аналитика"), *DASHBOARD_ROLES)


@bp.app_template_global("figure_cell")
def figure_cell(value, kind: str) -> str:
    """A figure's table cell as the page shows it."""
    return figures.cell_text(value, kind)


def _filters_and_choices():
    college_id = request.args.get("college", type=int)  # ASCII digits in range, else None
    choices = queries.filter_choices(current_user, college_id)
    return forms.resolve_filters(request.args, current_user, choices), choices


@bp.get("/")
@roles_required(*DASHBOARD_ROLES)
def index():
    filters, choices = _filters_and_choices()
    dashboard = figures.build_dashboard(current_user, filters)
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard,
        filters=filters,
        form=forms.filter_form(request.args, choices, current_user),
        enterprises_truncated=choices.enterprises_truncated,
        scope_name=_scope_name(),
    )


@bp.get("/export/<figure>.csv")
@roles_required(*DASHBOARD_ROLES)
def export(figure: str):
    filters, _ = _filters_and_choices()
    found = figures.build_figure(current_user, filters, figure)
    if found is None:
        abort(404)
    return csv_response(figure, [str(c.label) for c in found.columns], found.rows)


def _scope_name() -> str:
    match current_user.role:
        case Role.COORDINATOR:
            return current_user.college.local_name
        case Role.EMPLOYER:
            return current_user.enterprise.local_name
    return str(_l("Восточно-Казахстанская область"))
