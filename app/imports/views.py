"""Import pages: upload → preview of every problem (nothing written) → confirm → all or nothing."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.forms import ActionForm
from app.imports import storage
from app.imports.columns import KIND_LABELS, KINDS
from app.imports.forms import UploadForm
from app.imports.reading import ImportRefused, Table, english_name, read_upload
from app.imports.services import Outcome, example_rows, run_import
from app.labels import register_actions
from app.models import AuditEvent, College, Role, User
from app.security import roles_required
from app.web import register_nav

bp = Blueprint("imports", __name__, url_prefix="/imports")

register_nav("imports.upload", _l("Импорт"), Role.COORDINATOR)
register_actions({"import_confirmed": _l("импорт из файла")})

PREVIEW_ROWS = 20
MAX_NOTED_ROWS = 200
LIST_OF_KIND = {
    "students": "people.students",
    "enterprises": "organisations.enterprises",
    "placements": "placements.index",
}
CONFIRMED = "import_confirmed"


def _upload_page(form: UploadForm, status: int = 200):
    return render_template(
        "imports/upload.html", form=form, kinds=KINDS, kind_labels=KIND_LABELS,
        english_name=english_name, example_rows=example_rows,
    ), status


def _today() -> date:
    return date.today()


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
    outcome = run_import(actor, actor.college_id, table, today=_today(), write=False)
    db.session.rollback()  # a preview writes nothing
    token = storage.keep(actor.id, table.kind, upload.filename, data) if outcome.ok else None
    return _preview(table, outcome, upload.filename, token)


@bp.get("/<token>")
@roles_required(Role.COORDINATOR)
def preview(token: str):
    """The preview of an upload still waiting for confirmation (after a failed attempt)."""
    actor = current_user._get_current_object()
    kept = storage.peek(token, actor.id)
    if kept is None:
        flash(_("Этот файл уже импортирован или устарел: загрузите его снова."), "warning")
        return redirect(url_for("imports.upload"))
    try:
        table = read_upload(kept.kind, kept.filename, kept.data)
    except ImportRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("imports.upload"))
    outcome = run_import(actor, actor.college_id, table, today=_today(), write=False)
    db.session.rollback()
    return _preview(table, outcome, kept.filename, token if outcome.ok else None)


def _preview(table: Table, outcome: Outcome, filename: str, token: str | None):
    keys = list(table.headers)
    notes = outcome.notes_by_row()
    # The first rows, and every row with a note further down, so each note is seen on its row.
    sample = [row for index, row in enumerate(table.rows)
              if index < PREVIEW_ROWS or row[0] in notes][:PREVIEW_ROWS + MAX_NOTED_ROWS]
    return render_template(
        "imports/preview.html", table=table, outcome=outcome, filename=filename, token=token,
        keys=keys, sample=sample, kind_label=KIND_LABELS[table.kind],
        confirm_form=ActionForm(), notes_by_row=notes,
    )


def _was_imported(actor: User):
    def check(token: str) -> bool:
        mark = storage.marker(token)
        recent = db.session.scalars(
            select(AuditEvent.changes).where(AuditEvent.actor_id == actor.id,
                                             AuditEvent.action == CONFIRMED)
            .order_by(AuditEvent.id.desc()).limit(100))
        return any((changes or {}).get("upload") == [None, mark] for changes in recent)
    return check


@bp.post("/<token>/confirm")
@roles_required(Role.COORDINATOR)
def confirm(token: str):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("imports.upload"))
    actor = current_user._get_current_object()
    state, kept = storage.claim(token, actor.id, _was_imported(actor))
    if kept is None:
        flash({
            storage.Claim.DONE: _("Этот файл уже импортирован."),
            storage.Claim.BUSY: _("Этот файл импортируется прямо сейчас: обновите список "
                                  "через минуту."),
        }.get(state, _("Этот файл устарел или не найден: загрузите его снова.")), "warning")
        return redirect(url_for("imports.upload"))
    try:
        response = _confirmed(actor, kept)
    except Exception:
        # Whatever broke, nothing is written and the upload waits to be confirmed again.
        db.session.rollback()
        storage.restore(kept)
        current_app.logger.exception("import %s failed", kept.kind)
        flash(_("Импорт прервался из-за ошибки, ничего не записано. Файл сохранён: "
                "попробуйте подтвердить ещё раз."), "error")
        return redirect(url_for("imports.preview", token=token))
    return response


def _confirmed(actor: User, kept: storage.KeptUpload):
    try:
        table = read_upload(kept.kind, kept.filename, kept.data)
    except ImportRefused as refusal:
        storage.restore(kept)
        flash(refusal.message, "error")
        return redirect(url_for("imports.upload"))
    outcome = run_import(actor, actor.college_id, table, today=_today(), write=True)
    if not outcome.ok:
        # The data changed since the preview: nothing is written, the problems are shown.
        db.session.rollback()
        storage.restore(kept)
        return _preview(table, outcome, kept.filename, None), 409
    college = db.session.get(College, actor.college_id)
    audit.record(actor, CONFIRMED, college, {
        "kind": [None, table.kind], "file": [None, kept.filename[:200]],
        "rows": [None, outcome.total], "created": [None, outcome.created],
        "updated": [None, outcome.updated], "upload": [None, storage.marker(kept.token)],
    })
    db.session.commit()
    storage.release(kept)
    flash(_("Импорт завершён: строк %(total)s, создано %(created)s, обновлено %(updated)s.",
            total=outcome.total, created=outcome.created, updated=outcome.updated), "success")
    endpoint = LIST_OF_KIND[table.kind]
    if endpoint not in current_app.view_functions:
        endpoint = "imports.upload"
    return redirect(url_for(endpoint))
