"""Assessments: settings, status, respondents and their links."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

from assessment.web.assessments import facts, index, people, profile, views  # noqa: E402,F401
