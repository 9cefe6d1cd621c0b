"""Acceptance of a draft agreement by the parties before it can be put in force.

The coordinator sends the draft to the enterprise; the enterprise's HR (employer) accepts it or
declines it with a reason; the trainee acknowledges it; for a minor the guardian confirms it
through a one-time link (no account). Only then may the coordinator activate it. Each step is
dated on the placement, audited, and guarded by one predicate answering a refusal in words.

Every answer carries the version of the page it was given on: an answer from a stale page (a
decline racing an accept) is refused, not written over the other.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from flask import current_app, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from app.audit import record
from app.extensions import db
from app.labels import FIELDS, register_actions
from app.models import GuardianLink, Placement, PlacementStatus, Role, User, utcnow
from app.naming import content_names, stored_name
from app.notifications import messages
from app.notify import notify
from app.one_time import find_by_token, new_token, token_hash
from app.placements.services import _read_again_locked, _record_change
from app.policy.agreements import (
    acknowledge_refusal,
    answer_refusal,
    guardian_link_refusal,
    needs_guardian,
    send_refusal,
)
from app.rules import RuleViolation

MAX_REASON = 2000
STALE = _l("Договор только что изменил другой пользователь: откройте его заново.")

register_actions({
    "sent_to_enterprise": _l("отправлен предприятию"),
    "accepted_by_enterprise": _l("принят предприятием"),
    "declined_by_enterprise": _l("отклонён предприятием"),
    "acknowledged_by_student": _l("студент ознакомлен"),
    "guardian_link_issued": _l("выдана ссылка для законного представителя"),
    "confirmed_by_guardian": _l("подтверждён законным представителем"),
    "refused": _l("отказано в действии"),
})
FIELDS.update({
    "sent_at": _l("Отправлен предприятию"),
    "sent_by_id": _l("Отправил"),
    "accepted_at": _l("Принят предприятием"),
    "declined_at": _l("Отклонён предприятием"),
    "decline_reason": _l("Причина отказа"),
    "answered_by_id": _l("Ответил от предприятия"),
    "acknowledged_at": _l("Студент ознакомлен"),
    "guardian_confirmed_at": _l("Подтверждён законным представителем"),
    "guardian_link_expires": _l("Ссылка действует до"),
    "attempted": _l("Действие"),
    "guardian": _l("Законный представитель"),
    "reason": _l("Причина"),
})


def _agreement_sent(p: dict) -> str:
    return _("Договор на подпись: %(student)s, %(college)s — примите или отклоните его.",
             student=p["student"], college=stored_name(p, "college"))


def _agreement_answered(p: dict) -> str:
    if p.get("accepted"):
        return _("%(enterprise)s принял(о) договор: %(student)s.",
                 enterprise=stored_name(p, "enterprise"), student=p["student"])
    return _("%(enterprise)s отклонил(о) договор: %(student)s — «%(reason)s».",
             enterprise=stored_name(p, "enterprise"), student=p["student"],
             reason=p.get("reason", ""))


def _agreement_to_acknowledge(p: dict) -> str:
    return _("Предприятие %(enterprise)s приняло ваш договор: ознакомьтесь с ним.",
             enterprise=stored_name(p, "enterprise"))


messages.RENDERERS.update({
    "agreement_sent": _agreement_sent,
    "agreement_answered": _agreement_answered,
    "agreement_to_acknowledge": _agreement_to_acknowledge,
})


# --- where an agreement stands ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # done, declined, waiting (the party acts next), later (not yet its turn)
    at: datetime | None = None
    who: str = ""


def timeline(placement: Placement) -> list[Step]:
    """The agreement's steps, each dated and named once done; the next one is "waiting"."""
    guardian_name = (placement.student.student_profile.guardian_name
                     if placement.student.student_profile else "")
    steps = [
        Step("sent", _("Отправлен предприятию"), "done" if placement.sent_at else "waiting",
             placement.sent_at, placement.sent_by.full_name if placement.sent_by else ""),
    ]
    answered_by = placement.answered_by.full_name if placement.answered_by else ""
    if placement.declined_at:
        steps.append(Step("answer", _("Отклонён предприятием"), "declined",
                          placement.declined_at, answered_by))
    else:
        steps.append(Step("answer", _("Принят предприятием"),
                          "done" if placement.accepted_at else "later",
                          placement.accepted_at, answered_by))
    steps.append(Step("acknowledged", _("Студент ознакомлен"),
                      "done" if placement.acknowledged_at else "later",
                      placement.acknowledged_at, placement.student.full_name))
    if needs_guardian(placement):
        steps.append(Step("guardian", _("Подтверждён законным представителем"),
                          "done" if placement.guardian_confirmed_at else "later",
                          placement.guardian_confirmed_at, guardian_name))
    activated = placement.activated_at is not None
    steps.append(Step("activated", _("Введён в действие"), "done" if activated else "later",
                      placement.activated_at))
    if placement.status == PlacementStatus.DRAFT and not placement.declined_at:
        for index, step in enumerate(steps):
            if step.state != "done":
                if step.state == "later":
                    steps[index] = Step(step.key, step.label, "waiting", step.at, step.who)
                break
    if placement.status == PlacementStatus.DRAFT and placement.sent_at:
        # The trainee and the guardian may answer in either order once the enterprise accepted.
        steps = [Step(s.key, s.label, "waiting", s.at, s.who)
                 if s.key in ("acknowledged", "guardian") and s.state == "later"
                 and placement.accepted_at else s for s in steps]
    return steps


