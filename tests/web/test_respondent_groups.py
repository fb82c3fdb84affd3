"""Team, region and segment travel with a respondent: the form, the list, the links CSV, the
exports and imports (small regions and segments blanked in anonymous files)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.core.answers import Answer, AnswerKind
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.loader import find_questionnaire
from assessment.db.models import Respondent
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from assessment.io.exports import ExportPerson, blank_small_teams, long_rows, to_csv, wide_rows
from assessment.io.long_answers import read_long_answers
from assessment.io.wide_answers import read_wide_answers
from assessment.services.respondents import parse_people
from tests.web.conftest import add_people, new_assessment, new_client, post_form


def _people(app: Flask) -> list[tuple[str, str, str, str]]:
    with app.app_context(), unscoped(_db.session):
        rows = [
            (r.code, r.team, r.region, r.segment)
            for r in _db.session.scalars(select(Respondent).order_by(Respondent.id))
        ]
        _db.session.remove()
        return rows


def test_form_list_and_edit_carry_region_and_segment(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents",
        {"role": "sales_rep", "name": "Ann", "team": "North", "region": "EMEA", "segment": "SMB"},
        form_url=f"/assessments/{aid}",
    )
    assert res.status_code == 302
    add_people(owner, aid, "Bob, , sales_rep, South, APAC, Enterprise\nCid, , sales_rep, South")
    assert _people(app) == [
        ("R0001", "North", "EMEA", "SMB"),
        ("R0002", "South", "APAC", "Enterprise"),
        ("R0003", "South", "", ""),
    ]
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "APAC · Enterprise" in page
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/3/edit",
        {"role": "sales_rep", "name": "Cid", "team": "South", "region": "LATAM", "segment": ""},
        form_url=f"/assessments/{aid}/respondents/3/edit",
    )
    assert res.status_code == 302
    assert _people(app)[2] == ("R0003", "South", "LATAM", "")
    links = owner.get(f"/assessments/{aid}/links").get_data(as_text=True)
    assert quote("code,name,email,role,team,region,segment,link") in links


def test_parse_people_accepts_three_to_six_columns() -> None:
    roles = ["sales_rep"]
    people = parse_people(", , sales_rep\nA, , sales_rep, T, R, S", roles, {})
    assert [(p.team, p.region, p.segment) for p in people] == [("", "", ""), ("T", "R", "S")]


def test_exports_and_imports_keep_region_and_segment() -> None:
    q = find_questionnaire("sales-org-health")
    qid = next(qu.id for qu in q.elements[0].questions if qu.type == "likert")
    value = next(iter(q.questions()[qid].options or ())).value
    people = [
        ExportPerson(
            CoreRespondent(
                f"R{i}",
                "sales_rep",
                {qid: Answer(AnswerKind.OPTION, value)},
                team="North",
                region="EMEA" if i < 3 else "APAC",
                segment="SMB",
            )
        )
        for i in range(4)
    ]
    for content, read in (
        (to_csv(long_rows(q, people)), read_long_answers),
        (to_csv(wide_rows(q, people)), lambda c, qq: read_wide_answers(c, qq).respondents),
    ):
        back = read(content, q)
        assert [(p.respondent.region, p.respondent.segment) for p in back] == [
            ("EMEA", "SMB")
        ] * 3 + [("APAC", "SMB")]
    blanked = blank_small_teams(people, 3)
    assert [p.respondent.region for p in blanked] == ["EMEA"] * 3 + [""]
    assert [p.respondent.segment for p in blanked] == ["SMB"] * 4
    assert [p.respondent.team for p in blanked] == ["North"] * 4
