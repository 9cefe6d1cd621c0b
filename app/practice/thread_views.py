"""The week's conversation: read it, add to it, change one's own comment (history kept)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.models import Placement, WeekComment, utcnow
from app.policy.practice import may_comment, may_edit_comment
from app.practice.forms import CommentForm, EditCommentForm
from app.practice.thread import edit_comment, post_comment
from app.practice.thread import week_thread as thread_of
from app.practice.views import bp
from app.practice.weeks import Week, parse_week
from app.saving import commit_or_show
from app.scopes import get_scoped_or_404


def _diary_at(placement_id: int, week: Week, anchor: str):
    return redirect(url_for("practice.diary", placement_id=placement_id, week=week.code,
                            _anchor=anchor))


@bp.route("/diary/<int:placement_id>/weeks/<week_code>/comments", methods=["GET", "POST"])
@login_required
def week_thread(placement_id: int, week_code: str):
    """The thread alone (linked from the review page; a refused comment is shown here)."""
    placement = get_scoped_or_404(Placement, placement_id)
    week = parse_week(week_code)
    if week is None:
        abort(404)
    form = CommentForm()
    status = 200
    if form.is_submitted():
        if may_comment(current_user, placement):
            abort(403)
        if form.validate():
            with commit_or_show(form) as saving:
                comment = post_comment(current_user, placement, week, form.body.data or "",
                                       now=utcnow())
            if saving.saved:
                flash(_("Комментарий отправлен."), "success")
                return _diary_at(placement.id, week, f"comment-{comment.id}")
        status = 422
    return render_template("practice/thread.html", placement=placement, week=week,
                           comments=thread_of(current_user, placement, week),
                           comment_form=form), status


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_week_comment(comment_id: int):
    comment = get_scoped_or_404(WeekComment, comment_id)
    if may_edit_comment(current_user, comment):
        abort(403)
    week = Week(comment.week_start)
    form = EditCommentForm(data={"body": comment.body, "version": comment.version})
    status = 200
    if form.is_submitted():
        if form.validate():
            with commit_or_show(form) as saving:
                edit_comment(current_user, comment, form.body.data or "", form.version.data,
                             now=utcnow())
            if saving.saved:
                flash(_("Комментарий изменён; прежний текст сохранён в его истории."),
                      "success")
                return _diary_at(comment.placement_id, week, f"comment-{comment.id}")
            comment = get_scoped_or_404(WeekComment, comment_id)
        status = 422
    return render_template("practice/comment_edit.html", comment=comment, week=week,
                           form=form), status
