"""Each role's home page."""

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.home import queries
from app.models import Role

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    user = current_user
    match user.role:
        case Role.ADMIN:
            figures = queries.admin_figures(user)
        case Role.COORDINATOR:
            figures = queries.coordinator_figures(user)
        case Role.EMPLOYER:
            figures = queries.employer_figures(user, date.today())
        case Role.MENTOR:
            figures = queries.mentor_figures(user)
        case _:
            figures = queries.student_figures(user)
    return render_template(f"home/{user.role.value}.html", **figures)
