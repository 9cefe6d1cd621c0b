"""Forms for students, mentors, employer representatives and coordinators."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import BaseForm

_REQUIRED = _l("Заполните это поле.")


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class StudentForm(BaseForm):
    full_name = StringField(_l("ФИО"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    iin = StringField(_l("ИИН"), validators=[DataRequired(_REQUIRED), Length(max=12)])
    # Choices are the college's groups; a foreign id is refused by the service.
    group_id = SelectField(_l("Группа"), coerce=_optional_int, validate_choice=False)
    phone = StringField(_l("Телефон"), validators=[Length(max=40)])
    email = StringField(_l("Электронная почта"), validators=[Length(max=254)])
    guardian_name = StringField(_l("Родитель или законный представитель"),
                                validators=[Length(max=200)])
    guardian_phone = StringField(_l("Телефон родителя"), validators=[Length(max=40)])
    # Shown only when the service asks (an unusual age from the IIN); see confirm_only_if_asked.
    age_confirmed = BooleanField(_l("Возраст подтверждаю"))

    def service_fields(self) -> dict:
        return {name: self[name].data for name in (
            "full_name", "iin", "group_id", "phone", "email", "guardian_name", "guardian_phone",
            "age_confirmed")}

    def confirm_only_if_asked(self) -> "StudentForm":
        """Drop the age confirmation from the page unless it was asked for or ticked."""
        if not self.age_confirmed.errors and not self.age_confirmed.data:
            del self.age_confirmed
        return self


def _configured_cap() -> int:
    """A new foreman's cap of trainees at once, as the deployment configures it."""
    return int(current_app.config["MENTOR_TRAINEE_CAP"])


class PersonForm(BaseForm):
    full_name = StringField(_l("ФИО"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    email = StringField(_l("Электронная почта"), validators=[Length(max=254)])
    phone = StringField(_l("Телефон"), validators=[Length(max=40)])


class MentorForm(PersonForm):
    enterprise_id = SelectField(_l("Предприятие"), coerce=_optional_int, validate_choice=False)
    department_id = SelectField(_l("Цех или отдел"), coerce=_optional_int, validate_choice=False)
    position = StringField(_l("Должность"), validators=[Length(max=200)])
    trainee_cap = IntegerField(
        _l("Сколько практикантов одновременно"), default=_configured_cap,
        validators=[InputRequired(_l("Укажите число.")),
                    NumberRange(1, 100, _l("Число от 1 до 100."))],
    )

    def service_fields(self) -> dict:
        return {name: self[name].data for name in (
            "full_name", "email", "phone", "department_id", "position", "trainee_cap")}


class MentorEditForm(MentorForm):
    enterprise_id = None


class EmployerForm(PersonForm):
    pass


class CoordinatorForm(PersonForm):
    email = StringField(_l("Электронная почта"),
                        validators=[DataRequired(_REQUIRED), Length(max=254)])
