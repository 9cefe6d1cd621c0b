"""Each role's home page."""

from datetime import timedelta

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from app import clock
from app.home import queries, related
from app.models import Role, utcnow
from app.practice.health import Thresholds
from app.practice.links import diary_week

bp = Blueprint("home", __name__)
# Whether to link a page for the user's role (the page checks it again): reading, not acting.
bp.add_app_template_global(related.may_open, "may_open")


@bp.get("/")
@login_required
def index():
    user = current_user
    today = clock.today()
    match user.role:
        case Role.ADMIN:
            figures = queries.admin_figures(user)
        case Role.COORDINATOR:
            figures = queries.coordinator_figures(
                user, today, Thresholds.from_config(current_app.config))
        case Role.EMPLOYER:
            figures = queries.employer_figures(user, today)
        case Role.MENTOR:
            figures = queries.mentor_figures(
                user, utcnow() - timedelta(days=current_app.config["REVIEW_RED_DAYS"]))
        case _:
            figures = queries.student_figures(user, today)
    return render_template(f"home/{user.role.value}.html", diary_week=diary_week, **figures)
