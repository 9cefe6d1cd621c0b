"""Forms of an entry's files: the upload (CSRF-protected; the files are judged by the service
layer, not by WTForms) and the remove button."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SubmitField

from app.forms import ActionForm, BaseForm


class EvidenceForm(BaseForm):
    camera = MultipleFileField(_l("Сфотографировать"))
    files = MultipleFileField(_l("Выбрать фото или PDF"))
    upload = SubmitField(_l("Загрузить"))


class RemoveEvidenceForm(ActionForm):
    remove = SubmitField(_l("Удалить"))
