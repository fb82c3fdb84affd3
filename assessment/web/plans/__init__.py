"""Action plans: a client's plan, its items, calendar, rhythm and the next round."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from assessment.web.plans import views  # noqa: E402,F401
