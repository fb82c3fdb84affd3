"""Automatic reminders: an assessment's schedule and who is due when."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/assessments")

from assessment.web.reminders import views  # noqa: E402,F401
