"""Results by team through the API and in the results export: the same figures and the same
suppression as the results page."""

from __future__ import annotations

from flask.testing import FlaskClient

from assessment.web.api.openapi import openapi_document
from tests.web.test_api import bearer, create_token
from tests.web.test_teams_page import SIZES, with_teams  # noqa: F401  (fixture)


def test_team_results_endpoint_hides_what_the_page_hides(
    owner: FlaskClient,
    with_teams: int,  # noqa: F811
) -> None:
    h = bearer(create_token(owner))
    api = owner.application.test_client()
    res = api.get(f"/api/v1/assessments/{with_teams}/results/teams", headers=h)
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    doc = res.get_json()
    assert doc["by"] == "team" and doc["min_group_size"] == 3 and len(doc["elements"]) == 12
    teams = {t["name"]: t for t in doc["teams"]}
    assert set(teams) == set(SIZES)
    for hidden, reason in (("West", "small"), ("East", "protection")):
        assert not teams[hidden]["shown"] and teams[hidden]["overall"] is None
        for cell in teams[hidden]["elements"]:
            assert cell["suppressed"] and cell["reason"] == reason
            assert all(
                cell[k] is None for k in ("score", "rest", "difference", "p", "q", "leadership")
            )
    for shown in ("North", "South"):
        assert all(c["score"] is not None for c in teams[shown]["elements"])
    # East and West pooled: 7 people, fewer in an element where someone answered only
    # "don't know" (in 2.0.0 reps answer two pipeline practices); never under the minimum.
    assert all(3 <= p["n"] <= 7 and p["score"] is not None for p in doc["pooled"])
    assert max(p["n"] for p in doc["pooled"]) == 7

    exported = api.get(f"/api/v1/assessments/{with_teams}/exports/results", headers=h)
    assert exported.status_code == 200 and exported.get_json()["teams"] == doc
    plain = api.get(f"/api/v1/assessments/{with_teams}/results", headers=h).get_json()
    assert "teams" not in plain  # the score --json document keeps its keys

    assert api.get("/api/v1/assessments/999999/results/teams", headers=h).status_code == 404
    assert api.get(f"/api/v1/assessments/{with_teams}/results/teams").status_code == 401


def test_openapi_documents_the_team_results() -> None:
    doc = openapi_document()
    op = doc["paths"]["/api/v1/assessments/{assessment_id}/results/teams"]["get"]
    assert op["operationId"] == "getTeamResults"
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/TeamsOut")
    assert "TeamCellOut" in doc["components"]["schemas"]
