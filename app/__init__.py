"""Shakirt: dual-education internships — placements, practice diaries, sign-offs and hires."""

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from app.config import base_config
    from app.listing import CleanRequest, DatabaseIdConverter

    app.request_class = CleanRequest
    app.url_map.converters["int"] = DatabaseIdConverter

    app.config.from_mapping(base_config(Path(app.instance_path)))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from app.config import check_production

    check_production(app.config)
    if proxies := app.config.get("TRUSTED_PROXIES", 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    from app import (
        audit_chain,
        authentication,
        diary_totals,
        errors,
        extensions,
        i18n,
        observability,
        policy,
        web,
    )
    from app.cli import register_cli
    from app.jobs import queue

    extensions.db.init_app(app)
    audit_chain.init_app()
    diary_totals.init_app()
    extensions.migrate.init_app(
        app, extensions.db, directory=str(ROOT / "migrations"), render_as_batch=True,
        compare_type=True,
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    authentication.init_app(app)
    policy.init_app(app)
    web.init_app(app)
    errors.init_app(app)
    queue.init_app(app)
    observability.init_app(app)
    register_cli(app)
    _register_blueprints(app)
    return app


# Feature packages, each with a blueprint `bp` in its views module.
FEATURES = [
    "auth",
    "home",
    "organisations",
    "people",
    "invitations",
    "dashboard",
    "assessments",
    "outcomes",
    "placements",
    "acceptance",
    "imports",
    "documents",
    "practice",
    "evidence",
    "training",
    "notifications",
    "jobs",
    "health",
    "trail",
    "offline",
    "attendance",
    "api",
]


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for feature in FEATURES:
        app.register_blueprint(import_module(f"app.{feature}.views").bp)
