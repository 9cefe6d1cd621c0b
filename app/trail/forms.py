"""The trail's filters: a GET form (who, what, which kind of object, which period)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.forms import BaseForm


class TrailFilterForm(BaseForm):
    class Meta:
        csrf = False

    who = StringField(_l("Кто (ФИО или e-mail)"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Действие"), validate_choice=False)
    object_type = SelectField(_l("С чем"), validate_choice=False)
    since = DateField(_l("С даты"), validators=[Optional()])
    until = DateField(_l("По дату"), validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Конец периода раньше его начала."))
