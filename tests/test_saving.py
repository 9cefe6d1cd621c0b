"""The one commit-or-show helper: a view's services are committed, or rolled back with the
refusal shown on the field it names, in the form's summary, or (no form) as a flash."""

import pytest
from flask import get_flashed_messages
from sqlalchemy import select
from wtforms import Form, StringField

from app.extensions import db
from app.models import College
from app.rules import RuleViolation
from app.saving import commit_or_show
from tests import builders


class NameForm(Form):
    name = StringField()


def _names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(College.name)))


def test_a_block_that_passes_is_committed(app):
    with app.test_request_context():
        with commit_or_show(NameForm()) as saving:
            builders.college(name="Колледж связи")
        db.session.rollback()  # nothing left to lose: the block's work is already committed
        assert saving.saved and saving.refusal is None
        assert "Колледж связи" in _names()


@pytest.mark.parametrize("field, on_field", [("name", True), (None, False), ("other", False)])
def test_a_refusal_is_rolled_back_and_shown_on_its_field_or_the_summary(app, field, on_field):
    with app.test_request_context():
        form = NameForm()
        with commit_or_show(form) as saving:
            builders.college(name="Колледж связи")
            raise RuleViolation("Нельзя.", field)
        assert not saving.saved and saving.refusal is not None
        assert "Колледж связи" not in _names()
        assert (form.name.errors == ["Нельзя."]) is on_field
        assert (form.form_errors == ["Нельзя."]) is not on_field
        assert get_flashed_messages() == []


def test_without_a_form_the_refusal_is_flashed(app):
    with app.test_request_context():
        with commit_or_show(None) as saving:
            raise RuleViolation("Нельзя.")
        assert saving.refusal is not None
        assert get_flashed_messages(with_categories=True) == [("error", "Нельзя.")]


def test_a_lost_race_at_the_unique_index_gives_the_duplicate_refusal(app):
    bin_number = builders.college().bin
    db.session.commit()
    with app.test_request_context():
        form = NameForm()
        with commit_or_show(form, duplicate=lambda: RuleViolation("Уже есть.", "name")) as saving:
            db.session.add(College(name="Копия", city="Риддер", bin=bin_number))
        assert not saving.saved and form.name.errors == ["Уже есть."]
        assert "Копия" not in _names()


def test_other_errors_are_not_swallowed(app):
    with (app.test_request_context(), pytest.raises(ZeroDivisionError),
          commit_or_show(NameForm())):
        _ = 1 / 0
