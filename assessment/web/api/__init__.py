"""Read-only JSON API with workspace API tokens, and its OpenAPI document.

Two blueprints: ``api`` holds the browser pages (the owner's token settings and a short
documentation page, CSRF-protected like every form), and ``api.v1`` the JSON API under
``/api/v1`` (bearer tokens only, no cookies, so no CSRF; JSON errors; rate-limited per
token).
"""

from flask import Blueprint

bp = Blueprint("api", __name__)
v1 = Blueprint("v1", __name__, url_prefix="/api/v1")

from assessment.web.api import setup, tokens, views  # noqa: E402,F401

setup.configure(bp, v1)