def waiting_for(placement: Placement) -> str | None:
    """Who the agreement waits for, in words; None once it is in force or closed."""
    if placement.status != PlacementStatus.DRAFT:
        return None
    if placement.sent_at is None:
        return _("Координатор готовит договор и отправляет его предприятию.")
    if placement.declined_at is not None:
        return _("Предприятие отклонило договор: координатор изменяет его и отправляет заново.")
    if placement.accepted_at is None:
        return _("Ждём ответа предприятия «%(name)s».", name=placement.enterprise.local_name)
    waiting = []
    if placement.acknowledged_at is None:
        waiting.append(_("ознакомления студента"))
    if needs_guardian(placement) and placement.guardian_confirmed_at is None:
        waiting.append(_("подтверждения законного представителя"))
    if waiting:
        return _("Ждём: %(who)s.", who=", ".join(waiting))
    return _("Все стороны согласны: координатор может ввести договор в действие.")


def activation_refusal(placement: Placement) -> str | None:
    """What the agreement still lacks from the parties before it can be put in force."""
    if placement.sent_at is None:
        return _("Договор ещё не отправлен предприятию: сначала отправьте его на согласование.")
    if placement.declined_at is not None:
        return _("Предприятие отклонило договор: измените его и отправьте заново.")
    if placement.accepted_at is None:
        return _("Предприятие ещё не приняло договор.")
    if placement.acknowledged_at is None:
        return _("Студент ещё не ознакомился с договором.")
    if needs_guardian(placement) and placement.guardian_confirmed_at is None:
        return _("Законный представитель ещё не подтвердил договор.")
    return None


# --- the steps -------------------------------------------------------------------------------


def _fresh(placement: Placement, version: int | None) -> None:
    """Read the placement again under the lock; refuse an answer given on a stale page."""
    _read_again_locked(placement)
    if version is not None and placement.version != version:
        raise RuleViolation(str(STALE))


def _refuse_if(refusal: str | None) -> None:
    if refusal:
        raise RuleViolation(refusal)


def send_to_enterprise(actor: User, placement: Placement, version: int | None,
                       now: datetime) -> Placement:
    """The coordinator sends the draft to the enterprise's HR (again, after a decline)."""
    _fresh(placement, version)
    _refuse_if(send_refusal(actor, placement))
    employers = list(db.session.scalars(select(User).where(
        User.enterprise_id == placement.enterprise_id, User.role == Role.EMPLOYER,
        User.active, User.password_hash.is_not(None)).order_by(User.id)))
    if not employers:
        raise RuleViolation(_("У предприятия нет представителя с доступом в систему: сначала "
                              "пригласите его, чтобы он мог принять договор."))
    placement.sent_at = now
    placement.sent_by_id = actor.id
    placement.accepted_at = placement.declined_at = None
    placement.decline_reason = ""
    placement.answered_by_id = None
    _record_change(actor, "sent_to_enterprise", placement)
    params = {"student": placement.student.full_name,
              **content_names("college", placement.college.name, placement.college.name_kk)}
    for employer in employers:
        notify(employer, "agreement_sent", params, link=_page(placement))
    return placement


def accept(actor: User, placement: Placement, version: int | None, now: datetime) -> Placement:
    """The enterprise's HR accepts the agreement as sent."""
    _fresh(placement, version)
    _refuse_if(answer_refusal(actor, placement))
    placement.accepted_at = now
    placement.answered_by_id = actor.id
    _record_change(actor, "accepted_by_enterprise", placement)
    _tell_college(placement, {"accepted": True})
    notify(placement.student, "agreement_to_acknowledge",
           content_names("enterprise", placement.enterprise.name, placement.enterprise.name_kk),
           link=_page(placement))
    return placement


def decline(actor: User, placement: Placement, version: int | None, reason: str,
            now: datetime) -> Placement:
    """The enterprise's HR declines the agreement, saying why."""
    _fresh(placement, version)
    _refuse_if(answer_refusal(actor, placement))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Укажите причину отказа."), "reason")
    if len(reason) > MAX_REASON:
        raise RuleViolation(_("Причина — не длиннее %(n)s символов.", n=MAX_REASON), "reason")
    placement.declined_at = now
    placement.decline_reason = reason
    placement.answered_by_id = actor.id
    _record_change(actor, "declined_by_enterprise", placement)
    _tell_college(placement, {"accepted": False, "reason": reason})
    return placement


def acknowledge(actor: User, placement: Placement, version: int | None,
                now: datetime) -> Placement:
    """The trainee acknowledges the agreement the enterprise accepted."""
    _fresh(placement, version)
    _refuse_if(acknowledge_refusal(actor, placement))
    placement.acknowledged_at = now
    _record_change(actor, "acknowledged_by_student", placement)
    return placement


