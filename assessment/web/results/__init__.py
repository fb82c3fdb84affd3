"""Live results and self-assessment."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from assessment.web.results import views  # noqa: E402,F401
