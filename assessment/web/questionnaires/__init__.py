"""Custom questionnaires: upload, clone, publish (immutable versions)."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)
