"""Forms of the acceptance steps: each carries the version of the page it was shown on."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.forms import AmountField, BaseForm

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


def _optional_id(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class ChangeRequestForm(BaseForm):
    """A party's proposal to change an agreement in force: what, the new value, and why."""

    version = version_field()
    kind = SelectField(_l("Что изменить"),
                       validators=[InputRequired(_l("Выберите, что изменить."))])
    mentor_id = SelectField(_l("Новый наставник"), coerce=_optional_id, validate_choice=False,
                            validators=[Optional()])
    start_date = DateField(_l("Новая дата начала"), validators=[Optional()])
    end_date = DateField(_l("Новая дата окончания"), validators=[Optional()])
    required_hours = IntegerField(_l("Новое количество часов"), validators=[Optional()])
    department_id = SelectField(_l("Новый цех"), coerce=_optional_id, validate_choice=False,
                                validators=[Optional()])
    compensation_amount = AmountField(_l("Новая выплата, ₸ в месяц"),
                                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    compensation_rule = StringField(_l("Новый порядок выплаты"), validators=[Length(max=300)])
    on = DateField(_l("Дата расторжения"), validators=[Optional()])
    reason = TextAreaField(_l("Причина"), validators=[
        DataRequired(_l("Укажите причину.")), Length(max=2000)])

    def values(self) -> dict:
        return {"mentor_id": self.mentor_id.data, "start_date": self.start_date.data,
                "end_date": self.end_date.data, "required_hours": self.required_hours.data,
                "department_id": self.department_id.data, "on": self.on.data,
                "compensation_amount": self.compensation_amount.data,
                "compensation_rule": self.compensation_rule.data or ""}


class ChangeAnswerForm(BaseForm):
    comment = TextAreaField(_l("Комментарий"), validators=[Length(max=2000)])
