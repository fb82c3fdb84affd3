"""The results page's Teams section: a heatmap whose hidden cells carry no value, one team
against the organization, the team PDF request (CSRF on), in every language."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.loader import find_questionnaire
from assessment.core.synthetic import synthetic_respondents
from assessment.io.exports import ExportPerson, long_rows, to_csv
from tests.querycount import counting
from tests.reports.conftest import pdf_text
from tests.web.conftest import (
    download_pdf,
    new_assessment,
    new_client,
    post_form,
    wait_for_report,
)
from tests.web.test_data_exchange import upload

SIZES = {"North": 12, "South": 6, "East": 5, "West": 2}
"""West is below the minimum (3): East, the next smallest, is hidden with it."""


def team_people() -> list[CoreRespondent]:
    q = find_questionnaire("sales-org-health")
    base = synthetic_respondents(
        q, sum(SIZES.values()), mix={"sales_manager": 1, "sales_rep": 2}, seed=11
    )
    teams = [name for name, n in SIZES.items() for _ in range(n)]
    return [
        replace(p, id=f"T{i:02d}", team=t) for i, (p, t) in enumerate(zip(base, teams, strict=True))
    ]


@pytest.fixture
def with_teams(owner: FlaskClient) -> int:
    aid = new_assessment(owner, new_client(owner))
    q = find_questionnaire("sales-org-health")
    content = to_csv(long_rows(q, [ExportPerson(p) for p in team_people()], identified=True))
    res = upload(owner, aid, content)
    assert res.status_code in (200, 302), res.get_data(as_text=True)[:500]
    return aid


def _section(html: str) -> str:
    start = html.index('id="teams"')
    return html[start : html.index("</section>", start)]


def test_heatmap_hides_the_small_team_and_the_next_smallest(
    owner: FlaskClient, with_teams: int
) -> None:
    html = owner.get(f"/assessments/{with_teams}/results").get_data(as_text=True)
    section = _section(html)
    assert "Whole organization" in section
    rows = {
        name: row
        for name, row in re.findall(
            r'<tr[^>]*>\s*<th scope="row">(?:<a[^>]*>)?(\w+)(.*?)</tr>', section, re.S
        )
    }
    assert set(rows) >= set(SIZES)
    for shown in ("North", "South"):
        assert "hidden" not in rows[shown] and re.search(r">\d+", rows[shown])
    for hidden in ("East", "West"):
        cells = re.findall(r'<td class="num heat[^"]*"[^>]*>(.*?)</td>', rows[hidden], re.S)
        assert cells and all("hidden" in c for c in cells), rows[hidden]
        assert not any(re.search(r"\d", re.sub(r"<[^>]+>", "", c)) for c in cells)
    assert "Other teams together" in section  # East and West: 7 people, shown pooled
    assert '<option value="North"' in section and '<option value="West"' not in section


def test_one_team_against_the_organization(owner: FlaskClient, with_teams: int) -> None:
    html = owner.get(f"/assessments/{with_teams}/results?team=North").get_data(as_text=True)
    section = _section(html)
    assert "North against the organization" in section
    assert "rest of the organization" in section
    detail = section[section.index("team-detail") :]
    assert ">Gap</th>" in detail and ">Leadership</th>" in detail  # 4 managers and 8 reps
    assert 'name="team" value="North"' in section  # the team PDF request
    hidden = owner.get(f"/assessments/{with_teams}/results?team=West").get_data(as_text=True)
    assert "West against the organization" not in _section(hidden)


def test_team_report_request_keeps_csrf_and_refuses_a_hidden_team(
    owner: FlaskClient, with_teams: int
) -> None:
    url = f"/assessments/{with_teams}/report"
    no_token = owner.post(url, data={"language": "en", "team": "North"})
    assert no_token.status_code in (400, 403)
    refused = post_form(
        owner,
        url,
        {"language": "en", "team": "West"},
        form_url=f"/assessments/{with_teams}/results?team=North",
    )
    assert refused.status_code == 400
    assert "West" in refused.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["pl", "ru", "zh", "ro"])
def test_the_section_is_translated(owner: FlaskClient, with_teams: int, lang: str) -> None:
    html = owner.get(
        f"/assessments/{with_teams}/results?team=North", headers={"Accept-Language": lang}
    ).get_data(as_text=True)
    section = _section(html)
    for english in (
        "Whole organization",
        "Other teams together",
        "against the organization",
        "significantly",
        "All teams",
        "Download the team PDF",
    ):
        assert english not in section, (lang, english)


def test_team_pdf_through_the_web(owner: FlaskClient, with_teams: int) -> None:
    res = post_form(
        owner,
        f"/assessments/{with_teams}/report",
        {"language": "en", "team": "North"},
        form_url=f"/assessments/{with_teams}/results?team=North",
    )
    assert res.status_code == 302
    url = res.headers["Location"]
    status = wait_for_report(owner, url)
    assert status["status"] == "done", status
    download = owner.get(url + "/download")
    assert "North" in download.headers["Content-Disposition"]
    text = pdf_text(download.get_data())
    assert "North against the organization" in text and "Team report" in text.replace(
        "TEAM REPORT", "Team report"
    )
    # the whole report of the same assessment has the team section, the hidden teams hidden
    whole = download_pdf(owner, with_teams)
    assert "Results by team" in pdf_text(whole)


def test_teams_add_no_query_to_the_results_page(
    owner: FlaskClient, with_teams: int, app: Flask
) -> None:
    """The team figures come from the respondents the results read anyway."""
    from assessment.extensions import db

    with app.app_context():
        engine = db.engine
    plain = new_assessment(owner, new_client(owner, "Plain"))
    q = find_questionnaire("sales-org-health")
    people = [replace(p, team="") for p in team_people()]
    upload(owner, plain, to_csv(long_rows(q, [ExportPerson(p) for p in people], identified=True)))
    counts = {}
    for name, url in (
        ("no teams", f"/assessments/{plain}/results"),
        ("teams", f"/assessments/{with_teams}/results"),
        ("one team", f"/assessments/{with_teams}/results?team=North"),
    ):
        assert owner.get(url).status_code == 200  # warm-up
        with counting(engine) as queries:
            assert owner.get(url).status_code == 200
        counts[name] = queries.count
    assert counts["teams"] == counts["one team"] == counts["no teams"], counts
