"""The view side of a service call: commit on success; on a refusal roll back and show it."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from sqlalchemy.exc import IntegrityError
from wtforms import Form

from app.extensions import db
from app.rules import RuleViolation

T = TypeVar("T")


def show_on(form: Form, violation: RuleViolation) -> None:
    """Put the refusal under its field, or above the form when it names none of its fields."""
    field = form._fields.get(violation.field) if violation.field else None
    if field is not None:
        field.errors = [*field.errors, violation.message]
    else:
        flash(violation.message, "error")


def commit_or_show(form: Form, action: Callable[[], T],
                   duplicate: Callable[[], RuleViolation] | None = None) -> T | None:
    """Run the service and commit; None when refused (nothing is written).

    A double-submitted create form loses the race at the unique index: `duplicate` gives the
    same friendly refusal the service would have given for the second submit.
    """
    try:
        result = action()
        db.session.commit()
    except RuleViolation as violation:
        db.session.rollback()
        show_on(form, violation)
        return None
    except IntegrityError:
        db.session.rollback()
        if duplicate is None:
            raise
        show_on(form, duplicate())
        return None
    return result


def render_form(form: Form, title: str, back: str, hints: dict | None = None,
                subtitle: str | None = None) -> str:
    """A page with one form: every field with its label, hint and inline errors."""
    from flask import render_template

    return render_template("organisations/form.html", form=form, title=title, back=back,
                           hints=hints or {}, subtitle=subtitle)
