"""Forms of the acceptance steps: each carries the version of the page it was shown on."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from app.forms import BaseForm

STALE_PAGE = _l("Страница устарела: откройте договор заново.")


def version_field() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[
        InputRequired(STALE_PAGE), NumberRange(min=1, max=2**31 - 1, message=STALE_PAGE)])


class StepForm(BaseForm):
    """Send, accept, acknowledge: a button with the page's version."""

    version = version_field()


class DeclineForm(BaseForm):
    version = version_field()
    reason = TextAreaField(
        _l("Причина отказа"),
        validators=[DataRequired(_l("Укажите причину отказа.")), Length(max=2000)],
    )


class GuardianForm(BaseForm):
    """The guardian's confirmation on the one-time link's page."""

    agree = BooleanField(
        _l("Я ознакомился(-лась) с условиями договора и согласен(-на) на прохождение "
           "практики"),
        validators=[DataRequired(_l("Отметьте, что вы согласны с договором."))],
    )
