"""Dashboard: clients, their assessments, completion and latest scores."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from assessment.extensions import current_session
from assessment.web.dashboard import bp
from assessment.web.dashboard.page import build_dashboard
from assessment.web.i18n import select_locale


@bp.route("/")
@login_required
def index() -> str:
    """A page of clients with their newest assessments, completion and overall score."""
    page = build_dashboard(current_session(), select_locale())
    return render_template("web/dashboard.html", page=page)
