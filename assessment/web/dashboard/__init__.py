"""The consultant dashboard."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from assessment.web.dashboard import views  # noqa: E402,F401
