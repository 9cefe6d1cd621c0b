"""Works without signal: the web app's manifest, the service worker, the offline shell, the data
the phone keeps, and the one endpoint queued writes are sent to (answered once per key)."""

import hashlib
import json
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.extensions import csrf, db
from app.files.storage import kept_on_commit
from app.files.uploads import UploadLimits, accept_upload, megabytes
from app.forms import INT_MAX
from app.models import DiaryEntry, OfflineOutcome, OfflineWrite, Placement, utcnow
from app.offline import queries
from app.offline.forms import QueuedApprovalForm, QueuedEntryForm
from app.offline.services import (
    APPROVAL,
    ENTRY,
    KeyTaken,
    TypedEntry,
    approve_entry,
    record_refusal,
    refusal_of,
    write_entry,
)
from app.policy.parties import is_mentor, is_student
from app.rules import RuleViolation
from app.scopes import scope_of

bp = Blueprint("offline", __name__)

# What the service worker keeps: the shell and the static files it needs — never a page of data.
SHELL_ASSETS = [
    "css/app.css",
    "js/shell.js",
    "js/offline.js",
    "vendor/idb/idb.umd.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
]
STATUS = {OfflineOutcome.DONE: 200, OfflineOutcome.CONFLICT: 409, OfflineOutcome.REFUSED: 422}


