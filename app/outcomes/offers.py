"""The host enterprise's job offer made during the placement, before any outcome record exists."""

from datetime import date

from flask_babel import gettext as _

from app.audit import changes_of, record
from app.extensions import db
from app.i18n import format_date
from app.labels import label
from app.models import OfferStatus, Placement, PlacementStatus, User
from app.policy.placements import may_record_offer
from app.rules import RuleViolation

# Which offer states may follow which: an offer is made, then accepted or declined; an offer
# accepted on the spot goes straight from none to accepted.
NEXT_OFFER = {
    OfferStatus.NONE: (OfferStatus.MADE, OfferStatus.ACCEPTED),
    OfferStatus.MADE: (OfferStatus.ACCEPTED, OfferStatus.DECLINED),
    OfferStatus.ACCEPTED: (),
    OfferStatus.DECLINED: (),
}
OFFER_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


def next_offer_statuses(placement: Placement) -> tuple[OfferStatus, ...]:
    """The offer states the host may record next on this placement."""
    return NEXT_OFFER[placement.offer_status]


def record_placement_offer(actor: User, placement: Placement, status: OfferStatus, on: date,
                           today: date) -> Placement:
    """The host enterprise's employer records its job offer to the trainee, or the answer."""
    if refusal := may_record_offer(actor, placement):
        raise RuleViolation(refusal)
    if placement.status not in OFFER_STATUSES:
        raise RuleViolation(_("Предложение можно записать только по действующему или "
                              "завершённому договору."))
    try:
        status = OfferStatus(status)
    except ValueError:
        raise RuleViolation(_("Выберите состояние предложения."), "offer_status") from None
    if status not in NEXT_OFFER[placement.offer_status]:
        raise RuleViolation(
            _("Предложение в состоянии «%(before)s» нельзя перевести в «%(after)s».",
              before=label(placement.offer_status), after=label(status)), "offer_status")
    if not isinstance(on, date):
        raise RuleViolation(_("Укажите дату предложения."), "offer_date")
    if on > today:
        raise RuleViolation(_("Дата предложения не может быть в будущем."), "offer_date")
    if on < placement.start_date:
        raise RuleViolation(
            _("Дата предложения не может быть раньше начала практики (%(date)s).",
              date=format_date(placement.start_date)), "offer_date")
    if placement.offer_date is not None and on < placement.offer_date:
        raise RuleViolation(
            _("Ответ не может быть раньше самого предложения (%(date)s).",
              date=format_date(placement.offer_date)), "offer_date")
    placement.offer_status = status
    placement.offer_date = on
    changes = changes_of(placement)
    db.session.flush()
    record(actor, "offer_recorded", placement, changes)
    return placement
