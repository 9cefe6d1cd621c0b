"""What a notification says, rendered in the reader's language when it is shown or mailed.

A notification stores its kind and plain parameters (names, counts, ISO dates); the text is
made here, in the language active at the time (the reader's page, or `force_locale` for a
mail). Rows from before kinds had parameters, and kinds without a renderer, show the text
they were stored with.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale  # noqa: F401  (force_locale for callers)
from flask_babel import gettext as _

from app.i18n import format_date
from app.models import Notification, User
from app.naming import stored_name


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "short")


def _entries_submitted(p: dict[str, Any]) -> str:
    return _("%(student)s отправил(а) на проверку записей дневника: %(count)s.",
             student=p["student"], count=p["count"])


def _entry_rejected(p: dict[str, Any]) -> str:
    return _("Наставник вернул записи за %(dates)s: «%(comment)s»",
             dates=", ".join(_day(d) for d in p["dates"]), comment=p["comment"])


def _entries_waiting(p: dict[str, Any]) -> str:
    return _("Ждут вашей подписи записей дневника: %(count)s (самая давняя отправлена "
             "%(date)s).", count=p["count"], date=_day(p["oldest"]))


def _placement_red(p: dict[str, Any]) -> str:
    reasons = p["reasons"]
    reason = reasons.get(str(get_locale())) or reasons.get("ru") or next(iter(reasons.values()))
    return _("Практика в зоне риска: %(student)s, %(enterprise)s — %(reason)s.",
             student=p["student"], enterprise=stored_name(p, "enterprise"), reason=reason)


def _week_comment(p: dict[str, Any]) -> str:
    from app.labels import week_span
    from app.practice.weeks import Week

    week = week_span(Week.of(date.fromisoformat(p["week"])))
    if p["author"] == p["student"]:
        return _("%(author)s в обсуждении своей недели %(week)s: «%(text)s»",
                 author=p["author"], week=week, text=p["text"])
    return _("%(author)s в обсуждении недели %(week)s (%(student)s): «%(text)s»",
             author=p["author"], week=week, student=p["student"], text=p["text"])


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "entries_submitted": _entries_submitted,
    "entry_rejected": _entry_rejected,
    "entries_waiting": _entries_waiting,
    "placement_red": _placement_red,
    "week_comment": _week_comment,
}


def text_of(kind: str, params: dict[str, Any] | None, fallback: str = "") -> str:
    """The notification's text in the current language; `fallback` when it can't be made."""
    renderer = RENDERERS.get(kind)
    if renderer is None or not params:  # no parameters: written before they were stored
        return fallback
    try:
        return renderer(params)
    except (KeyError, TypeError, ValueError, StopIteration):
        # Parameters of an older shape: the stored text still says what happened.
        current_app.logger.warning("Notification of kind %s has unreadable parameters", kind)
        return fallback


def render(notification: Notification) -> str:
    """What the notification says, in the language of the page being rendered."""
    return text_of(notification.kind, notification.params, notification.message)


def reader_locale(user: User) -> str:
    """The language the user reads in: their choice, else the default (Russian)."""
    config = current_app.config
    if user.locale is not None and user.locale in config["LANGUAGES"]:
        return user.locale
    return config["BABEL_DEFAULT_LOCALE"]


def fallback_text(kind: str, params: dict[str, Any]) -> str:
    """The text stored beside the parameters, in the default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return text_of(kind, params)


def mail_lines(kind: str, params: dict[str, Any] | None) -> list[str]:
    """Lines a mail adds under the text (the digest lists each trainee)."""
    if kind == "entries_waiting" and params:
        return [_("%(name)s — записей: %(count)s", name=name, count=count)
                for name, count in params.get("trainees", [])]
    return []