def _answer(payload: dict, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _signed_out() -> Response:
    return _answer({"outcome": "signed_out",
                    "message": _("Вы вышли из системы: войдите снова — записи на телефоне "
                                 "дождутся и отправятся.")}, 401)


def _language() -> str:
    wanted = request.args.get("lang", "")
    return wanted if wanted in current_app.config["LANGUAGES"] else (
        current_app.config["BABEL_DEFAULT_LOCALE"])


def _revision(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def _precache(lang: str) -> list[dict]:
    """Every shell file with a revision from its bytes: a changed file changes the worker."""
    static = current_app.static_folder
    entries = []
    for name in SHELL_ASSETS:
        with open(f"{static}/{name}", "rb") as fh:
            entries.append({"url": url_for("static", filename=name), "revision": _revision(
                fh.read())})
    loader = current_app.jinja_env.loader
    if loader is None:  # Flask always gives its environment one
        raise RuntimeError("No template loader")
    shell = loader.get_source(current_app.jinja_env, "offline/shell.html")
    entries.append({"url": url_for("offline.shell", lang=lang),
                    "revision": _revision(shell[0].encode(), *(e["revision"].encode()
                                                                for e in entries))})
    return entries


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope covers the whole app."""
    lang = _language()
    with open(f"{current_app.static_folder}/js/sw.js", "rb") as fh:
        body = fh.read().decode()
    config = {"shell": url_for("offline.shell", lang=lang), "precache": _precache(lang),
              "workbox": url_for("static", filename="vendor/workbox/")}
    script = f"self.SHAKIRT = {json.dumps(config)};\n{body}"
    return Response(script, mimetype="text/javascript", headers={
        "Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: name, colours, icons — Shakirt can be installed on a phone."""
    icons = [
        {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
         "type": "image/png", "purpose": "any"},
        {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "any"},
        {"src": url_for("static", filename="icons/icon-maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
    ]
    body = {
        "name": "Shakirt", "short_name": "Shakirt",
        "description": _("Дуальное обучение: практика, наставники, трудоустройство"),
        "lang": str(request.accept_languages.best_match(current_app.config["LANGUAGES"])
                    or current_app.config["BABEL_DEFAULT_LOCALE"]),
        "start_url": url_for("home.index"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b5d7a", "icons": icons,
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/offline")
def shell():
    """The page a phone without signal is shown: the same for everyone, no user's data in it;
    the week or the queue it shows come from the phone's own storage."""
    with force_locale(_language()):
        return render_template("offline/shell.html", offline_shell=True)


@bp.get("/offline/token")
def token():
    """A fresh CSRF token for the session, for writes queued under one that has expired."""
    if not current_user.is_authenticated:
        return _signed_out()
    return _answer({"csrf_token": generate_csrf(), "user": current_user.id})


@bp.get("/offline/snapshot")
def snapshot():
    """The trainee's current week or the foreman's queue, for the phone to keep offline."""
    if not current_user.is_authenticated:
        return _signed_out()
    return _answer(queries.snapshot(current_user, clock.today()))


def _payload() -> dict | None:
    """The queued write: JSON, or a form with the photos taken for the day (multipart)."""
    if request.mimetype == "multipart/form-data":
        return request.form.to_dict()
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else None


def _json_form(form_class, payload: dict):
    data = MultiDict({name: str(value) for name, value in payload.items()
                      if isinstance(value, str | int | float | bool) and value is not None})
    data.setdefault("csrf_token", request.headers.get("X-CSRFToken", ""))
    return form_class(formdata=data, meta={"csrf": current_app.config["WTF_CSRF_ENABLED"]})


def _stored(write: OfflineWrite, replayed: bool) -> Response:
    return _answer({
        "key": write.key, "outcome": write.outcome.value, "message": write.message,
        "replayed": replayed, "typed": write.typed,
        "server": queries.entry_now(current_user, write.entry_id),
    }, STATUS[write.outcome])


def _refused(message: str, status: int = 422) -> Response:
    return _answer({"outcome": "refused", "message": message}, status)


@bp.post("/offline/writes")
@csrf.exempt  # the form checks the token itself, so an expired one is answered in JSON
def write():
    """Take one write queued on the phone: done once, a replay answered with the same outcome."""
    if not current_user.is_authenticated:
        return _signed_out()
    payload = _payload()
    kind = payload.get("kind") if payload is not None else None
    forms = {ENTRY: QueuedEntryForm, APPROVAL: QueuedApprovalForm}
    form_class = forms.get(kind) if isinstance(kind, str) else None
    form = _json_form(form_class, payload) if form_class and payload is not None else None
    if form is None:
        return _refused(_("Запись с телефона повреждена — отправить её нельзя."), 400)
    if not form.validate():
        if "csrf_token" in form.errors:
            return _answer({"outcome": "csrf", "message": _(
                "Сеанс обновился — телефон получит новый ключ и отправит запись снова.")}, 403)
        errors = [str(m) for messages in form.errors.values() for m in messages]
        return _refused(" ".join(dict.fromkeys(errors)))
    key = form.key.data
    stored = queries.stored_answer(current_user, key)
    if stored is not None:
        return _stored(stored, replayed=True)
    try:
        if kind == ENTRY:
            return _write_entry(form, key)
        return _approve(form, key)
    except KeyTaken:
        # A copy of the same write got there first: answer as it was answered.
        db.session.rollback()
        answered = queries.stored_answer(current_user, key)
        if answered is None:  # the other copy was undone after all: an error, the phone retries
            raise
        return _stored(answered, replayed=True)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A write above MAX_CONTENT_LENGTH is refused before it is read; the phone keeps it."""
    return _refused(_("Фото к записи вместе больше %(mb)s МБ: запись осталась на телефоне. "
                      "Уберите её и сохраните день с меньшим числом фото.",
                      mb=megabytes(current_app.config.get("MAX_CONTENT_LENGTH") or 0)), 413)


def _scoped(model, object_id: int):
    """One object within the user's scope, or None (answered as not found, never its data)."""
    if not 0 < object_id <= INT_MAX:  # no database could hold it: nobody's object
        return None
    return db.session.scalar(select(model).where(model.id == object_id,
                                                 scope_of(model, current_user)))


def _not_found() -> Response:
    return _refused(_("Такой записи или договора у вас нет — запись осталась на телефоне."), 404)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _write_entry(form: QueuedEntryForm, key: str) -> Response:
    if not is_student(current_user):
        return _refused(_("Дневник ведёт только сам практикант."), 403)
    day = _parse_day(form.work_date.data)
    if form.placement.data is None or day is None:
        return _refused(_("Запись с телефона повреждена — отправить её нельзя."), 400)
    if form.hours.data is None or not form.activity.data:
        return _refused(_("Укажите часы и что сделано за день."))
    placement = _scoped(Placement, form.placement.data)
    if placement is None:
        return _not_found()
    typed = TypedEntry(placement.id, day, form.hours.data, form.activity.data,
                       form.version.data, form.submit.data == "1")
    uploads = [f for f in request.files.getlist("photos") if f and f.filename]

    def act() -> OfflineWrite:
        if not uploads:
            return write_entry(current_user, placement, typed, key=key, today=clock.today(),
                               now=utcnow())
        limits = UploadLimits.from_config(current_app.config)
        photos = [accept_upload(upload, limits) for upload in uploads]
        with kept_on_commit(db.session):  # a refusal or a failed commit deletes the files
            return write_entry(current_user, placement, typed, key=key, today=clock.today(),
                               now=utcnow(), photos=photos)

    return _run(key, ENTRY, typed.as_stored(), act)


def _approve(form: QueuedApprovalForm, key: str) -> Response:
    if not is_mentor(current_user):
        return _refused(_("Подписывать записи может только наставник этого практиканта."), 403)
    if form.entry.data is None:
        return _refused(_("Запись с телефона повреждена — отправить её нельзя."), 400)
    entry = _scoped(DiaryEntry, form.entry.data)
    if entry is None:
        return _not_found()
    typed = {"entry": entry.id, "version": form.version.data}
    return _run(key, APPROVAL, typed, lambda: approve_entry(
        current_user, entry, form.version.data, key=key, now=utcnow()), entry.id)


def _run(key: str, kind: str, typed: dict, act, entry_id: int | None = None) -> Response:
    """Do the write and its key in one transaction; a refusal is kept under the key instead."""
    try:
        written = act()
    except RuleViolation as refusal:
        db.session.rollback()
        written = record_refusal(current_user, key, kind, typed, refusal_of(refusal), entry_id)
    db.session.commit()
    return _stored(written, replayed=False)
