"""A party's legal details (who signs, on what authority, address, bank) on its edit form.

Colleges and enterprises both carry them (`app.models.organisations.LegalDetails`); the printed
agreement names them. Every field is optional: an empty one prints as a line to write on.
"""

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from app import input_checks as checks
from app.rules import RuleViolation

FIELDS = ("head_name", "head_position", "authority_basis", "legal_address", "iban", "bik",
          "bank_name")
_BIK = re.compile(r"^[A-Z]{4}KZ[A-Z0-9]{2}([A-Z0-9]{3})?$")
_IBAN = re.compile(r"^KZ[0-9]{2}[0-9A-Z]{16}$")


def add_form_fields(form_class: type[Any], compensation: bool = False) -> None:
    """Append the legal-detail fields to a form class (after its own fields, in this order)."""
    form_class.head_name = StringField(_l("Руководитель (ФИО)"), validators=[Length(max=200)])
    form_class.head_position = StringField(_l("Должность руководителя"),
                                           validators=[Length(max=200)])
    form_class.authority_basis = StringField(
        _l("Действует на основании"), validators=[Length(max=200)],
        description=_l("Например: Устава; доверенности № 12 от 05.01.2026."))
    form_class.legal_address = StringField(_l("Юридический адрес"), validators=[Length(max=400)])
    form_class.iban = StringField(_l("ИИК (IBAN)"), validators=[Length(max=60)],
                                  description=_l("KZ и 18 знаков; пробелы можно оставить."))
    form_class.bik = StringField(_l("БИК банка"), validators=[Length(max=20)])
    form_class.bank_name = StringField(_l("Банк"), validators=[Length(max=200)])
    if compensation:
        form_class.trainee_compensation = StringField(
            _l("Компенсационная выплата обучающемуся"), validators=[Length(max=300)],
            description=_l("Размер или порядок, например: 85 000 тг в месяц пропорционально "
                           "отработанному времени."))


def form_values(form) -> dict:
    """The legal-detail values a form holds, for the service."""
    names = [*FIELDS, "trainee_compensation"]
    return {name: getattr(form, name).data for name in names if hasattr(form, name)}


def iban(value: str | None, field: str = "iban") -> str:
    """A Kazakh IBAN (KZ, 2 check digits, 16 characters), spaces removed, check digits verified."""
    value = re.sub(r"[\s-]", "", value or "").upper()
    if not value:
        return ""
    if not _IBAN.match(value):
        raise RuleViolation(_("ИИК (IBAN): KZ и ещё 18 цифр или латинских букв."), field)
    moved = value[4:] + value[:4]
    if int("".join(str(int(ch, 36)) for ch in moved)) % 97 != 1:
        raise RuleViolation(_("ИИК (IBAN) указан с ошибкой: не сходятся контрольные цифры."),
                            field)
    return value


def bik(value: str | None, field: str = "bik") -> str:
    """A bank's BIK (its SWIFT-style code, 8 or 11 characters with KZ in place 5–6)."""
    value = re.sub(r"\s", "", value or "").upper()
    if value and not _BIK.match(value):
        raise RuleViolation(_("БИК — 8 латинских букв и цифр, например KCJBKZKX."), field)
    return value


def checked(values: dict) -> dict:
    """The legal details, each stripped and checked; raises RuleViolation on the first bad one."""
    limits = {"head_name": 200, "head_position": 200, "authority_basis": 200,
              "legal_address": 400, "bank_name": 200, "trainee_compensation": 300}
    out = {name: checks.text(values[name], name, limit, required=False)
           for name, limit in limits.items() if name in values}
    if "iban" in values:
        out["iban"] = iban(values["iban"])
    if "bik" in values:
        out["bik"] = bik(values["bik"])
    return out
