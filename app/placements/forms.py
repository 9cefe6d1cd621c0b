"""Forms of the placement pages."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import AmountField, BaseForm


def _optional_id(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class PlacementForm(BaseForm):
    """The terms of a dual-training agreement; the service checks every rule again."""

    # Choices are the coordinator's own; the service refuses any other id on its own.
    student_id = SelectField(_l("Студент"), coerce=_optional_id, validate_choice=False,
                             validators=[DataRequired(_l("Выберите студента."))])
    mentor_id = SelectField(_l("Наставник"), coerce=_optional_id, validate_choice=False,
                            validators=[DataRequired(_l("Выберите наставника."))])
    department_id = SelectField(_l("Цех / отдел"), coerce=_optional_id, validate_choice=False,
                                validators=[Optional()])
    start_date = DateField(_l("Дата начала"),
                           validators=[InputRequired(_l("Укажите дату начала."))])
    end_date = DateField(_l("Дата окончания"),
                         validators=[InputRequired(_l("Укажите дату окончания."))])
    required_hours = IntegerField(
        _l("Требуемые часы практики"),
        validators=[InputRequired(_l("Укажите количество часов."))],
    )
    agreement_number = StringField(_l("Номер договора"), validators=[Length(max=40)])
    parent_consent_on = DateField(_l("Дата согласия родителя (для несовершеннолетних)"),
                                  validators=[Optional()])
    compensation_amount = AmountField(_l("Компенсационная выплата, ₸ в месяц"),
                                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    compensation_rule = StringField(_l("Порядок компенсационной выплаты"),
                                    validators=[Length(max=300)])

    def set_choices(self, students, mentors, departments) -> None:
        def options(rows, empty):
            return [SelectChoice("", empty), *(SelectChoice(v, label) for v, label in rows)]

        self.student_id.choices = options(students, _l("— выберите —"))
        # Each mentor and workshop names its enterprise: static/js/placement-form.js then
        # offers only the chosen mentor's workshops (the service refuses any other anyway).
        self.mentor_id.choices = [
            SelectChoice("", _l("— выберите —")),
            *(SelectChoice(v, label, render_kw={"data-enterprise": enterprise_id})
              for v, label, enterprise_id in mentors),
        ]
        self.department_id.choices = [
            SelectChoice("", _l("— не указан —")),
            *(SelectChoice(v, name, optgroup=enterprise,
                           render_kw={"data-enterprise": enterprise_id})
              for v, name, enterprise, enterprise_id in departments),
        ]

    def terms(self) -> dict:
        """The submitted terms as service keyword arguments."""
        return {
            "student_id": self.student_id.data,
            "mentor_id": self.mentor_id.data,
            "department_id": self.department_id.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "required_hours": self.required_hours.data,
            "agreement_number": self.agreement_number.data or "",
            "parent_consent_on": self.parent_consent_on.data,
            "compensation_amount": self.compensation_amount.data,
            "compensation_rule": self.compensation_rule.data or "",
        }


class TerminationForm(BaseForm):
    on = DateField(_l("Дата расторжения"),
                   validators=[InputRequired(_l("Укажите дату расторжения."))])
    reason = TextAreaField(
        _l("Причина"),
        validators=[DataRequired(_l("Укажите причину расторжения.")), Length(max=2000)],
    )
