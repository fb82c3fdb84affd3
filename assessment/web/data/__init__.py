"""Exports and imports of an assessment's answers and results."""

from flask import Blueprint

bp = Blueprint("data", __name__)

from assessment.web.data import views  # noqa: E402,F401
