"""The command line: exit codes, JSON shapes, errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main
from tests.conftest import DATA

MINI = str(DATA / "mini")
ANSWERS = str(DATA / "mini" / "answers.csv")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_ok(runner: CliRunner) -> None:
    result = runner.invoke(main, ["questionnaire", "validate", MINI])
    assert result.exit_code == 0, result.output
    assert "ok: mini 0.1" in result.output


def test_validate_reports_every_error_and_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    text = (DATA / "mini" / "questionnaire.yaml").read_text()
    text = text.replace("id: a.q2", "id: a.q1").replace(
        "weight: 2\n    target: 80", "weight: -2\n    target: 80"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = runner.invoke(main, ["questionnaire", "validate", str(bad), MINI])
    assert result.exit_code == 2
    assert "elements[0].questions[1].id: duplicate question id 'a.q1'" in result.stderr
    assert "elements[0].weight:" in result.stderr
    assert "ok: mini" in result.stdout


def test_show_json_shape(runner: CliRunner) -> None:
    result = runner.invoke(main, ["questionnaire", "show", MINI, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {
        "id",
        "version",
        "hash",
        "roles",
        "leadership_roles",
        "frontline_roles",
        "levels",
        "elements",
    } <= set(doc)
    assert doc["levels"][0] == {"level": 1, "name": "Low", "min": 0}
    assert doc["kpi_share"] == 0.3  # the default, printed although the file does not set it
    assert doc["elements"][0]["recommendations"][0]["addresses"] == []
    assert doc["elements"][0]["recommendations"][0]["after"] == []
    q3 = doc["elements"][0]["questions"][2]
    assert q3["type"] == "number" and q3["unit"] == "%" and q3["options"] is None
    assert q3["bands"][0] == {"id": "low", "min": None, "max": 20, "score": 0, "label": ""}
    q1 = doc["elements"][0]["questions"][0]
    assert q1["options"][0] == {
        "value": "strongly_disagree",
        "label": "Strongly disagree",
        "score": 1,
    }
    assert q1["allow_na"] and q1["allow_dk"] and q1["bands"] is None


def test_show_unknown_id(runner: CliRunner) -> None:
    result = runner.invoke(main, ["questionnaire", "show", "no-such-thing", "--json"])
    assert result.exit_code == 2 and "no questionnaire 'no-such-thing'" in result.stderr


def test_score_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        ["score", "--answers", ANSWERS, "--questionnaire", MINI, "--json", "--min-group-size", "1"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["respondents"] == 4
    # method 2 (see tests/core/test_golden.py): E_a = 0.7 * 100 * (2/3 + 2*0.5)/3 + 0.3 * 100,
    # E_b = 30, overall = (2 * E_a + E_b) / 3
    e_a = 0.7 * 100 * (2 / 3 + 1.0) / 3 + 0.3 * 100
    assert doc["overall"]["score"] == pytest.approx((2 * e_a + 30) / 3)
    assert doc["overall"]["ci"] is None  # four respondents: no interval
    a = doc["elements"][0]
    assert {
        "id",
        "title",
        "score",
        "weight",
        "target",
        "level",
        "coverage",
        "agreement",
        "leadership",
        "frontline",
        "gap",
        "flags",
        "roles",
    } <= set(a)
    # a group is scored on practice items only: a.q1 agree 0.75 and a.q2 yes (weight 2)
    assert a["roles"]["executive"] == {
        "n": 1,
        "score": pytest.approx(100 * (0.75 + 2) / 3),
        "suppressed": False,
    }
    rec = doc["recommendations"][0]
    assert set(rec) == {
        "id",
        "element",
        "title",
        "priority",
        "effort",
        "impact",
        "horizon_days",
        "addresses",
        "after",
        "basis",
    }


def test_score_with_a_fact(runner: CliRunner) -> None:
    args = ["score", "--answers", ANSWERS, "--questionnaire", MINI, "--json"]
    result = runner.invoke(main, [*args, "--fact", "a.q3=10,5"])
    assert result.exit_code == 0, result.output
    kpi = json.loads(result.stdout)["elements"][0]["kpis"][0]
    assert (kpi["value"], kpi["source"], kpi["band"], kpi["score"]) == (10.5, "fact", "low", 0)
    assert kpi["reference"] == "command line"
    bad = runner.invoke(main, [*args, "--fact", "a.q1=3", "--fact", "a.q3=500"])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "--fact 'a.q1=3': expected KPI_QUESTION=VALUE" in bad.stderr
    assert "a.q3: 500 is outside the allowed range" in bad.stderr


def test_score_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "--answers", ANSWERS, "--questionnaire", MINI])
    assert result.exit_code == 0
    assert "Overall: 55.9  level 2 Mid" in result.stdout  # (2 * 68.89 + 30) / 3
    assert "Practice index: 47.0  KPI index: 100.0" in result.stdout  # (2 * 55.56 + 30) / 3
    assert "Element A" in result.stdout and "low_coverage" in result.stdout


def test_score_bad_answers_exit_2_and_print_no_result(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,role,question,value\nE1,ceo,a.q1,agree\nE1,executive,a.q3,500\n")
    result = runner.invoke(
        main, ["score", "--answers", str(bad), "--questionnaire", MINI, "--json"]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "row 2: unknown role 'ceo'" in result.stderr
    assert "row 3: value: a.q3: 500 is outside the allowed range" in result.stderr


def test_console_script_exit_code(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "assessment",
            "score",
            "--answers",
            str(empty),
            "--questionnaire",
            MINI,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "the file is empty" in proc.stderr and proc.stdout == ""
