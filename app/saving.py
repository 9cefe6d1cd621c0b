"""The view side of a service call: commit once, or roll back and show the refusal.

    with commit_or_show(form) as saving:
        placement = services.create_placement(...)
    if saving.saved:
        return redirect(...)
    return render_template(..., form=form), 422

A refusal is shown one way (`show_refusal`): under the field it names; else in the form's
summary at the top of the page; with no form shown again (a button that redirects), as a flash
on the next page.
"""

from collections.abc import Callable
from types import TracebackType

from flask import flash, render_template
from sqlalchemy.exc import IntegrityError
from wtforms import Form

from app.extensions import db
from app.rules import RuleViolation


def show_refusal(form: Form | None, refusal: RuleViolation) -> None:
    """Put the refusal's words on the field it names, the form's summary, or a flash."""
    field = form._fields.get(refusal.field) if form is not None and refusal.field else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    elif form is not None:
        form.form_errors.append(refusal.message)
    else:
        flash(refusal.message, "error")


class Saving:
    """The outcome of one `with commit_or_show(...)` block: saved, or the refusal shown."""

    def __init__(self, form: Form | None,
                 duplicate: Callable[[], RuleViolation] | None) -> None:
        self.form = form
        self.duplicate = duplicate
        self.saved = False
        self.refusal: RuleViolation | None = None

    def __enter__(self) -> "Saving":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> bool:
        if error is None:
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                if self.duplicate is None:
                    raise
                self._refused(self.duplicate())
            else:
                self.saved = True
            return False
        if isinstance(error, RuleViolation):
            db.session.rollback()
            self._refused(error)
            return True
        if isinstance(error, IntegrityError) and self.duplicate is not None:
            db.session.rollback()
            self._refused(self.duplicate())
            return True
        return False

    def _refused(self, refusal: RuleViolation) -> None:
        self.refusal = refusal
        show_refusal(self.form, refusal)


def commit_or_show(form: Form | None,
                   duplicate: Callable[[], RuleViolation] | None = None) -> Saving:
    """Commit what the block's services did; on a RuleViolation roll back and show it.

    `form` is the form the page shows again (None for a button that redirects: the refusal is
    flashed). A double-submitted create form loses the race at the unique index: `duplicate`
    gives the same friendly refusal the service would have given for the second submit.
    """
    return Saving(form, duplicate)


def render_form(form: Form, title: str, back: str, hints: dict | None = None,
                subtitle: str | None = None) -> str:
    """A page with one form: every field with its label, hint and inline errors."""
    return render_template("organisations/form.html", form=form, title=title, back=back,
                           hints=hints or {}, subtitle=subtitle)