def reset(placement: Placement) -> None:
    """The terms changed after sending: every answer is void and the guardian's links die.

    Called by update_placement before it records the change, so the cleared dates are part of
    the same audited change."""
    if placement.sent_at is None:
        return
    placement.sent_at = placement.sent_by_id = None
    placement.accepted_at = placement.declined_at = placement.answered_by_id = None
    placement.decline_reason = ""
    placement.acknowledged_at = placement.guardian_confirmed_at = None
    # No autoflush: the caller still reads the placement's changes for the audit.
    with db.session.no_autoflush:
        _close_links(placement.id, utcnow())


def _tell_college(placement: Placement, extra: dict) -> None:
    params = {**content_names("enterprise", placement.enterprise.name,
                              placement.enterprise.name_kk),
              "student": placement.student.full_name, **extra}
    coordinators = db.session.scalars(select(User).where(
        User.college_id == placement.college_id, User.role == Role.COORDINATOR, User.active))
    for coordinator in coordinators:
        notify(coordinator, "agreement_answered", params, link=_page(placement))


def _page(placement: Placement) -> str:
    return f"/placements/{placement.id}"


# --- the guardian's one-time link ------------------------------------------------------------


def _close_links(placement_id: int, now: datetime) -> None:
    db.session.execute(
        update(GuardianLink)
        .where(GuardianLink.placement_id == placement_id, GuardianLink.used_at.is_(None),
               GuardianLink.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def issue_guardian_link(actor: User, placement: Placement, now: datetime
                        ) -> tuple[GuardianLink, str]:
    """A new one-time link for the guardian (an earlier open one dies); the raw token once."""
    _fresh(placement, None)
    _refuse_if(guardian_link_refusal(actor, placement))
    _close_links(placement.id, now)
    token = new_token()
    days = current_app.config.get("GUARDIAN_LINK_DAYS", 7)
    link = GuardianLink(placement_id=placement.id, token_hash=token_hash(token),
                        created_by_id=actor.id, created_at=now,
                        expires_at=now + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    record(actor, "guardian_link_issued", placement,
           {"guardian_link_expires": [None, link.expires_at.isoformat(" ", "minutes")]})
    return link, token


def guardian_url(token: str) -> str:
    if has_request_context():
        return url_for("acceptance.confirm", token=token, _external=True)
    return f"/guardian/{token}"


def find_link(token: str) -> GuardianLink | None:
    return find_by_token(GuardianLink, token)


def link_problem(link: GuardianLink | None, now: datetime) -> str | None:
    """Why the guardian's link cannot be used, in words; None when it can."""
    if link is None:
        return _("Ссылка не найдена. Проверьте, что она скопирована целиком, или попросите "
                 "у колледжа новую.")
    if link.used_at is not None:
        return _("По этой ссылке договор уже подтверждён. Повторно подтверждать не нужно.")
    if link.revoked_at is not None:
        return _("Ссылка больше не действует: договор изменён или выдана новая ссылка. "
                 "Попросите у колледжа новую.")
    if link.expires_at <= now:
        return _("Срок действия ссылки истёк %(date)s. Попросите у колледжа новую.",
                 date=format_date(link.expires_at.date()))
    placement = link.placement
    if placement.status != PlacementStatus.DRAFT or placement.accepted_at is None:
        return _("Этот договор сейчас не ждёт подтверждения. Свяжитесь с колледжем.")
    return None


def confirm_by_guardian(token: str, now: datetime, today: date) -> Placement:
    """The guardian confirms through the link: it is used up, the consent dated."""
    link = find_link(token)
    problem = link_problem(link, now)
    if problem or link is None:  # a missing link always has its problem worded
        raise RuleViolation(problem or "", "token")
    placement = link.placement
    _fresh(placement, None)
    problem = link_problem(link, now)
    if problem:
        raise RuleViolation(problem, "token")
    # Claim the link in one conditional UPDATE: of two simultaneous confirmations one wins.
    claimed = db.session.execute(
        update(GuardianLink)
        .where(GuardianLink.id == link.id, GuardianLink.used_at.is_(None),
               GuardianLink.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, claimed).rowcount != 1:  # an UPDATE's result is a CursorResult
        raise RuleViolation(
            _("По этой ссылке договор уже подтверждён. Повторно подтверждать не нужно."),
            "token")
    link.used_at = now
    placement.guardian_confirmed_at = now
    if placement.parent_consent_on is None:
        placement.parent_consent_on = today
    event = _record_change(None, "confirmed_by_guardian", placement)
    # No account, so no actor: the history names the guardian who confirmed.
    profile = placement.student.student_profile
    event.changes = {**event.changes,
                     "guardian": [None, profile.guardian_name if profile else ""]}
    return placement


def record_refusal(actor: User | None, placement_id: int, attempted: str, message: str) -> None:
    """Audit a refused attempt; the caller has rolled back what it tried and commits this."""
    placement = db.session.get(Placement, placement_id)
    if placement is not None:
        record(actor, "refused", placement,
               {"attempted": [None, attempted], "reason": [None, message]})
