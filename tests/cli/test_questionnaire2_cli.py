"""`questionnaire show --json` prints where bands come from; `validate` checks evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import main
from tests.conftest import DATA

SOURCED = DATA / "sourced"


def test_show_json_prints_sources_evidence_and_kind() -> None:
    result = CliRunner().invoke(main, ["questionnaire", "show", str(SOURCED), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["kind"], doc["grows_into"]) == ("full", None)
    questions = {q["id"]: q for q in doc["elements"][0]["questions"]}
    assert questions["pipe.win_rate"]["source"] == {
        "kind": "practice",
        "note": "Set from consulting practice; no published norm fits every market.",
    }
    assert questions["pipe.cycle"]["source"]["kind"] == "seed"
    assert questions["pipe.slip"]["source"] is None
    recs = {r["id"]: r for r in doc["elements"][0]["recommendations"]}
    assert recs["pipe.review_weekly"]["evidence"].startswith("Your win rate is {kpi:pipe.win_rate}")
    assert recs["pipe.small_team"]["evidence"] is None


def test_show_json_in_another_language_translates_the_note() -> None:
    result = CliRunner().invoke(
        main, ["questionnaire", "show", str(SOURCED), "--json", "--lang", "pl"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    source = doc["elements"][0]["questions"][2]["source"]
    assert source["kind"] == "practice" and source["note"].startswith("Ustalone na podstawie")


def test_validate_reports_translated_evidence_with_other_placeholders(tmp_path: Path) -> None:
    folder = tmp_path / "sourced"
    shutil.copytree(SOURCED, folder)
    pl_file = folder / "i18n" / "pl.yaml"
    pl = yaml.safe_load(pl_file.read_text(encoding="utf-8"))
    del pl["elements"]["pipe"]["questions"]["pipe.cycle"]["source"]
    recs = pl["elements"]["pipe"]["recommendations"]
    recs["pipe.distribution_margin"]["evidence"] = "Zespół liczy {profile:sales_managers} osób."
    pl_file.write_text(yaml.safe_dump(pl, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "validate", str(folder)])
    assert result.exit_code == 2
    err = result.stderr
    assert "i18n/pl.yaml: elements.pipe.questions.pipe.cycle.source: missing translation" in err
    assert (
        "i18n/pl.yaml: elements.pipe.recommendations.pipe.distribution_margin.evidence: "
        "placeholders differ from the source sentence: missing {profile:avg_deal_size}, "
        "{profile:sales_headcount}; not in the source {profile:sales_managers}"
    ) in err


ANSWERS = """respondent,role,question,value
e1,executive,pipe.reviewed,agree
e1,executive,pipe.slip,agree
e1,executive,pipe.win_rate,12
r1,sales_rep,pipe.slip,disagree
"""


def test_score_reads_the_organization_profile(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(ANSWERS)
    base = ["score", "--answers", str(answers), "--questionnaire", str(SOURCED), "--json"]

    def fired(*profile: str) -> set[str]:
        args = [a for p in profile for a in ("--profile", p)]
        result = CliRunner().invoke(main, [*base, *args])
        assert result.exit_code == 0, result.output
        return {r["id"] for r in json.loads(result.stdout)["recommendations"]}

    assert "pipe.small_team" not in fired()
    assert "pipe.small_team" in fired("sales_headcount=3")
    assert "pipe.distribution_margin" in fired("business_type=distributor", "sales_headcount=9")
    bad = CliRunner().invoke(main, [*base, "--profile", "business_type=shop"])
    assert bad.exit_code == 2
    assert "--profile business_type: 'shop' is not one of: manufacturer" in bad.stderr


def test_validate_checks_shipped_mappings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "shipped"
    shutil.copytree(DATA / "quickship", shipped)
    monkeypatch.setenv("SALESHEALTH_QUESTIONNAIRES", str(shipped))
    ok = CliRunner().invoke(main, ["questionnaire", "validate", str(shipped / "quickq")])
    assert ok.exit_code == 0, ok.output
    assert "quickq-1.0-to-fullq-1.0.yaml: ok (quickq 1.0 -> fullq 1.0)" in ok.output
    mapping = shipped / "quickq" / "mappings" / "quickq-1.0-to-fullq-1.0.yaml"
    text = mapping.read_text().replace("pipe.quick_review: pipe.review", "pipe.quick: pipe.reviews")
    mapping.write_text(text)
    bad = CliRunner().invoke(main, ["questionnaire", "validate", str(shipped / "quickq")])
    assert bad.exit_code == 2
    # both sides are checked: the quick check's own ids, and fullq's (on the search path)
    assert "questions.pipe.quick: unknown question 'pipe.quick' in quickq 1.0" in bad.stderr
    assert "questions.pipe.quick: unknown question 'pipe.reviews' in fullq 1.0" in bad.stderr
