"""CRM pipeline evidence: opportunity exports turned into KPIs."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from assessment.web.evidence import views  # noqa: E402,F401
