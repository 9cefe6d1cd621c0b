"""Translated names of the domain's roles and statuses, for templates and exports."""

from enum import Enum
from typing import Any

from babel.dates import format_date, format_interval
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.models import (
    AssessmentKind,
    DocumentKind,
    EntryStatus,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    PlacementStatus,
    Role,
)


def _label_key(key: Any) -> Any:
    return (type(key), key) if isinstance(key, Enum) else key


class EnumLabels(dict):
    """Labels keyed by the enum member together with its class. Members of two StrEnums with
    the same value (a change request's and an absence's "pending", an entry's and a change's
    "approved") are equal and hash alike: in a plain dict one enum's label would overwrite the
    other's."""

    def __init__(self, labels: dict | None = None) -> None:
        super().__init__()
        self.update(labels or {})

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(_label_key(key), value)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(_label_key(key))

    def __contains__(self, key: object) -> bool:
        return super().__contains__(_label_key(key))

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(_label_key(key), default)

    def update(self, other: Any = (), **extra: Any) -> None:  # type: ignore[override]
        for key, value in dict(other, **extra).items():
            self[key] = value


LABELS = EnumLabels({
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
    DocumentKind.DIARY: _l("дневник практики"),
    DocumentKind.ASSESSMENT: _l("аттестационный лист"),
    DocumentKind.AGREEMENT: _l("договор"),
    DocumentKind.REPORT: _l("отчёт о трудоустройстве"),
})


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


# --- the change history as people read it ----------------------------------------------------

# Column names of audited objects → what a person calls them.
FIELDS: dict[str, str] = {
    "status": _l("Статус"),
    "password_hash": _l("Пароль"),
    "name": _l("Название"),
    "full_name": _l("ФИО"),
    "email": _l("Электронная почта"),
    "phone": _l("Телефон"),
    "role": _l("Роль"),
    "active": _l("Вход открыт"),
    "locale": _l("Язык"),
    "city": _l("Город"),
    "bin": _l("БИН"),
    "iin": _l("ИИН"),
    "birth_date": _l("Дата рождения"),
    "industry": _l("Отрасль"),
    "intake_capacity": _l("Мест в год"),
    "contact_name": _l("Контактное лицо"),
    "contact_phone": _l("Телефон контакта"),
    "contact_email": _l("Почта контакта"),
    "notes": _l("Заметки"),
    "note": _l("Заметка"),
    "code": _l("Код"),
    "qualification": _l("Квалификация"),
    "competencies": _l("Компетенции"),
    "intake_year": _l("Год набора"),
    "position": _l("Должность"),
    "trainee_cap": _l("Предел практикантов"),
    "guardian_name": _l("Родитель или опекун"),
    "guardian_phone": _l("Телефон родителя"),
    "graduation_year": _l("Год выпуска"),
    "graduated_on": _l("Дата выпуска"),
    "student_id": _l("Студент"),
    "mentor_id": _l("Наставник"),
    "deputy_id": _l("Заместитель наставника"),
    "signed_for_id": _l("Подписано за наставника"),
    "starts_on": _l("Первый день"),
    "ends_on": _l("Последний день"),
    "week_start": _l("Неделя с"),
    "body": _l("Текст"),
    "college_id": _l("Колледж"),
    "college": _l("Колледж"),
    "enterprise_id": _l("Предприятие"),
    "host_enterprise_id": _l("Базовое предприятие"),
    "department_id": _l("Цех"),
    "department": _l("Цех"),
    "group_id": _l("Группа"),
    "specialty_id": _l("Специальность"),
    "competency_id": _l("Компетенция"),
    "placement_id": _l("Договор"),
    "start_date": _l("Дата начала"),
    "end_date": _l("Дата окончания"),
    "required_hours": _l("Требуемые часы"),
    "parent_consent_on": _l("Согласие родителя"),
    "activated_at": _l("Введён в действие"),
    "completed_on": _l("Завершён"),
    "terminated_on": _l("Дата расторжения"),
    "termination_reason": _l("Причина расторжения"),
    "agreement_number": _l("Номер договора"),
    "compensation_amount": _l("Компенсационная выплата в месяц"),
    "compensation_rule": _l("Порядок компенсационной выплаты"),
    "offer_status": _l("Предложение о работе"),
    "offer_date": _l("Дата предложения"),
    "work_date": _l("Дата"),
    "minutes": _l("Часы"),
    "activity": _l("Что сделано"),
    "submitted_at": _l("Отправлено"),
    "reviewed_by_id": _l("Проверил(а)"),
    "reviewed_at": _l("Проверено"),
    "review_comment": _l("Комментарий наставника"),
    "kind": _l("Вид"),
    "grade": _l("Оценка"),
    "characterisation": _l("Характеристика"),
    "hire_recommendation": _l("Рекомендация к найму"),
    "recommendation_note": _l("Комментарий к рекомендации"),
    "college_score": _l("Балл колледжа"),
    "ratings": _l("Оценки по компетенциям"),
    "outcome": _l("Исход"),
    "employer_name": _l("Работодатель"),
    "outcome_date": _l("Дата исхода"),
    "invitation_expires": _l("Приглашение действует до"),
    "reset_link_hours": _l("Ссылка для смены пароля действует, ч"),
    "issued_by": _l("Ссылку выдал(а)"),
    "year": _l("Год"),
    "object_id": _l("Объект"),
    "checked_on": _l("Дата проверки"),
    "still_employed": _l("Работает"),
}

# A retention check's fields are recorded as check_6m_<field>, check_12m_<field>.
CHECK_FIELD = _l("Проверка через %(months)s мес.: %(field)s")

# Secrets and bookkeeping: the history says they changed, never what to.
HIDDEN_VALUES = {"password_hash", "token_hash", "session_version", "content_hash"}


def field_label(name: str) -> str:
    """The translated name of an audited field (never the column name when it is known)."""
    if name.startswith("check_") and "m_" in name:
        months, _sep, rest = name.removeprefix("check_").partition("m_")
        if months.isdigit():
            return str(CHECK_FIELD) % {"months": months, "field": field_label(rest)}
    known = FIELDS.get(name)
    if known is not None:
        return str(known)
    return name.removesuffix("_id").replace("_", " ").capitalize()


def week_span(week) -> str:
    """A week as people name it: "30 ноября – 6 декабря" (the year added across New Year)."""
    locale = get_locale()
    if week.monday.year == week.sunday.year:
        return format_interval(week.monday, week.sunday, "MMMMd", locale=locale)
    return (f"{format_date(week.monday, 'd MMMM y', locale=locale)} – "
            f"{format_date(week.sunday, 'd MMMM y', locale=locale)}")


def agreement_name(placement) -> str:
    """An agreement as people name it: by its own number, never by the database's id."""
    from flask_babel import gettext

    if placement.agreement_number:
        return gettext("договор № %(number)s", number=placement.agreement_number)
    return gettext("договор без номера от %(start)s",
                   start=format_date(placement.start_date, "dd.MM.yyyy", locale=get_locale()))
