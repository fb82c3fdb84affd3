"""Clients: the organizations being assessed."""

from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/clients")

from assessment.web.clients import views  # noqa: E402,F401
