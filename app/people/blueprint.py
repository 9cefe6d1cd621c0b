"""The people blueprint, which the pages of people and of their accounts both add routes to."""

from flask import Blueprint

bp = Blueprint("people", __name__)
