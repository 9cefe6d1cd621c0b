"""Cell values as offices type them: dates in several spellings, numbers, IINs without zeros."""

import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from app.rules import RuleViolation

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")


def text(value: Any) -> str:
    """A cell as text; whole numbers from spreadsheets lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()


def identifier(value: Any) -> str:
    """An IIN or BIN: spaces dropped, and the leading zero Excel strips from numbers restored."""
    raw = re.sub(r"[\s\u00a0'\"]", "", text(value))
    if raw.isdigit() and 9 <= len(raw) < 12:
        raw = raw.zfill(12)
    return raw


def day(value: Any, field: str) -> date | None:
    """A date from a spreadsheet cell or from DD.MM.YYYY / ISO text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value).split(" ")[0].split("T")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise RuleViolation(
        _("Дата «%(value)s» не распознана: пишите ДД.ММ.ГГГГ, например 01.09.2026.",
          value=text(value)[:40]),
        field,
    )


def whole_number(value: Any, field: str) -> int | None:
    """A whole number from a cell ('15', '15,0', 15.0); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RuleViolation(_("Нужно целое число."), field)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = text(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if re.fullmatch(r"-?\d+(\.0+)?", raw):
        return int(float(raw)) if "." in raw else int(raw)
    raise RuleViolation(
        _("Нужно целое число, а не «%(value)s».", value=text(value)[:40]), field
    )
