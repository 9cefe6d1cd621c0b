"""Forms of the outcomes ledger."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import BaseForm
from app.labels import label
from app.models import OfferStatus, OutcomeKind
from app.outcomes.services import MAX_NAME, MAX_NOTE

_DATE = _l("Дата в формате ГГГГ-ММ-ДД.")
_LONG = _l("Не длиннее %(max)d символов.")


class NewOutcomeForm(BaseForm):
    graduated_on = DateField(_l("Дата выпуска"),
                             validators=[InputRequired(_l("Укажите дату выпуска."))])
    placement = SelectField(_l("Договор с базовым предприятием"), coerce=int,
                            validate_choice=True)


class OutcomeForm(BaseForm):
    outcome = SelectField(_l("Исход"), validators=[DataRequired()])
    employer_name = StringField(_l("Работодатель"), validators=[Length(max=MAX_NAME,
                                                                     message=_LONG)])
    position = StringField(_l("Должность"), validators=[Length(max=MAX_NAME, message=_LONG)])
    outcome_date = DateField(_l("Дата трудоустройства или исхода"), validators=[Optional()])
    note = TextAreaField(_l("Примечание"), validators=[Length(max=MAX_NOTE, message=_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [SelectChoice(k.value, label(k)) for k in OutcomeKind]


class OfferForm(BaseForm):
    offer_status = SelectField(_l("Предложение о работе"), validators=[DataRequired()])
    offer_date = DateField(_l("Дата предложения"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_status.choices = [SelectChoice(s.value, label(s)) for s in OfferStatus]


class HireForm(BaseForm):
    position = StringField(_l("Должность"), validators=[
        DataRequired(_l("Укажите должность.")), Length(max=MAX_NAME, message=_LONG)])
    hired_on = DateField(_l("Дата приёма на работу"),
                         validators=[InputRequired(_l("Укажите дату приёма на работу."))])


class RetentionCheckForm(BaseForm):
    months = SelectField(_l("Срок проверки"), coerce=int,
                         choices=[SelectChoice(6, _l("через 6 месяцев")),
                                  SelectChoice(12, _l("через 12 месяцев"))])
    checked_on = DateField(_l("Дата проверки"),
                           validators=[InputRequired(_l("Укажите дату проверки."))])
    still_employed = RadioField(_l("Выпускник работает"), validators=[InputRequired(
        _l("Отметьте, работает ли выпускник."))],
        choices=[SelectChoice("yes", _l("да, работает")), SelectChoice("no", _l("нет, уволился"))])
    note = TextAreaField(_l("Примечание"), validators=[Length(max=MAX_NOTE, message=_LONG)])


class PlacementOfferForm(BaseForm):
    """The host's offer during the placement: the next state and its date."""

    offer_status = SelectField(_l("Предложение о работе"),
                               validators=[DataRequired(_l("Выберите состояние предложения."))])
    offer_date = DateField(_l("Дата"), validators=[InputRequired(_l("Укажите дату предложения."))])

    def set_choices(self, statuses) -> None:
        """Offer only the states that may follow the current one."""
        self.offer_status.choices = [SelectChoice(s.value, label(s)) for s in statuses]
