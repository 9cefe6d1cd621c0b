"""Forms of the import pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.forms import BaseForm
from app.imports.columns import KIND_LABELS


class UploadForm(BaseForm):
    kind = SelectField(
        _l("Что загружаем"),
        choices=[SelectChoice(key, label) for key, label in KIND_LABELS.items()],
        validate_choice=True,
    )
    file = FileField(_l("Файл CSV или XLSX"))
