"""CRM pipeline evidence: opportunity exports turned into KPIs."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)
