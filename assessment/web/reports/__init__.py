"""PDF report requests, progress and download."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from assessment.web.reports import views  # noqa: E402,F401
