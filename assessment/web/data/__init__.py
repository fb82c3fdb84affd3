"""Exports and imports of an assessment's answers and results."""

from flask import Blueprint

bp = Blueprint("data", __name__)
