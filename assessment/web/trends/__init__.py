"""Follow-up assessments, trends across a client's assessments, portfolio benchmark."""

from flask import Blueprint

bp = Blueprint("trends", __name__)

from assessment.web.trends import views  # noqa: E402,F401
