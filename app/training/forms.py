"""Forms of the safety induction and the training-plan editors."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields import FieldList, FormField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import BaseForm, BaseSubForm
from app.labels import label
from app.models import InductionKind


class InductionForm(BaseForm):
    kind = SelectField(_l("Вид инструктажа"), choices=[], validate_choice=True,
                       validators=[InputRequired(_l("Выберите вид инструктажа."))])
    held_on = DateField(_l("Дата проведения"),
                        validators=[InputRequired(_l("Укажите дату инструктажа."))])
    instructor = StringField(_l("Кто провёл (ФИО, должность)"),
                             validators=[InputRequired(_l("Укажите, кто провёл инструктаж.")),
                                         Length(max=200)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, label(k)) for k in InductionKind]


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class ModuleRow(BaseSubForm):
    competency_id = HiddenField(filters=[_optional_int])
    hours = IntegerField(_l("Часы"), validators=[Optional()])


class PlanForm(BaseForm):
    """Planned hours per module; the service checks the modules and the range."""

    modules = FieldList(FormField(ModuleRow), max_entries=200)

    def hours(self) -> dict[int, int | None] | None:
        """{competency id: hours}, or None when a row's module can't be read (or none came)."""
        found: dict[int, int | None] = {}
        for row in self.modules:
            cid = row.form.competency_id.data
            if not isinstance(cid, int) or cid in found:
                return None
            found[cid] = row.form.hours.data
        return found or None
