"""The results page as plain data: scores, radar, explanations and the feature cards.

Results are computed once per request here and handed to every card that needs them (the
benchmark, the CRM evidence comparison, the change since the previous assessment).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from assessment.core.disclosure import for_guest
from assessment.core.model import Question, Questionnaire
from assessment.core.results import Results
from assessment.db.models import Assessment
from assessment.services import assessments as svc
from assessment.services import guest as guest_svc
from assessment.services.benchmark import BenchmarkView
from assessment.services.questionnaires import languages_of
from assessment.services.teams import results_with_teams
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.evidence.page import EvidenceCard, results_card
from assessment.web.results.kpis import KpiRow, kpi_rows
from assessment.web.results.teams import TeamsCard, teams_card
from assessment.web.trends.page import TrendCard, benchmark_card, trend_card


def radar_svg(q: Questionnaire, results: Results, lang: str) -> Markup | None:
    """Radar of the elements: overall, plus leadership/frontline when neither is suppressed."""
    from reports.branding import DEFAULT_PRIMARY
    from reports.charts import Series, radar

    if any(el.score is None for el in results.elements):
        return None
    series = [
        Series(
            _("Overall"),
            tuple(el.score or 0.0 for el in results.elements),
            DEFAULT_PRIMARY,
            fill=DEFAULT_PRIMARY,
            width=2.0,
        )
    ]
    if all(el.leadership is not None for el in results.elements):
        series.append(
            Series(
                _("Leadership"),
                tuple(el.leadership or 0.0 for el in results.elements),
                "#b4541a",
                dash="6 3",
            )
        )
    if all(el.frontline is not None for el in results.elements):
        series.append(
            Series(
                _("Frontline"),
                tuple(el.frontline or 0.0 for el in results.elements),
                "#2e7d4f",
                dash="2 2",
            )
        )
    return radar(
        [el.title for el in results.elements],
        series,
        [el.target for el in results.elements],
        {"title": _("Element scores"), "target": _("Target")},
        lang,
    )


@dataclass(frozen=True)
class ResultsPage:
    """Everything the results page shows."""

    assessment: AssessmentHeader
    q: Questionnaire
    results: Results
    radar: Markup | None
    progress: svc.Progress
    questions: dict[str, Question]
    roles: dict[str, str]
    """Role labels by role id."""
    report_languages: list[str]
    benchmark: BenchmarkView | None
    evidence: EvidenceCard | None
    trend: TrendCard | None
    kpis: dict[str, list[KpiRow]]
    """Each element's KPI values with their source and band, by element id."""
    can_edit: bool
    """Whether the user may enter organization facts (the link to the facts form)."""
    comments_withheld: bool = False
    """A client's guest reads no comments of this assessment (too few respondents)."""
    teams: TeamsCard | None = None
    """Results by team (None when no respondent has a team)."""


def results_page(
    session: Session,
    assessment: Assessment,
    lang: str,
    *,
    industry: str,
    size_band: str,
    can_edit: bool = False,
    guest: bool = False,
    team: str = "",
) -> ResultsPage:
    """Build the results page; ``industry`` and ``size_band`` filter the benchmark.

    Without answers the page shows no cards, so none is built.  For a client's ``guest``
    comments follow :mod:`assessment.core.disclosure`, the portfolio benchmark (built from
    the workspace's other clients) is left out, and so is the change since a previous
    assessment that is not closed.  ``team`` selects one team to show against the
    organization.
    """
    q = svc.questionnaire_of(assessment, lang)
    computed = results_with_teams(session, assessment, lang)
    results = computed.results
    withheld = False
    if guest:
        results, withheld = for_guest(results)
    answered = results.respondents > 0
    questions = q.questions()
    compare = answered and (not guest or guest_svc.previous_is_closed(session, assessment))
    return ResultsPage(
        assessment=AssessmentHeader.of(assessment),
        q=q,
        results=results,
        radar=radar_svg(q, results, lang),
        progress=svc.progress_of(session, assessment.id),
        questions=questions,
        roles={r.id: r.label for r in q.roles},
        report_languages=languages_of(assessment.questionnaire_version),
        benchmark=(
            benchmark_card(session, assessment, results, industry, size_band)
            if answered and not guest
            else None
        ),
        evidence=results_card(session, assessment, results, q, lang) if answered else None,
        trend=trend_card(session, assessment, results, lang) if compare else None,
        kpis=kpi_rows(results, questions),
        can_edit=can_edit and not guest,
        comments_withheld=withheld,
        teams=teams_card(q, results, computed.teams, team) if answered else None,
    )
