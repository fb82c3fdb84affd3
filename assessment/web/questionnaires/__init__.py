"""Custom questionnaires: list, upload, clone, edit as YAML, publish (immutable versions)."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")

from assessment.web.questionnaires import views  # noqa: E402,F401
