"""Input checks the services of organisations and people share; each raises RuleViolation."""

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.domain import phones
from app.domain.identifiers import is_valid_bin
from app.rules import RuleViolation

_PHONE = re.compile(r"^[0-9+()\-\s]*$")


def text(value: str | None, field: str, max_length: int, required: bool = True) -> str:
    """Stripped text within its length; a required one may not be empty."""
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("Заполните это поле."), field)
    if len(value) > max_length:
        raise RuleViolation(_("Не длиннее %(n)s символов.", n=max_length), field)
    return value


def email(value: str | None, field: str = "email", required: bool = False) -> str:
    """A lower-cased e-mail address, or '' when none is given and none is required."""
    value = text(value, field, 254, required).lower()
    if not value:
        return value
    try:
        # Syntax only: whether the domain takes mail is not asked (no DNS at a form's submit).
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise RuleViolation(_("Укажите адрес электронной почты, например name@example.kz."),
                            field) from None


def phone(value: str | None, field: str = "phone") -> str:
    """A phone number of digits, spaces, +, -, and brackets, in its one written form when valid."""
    value = text(value, field, 40, required=False)
    if not _PHONE.match(value):
        raise RuleViolation(_("Телефон: только цифры, пробелы и знаки + - ( )."), field)
    return phones.written(value)


def bin_number(value: str | None, field: str = "bin") -> str:
    """A BIN of 12 digits with a correct check digit."""
    value = (value or "").strip().replace(" ", "")
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise RuleViolation(_("БИН — 12 цифр."), field)
    if not is_valid_bin(value):
        raise RuleViolation(_("БИН указан с ошибкой: не сходится контрольная цифра."), field)
    return value


def whole_number(value: object, field: str, low: int, high: int) -> int:
    """An integer within [low, high]."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise RuleViolation(_("Укажите целое число."), field) from None
    if not low <= number <= high:
        raise RuleViolation(_("Число от %(low)s до %(high)s.", low=low, high=high), field)
    return number
