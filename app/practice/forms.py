"""Forms of the diary week and of the mentor's review."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, Optional

from app.forms import ActionForm, BaseForm, BaseSubForm, DecimalTextField, strip_text


def _optional_int(value) -> int | None:
    """A select's value: None when empty, -1 when not a number (the service refuses it)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class HoursField(DecimalTextField):
    """Hours as typed: `7`, `7.5` or `7,5`; empty is None; anything else is an error."""

    numeric = True  # the base form takes ASCII digits only

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not text:
            self.data = None
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Часы — это число, например 7 или 7,5.")) from None
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("Часы — это число, например 7 или 7,5."))
        self.data = value


class VersionField(HiddenField):
    """The entry version the page was drawn from; empty for a new entry."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = int(text) if text.isdigit() else None


class DayForm(BaseSubForm):
    """One day of the week (no CSRF of its own: the week form carries it)."""

    work_date = HiddenField(filters=[strip_text])
    version = VersionField()
    hours = HoursField(_l("Часы"))
    activity = TextAreaField(_l("Что сделано"), filters=[strip_text])
    competency = SelectField(_l("Компетенция"), coerce=_optional_int, validate_choice=False)


class WeekForm(BaseForm):
    """The whole week in one form; the day rows strip their own text."""

    days = FieldList(FormField(DayForm), max_entries=14)
    save = SubmitField(_l("Сохранить черновик"))
    submit_week = SubmitField(_l("Отправить неделю"))


class ReviewEntryForm(ActionForm):
    """Approve or reject one entry at the version the mentor saw."""

    version = VersionField()
    next = VersionField()
    comment = TextAreaField(_l("Что исправить"), validators=[Length(max=2000)])
    approve = SubmitField(_l("Подписать"))
    reject = SubmitField(_l("Вернуть"))


def _entry_versions(text: str | None) -> dict[int, int | None]:
    """`12:3 13:1` → {12: 3, 13: 1}; malformed parts are skipped."""
    result: dict[int, int | None] = {}
    for part in (text or "").split()[:50]:
        entry_id, _, version = part.partition(":")
        if entry_id.isdigit():
            result[int(entry_id)] = int(version) if version.isdigit() else None
    return result


class ReviewWeekForm(ActionForm):
    """Approve or reject a trainee's week: the entries shown, each with its version."""

    placement = VersionField()
    week = HiddenField(filters=[strip_text])
    next = VersionField()
    entries = HiddenField()
    comment = TextAreaField(_l("Что исправить"), validators=[Length(max=2000)])
    approve = SubmitField(_l("Подписать всю неделю"))
    reject = SubmitField(_l("Вернуть всю неделю"))

    def entry_versions(self) -> dict[int, int | None]:
        return _entry_versions(self.entries.data)


class UndoSignOffForm(ActionForm):
    """Take back the signatures just given: the entries, each at the version signed."""

    entries = HiddenField()
    next = VersionField()
    undo = SubmitField(_l("Отменить подпись"))

    def entry_versions(self) -> dict[int, int | None]:
        return _entry_versions(self.entries.data)


class CommentForm(BaseForm):
    """A new comment in a week's thread."""

    body = TextAreaField(_l("Комментарий"), validators=[Length(max=2000)])
    post = SubmitField(_l("Отправить комментарий"))


class EditCommentForm(BaseForm):
    """A comment's new text, at the version the author saw."""

    body = TextAreaField(_l("Текст комментария"), validators=[Length(max=2000)])
    version = VersionField()
    save = SubmitField(_l("Сохранить изменения"))


class DeputyForm(BaseForm):
    """A deputy for a foreman from one day to another."""

    mentor = SelectField(_l("Наставник, которого замещают"), coerce=_optional_int,
                         validate_choice=False)
    deputy = SelectField(_l("Заместитель"), coerce=_optional_int, validate_choice=False)
    starts_on = DateField(_l("С какого дня"), validators=[Optional()])
    ends_on = DateField(_l("По какой день (включительно)"), validators=[Optional()])
    save = SubmitField(_l("Назначить заместителя"))
