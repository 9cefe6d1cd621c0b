"""Forms of the working calendar: an absence, its review, a break, the group's schedule."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FileField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import BaseForm
from app.labels import label
from app.models import AbsenceKind

TOO_LONG = _l("Не длиннее %(max)d символов.")
WEEKDAY_NAMES = (_l("понедельник"), _l("вторник"), _l("среда"), _l("четверг"), _l("пятница"),
                 _l("суббота"), _l("воскресенье"))


class AbsenceForm(BaseForm):
    first_day = DateField(_l("С"), validators=[InputRequired(_l("Укажите первый день."))])
    last_day = DateField(_l("По (включительно)"), validators=[Optional()])
    kind = SelectField(_l("Вид пропуска"), validators=[InputRequired(_l("Выберите вид пропуска."))])
    note = TextAreaField(_l("Пояснение"), validators=[Length(max=2000, message=TOO_LONG)])
    document = FileField(_l("Документ (необязательно)"),
                         render_kw={"accept": "image/*,application/pdf"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, label(kind)) for kind in AbsenceKind]

    @property
    def chosen_kind(self) -> AbsenceKind:
        return AbsenceKind(self.kind.data)


class AbsenceReviewForm(BaseForm):
    comment = TextAreaField(_l("Комментарий"), validators=[Length(max=2000, message=TOO_LONG)])
    confirm = SubmitField(_l("Подтвердить"))
    dispute = SubmitField(_l("Оспорить"))


class BreakForm(BaseForm):
    starts_on = DateField(_l("Начало перерыва"),
                          validators=[InputRequired(_l("Укажите начало перерыва."))])
    planned_return_on = DateField(_l("Плановая дата возвращения"),
                                  validators=[InputRequired(_l("Укажите дату возвращения."))])
    reason = TextAreaField(_l("Причина"), validators=[DataRequired(_l("Укажите причину перерыва.")),
                                                      Length(max=2000, message=TOO_LONG)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScheduleForm(BaseForm):
    weekdays = MultiCheckboxField(_l("Дни на предприятии"), coerce=int,
                                  choices=[SelectChoice(i, name)
                                           for i, name in enumerate(WEEKDAY_NAMES)])
    enterprise_weeks = IntegerField(
        _l("Недель на предприятии подряд"), default=1,
        validators=[InputRequired(_l("Укажите число недель.")),
                    NumberRange(1, 52, _l("От 1 до 52."))])
    college_weeks = IntegerField(
        _l("Недель в колледже подряд"), default=0,
        validators=[InputRequired(_l("Укажите число недель (0 — каждая неделя одинакова).")),
                    NumberRange(0, 52, _l("От 0 до 52."))])
    cycle_start = DateField(_l("Начало цикла (неделя на предприятии)"),
                            validators=[InputRequired(_l("Укажите дату начала цикла."))])
    planned_share_percent = IntegerField(
        _l("Плановая доля учебного времени на предприятии, %"), default=60,
        validators=[InputRequired(_l("Укажите плановую долю.")),
                    NumberRange(1, 100, _l("От 1 до 100."))])

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("В графике нет ни одного дня на предприятии: отметьте "
                                     "хотя бы один день."))
