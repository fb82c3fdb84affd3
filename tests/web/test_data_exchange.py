"""Exports and imports through the web: headers, anonymity, roles, all-or-nothing imports."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.loader import find_questionnaire
from assessment.core.synthetic import synthetic_respondents
from assessment.db.models import Answer, Assessment, MemberRole, Membership, Respondent
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.io.exports import ExportPerson, long_rows, to_csv
from assessment.io.imported import IMPORT_MAX_BYTES
from assessment.services import data_exchange as svc
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment
from tests.web.conftest import (
    add_people,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)
from tests.web.invitations import invite_member
from tests.web.test_flow import answer_all

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def long_csv(people: list[CoreRespondent]) -> bytes:
    q = find_questionnaire("sales-org-health")
    return to_csv(long_rows(q, [ExportPerson(p) for p in people]))


def synthetic(n: int, prefix: str = "W", seed: int = 3) -> list[CoreRespondent]:
    q = find_questionnaire("sales-org-health")
    return [
        CoreRespondent(
            id=f"{prefix}{i}",
            role=p.role,
            answers=p.answers,
            comments=p.comments,
            team=p.team,
            language=p.language,
        )
        for i, p in enumerate(synthetic_respondents(q, n, seed=seed), start=1)
    ]


@pytest.fixture
def answered(owner: FlaskClient) -> int:
    """An open assessment where two people answered through their links."""
    aid = new_assessment(owner, new_client(owner))
    links = add_people(
        owner,
        aid,
        "Ann Archer, ann@northwind-example.eu, executive, =HYPERLINK(1)\n"
        "Bob Baker, bob@northwind-example.eu, sales_rep, North",
    )
    open_assessment(owner, aid)
    for link in links:
        answer_all(owner.application.test_client(), link, comment="-- needs work")
    return aid


def export(client: FlaskClient, aid: int, **fields: Any) -> Any:
    data = {"shape": "long", "fmt": "csv", "identity": "anonymous", **fields}
    return post_form(
        client, f"/assessments/{aid}/data/export", data, form_url=f"/assessments/{aid}/data"
    )


def member(owner: FlaskClient, app: Flask, role: str) -> FlaskClient:
    email = f"{role}@acme-consulting.eu"
    invite_member(owner, role.title(), email, f"{role} password 1", role)
    other = app.test_client()
    post_form(other, "/login", {"email": email, "password": f"{role} password 1"})
    return other


def upload(
    client: FlaskClient,
    aid: int,
    content: bytes,
    shape: str = "long",
    mapping: bytes | None = None,
    name: str = "answers.csv",
) -> Any:
    data: dict[str, Any] = {"shape": shape, "upload": (io.BytesIO(content), name)}
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping), "mapping.yaml")
    url = f"/assessments/{aid}/data/import"
    # A successful import redirects to the page showing its result (post/redirect/get).
    return post_form(client, url, data, content_type="multipart/form-data", follow_redirects=True)


def counts(app: Flask, aid: int) -> tuple[int, int]:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        people = db.session.scalar(
            select(func.count()).select_from(Respondent).where(Respondent.assessment_id == aid)
        )
        answers = db.session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(Respondent.assessment_id == aid)
        )
        return int(people or 0), int(answers or 0)


def test_downloads_are_attachments_that_are_not_cached(owner: FlaskClient, answered: int) -> None:
    page = owner.get(f"/assessments/{answered}").get_data(as_text=True)
    assert f"/assessments/{answered}/data/import" in page and "Export responses" in page
    res = export(owner, answered)
    assert res.status_code == 200
    assert res.mimetype == "text/csv" and res.headers["Content-Type"] == CSV
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Northwind-Q1-health-check-responses-long')
    assert disposition.endswith('.csv"')
    assert "no-store" in res.headers["Cache-Control"]
    body = res.get_data().decode("utf-8-sig")
    assert body.splitlines()[0] == "respondent,role,team,region,segment,question,value,comment"
    assert "'-- needs work" in body

    xlsx = export(owner, answered, shape="wide", fmt="xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Type"] == XLSX
    assert xlsx.headers["Content-Disposition"].endswith('-responses-wide.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[0][:6] == ("respondent", "role", "team", "region", "segment", "submitted")
    assert {r[0] for r in rows[1:]} == {"R0001", "R0002"}

    results = owner.get(f"/assessments/{answered}/data/results.json")
    assert results.status_code == 200 and results.mimetype == "application/json"
    assert results.headers["Content-Disposition"].endswith('-results.json"')
    assert "no-store" in results.headers["Cache-Control"]
    document = json.loads(results.get_data())
    assert document["respondents"] == 2 and len(document["elements"]) == 12


def test_anonymous_by_default_identified_only_when_confirmed(
    owner: FlaskClient, answered: int
) -> None:
    for shape in ("long", "wide"):
        for fmt in ("csv", "xlsx"):
            body = export(owner, answered, shape=shape, fmt=fmt).get_data()
            assert b"Ann" not in body and b"northwind-example" not in body
    unconfirmed = export(owner, answered, identity="identified")
    assert unconfirmed.status_code == 400
    assert "Confirm that you need names" in unconfirmed.get_data(as_text=True)
    res = export(owner, answered, identity="identified", confirm="y", shape="wide")
    assert res.status_code == 200
    assert res.headers["Content-Disposition"].endswith('-responses-wide-identified.csv"')
    text = res.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("respondent,name,email,role,team")
    assert "Ann Archer,ann@northwind-example.eu" in text


def test_consultant_may_identify_viewer_may_not(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    consultant = member(owner, app, "consultant")
    res = export(consultant, answered, identity="identified", confirm="y")
    assert res.status_code == 200 and "Ann Archer" in res.get_data(as_text=True)

    viewer = member(owner, app, "viewer")
    page = viewer.get(f"/assessments/{answered}").get_data(as_text=True)
    assert "Export responses" in page and "/data/import" not in page
    form = viewer.get(f"/assessments/{answered}/data").get_data(as_text=True)
    assert 'value="identified"' not in form
    assert export(viewer, answered).status_code == 200
    assert b"Ann" not in export(viewer, answered, shape="wide").get_data()
    assert export(viewer, answered, identity="identified", confirm="y").status_code == 403
    assert viewer.get(f"/assessments/{answered}/data/import").status_code == 403
    token_page = f"/assessments/{answered}/data"
    res = post_form(
        viewer,
        f"/assessments/{answered}/data/import",
        {"shape": "long", "upload": (io.BytesIO(long_csv(synthetic(1))), "a.csv")},
        form_url=token_page,
        content_type="multipart/form-data",
    )
    assert res.status_code == 403
    assert counts(app, answered)[0] == 2


def test_import_is_all_or_nothing(owner: FlaskClient, app: Flask, answered: int) -> None:
    before = export(owner, answered, shape="wide").get_data()
    people, answers = counts(app, answered)
    good = long_csv(synthetic(4)).decode("utf-8-sig").splitlines()
    bad_rows = [
        "W9,sales_rep,,,,crm.zz_unknown,agree,",
        "W10,ceo,,,,crm.single_source,agree,",
        "W11,sales_rep,,,,mgmt_rep.one_to_ones,sometimes-ish,",
    ]
    content = "\n".join([*good, *bad_rows]) + "\n"
    res = upload(owner, answered, content.encode())
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert "Nothing was imported." in html
    last = len(good)
    assert f"row {last + 1}: unknown question &#39;crm.zz_unknown&#39;" in html
    assert f"row {last + 2}: unknown role &#39;ceo&#39;" in html
    assert f"row {last + 3}: " in html
    assert "Fix these 3 problems" in html
    assert counts(app, answered) == (people, answers)
    assert export(owner, answered, shape="wide").get_data() == before

    res = upload(owner, answered, "\n".join(good).encode())
    assert res.status_code == 200, res.get_data(as_text=True)
    html = res.get_data(as_text=True)
    assert "Imported 4 respondents from answers.csv." in html
    assert counts(app, answered)[0] == people + 4
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        imported = db.session.scalars(
            select(Respondent).where(
                Respondent.assessment_id == answered, Respondent.origin == "import"
            )
        ).all()
        assert sorted(r.code for r in imported) == ["W1", "W2", "W3", "W4"]
        assert all(r.token_hash is None and r.submitted_at is not None for r in imported)
        sources = set(
            db.session.scalars(
                select(Answer.source).where(Answer.respondent_id.in_([r.id for r in imported]))
            )
        )
        assert sources == {"import"}
        kept = set(
            db.session.scalars(
                select(Answer.source)
                .join(Respondent, Respondent.id == Answer.respondent_id)
                .where(Respondent.assessment_id == answered, Respondent.origin == "link")
            )
        )
        assert kept == {"respondent"}

    again = upload(owner, answered, "\n".join(good).encode())
    assert again.status_code == 400
    assert "respondent code(s) already in this assessment: W1, W2, W3, W4" in again.get_data(
        as_text=True
    )
    assert counts(app, answered)[0] == people + 4


def test_import_refuses_closed_assessments_and_large_files(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    too_big = upload(owner, answered, b"respondent,role,question,value\n" + b" " * IMPORT_MAX_BYTES)
    assert too_big.status_code == 400
    assert "The file is larger than 10 MB" in too_big.get_data(as_text=True)
    post_form(
        owner,
        f"/assessments/{answered}/status",
        {"status": "closed"},
        form_url=f"/assessments/{answered}",
    )
    res = upload(owner, answered, long_csv(synthetic(1)))
    assert res.status_code == 400
    assert "this assessment is closed; reopen it to import answers" in res.get_data(as_text=True)
    assert counts(app, answered)[0] == 2


def test_wide_import_with_mapping(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    mapping = (
        b"respondent: ID\nrole: Position\nteam: Region\n"
        b"roles: {Rep: sales_rep, Director: executive}\n"
        b"values: {Totally agree: 5, Totally disagree: 1}\n"
        b"questions:\n  Q1: mgmt_rep.clear_expectations\n"
        b"comments: {Notes: mgmt_rep}\n"
    )
    page = owner.get(f"/assessments/{aid}/data/import")
    assert page.status_code == 200
    content = (
        b"ID,Timestamp,Position,Region,Q1,Notes\n"
        b"P1,2025-02-01,Rep,East,Totally agree,Good coaching\n"
        b"P2,2025-02-01,Director,,Totally disagree,\n"
    )
    res = upload(owner, aid, content, shape="wide", mapping=mapping, name="survey.csv")
    html = res.get_data(as_text=True)
    assert res.status_code == 200, html
    assert "Imported 2 respondents from survey.csv." in html
    assert "Timestamp" in html  # the unused column is named
    assert counts(app, aid) == (2, 2)


def test_long_export_reimports_and_rescores_identically(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    upload(owner, answered, long_csv(synthetic(6)))
    content = export(owner, answered).get_data()
    target = new_assessment(owner, new_client(owner, "Second client"))
    res = upload(owner, target, content, name="export.csv")
    assert res.status_code == 200, res.get_data(as_text=True)
    from assessment.extensions import db

    with app.app_context():
        session = db.session
        with unscoped(session):
            workspace = session.scalar(select(Membership.workspace_id))
        bind_workspace(session, workspace)
        first = compute_results(session, get_assessment(session, answered)).to_dict(explain=True)
        second = compute_results(session, get_assessment(session, target)).to_dict(explain=True)
        assert first == second
        actor = Actor(1, int(workspace or 0), MemberRole.OWNER)
        exported = svc.export_results(session, actor, target)
        teams = exported.pop("teams")
        assert exported == compute_results(session, get_assessment(session, target)).to_dict()
        assert teams["by"] == "team" and len(teams["elements"]) == 12
        wide_a = svc.export_responses(session, actor, answered, shape="wide", fmt="csv").content
        wide_b = svc.export_responses(session, actor, target, shape="wide", fmt="csv").content
        strip = re.compile(rb",\d{4}-\d\d-\d\d,")  # anonymous files hold the day only
        assert strip.sub(b",,", wide_a) == strip.sub(b",,", wide_b)
        assert session.scalar(select(Assessment.id).where(Assessment.id == target)) == target


def test_people_added_after_an_import_get_free_codes(owner: FlaskClient, app: Flask) -> None:
    """Imported codes like R0002/R0005 do not collide with codes given to new people."""
    aid = new_assessment(owner, new_client(owner))
    people = synthetic(2, prefix="R")
    people = [
        CoreRespondent(id=code, role=p.role, answers=p.answers, comments=p.comments, team=p.team)
        for code, p in zip(("R0002", "R0005"), people, strict=True)
    ]
    res = upload(owner, aid, long_csv(people))
    assert res.status_code == 200, res.get_data(as_text=True)
    links = add_people(owner, aid, ", , sales_rep\n, , sales_rep\n, , executive")
    assert len(links) == 3
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    for code in ("R0002", "R0005", "R0006", "R0007", "R0008"):
        assert f"<code>{code}</code>" in page, code
    assert page.count(">imported<") == 2


def test_anonymous_export_blanks_small_teams_and_hides_time_and_language(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    """Issue 6 review: a viewer's file must not point to one person in a small team."""
    people = [
        CoreRespondent(f"T{i}", p.role, p.answers, p.comments, team=team, language="pl")
        for i, (p, team) in enumerate(
            zip(synthetic(5), ["Big", "Big", "Big", "Tiny", "Tiny"], strict=True), start=1
        )
    ]
    assert upload(owner, answered, long_csv_with_teams(people)).status_code == 200
    viewer = member(owner, app, "viewer")
    for shape in ("long", "wide"):
        for fmt in ("csv", "xlsx"):
            res = export(viewer, answered, shape=shape, fmt=fmt)
            assert res.status_code == 200
            rows = table(res.get_data(), fmt)
            header = rows[0]
            assert "language" not in header and "name" not in header and "email" not in header
            teams = {r[0]: r[header.index("team")] for r in rows[1:]}
            # min group size 3: Big (3 people) stays; Tiny (2), North (1) and the
            # one-person "=HYPERLINK(1)" team are blanked.
            assert {code: team for code, team in teams.items() if team} == {
                "T1": "Big",
                "T2": "Big",
                "T3": "Big",
            }, (shape, fmt)
            assert {"R0001", "R0002", "T4", "T5"} <= set(teams)
            cells = [str(c) for r in rows for c in r if c is not None]
            assert not any(re.search(r"T\d\d:\d\d", c) for c in cells), (shape, fmt)
            assert "pl" not in cells
            if shape == "wide":
                submitted = {r[header.index("submitted")] for r in rows[1:]}
                assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", str(s)) for s in submitted)
    # the identified export (owner, confirmed) keeps team, language and the exact time
    full = export(owner, answered, shape="wide", identity="identified", confirm="y")
    rows = table(full.get_data(), "csv")
    header = rows[0]
    record = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert record["T4"]["team"] == "Tiny" and record["T4"]["language"] == "pl"
    assert record["R0002"]["team"] == "North"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record["T4"]["submitted"])


