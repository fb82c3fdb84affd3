"""``saleshealth export`` and ``saleshealth import`` on the app database."""

# The web fixtures (app, client, owner) are imported by name, which ruff sees as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from assessment.cli import main
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.loader import find_questionnaire
from assessment.core.synthetic import synthetic_respondents
from assessment.db.models import Respondent
from assessment.db.tenancy import unscoped
from assessment.io.exports import ExportPerson, long_rows, to_csv
from tests.web.conftest import (  # noqa: F401 - fixtures used by name
    add_people,
    app,
    client,
    new_assessment,
    new_client,
    owner,
)

pytestmark = pytest.mark.db


@pytest.fixture
def runner(app: Flask, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose app uses the test database."""
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "k" * 32)
    return CliRunner()


@pytest.fixture
def assessment_id(owner: FlaskClient) -> int:
    aid = new_assessment(owner, new_client(owner))
    add_people(owner, aid, "Ann Archer, ann@northwind-example.eu, executive")
    return aid


def answers_file(tmp_path: Path, count: int = 5, prefix: str = "C") -> Path:
    q = find_questionnaire("sales-org-health")
    people = [
        ExportPerson(CoreRespondent(f"{prefix}{i}", p.role, p.answers, p.comments, p.team, "en"))
        for i, p in enumerate(synthetic_respondents(q, count, seed=11), start=1)
    ]
    path = tmp_path / f"{prefix}.csv"
    path.write_bytes(to_csv(long_rows(q, people)))
    return path


def csv_table(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def respondents(app: Flask, aid: int) -> int:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        n = db.session.scalar(
            select(func.count()).select_from(Respondent).where(Respondent.assessment_id == aid)
        )
        return int(n or 0)


def test_import_then_export_every_format(
    runner: CliRunner,
    app: Flask,
    assessment_id: int,
    tmp_path: Path,
) -> None:
    source = answers_file(tmp_path)
    res = runner.invoke(main, ["import", "--assessment", str(assessment_id), "--file", str(source)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("imported 5 respondent(s), ")
    assert f"into assessment #{assessment_id}" in res.stdout
    assert respondents(app, assessment_id) == 6

    out = tmp_path / "long.csv"
    res = runner.invoke(
        main, ["export", "--assessment", str(assessment_id), "--shape", "long", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    # The exported long file is the imported one (only people who answered are exported),
    # except that teams with fewer than 3 (the minimum group size) respondents are empty.
    exported, imported = csv_table(out), csv_table(source)
    assert exported[0] == imported[0]
    assert exported[0] == [
        "respondent",
        "role",
        "team",
        "region",
        "segment",
        "question",
        "value",
        "comment",
    ]
    people_per_team = Counter(team for _code, team in {(r[0], r[2]) for r in imported[1:]})
    assert max(people_per_team.values()) < 3  # 5 synthetic people in teams A, B, C
    assert exported[1:] == [[r[0], r[1], "", *r[3:]] for r in imported[1:]]

    wide = tmp_path / "wide.xlsx"
    args = ["export", "--assessment", str(assessment_id), "--shape", "wide", "--format", "xlsx"]
    assert runner.invoke(main, [*args, "-o", str(wide)]).exit_code == 0
    sheet = load_workbook(wide).active
    assert sheet is not None and sheet.max_row == 6

    results = tmp_path / "results.json"
    args = ["export", "--assessment", str(assessment_id), "--format", "json"]
    assert runner.invoke(main, [*args, "-o", str(results)]).exit_code == 0
    document = json.loads(results.read_text())
    assert document["respondents"] == 5 and "overall" in document


def test_identified_export_adds_names(
    runner: CliRunner, assessment_id: int, tmp_path: Path
) -> None:
    runner.invoke(
        main,
        ["import", "--assessment", str(assessment_id), "--file", str(answers_file(tmp_path, 1))],
    )
    anonymous, identified = tmp_path / "a.csv", tmp_path / "i.csv"
    base = ["export", "--assessment", str(assessment_id), "--shape", "wide"]
    assert runner.invoke(main, [*base, "-o", str(anonymous)]).exit_code == 0
    res = runner.invoke(main, [*base, "--identified", "-o", str(identified)])
    assert res.exit_code == 0 and "contains names and e-mail addresses" in res.stdout
    header = next(csv.reader(io.StringIO(identified.read_text("utf-8-sig"))))
    assert header[:9] == [
        "respondent",
        "name",
        "email",
        "role",
        "team",
        "region",
        "segment",
        "language",
        "submitted",
    ]
    plain = csv_table(anonymous)
    assert plain[0][:6] == ["respondent", "role", "team", "region", "segment", "submitted"]
    assert "name" not in plain[0] and "language" not in plain[0]
    assert len(plain[1][5]) == len("2025-03-04")  # the day only
    res = runner.invoke(main, [*base, "--format", "json", "--identified", "-o", "x.json"])
    assert res.exit_code == 2 and "--identified applies to csv and xlsx" in res.output


def test_export_formats_are_the_registry_and_an_unknown_one_writes_nothing(
    runner: CliRunner, assessment_id: int, tmp_path: Path
) -> None:
    from assessment.io.formats import format_names

    help_text = runner.invoke(main, ["export", "--help"]).output
    assert all(name in help_text for name in format_names())
    out = tmp_path / "out.pdf"
    for bad in ("pdf", "CSV", ""):
        args = ["export", "--assessment", str(assessment_id), "--format", bad, "-o", str(out)]
        res = runner.invoke(main, args)
        assert res.exit_code == 2 and "Invalid value for '--format'" in res.output, res.output
        assert "'csv', 'xlsx', 'json'" in res.output
        assert not out.exists()  # never a silent CSV


def test_bad_import_exits_2_lists_every_problem_and_imports_nothing(
    runner: CliRunner,
    app: Flask,
    assessment_id: int,
    tmp_path: Path,
) -> None:
    good = answers_file(tmp_path, 2).read_text("utf-8-sig").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join([*good, "X1,sales_rep,,,,nope.q,agree,", "X2,boss,,,,crm.single_source,agree,"])
    )
    res = runner.invoke(main, ["import", "--assessment", str(assessment_id), "--file", str(bad)])
    assert res.exit_code == 2
    rows = len(good)
    assert f"{bad}: row {rows + 1}: unknown question 'nope.q'" in res.stderr
    assert f"{bad}: row {rows + 2}: unknown role 'boss'" in res.stderr
    assert "2 problem(s); nothing was imported" in res.stderr
    assert respondents(app, assessment_id) == 1

    source = answers_file(tmp_path, 2)
    args = ["import", "--assessment", str(assessment_id), "--file", str(source)]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 2
    assert "respondent code(s) already in this assessment: C1, C2" in again.stderr
    assert respondents(app, assessment_id) == 3


def test_wide_import_with_mapping_and_unknown_assessment(
    runner: CliRunner,
    app: Flask,
    assessment_id: int,
    tmp_path: Path,
) -> None:
    data = tmp_path / "survey.csv"
    data.write_text("Id,Role,Q1\nS1,Rep,Agree\nS2,Rep,Disagree\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "respondent: Id\nrole: Role\nroles: {Rep: sales_rep}\n"
        "questions: {Q1: mgmt_rep.clear_expectations}\n"
    )
    args = ["import", "--assessment", str(assessment_id), "--file", str(data)]
    res = runner.invoke(main, [*args, "--mapping", str(mapping)])
    assert res.exit_code == 0, res.output
    assert "imported 2 respondent(s), 2 answer(s)" in res.stdout
    assert respondents(app, assessment_id) == 3
    missing = runner.invoke(main, ["export", "--assessment", "999", "-o", str(tmp_path / "x")])
    assert missing.exit_code == 2
    assert "there is no assessment #999 in this database" in missing.stderr
