"""A user's jobs: the list, a job's page with its progress, the result, a retry."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.forms import ActionForm
from app.jobs import services, tasks
from app.models import Job, utcnow

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# Seconds between reloads of a job's page while the job is under way (the Refresh header:
# no script, so the strict CSP stays).
REFRESH_SECONDS = 2


def _own_job_or_404(job_id: int) -> Job:
    """A job is its owner's alone: anyone else gets 404."""
    job = db.session.scalar(select(Job).where(Job.id == job_id,
                                              Job.owner_id == current_user.id))
    if job is None:
        abort(404)
    return job


@bp.get("")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pager = db.paginate(
        select(Job).where(Job.owner_id == current_user.id)
        .order_by(Job.created_at.desc(), Job.id.desc()),
        page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("jobs/index.html", pager=pager, kind_names=tasks.KIND_NAMES,
                           now=utcnow(), is_stale=services.is_stale)


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _own_job_or_404(job_id)
    stale = services.is_stale(job, utcnow())
    response = make_response(render_template(
        "jobs/show.html", job=job, stale=stale, kind_names=tasks.KIND_NAMES,
        has_file=services.result_file(job) is not None, form=ActionForm(),
        refresh_seconds=REFRESH_SECONDS))
    if not job.finished and not stale:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/<int:job_id>/result")
@login_required
def result(job_id: int):
    job = _own_job_or_404(job_id)
    path = services.result_file(job)
    if path is None:
        abort(404)
    response = send_file(path, as_attachment=True, download_name=job.result_name,
                         etag=False, conditional=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:job_id>/retry")
@login_required
def retry(job_id: int):
    job = _own_job_or_404(job_id)
    if ActionForm().validate_on_submit():
        if services.retry(current_user, job, utcnow()):
            db.session.commit()
            flash(_("Задание поставлено в очередь ещё раз."), "success")
        else:
            flash(_("Задание уже выполняется или выполнено: повторять нечего."), "info")
    return redirect(url_for("jobs.show", job_id=job_id))

