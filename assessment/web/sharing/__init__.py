"""Share links: consultants give a client's sales leader read-only access (guest pages are
in :mod:`assessment.web.guest`)."""

from flask import Blueprint

bp = Blueprint("sharing", __name__)

from assessment.web.sharing import views  # noqa: E402,F401
