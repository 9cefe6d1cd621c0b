"""Friendly error pages, in the user's language, without stack traces."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        app.logger.warning("CSRF refused on %s: %s", request.path, error.description)
        return render_template("errors/error.html", code=400, reason="csrf"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/v1/"):  # outside any API route: still a problem
            from app.api.problems import from_http_exception

            return from_http_exception(error)
        code = error.code or 500
        known = {400, 403, 404, 405, 413, 429}
        return render_template(
            "errors/error.html", code=code, reason=code if code in known else "other"
        ), code

    @app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        if request.path.startswith("/api/v1/"):
            from app.api.problems import problem

            return problem(500)
        return render_template("errors/error.html", code=500, reason=500), 500
