"""Translated names of the domain's roles and statuses, for templates and exports."""

from enum import Enum

from flask_babel import lazy_gettext as _l

from app.models import (
    AssessmentKind,
    EntryStatus,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    PlacementStatus,
    Role,
)

LABELS: dict[Enum, str] = {
    Role.ADMIN: _l("администратор"),
    Role.COORDINATOR: _l("координатор"),
    Role.EMPLOYER: _l("работодатель"),
    Role.MENTOR: _l("наставник"),
    Role.STUDENT: _l("студент"),
    PlacementStatus.DRAFT: _l("черновик"),
    PlacementStatus.ACTIVE: _l("действует"),
    PlacementStatus.COMPLETED: _l("завершена"),
    PlacementStatus.TERMINATED: _l("расторгнута"),
    EntryStatus.DRAFT: _l("черновик"),
    EntryStatus.SUBMITTED: _l("на проверке"),
    EntryStatus.APPROVED: _l("подписано"),
    EntryStatus.REJECTED: _l("возвращено"),
    AssessmentKind.MIDTERM: _l("промежуточная"),
    AssessmentKind.FINAL: _l("итоговая"),
    HireRecommendation.YES: _l("рекомендован"),
    HireRecommendation.MAYBE: _l("возможно"),
    HireRecommendation.NO: _l("не рекомендован"),
    OutcomeKind.HIRED_BY_HOST: _l("принят базовым предприятием"),
    OutcomeKind.EMPLOYED_IN_SPECIALTY: _l("работает по специальности"),
    OutcomeKind.EMPLOYED_OUTSIDE: _l("работает не по специальности"),
    OutcomeKind.STUDYING: _l("продолжает обучение"),
    OutcomeKind.MILITARY: _l("служба в армии"),
    OutcomeKind.NOT_EMPLOYED: _l("не трудоустроен"),
    OutcomeKind.UNKNOWN: _l("неизвестно"),
    OfferStatus.NONE: _l("нет предложения"),
    OfferStatus.MADE: _l("предложение сделано"),
    OfferStatus.ACCEPTED: _l("предложение принято"),
    OfferStatus.DECLINED: _l("предложение отклонено"),
}


def label(value: Enum) -> str:
    """The translated name of a role or status."""
    return str(LABELS.get(value, value))


ACTIONS: dict[str, str] = {
    "created": _l("создано"),
    "updated": _l("изменено"),
    "deleted": _l("удалено"),
    "password_changed": _l("пароль изменён"),
}


def register_actions(actions: dict[str, str]) -> None:
    """Let a feature package name its own audit actions."""
    ACTIONS.update(actions)


def action_label(action: str) -> str:
    """The translated name of an audit action."""
    return str(ACTIONS.get(action, action))
