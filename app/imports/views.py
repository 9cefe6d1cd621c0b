"""Import pages: upload → preview of every problem (nothing written) → confirm → all or nothing."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.forms import ActionForm
from app.imports import storage
from app.imports.columns import KIND_LABELS, KINDS
from app.imports.forms import UploadForm
from app.imports.reading import ImportRefused, Table, english_name, read_upload
from app.imports.services import Outcome, example_rows, run_import
from app.models import Role
from app.security import roles_required
from app.web import register_nav

bp = Blueprint("imports", __name__, url_prefix="/imports")

register_nav("imports.upload", _l("Импорт"), Role.COORDINATOR)

PREVIEW_ROWS = 20
LIST_OF_KIND = {
    "students": "people.students",
    "enterprises": "organisations.enterprises",
    "placements": "placements.index",
}


def _upload_page(form: UploadForm, status: int = 200):
    return render_template(
        "imports/upload.html", form=form, kinds=KINDS, kind_labels=KIND_LABELS,
        english_name=english_name, example_rows=example_rows,
    ), status


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400 if form.errors else 200)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors.append(_("Выберите файл."))
        return _upload_page(form, 400)
    data = upload.read()
    try:
        table = read_upload(form.kind.data, upload.filename, data)
    except ImportRefused as refusal:
        form.file.errors.append(refusal.message)
        return _upload_page(form, 400)
    actor = current_user._get_current_object()
    outcome = run_import(actor, actor.college_id, table)
    db.session.rollback()  # a preview writes nothing
    token = storage.keep(actor.id, table.kind, upload.filename, data) if outcome.ok else None
    return _preview(table, outcome, upload.filename, token)


def _preview(table: Table, outcome: Outcome, filename: str, token: str | None):
    keys = list(table.headers)
    return render_template(
        "imports/preview.html", table=table, outcome=outcome, filename=filename, token=token,
        keys=keys, sample=table.rows[:PREVIEW_ROWS], kind_label=KIND_LABELS[table.kind],
        confirm_form=ActionForm(),
    )


@bp.post("/<token>/confirm")
@roles_required(Role.COORDINATOR)
def confirm(token: str):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("imports.upload"))
    actor = current_user._get_current_object()
    kept = storage.claim(token, actor.id)
    if kept is None:
        flash(_("Этот файл уже импортирован или устарел: загрузите его снова."), "warning")
        return redirect(url_for("imports.upload"))
    try:
        table = read_upload(kept.kind, kept.filename, kept.data)
    except ImportRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("imports.upload"))
    outcome = run_import(actor, actor.college_id, table)
    if not outcome.ok:
        # The data changed since the preview: nothing is written, the problems are shown.
        db.session.rollback()
        return _preview(table, outcome, kept.filename, None), 409
    db.session.commit()
    flash(_("Импорт завершён: строк %(total)s, создано %(created)s, обновлено %(updated)s.",
            total=outcome.total, created=outcome.created, updated=outcome.updated), "success")
    endpoint = LIST_OF_KIND[table.kind]
    if endpoint not in current_app.view_functions:
        endpoint = "imports.upload"
    return redirect(url_for(endpoint))
