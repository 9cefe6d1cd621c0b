"""Languages: Russian by default, Kazakh and English by the user's choice or the browser's."""

import flask_babel
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.extensions import babel

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}

# English dates read the same to every reader: "1 Dec 2026", never the US "12/1/26" or
# "December 1, 2026" that CLDR's en gives; ru and kk keep CLDR's own forms.
ENGLISH_FORMATS = {
    "date": {None: "d MMM y", "short": "d MMM y", "medium": "d MMM y", "long": "d MMMM y",
             "full": "EEEE, d MMMM y"},
    "datetime": {None: "d MMM y, HH:mm", "short": "d MMM y, HH:mm", "medium": "d MMM y, HH:mm",
                 "long": "d MMMM y, HH:mm", "full": "EEEE, d MMMM y, HH:mm"},
}


def _english(kind: str, format: str | None) -> str | None:  # noqa: A002
    named = ENGLISH_FORMATS[kind]
    if format in named and str(get_locale()) == "en":
        return named[format]
    return format


def format_date(value=None, format=None) -> str:  # noqa: A002
    """Flask-Babel's format_date, with unambiguous English dates."""
    return flask_babel.format_date(value, _english("date", format))


def format_datetime(value=None, format=None, rebase=True) -> str:  # noqa: A002
    """Flask-Babel's format_datetime, with unambiguous English dates."""
    return flask_babel.format_datetime(value, _english("datetime", format), rebase)


def format_tenge(amount) -> str:
    """A sum in tenge in the reader's language: "150 000 ₸" (ru, kk), "KZT 150,000" (en);
    kopecks (tiyn) only when there are any."""
    from decimal import Decimal

    from babel.numbers import format_currency

    amount = Decimal(amount)
    digits = "" if amount == amount.to_integral_value() else ".00"
    language = str(get_locale())
    if language == "en":
        return format_currency(amount, "KZT", format=f"¤\u00a0#,##0{digits}", locale="en",
                               currency_digits=False)
    # The Kazakhstan variants of ru and kk name the currency "₸" (plain ru says "KZT").
    return format_currency(amount, "KZT", format=f"#,##0{digits}\u00a0¤",
                           locale=f"{language}_KZ", currency_digits=False)


def select_locale() -> str:
    """The signed-in user's choice, else the session's, else the browser's, else Russian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, services called from scripts
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/v1/"):
        # The API: Accept-Language, else the token owner's choice (set by app/api/core.py);
        # a browser's session cookie has no say.
        return g.get("api_locale") or request.accept_languages.best_match(languages) or \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def init_app(app: Flask) -> None:
    from app import ROOT

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "app" / "translations"),
    )

    @app.context_processor
    def language_context() -> dict:
        return {"language_names": LANGUAGE_NAMES}
