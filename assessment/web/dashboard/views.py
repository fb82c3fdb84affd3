"""Dashboard: clients, their assessments, completion and latest scores."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from assessment.db.models import Assessment, Client
from assessment.extensions import current_session
from assessment.services.assessments import compute_results, progress_of
from assessment.web.dashboard import bp

MAX_SCORED = 50  # scores are computed live; cap the work on one page


@bp.route("/")
@login_required
def index() -> str:
    """Every client with its assessments, completion rate and current overall score."""
    clients = list(current_session().scalars(select(Client).order_by(Client.name)))
    assessments = list(
        current_session().scalars(select(Assessment).order_by(Assessment.created_at.desc()))
    )
    rows: dict[int, list[dict[str, object]]] = {c.id: [] for c in clients}
    for i, a in enumerate(assessments):
        progress = progress_of(current_session(), a.id)
        overall = None
        if i < MAX_SCORED and progress.started:
            results = compute_results(current_session(), a)
            overall = results.overall
        rows.setdefault(a.client_id, []).append(
            {"assessment": a, "progress": progress, "overall": overall}
        )
    return render_template("web/dashboard.html", clients=clients, rows=rows)
