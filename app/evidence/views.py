"""An entry's photos and PDFs: the page to add and remove them, and the files themselves,
served only to those who see the entry."""


from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.evidence import queries
from app.evidence.forms import EvidenceForm, RemoveEvidenceForm
from app.evidence.services import EvidenceLimits, add_attachments, remove_attachment
from app.extensions import db
from app.files.serving import safe_download_name, send_stored
from app.files.storage import kept_on_commit, release
from app.files.uploads import UploadLimits, accept_upload, megabytes
from app.models import DiaryEntry, EntryAttachment
from app.policy import evidence as policy
from app.practice.weeks import Week
from app.rules import RuleViolation
from app.scopes import get_scoped_or_404

bp = Blueprint("evidence", __name__)

# Nothing a browser could run or sniff: the file is shown as a picture or downloaded.
def upload_limits() -> UploadLimits:
    return UploadLimits.from_config(current_app.config)


def evidence_limits() -> EvidenceLimits:
    return EvidenceLimits.from_config(current_app.config)


def limits_text() -> str:
    """The limits in words, shown beside the upload before anything is sent."""
    return _("Фото (JPEG, PNG, WebP) или PDF, до %(mb)s МБ каждый, не больше %(count)s файлов "
             "к записи. Фото уменьшаются до %(side)s точек по длинной стороне, данные о месте "
             "съёмки удаляются.", mb=megabytes(upload_limits().max_bytes),
             count=evidence_limits().per_entry, side=upload_limits().max_side)


def _page(entry: DiaryEntry, form: EvidenceForm, status: int = 200):
    attachments = queries.attachments_by_entry([entry.id])[entry.id]
    refusal = policy.attach_refusal(current_user, entry)
    return render_template(
        "evidence/entry.html", entry=entry, placement=entry.placement,
        week=Week.of(entry.work_date), attachments=attachments, form=form,
        remove_form=RemoveEvidenceForm(), refusal=refusal,
        may_change=refusal is None, room=evidence_limits().per_entry - len(attachments),
        max_bytes=upload_limits().max_bytes, limits=limits_text(),
    ), status


@bp.route("/diary/entries/<int:entry_id>/files", methods=["GET", "POST"])
@login_required
def entry_files(entry_id: int):
    entry = get_scoped_or_404(DiaryEntry, entry_id)
    form = EvidenceForm()
    if request.method == "GET":
        return _page(entry, form)
    if not form.validate_on_submit():
        form.files.errors = [_("Форма устарела — обновите страницу. Ничего не сохранено.")]
        return _page(entry, form, 400)
    if refusal := policy.attach_refusal(current_user, entry):
        form.files.errors = [refusal]
        return _page(entry, form, 403 if entry.placement.student_id != current_user.id else 409)
    uploads = [f for f in [*request.files.getlist("camera"), *request.files.getlist("files")]
               if f and f.filename]
    try:
        accepted = [accept_upload(upload, upload_limits()) for upload in uploads]
        with kept_on_commit(db.session):
            made = add_attachments(current_user, entry, accepted, evidence_limits())
    except RuleViolation as violation:
        form.files.errors = [violation.message + " " + _("Ничего не сохранено.")]
        return _page(db.session.get(DiaryEntry, entry_id) or abort(404), form, 422)
    flash(_("Добавлено файлов: %(count)s.", count=len(made)), "success")
    return redirect(url_for("evidence.entry_files", entry_id=entry_id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A request above MAX_CONTENT_LENGTH is refused before it is read: say so in words."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("Выбранные файлы вместе больше %(mb)s МБ: ничего не сохранено. Загружайте "
                "меньше файлов за раз или фото поменьше.", mb=megabytes(limit))
    entry_id = (request.view_args or {}).get("entry_id")
    if entry_id is None:
        return render_template("errors/error.html", code=413, reason=413), 413
    flash(message, "error")
    return redirect(url_for("evidence.entry_files", entry_id=entry_id))


@bp.post("/diary/files/<int:attachment_id>/remove")
@login_required
def remove_file(attachment_id: int):
    attachment = get_scoped_or_404(EntryAttachment, attachment_id)
    entry_id = attachment.entry_id
    form = RemoveEvidenceForm()
    if not form.validate_on_submit():
        flash(_("Форма устарела — обновите страницу. Ничего не изменено."), "error")
        return redirect(url_for("evidence.entry_files", entry_id=entry_id))
    name = attachment.name
    try:
        with kept_on_commit(db.session):
            keys = remove_attachment(current_user, attachment)
    except RuleViolation as refusal:
        flash(refusal.message + " " + _("Ничего не изменено."), "error")
        return redirect(url_for("evidence.entry_files", entry_id=entry_id))
    release(keys)
    flash(_("Файл «%(name)s» удалён.", name=name), "success")
    return redirect(url_for("evidence.entry_files", entry_id=entry_id))


def download_name(attachment: EntryAttachment) -> str:
    """The name offered to save the file as."""
    return safe_download_name(attachment.name, attachment.content_type,
                              f"file-{attachment.id}")


def _send(attachment: EntryAttachment, key: str | None, content_type: str, inline: bool):
    return send_stored(key, content_type, download_name(attachment), inline)


@bp.get("/diary/files/<int:attachment_id>")
@login_required
def file(attachment_id: int):
    """The file itself: a photo inline, a PDF as a download."""
    attachment = get_scoped_or_404(EntryAttachment, attachment_id)
    return _send(attachment, attachment.file_key, attachment.content_type,
                 inline=attachment.is_image)


@bp.get("/diary/files/<int:attachment_id>/thumb")
@login_required
def thumbnail(attachment_id: int):
    attachment = get_scoped_or_404(EntryAttachment, attachment_id)
    return _send(attachment, attachment.thumb_key, "image/jpeg", inline=True)
