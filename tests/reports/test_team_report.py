"""Teams in the PDF: the full report's team section and the team report, both with the
core's suppression (a hidden figure never reaches the view-model), and ``report --team``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.catalogues import translations_for
from assessment.cli import main
from assessment.core.cut_results import TeamCuts
from assessment.core.cuts import team_cuts
from assessment.core.loader import find_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.io.exports import ExportPerson, long_rows, to_csv
from reports import ReportMeta, build_html, render_html
from reports.i18n import Formatter
from reports.teams import build_team_html, build_team_view, build_teams_section
from reports.viewmodel import OptionalSections
from tests.reports.conftest import pdf_text

SIZES = {"Central": 2, "East": 9, "North": 14, "South": 11, "West": 6}
"""Central is below the minimum (3); West, the next smallest, is hidden with it."""


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return find_questionnaire("sales-org-health")


@pytest.fixture(scope="module")
def people(q: Questionnaire) -> list:  # type: ignore[type-arg]
    base = synthetic_respondents(q, sum(SIZES.values()), seed=4)
    teams = [name for name, n in SIZES.items() for _ in range(n)]
    return [replace(p, team=t) for p, t in zip(base, teams, strict=True)]


@pytest.fixture(scope="module")
def scored(q: Questionnaire, people: list) -> tuple[Results, TeamCuts]:  # type: ignore[type-arg]
    results = score(q, people)
    return results, team_cuts(q, people, results)


def _meta(lang: str, cuts: TeamCuts | None) -> ReportMeta:
    return ReportMeta(
        client_name="Northwind Trading",
        assessment_title="Q1 health check",
        date=dt.date(2026, 12, 1),
        language=lang,
        optional=OptionalSections(teams=cuts),
    )


def test_the_section_carries_no_hidden_figure(
    q: Questionnaire, scored: tuple[Results, TeamCuts]
) -> None:
    results, cuts = scored
    section = build_teams_section(cuts, results, q, Formatter.create("en"))
    assert section is not None
    rows = {row.name: row for row in section.rows}
    assert section.rows[0].kind == "organization"
    for hidden in ("Central", "West"):
        assert all(c.suppressed and c.value is None for c in rows[hidden].cells)
        assert rows[hidden].overall == "–"
    for shown in ("East", "North", "South"):
        assert all(c.value is not None for c in rows[shown].cells)
    assert section.rows[-1].kind == "pooled" and all(c.value for c in section.rows[-1].cells)
    assert len(section.numbers) == len(results.elements)


def test_no_section_without_a_shown_team(q: Questionnaire, people: list) -> None:  # type: ignore[type-arg]
    results = score(q, [replace(p, team="") for p in people], intervals=False)
    cuts = team_cuts(q, [replace(p, team="") for p in people], results)
    assert build_teams_section(cuts, results, q, Formatter.create("en")) is None
    assert build_teams_section(None, results, q, Formatter.create("en")) is None
    html = build_html(results, q, _meta("en", cuts))
    assert 'id="teams"' not in html


def test_a_team_report_needs_a_shown_team(
    q: Questionnaire, scored: tuple[Results, TeamCuts]
) -> None:
    results, cuts = scored
    for name in ("West", "Central", "Nowhere"):
        with pytest.raises(ValueError):
            build_team_view(results, q, _meta("en", cuts), cuts, name)
    view = build_team_view(results, q, _meta("en", cuts), cuts, "North")
    assert view.respondents == 14 and len(view.rows) == len(results.elements)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_team_report_and_full_section_render(
    q: Questionnaire,
    people: list,
    lang: str,  # type: ignore[type-arg]
) -> None:
    ql = find_questionnaire("sales-org-health", lang=lang)
    results = score(ql, people)
    cuts = team_cuts(ql, people, results)
    translations = translations_for(lang)
    team_pdf = render_html(
        build_team_html(results, ql, _meta(lang, cuts), cuts, "North", translations)
    )
    text = pdf_text(team_pdf)
    heading = {"en": "North against the organization", "ru": "North в сравнении с организацией"}
    assert heading[lang] in text
    assert ("Whole organization" in text) == (lang == "en")
    full = build_html(results, ql, _meta(lang, cuts), translations=translations)
    assert 'id="teams"' in full and "Central" in full
    if lang == "ru":
        assert "Результаты по командам" in full and "Results by team" not in full


def test_report_cli_team(tmp_path: Path, people: list, q: Questionnaire) -> None:  # type: ignore[type-arg]
    answers = tmp_path / "answers.csv"
    answers.write_bytes(to_csv(long_rows(q, [ExportPerson(p) for p in people])))
    runner = CliRunner()
    out = tmp_path / "team.pdf"
    refused = runner.invoke(
        main, ["report", "--answers", str(answers), "-o", str(out), "--team", "West"]
    )
    assert refused.exit_code == 2 and not out.exists()
    assert "teams that can be reported: East, North, South" in refused.output
    done = runner.invoke(
        main, ["report", "--answers", str(answers), "-o", str(out), "--team", "South"]
    )
    assert done.exit_code == 0, done.output
    assert "South against the organization" in pdf_text(out.read_bytes())
