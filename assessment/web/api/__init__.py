"""Read-only JSON API with workspace API tokens, and its OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__)
