"""Deleting clients and assessments, erasing and exporting a respondent's data."""

from flask import Blueprint

bp = Blueprint("erasure", __name__)

from assessment.web.erasure import views  # noqa: E402,F401
