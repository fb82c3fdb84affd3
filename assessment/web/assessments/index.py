"""All assessments of the workspace: searched, sorted and a page at a time.

The page costs the same statements however many assessments there are: their count, one
page of them with clients and questionnaire versions, completion in one grouped query and
scores from the stored results summaries (as on the dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from flask_login import login_required
from sqlalchemy.orm import Session

from assessment.extensions import current_session
from assessment.services import listing
from assessment.services.assessments import progress_by_assessment
from assessment.services.clients import get_client
from assessment.services.summaries import summaries_of
from assessment.web.assessments import bp
from assessment.web.dashboard.page import MAX_REFRESH, AssessmentRow, assessment_row
from assessment.web.i18n import select_locale
from assessment.web.pagination import ListQuery, Pager, list_query

PER_PAGE = 25
"""Assessments per page of the list."""


@dataclass(frozen=True)
class ListedAssessment:
    """An assessment line of the list, with its client and creation date."""

    row: AssessmentRow
    client_id: int
    client_name: str
    created_at: datetime


@dataclass(frozen=True)
class AssessmentsPage:
    """A page of the assessments list."""

    assessments: tuple[ListedAssessment, ...]
    query: ListQuery
    pager: Pager
    client_name: str
    """The client the list is narrowed to (``?client=``), or empty."""


def assessments_page(
    session: Session, query: ListQuery, lang: str, client_id: int | None = None
) -> AssessmentsPage:
    """The page of assessments asked for, with completion, score and level."""
    found = listing.assessments(session, query.window(PER_PAGE), client_id)
    rows = found.rows
    summaries = summaries_of(session, rows, max_refresh=MAX_REFRESH)
    progress = progress_by_assessment(session, [a.id for a in rows])
    listed = []
    for a in rows:
        p = progress[a.id]
        listed.append(
            ListedAssessment(
                row=assessment_row(a, summaries.get(a.id), p.invited, p.submitted, lang),
                client_id=a.client_id,
                client_name=a.client.name,
                created_at=a.created_at,
            )
        )
    client_name = get_client(session, client_id).name if client_id is not None else ""
    return AssessmentsPage(tuple(listed), query, query.paged(found, PER_PAGE), client_name)


@bp.route("/")
@login_required
def index() -> str:
    """Every assessment of the workspace, newest first unless sorted otherwise."""
    client_id = request.args.get("client", type=int)
    query = list_query(
        listing.ASSESSMENT_SORTS, {"client": str(client_id) if client_id is not None else ""}
    )
    page = assessments_page(current_session(), query, select_locale(), client_id)
    return render_template("web/assessments/index.html", page=page)
