"""Languages: Russian by default, Kazakh and English by the user's choice or the browser's."""

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


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
