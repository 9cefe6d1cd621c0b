"""The base form every form of the app derives from: input is normalised here, once.

Every text field is stripped and put in Unicode NFC; control characters (NUL and the like) and
bidirectional overrides are refused with a message on the field; numeric fields take ASCII digits
only (a full-width `７` is not seven hours) and integers stay within the database's range.
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FloatField,
    Form,
    IntegerField,
    PasswordField,
    StringField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import Field
from wtforms.validators import StopValidation

# Line breaks and tabs are text in a multi-line field; every other C0/C1 control is not.
MULTILINE_ALLOWED = frozenset("\n\r\t")
# Explicit embeddings, overrides and isolates reorder what a reader sees ("Trojan source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The range of the databases' INTEGER column.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
ASCII_NUMBER = re.compile(r"\s*[+-]?[0-9]*(?:[.,][0-9]*)?\s*", re.ASCII)


def strip_text(value):
    """A WTForms filter: surrounding whitespace off text, other values as they are."""
    return value.strip() if isinstance(value, str) else value


def nfc(value):
    """A WTForms filter: text in Unicode normal form C (one spelling of `й`), others as is."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def has_control(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """True when the text holds a control character (category Cc) other than `allowed`."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def has_bidi_control(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def clean_query_text(text: str) -> str:
    """A query-string value as a search may use it: NFC, no control or bidi characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS
    )


def _texts(field: Field) -> list[str]:
    data = field.data
    if isinstance(data, str):
        return [data]
    if isinstance(data, list | tuple):
        return [item for item in data if isinstance(item, str)]
    return []


def _is_multiline(field: Field) -> bool:
    return field.type == "TextAreaField"


def refuse_hostile_text(form, field: Field) -> None:
    """A validator: no control characters, no bidi overrides."""
    allowed = MULTILINE_ALLOWED if _is_multiline(field) else frozenset()
    raw = [value for value in (field.raw_data or []) if isinstance(value, str)]
    for text in [*raw, *_texts(field)]:
        if has_control(text, allowed):
            raise StopValidation(_l("Поле содержит недопустимые управляющие символы."))
        if has_bidi_control(text):
            raise StopValidation(
                _l("Поле содержит символы смены направления текста: уберите их.")
            )


def refuse_non_ascii_number(form, field: Field) -> None:
    """A validator for numbers: digits 0–9 only, integers within the database's range."""
    if field.process_errors:
        return  # the field's own parse error says it already
    raw = field.raw_data[0] if field.raw_data else ""
    if isinstance(raw, str) and raw and not ASCII_NUMBER.fullmatch(raw):
        raise StopValidation(_l("Введите число цифрами 0–9."))
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool) and not INT_MIN <= data <= INT_MAX:
        raise StopValidation(_l("Слишком большое число."))


class DecimalTextField(StringField):
    """A decimal typed as text: shown back as typed, or as the plain number it holds."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(Decimal(self.data).normalize(), "f")


class AmountField(DecimalTextField):
    """A sum of money as people type it: "150 000", "150,000", "85000,50" or "85000.50"; empty
    is None.
    Digits 0–9 only; control characters are left to `refuse_hostile_text`."""

    # Spaces people put between thousands: a plain, a no-break and a narrow no-break space.
    GROUPING = re.compile(r"[ \u00a0\u202f]")
    AMOUNT = re.compile(r"-?[0-9]+(?:[.,][0-9]{1,2})?", re.ASCII)
    # Commas between thousands, as English readers write them: "150,000", "85,000.50". A sum
    # has at most two decimals, so three digits after a comma are never a fraction.
    COMMA_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?", re.ASCII)

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        text = self.GROUPING.sub("", raw.strip()) if isinstance(raw, str) else ""
        self.data = None
        if not text or has_control(text) or has_bidi_control(text):
            return
        if self.COMMA_GROUPED.fullmatch(text):
            text = text.replace(",", "")
        if not self.AMOUNT.fullmatch(text):
            raise ValueError(_l("Введите сумму цифрами, например 150 000 или 85 000,50."))
        if text.startswith("-"):
            raise ValueError(_l("Сумма не может быть отрицательной."))
        self.data = Decimal(text.replace(",", "."))


def chosen_id(field: Field) -> int | None:
    """A select's submitted id before validation, when it is one the database could hold
    (choices that depend on it are built first, so hostile values must not reach a query)."""
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool) and 0 < data <= INT_MAX:
        return data
    return None


# Dates a person can mean in this app: nobody was born, trained or hired outside these years,
# and date arithmetic (a check due 12 months after a hire) never leaves Python's range.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)


def refuse_implausible_date(form, field: Field) -> None:
    """A validator for dates: within EARLIEST_DATE–LATEST_DATE."""
    data = field.data
    if isinstance(data, date) and not EARLIEST_DATE <= data <= LATEST_DATE:
        raise StopValidation(_l("Проверьте дату: допустимы годы с %(first)s по %(last)s.",
                                first=EARLIEST_DATE.year, last=LATEST_DATE.year))


def refuse_impossible_choice(form, field: Field) -> None:
    """A validator for selects whose choices are ids: a submitted number no database could hold
    is nobody's choice (selects that skip WTForms' choice check leave the rest to the service)."""
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(v, int) and not isinstance(v, bool) and not INT_MIN <= v <= INT_MAX
           for v in values):
        raise StopValidation(_l("Выберите вариант из списка."))


def is_numeric(field: Field) -> bool:
    """Numeric fields: WTForms' own, and text fields that parse a number (`numeric = True`)."""
    return isinstance(field, IntegerField | DecimalField | FloatField) or getattr(
        field, "numeric", False
    )


class NormalisingMeta:
    """Binds the input rules to every field of a form, without touching the class's fields."""

    def bind_field(self, form, unbound_field, options):
        field = unbound_field.bind(form=form, **options)
        if isinstance(field, PasswordField):
            return field  # a password is taken exactly as typed
        if field.type not in {"FormField", "FieldList", "FileField", "MultipleFileField"}:
            field.filters = [strip_text, nfc, *field.filters]
            rules = [refuse_hostile_text]
            if is_numeric(field):
                rules.append(refuse_non_ascii_number)
            if isinstance(field, DateField):
                rules.append(refuse_implausible_date)
            if isinstance(field, SelectFieldBase):
                rules.append(refuse_impossible_choice)
            field.validators = [*rules, *field.validators]
        return field


class BaseForm(FlaskForm):
    """Strips, normalises and guards every field (see the module's docstring)."""

    class Meta(NormalisingMeta):
        pass


class BaseSubForm(Form):
    """A sub-form inside a BaseForm (FormField rows): the same rules, no CSRF of its own."""

    class Meta(NormalisingMeta):
        pass


class ActionForm(BaseForm):
    """An empty CSRF-protected form for button actions (logout, approve, activate)."""
