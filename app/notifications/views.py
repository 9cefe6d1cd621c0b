"""The notification list: read, unread, open."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.authentication import is_safe_next
from app.extensions import db
from app.forms import ActionForm
from app.models import Notification, utcnow
from app.notifications import messages, queries, services
from app.scopes import get_scoped_or_404
from app.web import register_nav

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

register_nav("notifications.index", _l("Уведомления"))


@bp.get("")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    unread_only = request.args.get("show") == "unread"
    pager = queries.notifications_of(current_user, page, current_app.config["PAGE_SIZE"],
                                     unread_only)
    return render_template("notifications/index.html", pager=pager, unread_only=unread_only,
                           form=ActionForm(), render_notification=messages.render)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = get_scoped_or_404(Notification, notification_id)
    if ActionForm().validate_on_submit():
        services.mark_read(notification, utcnow())
        db.session.commit()
    # url_for's own keywords (_external: bool…) are matched against the str values of the args.
    return redirect(url_for("notifications.index", **request.args))  # type: ignore[arg-type]


@bp.post("/<int:notification_id>/unread")
@login_required
def unread(notification_id: int):
    notification = get_scoped_or_404(Notification, notification_id)
    if ActionForm().validate_on_submit():
        services.mark_unread(notification)
        db.session.commit()
    # url_for's own keywords (_external: bool…) are matched against the str values of the args.
    return redirect(url_for("notifications.index", **request.args))  # type: ignore[arg-type]


@bp.post("/<int:notification_id>/open")
@login_required
def open_link(notification_id: int):
    """Mark read and go to the notification's page (our own paths only)."""
    notification = get_scoped_or_404(Notification, notification_id)
    if ActionForm().validate_on_submit():
        services.mark_read(notification, utcnow())
        db.session.commit()
    if is_safe_next(notification.link):
        return redirect(notification.link)
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    if ActionForm().validate_on_submit():
        count = services.mark_all_read(current_user.id, utcnow())
        db.session.commit()
        flash(_("Отмечено прочитанными: %(count)s.", count=count), "success")
    return redirect(url_for("notifications.index"))
