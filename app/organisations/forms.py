"""Forms for colleges, specialties, groups and enterprises."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import BaseForm
from app.organisations import legal

_REQUIRED = _l("Заполните это поле.")
_KAZAKH_NAME = _l("Название на казахском")
KAZAKH_NAME_HINT = _l("Необязательно. Кто читает по-казахски, видит это название; если пусто — "
                      "русское.")


def _kazakh_name(length: int = 200) -> StringField:
    """The optional Kazakh name beside the name, as long as the name may be."""
    return StringField(_KAZAKH_NAME, validators=[Length(max=length)])


def _required() -> DataRequired:
    return DataRequired(_REQUIRED)


class CollegeForm(BaseForm):
    name = StringField(_l("Название"), validators=[_required(), Length(max=200)])
    name_kk = _kazakh_name()
    city = StringField(_l("Город"), validators=[_required(), Length(max=100)])
    bin = StringField(_l("БИН"), validators=[_required(), Length(max=12)])


legal.add_form_fields(CollegeForm)


class SpecialtyForm(BaseForm):
    code = StringField(_l("Код по классификатору"), validators=[_required(), Length(max=20)])
    name = StringField(_l("Название"), validators=[_required(), Length(max=200)])
    name_kk = _kazakh_name()
    qualification = StringField(_l("Квалификация"), validators=[_required(), Length(max=200)])
    competencies = TextAreaField(_l("Компетенции (по одной в строке: код и название)"),
                                 validators=[Length(max=20_000)])
    competencies_kk = TextAreaField(
        _l("Названия компетенций на казахском (по одной в строке: код и название)"),
        validators=[Length(max=20_000)])


class GroupForm(BaseForm):
    code = StringField(_l("Код группы"), validators=[_required(), Length(max=30)])
    intake_year = IntegerField(
        _l("Год набора"),
        validators=[DataRequired(_l("Укажите год.")),
                    NumberRange(1990, 2100, _l("Год от 1990 до 2100."))],
    )
    # Choices are the college's specialties; a foreign id is refused by the service.
    specialty_id = SelectField(_l("Специальность"), coerce=int, validate_choice=False)


class EnterpriseForm(BaseForm):
    name = StringField(_l("Название"), validators=[_required(), Length(max=200)])
    name_kk = _kazakh_name()
    bin = StringField(_l("БИН"), validators=[_required(), Length(max=12)])
    city = StringField(_l("Город"), validators=[_required(), Length(max=100)])
    industry = StringField(_l("Отрасль"), validators=[Length(max=100)])
    intake_capacity = IntegerField(
        _l("Мест для практикантов в год"), default=0,
        validators=[Optional(), NumberRange(0, 100_000, _l("Число от 0 до 100000."))],
    )
    contact_name = StringField(_l("Контактное лицо"), validators=[Length(max=200)])
    contact_phone = StringField(_l("Телефон"), validators=[Length(max=40)])
    contact_email = StringField(_l("Электронная почта"), validators=[Length(max=254)])

    def service_fields(self) -> dict:
        return {
            "name": self.name.data, "name_kk": self.name_kk.data, "city": self.city.data,
            "industry": self.industry.data,
            "intake_capacity": self.intake_capacity.data or 0,
            "contact_name": self.contact_name.data, "contact_phone": self.contact_phone.data,
            "contact_email": self.contact_email.data, **legal.form_values(self),
        }


legal.add_form_fields(EnterpriseForm, compensation=True)


class EnterpriseEditForm(EnterpriseForm):
    bin = None  # the BIN is the enterprise's identity: shown, not edited


class DepartmentForm(BaseForm):
    name = StringField(_l("Цех или отдел"), validators=[_required(), Length(max=200)])
    name_kk = _kazakh_name()
