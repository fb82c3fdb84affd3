"""The respondent flow (no account: a personal link)."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from assessment.web.respond import views  # noqa: E402,F401
