"""Import pages: upload → preview of every problem (nothing written) → confirm → all or nothing."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.authentication import roles_required
from app.extensions import db
from app.forms import ActionForm
from app.imports import storage
from app.imports.columns import KIND_LABELS, KINDS
from app.imports.forms import SpecialtyChoicesForm, UploadForm
from app.imports.groups import name_key
from app.imports.reading import ImportRefused, Table, english_name, read_upload
from app.imports.services import Outcome, example_rows, run_import
from app.labels import register_actions
from app.models import AuditEvent, College, Role, Specialty, User
from app.naming import local_name
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
    return clock.today()


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
    # Kept when it can be confirmed, or once the coordinator has chosen the specialties.
    token = (storage.keep(actor.id, table.kind, upload.filename, data)
             if outcome.ok or outcome.unknown_specialties else None)
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
    outcome = run_import(actor, actor.college_id, table, today=_today(), write=False,
                         choices=kept.choices)
    db.session.rollback()
    return _preview(table, outcome, kept.filename, token, kept.choices)


@bp.post("/<token>/specialties")
@roles_required(Role.COORDINATOR)
def choose_specialties(token: str):
    """Remember which specialty each unknown name of the file means, then preview again."""
    actor = current_user._get_current_object()
    if storage.peek(token, actor.id) is None:
        flash(_("Этот файл уже импортирован или устарел: загрузите его снова."), "warning")
        return redirect(url_for("imports.upload"))
    form = SpecialtyChoicesForm()
    options = [key for key, _label in _specialty_choices(_college_specialties(actor))]
    for entry in form.entries:
        entry.form.specialty.choices = options
    if not form.validate_on_submit():
        flash(_("Выберите специальность для каждого названия из файла."), "error")
        return redirect(url_for("imports.preview", token=token))
    choices: dict[str, dict] = {}
    for entry in form.entries:
        name, value = entry.form.name.data or "", entry.form.specialty.data
        if not name or not value:
            continue
        if value == NEW:
            code = entry.form.code.data or ""
            if not code:
                flash(_("Для новой специальности «%(name)s» укажите код классификатора.",
                        name=name[:60]), "error")
                return redirect(url_for("imports.preview", token=token))
            choices[name_key(name)] = {"code": code,
                                       "qualification": entry.form.qualification.data or ""}
        else:
            choices[name_key(name)] = {"id": int(value)}
    storage.choose(token, actor.id, choices)
    return redirect(url_for("imports.preview", token=token))


NEW = "new"


def _college_specialties(actor: User) -> list[tuple[int, str]]:
    return [(row.id, f"{row.code} {local_name(row.name, row.name_kk)}")
            for row in db.session.execute(
        select(Specialty.id, Specialty.code, Specialty.name, Specialty.name_kk)
        .where(Specialty.college_id == actor.college_id).order_by(Specialty.code))]


def _specialty_choices(options: list[tuple[int, str]]) -> list[tuple[str, str]]:
    return ([("", _("— выберите —"))] + [(str(i), label) for i, label in options]
            + [(NEW, _("создать новую специальность с этим названием"))])


def _choice_form(outcome: Outcome, choices: dict) -> SpecialtyChoicesForm | None:
    if not outcome.unknown_specialties:
        return None
    entries = []
    for key, name, _rows in outcome.unknown_specialties:
        chosen = choices.get(key) or {}
        value = str(chosen["id"]) if "id" in chosen else NEW if chosen else ""
        entries.append({"name": name, "specialty": value, "code": chosen.get("code", ""),
                        "qualification": chosen.get("qualification", "")})
    form = SpecialtyChoicesForm(formdata=None, data={"entries": entries})
    for entry in form.entries:
        entry.form.specialty.choices = _specialty_choices(outcome.specialty_options)
    return form


def _preview(table: Table, outcome: Outcome, filename: str, token: str | None,
             choices: dict | None = None):
    keys = list(table.headers)
    notes = outcome.notes_by_row()
    # The first rows, and every row with a note further down, so each note is seen on its row.
    sample = [row for index, row in enumerate(table.rows)
              if index < PREVIEW_ROWS or row[0] in notes][:PREVIEW_ROWS + MAX_NOTED_ROWS]
    return render_template(
        "imports/preview.html", table=table, outcome=outcome, filename=filename, token=token,
        keys=keys, sample=sample, kind_label=KIND_LABELS[table.kind],
        confirm_form=ActionForm(), notes_by_row=notes,
        choice_form=_choice_form(outcome, choices or {}) if token else None,
        rows_of={key: rows for key, _name, rows in outcome.unknown_specialties},
        name_key=name_key,
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
    except IntegrityError:
        # Someone wrote the same IIN, e-mail or code between our checks and our insert.
        db.session.rollback()
        storage.restore(kept)
        flash(_("Пока шёл импорт, в системе появились те же данные (ИИН, почта или код): "
                "ничего не записано. Проверьте файл снова."), "error")
        return redirect(url_for("imports.preview", token=token))
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
    outcome = run_import(actor, actor.college_id or abort(403), table, today=_today(), write=True,
                         choices=kept.choices)
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
