"""Workspace settings: report branding."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from assessment.web.settings import security, views  # noqa: E402,F401
