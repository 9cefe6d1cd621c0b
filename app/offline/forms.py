"""The queued writes a phone sends back, checked like any form (JSON in, the same rules)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from app.forms import BaseForm, strip_text
from app.practice.forms import HoursField, VersionField

# A key the phone made up for one write (a UUID); nothing else is taken as one.
KEY = Regexp(r"^[A-Za-z0-9-]{8,64}$", message=_l("Запись с телефона повреждена: нет ключа."))


class QueuedWriteForm(BaseForm):
    key = StringField(validators=[DataRequired(_l("Запись с телефона повреждена: нет ключа.")),
                                  KEY])
    kind = HiddenField(filters=[strip_text])


class QueuedEntryForm(QueuedWriteForm):
    """A diary day typed offline: the date, hours, text and the version it was typed over."""

    placement = VersionField()
    work_date = HiddenField(filters=[strip_text])
    version = VersionField()
    hours = HoursField(_l("Часы"))
    activity = TextAreaField(_l("Что сделано"), validators=[Length(max=10_000)])
    submit = HiddenField(filters=[strip_text])


class QueuedApprovalForm(QueuedWriteForm):
    """The foreman's signature given offline: the entry and the version seen."""

    entry = VersionField()
    version = VersionField()