def test_min_group_size_of_the_assessment_decides(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner), min_group_size=2)
    people = [
        CoreRespondent(f"T{i}", p.role, p.answers, p.comments, team=team)
        for i, (p, team) in enumerate(
            zip(synthetic(3), ["Pair", "Pair", "Solo"], strict=True), start=1
        )
    ]
    assert upload(owner, aid, long_csv_with_teams(people)).status_code == 200
    rows = table(export(owner, aid, shape="wide").get_data(), "csv")
    assert [r[rows[0].index("team")] for r in rows[1:]] == ["Pair", "Pair", ""]


def test_export_page_says_comments_are_verbatim(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    for client in (owner, member(owner, app, "viewer")):
        page = client.get(f"/assessments/{answered}/data").get_data(as_text=True)
        assert "Comments and free-text answers are exported exactly as typed" in page
        assert "may contain names" in page
        assert "fewer respondents than the minimum group size (3)" in page


def test_web_import_refuses_a_comment_longer_than_the_web_allows(
    owner: FlaskClient, app: Flask, answered: int
) -> None:
    before = counts(app, answered)
    content = (
        "respondent,role,question,value,comment\n"
        f"X1,sales_rep,mgmt_rep.clear_expectations,agree,{'c' * 5001}\n"
    ).encode()
    res = upload(owner, answered, content)
    assert res.status_code == 400
    assert "row 2, column &#39;comment&#39;: the comment has 5,001 characters" in res.get_data(
        as_text=True
    )
    assert counts(app, answered) == before


def long_csv_with_teams(people: list[CoreRespondent]) -> bytes:
    """A long file that keeps every team (the identified layout: import accepts it)."""
    q = find_questionnaire("sales-org-health")
    return to_csv(long_rows(q, [ExportPerson(p) for p in people], identified=True))


def table(content: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        return [["" if c is None else c for c in r] for r in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# --- export formats come from one registry ------------------------------------------------


def test_export_formats_come_from_the_registry_and_unknown_ones_are_refused(
    owner: FlaskClient, app: Flask
) -> None:
    from assessment.extensions import db
    from assessment.io.formats import format_names, table_formats
    from assessment.services.errors import Invalid

    assert format_names() == ("csv", "xlsx", "json")
    aid = new_assessment(owner, new_client(owner))
    # The export form offers exactly the registry's responses formats...
    page = owner.get(f"/assessments/{aid}/data").get_data(as_text=True)
    offered = re.findall(r'name="fmt"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="fmt"', page)
    assert [a or b for a, b in offered] == [f.name for f in table_formats()]
    # ...and refuses anything else instead of writing a CSV.
    for bad in ("pdf", "json", ""):
        res = export(owner, aid, fmt=bad)
        assert res.status_code == 400 and not res.headers.get("Content-Disposition")
    with app.app_context():
        session = db.session
        with unscoped(session):
            workspace = session.scalar(select(Membership.workspace_id))
        bind_workspace(session, workspace)
        actor = Actor(1, int(workspace or 0), MemberRole.OWNER)
        for bad in ("pdf", "json", "CSV"):
            with pytest.raises(Invalid, match="format must be one of csv, xlsx"):
                svc.export_responses(session, actor, aid, shape="long", fmt=bad)
        # (The messages are coded since errors became codes: they name what is accepted.)
        with pytest.raises(Invalid, match="format must be one of csv, xlsx, json"):
            svc.export_file(session, actor, aid, fmt="pdf")
        with pytest.raises(Invalid, match=r"format must be one of json$"):
            svc.export_results_file(session, actor, aid, "pdf")
        with pytest.raises(Invalid, match=r"format must be one of json$"):
            svc.export_results_file(session, actor, aid, "csv")
        with pytest.raises(Invalid, match="an identified export applies to responses"):
            svc.export_file(session, actor, aid, fmt="json", identified=True)
        for name, mimetype in (("csv", CSV), ("xlsx", XLSX), ("json", "application/json")):
            file = svc.export_file(session, actor, aid, fmt=name)
            assert file.mimetype == mimetype and file.filename.endswith(f".{name}")
        document = json.loads(svc.export_file(session, actor, aid, fmt="json").content)
        assert "teams" in document.pop("teams")
        assert document == compute_results(session, get_assessment(session, aid)).to_dict()
