"""Every API error as a problem-details body (RFC 9457), worded in the caller's language."""

from typing import Any

from flask import Response, current_app, json
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Запрос не прошёл проверку."),
        401: _("Нужен действующий токен API."),
        403: _("Это действие вам не разрешено."),
        404: _("Не найдено."),
        405: _("Этот метод здесь не поддерживается."),
        406: _("Ответ бывает только в формате JSON."),
        409: _("Запрос с этим ключом идемпотентности ещё выполняется."),
        412: _("Объект изменился: ваша версия устарела."),
        413: _("Запрос слишком большой."),
        415: _("Тело запроса должно быть в формате JSON."),
        422: _("Действие отклонено правилами."),
        428: _("Укажите версию объекта в заголовке If-Match."),
        429: _("Слишком много запросов: повторите позже."),
        500: _("Внутренняя ошибка: ничего не изменено."),
    }


def problem(status: int, detail: str | None = None, *, errors: list[dict] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """A problem-details response: type, title, status, detail, and `errors` per field."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status, _("Ошибка.")),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = str(get_locale() or "ru")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class ApiProblem(HTTPException):
    """Raised inside an API view to answer with a problem."""

    code: int  # always given, unlike werkzeug's HTTPException

    def __init__(self, status: int, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(description=detail)
        self.code = status
        self.kwargs = kwargs

    def get_response(self, environ=None, scope=None) -> Response:  # noqa: ARG002
        return problem(self.code, self.description, **self.kwargs)


# marshmallow's own (English) messages, as the caller reads them.
def _field_message(message: str) -> str:
    known = {
        "Missing data for required field.": _("Обязательное поле."),
        "Unknown field.": _("Неизвестное поле."),
        "Field may not be null.": _("Поле не может быть пустым (null)."),
        "Not a valid integer.": _("Нужно целое число."),
        "Not a valid number.": _("Нужно число."),
        "Not a valid boolean.": _("Нужно true или false."),
        "Not a valid string.": _("Нужна строка."),
        "Not a valid date.": _("Нужна дата в формате ГГГГ-ММ-ДД."),
        "Invalid input type.": _("Неверный тип значения."),
        "Invalid value.": _("Недопустимое значение."),
    }
    if message in known:
        return known[message]
    if message == "hostile-control":
        return _("Поле содержит недопустимые управляющие символы.")
    if message == "hostile-bidi":
        return _("Поле содержит символы смены направления текста: уберите их.")
    if message.startswith("Must be one of"):
        return _("Выберите одно из допустимых значений.")
    if message.startswith(("Must be greater", "Must be less", "Must be at")):
        return _("Значение вне допустимого диапазона.")
    if message.startswith("Length must"):
        return _("Недопустимая длина.")
    if message.startswith("Not a valid"):
        return _("Недопустимое значение.")
    return _("Недопустимое значение.")


def field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten webargs/marshmallow messages {location: {field: [msg]}} into [{field, message}]."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "headers", "path", "form", "view_args"):
                found.extend(field_errors(value, ""))
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
                found.extend(field_errors(value, name))
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, dict | list):
                found.extend(field_errors(message, prefix))
            else:
                found.append({"field": prefix or "_body", "message": _field_message(str(message))})
    else:
        found.append({"field": prefix or "_body", "message": _field_message(str(messages))})
    return found


def from_http_exception(error: HTTPException) -> Response:
    """Any HTTP error raised under /api as a problem (webargs' validation errors name fields)."""
    if isinstance(error, ApiProblem):
        return error.get_response()
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if code == 429:
        headers.setdefault("Retry-After", "60")
    if "messages" in data:
        errors = field_errors(data["messages"])
        return problem(400, _("Исправьте отмеченные поля."), errors=errors, headers=headers)
    return problem(code, headers=headers)
