"""A self-assessment speaks to one person and is complete once that person submits.

Issue 16, item 8: the intro promised groups of 3 and confidentiality "from your managers" to
a leader answering alone, the dashboard read "Self-assessment Self-assessment" (the title
and the tag beside it), and the assessment stayed open after its only respondent submitted.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.catalogues import translations_for
from assessment.db.models import Assessment, AssessmentStatus, AuditEntry
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from assessment.services.questionnaires import STANDARD_ID
from tests.web.conftest import OWNER, csrf_token, post_form

GROUP_PROMISE = (
    "Results are shown only for groups of at least %(n)d people; smaller groups are hidden."
)
MANAGERS = "Your individual answers are never shown to anyone, including your managers."
OWN_VIEW = "This self-assessment records your own view of the sales organization of %(client)s."


def _start(owner: FlaskClient, lang: str) -> None:
    """Start a self-assessment of the full questionnaire (chosen explicitly: the form offers
    the shipped quick check first)."""
    res = post_form(
        owner,
        "/self-assessment",
        {
            "questionnaire": STANDARD_ID,
            "organization": "Acme Sales",
            "role": "executive",
            "language": lang,
        },
    )
    assert res.headers["Location"].endswith("/respond/")


def _assessment(app: Flask) -> Assessment:
    with app.app_context(), unscoped(_db.session):
        found = _db.session.scalars(select(Assessment)).one()
        _db.session.expunge(found)
        _db.session.remove()
        return found


@pytest.mark.parametrize("lang", ["en", "pl", "zh"])
def test_the_intro_speaks_to_one_person(owner: FlaskClient, lang: str) -> None:
    owner.post("/language", data={"csrf_token": csrf_token(owner, "/"), "lang": lang})
    _start(owner, lang)
    page = htmllib.unescape(owner.get("/respond/").get_data(as_text=True))
    tr = translations_for(lang)
    assert tr.gettext(OWN_VIEW) % {"client": "Acme Sales"} in page
    assert tr.gettext("Your own view") in page
    assert tr.gettext(GROUP_PROMISE) % {"n": 3} not in page
    assert tr.gettext(MANAGERS) not in page
    assert tr.gettext("Your individual answers are confidential.") not in page


def test_the_dashboard_does_not_repeat_self_assessment(owner: FlaskClient) -> None:
    _start(owner, "en")
    page = owner.get("/").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a [^>]*>(.*?)</a>(.*?)</td>", page, re.S)
    assert row, page
    title = htmllib.unescape(row.group(1))
    assert title.startswith(f"Own view of {OWNER['name']}, ")
    assert "Self-assessment" not in title and "Self-assessment" in row.group(2)


def test_submitting_completes_the_self_assessment(owner: FlaskClient, app: Flask) -> None:
    _start(owner, "en")
    assert _assessment(app).status is AssessmentStatus.OPEN
    token = csrf_token(owner, "/respond/page/1")
    owner.post(
        "/respond/page/1",
        data={"csrf_token": token, "mgmt_rep.one_to_ones": "weekly", "go": "review"},
    )
    token = csrf_token(owner, "/respond/review")
    res = owner.post("/respond/submit", data={"csrf_token": token}, follow_redirects=True)
    assert res.status_code == 200 and "Overall health" in res.get_data(as_text=True)
    assessment = _assessment(app)
    assert assessment.status is AssessmentStatus.CLOSED and assessment.closed_at is not None
    dashboard = owner.get("/").get_data(as_text=True)
    assert 'class="status status-closed"' in dashboard and "1 / 1" in dashboard
    with app.app_context(), unscoped(_db.session):
        entry = _db.session.scalars(
            select(AuditEntry).where(AuditEntry.event == "assessment.status")
        ).one()
        assert (entry.actor_id, entry.details) == (None, {"from": "open", "to": "closed"})
        _db.session.remove()
    # a repeated submit (double click, back button) still lands on the results
    res = owner.post("/respond/submit", data={"csrf_token": token})
    assert res.status_code == 302
