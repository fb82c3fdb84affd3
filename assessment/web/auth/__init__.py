"""First-run setup, sign-in, sign-out and password change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from assessment.web.auth import invitations, mfa, views  # noqa: E402,F401
