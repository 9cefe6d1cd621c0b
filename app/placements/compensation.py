"""The trainee's compensation payment as one agreement states it.

The Law on Education has the enterprise pay the dual trainee a compensation payment; neither its
amount nor a model clause could be confirmed (see DOMAIN.md), so the agreement carries it as
data: an optional monthly amount in tenge and/or a rule in words ("пропорционально
отработанному времени"). An agreement that states neither falls back to the enterprise's own
general rule (`Enterprise.trainee_compensation`).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app.forms import has_bidi_control, has_control
from app.i18n import format_tenge
from app.models import Placement
from app.rules import RuleViolation

# A trainee's monthly payment above this is a typing error, not a term: it is many times any
# wage a trainee is paid (the minimum monthly wage is 85 000 ₸ in 2025).
MAX_MONTHLY_AMOUNT = Decimal("5000000")
MAX_RULE = 300
AMOUNT, RULE = "compensation_amount", "compensation_rule"


@dataclass(frozen=True)
class Compensation:
    """The terms as printed: the monthly amount (or None) and the rule in words."""

    amount: Decimal | None
    rule: str

    def __bool__(self) -> bool:
        return self.amount is not None or bool(self.rule)


def check_amount(value: Any) -> Decimal | None:
    """A monthly amount within 0 … MAX_MONTHLY_AMOUNT with at most two decimals, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise RuleViolation(_("Введите сумму в тенге цифрами."), AMOUNT)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RuleViolation(_("Введите сумму в тенге цифрами."), AMOUNT) from None
    if not amount.is_finite():
        raise RuleViolation(_("Введите сумму в тенге цифрами."), AMOUNT)
    if amount < 0:
        raise RuleViolation(_("Сумма не может быть отрицательной."), AMOUNT)
    if amount > MAX_MONTHLY_AMOUNT:
        raise RuleViolation(
            _("Не больше %(amount)s в месяц: проверьте сумму.",
              amount=format_tenge(MAX_MONTHLY_AMOUNT)), AMOUNT)
    if amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation(_("Сумма — не больше двух знаков после запятой."), AMOUNT)
    return amount.quantize(Decimal("0.01"))


def check_rule(text: Any) -> str:
    """The rule in words: one line of plain text, at most MAX_RULE characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise RuleViolation(_("Опишите порядок выплаты словами."), RULE)
    text = text.strip()
    if has_control(text) or has_bidi_control(text):
        raise RuleViolation(_("Поле содержит недопустимые управляющие символы."), RULE)
    if len(text) > MAX_RULE:
        raise RuleViolation(
            _("Порядок выплаты — не длиннее %(n)s символов.", n=MAX_RULE), RULE)
    return text


def of_placement(placement: Placement) -> Compensation:
    """What the agreement states, else the enterprise's general rule."""
    own = Compensation(placement.compensation_amount, placement.compensation_rule or "")
    if own:
        return own
    return Compensation(None, placement.enterprise.trainee_compensation or "")


def in_words(terms: Compensation) -> str:
    """The terms in one line of the reader's language: "150 000 ₸ в месяц; <rule>"."""
    parts = []
    if terms.amount is not None:
        parts.append(_("%(amount)s в месяц", amount=format_tenge(terms.amount)))
    if terms.rule:
        parts.append(terms.rule)
    return "; ".join(parts)
