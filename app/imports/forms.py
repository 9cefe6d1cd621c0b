"""Forms of the import pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.forms import BaseForm, BaseSubForm, strip_text
from app.imports.columns import KIND_LABELS


class UploadForm(BaseForm):
    kind = SelectField(
        _l("Что загружаем"),
        choices=[SelectChoice(key, label) for key, label in KIND_LABELS.items()],
        validate_choice=True,
    )
    file = FileField(_l("Файл CSV или XLSX"))


class SpecialtyChoice(BaseSubForm):
    """For one specialty name the college does not know: an existing one, or a new one."""

    name = HiddenField(filters=[strip_text], validators=[Length(max=200)])
    specialty = SelectField(_l("Специальность колледжа"), choices=[], validate_choice=True)
    code = StringField(_l("Код классификатора для новой специальности"),
                       filters=[strip_text], validators=[Length(max=20)])
    qualification = StringField(_l("Квалификация (для новой специальности)"),
                                filters=[strip_text], validators=[Length(max=200)])


class SpecialtyChoicesForm(BaseForm):
    entries = FieldList(FormField(SpecialtyChoice), max_entries=100)
