"""The results page as plain data: scores, radar, explanations and the feature cards.

Results are computed once per request here and handed to every card that needs them (the
benchmark, the CRM evidence comparison, the change since the previous assessment).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.orm import Session
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.core.disclosure import for_guest, withhold_small_questions
from assessment.core.model import Question, Questionnaire
from assessment.core.placeholders import EvidenceFigures, evidence_by_recommendation
from assessment.core.profile import OrganizationProfile
from assessment.core.recommend import EFFORT_FACTOR, IMPACT_FACTOR
from assessment.core.results import Results, TriggeredRecommendation
from assessment.db.models import Assessment
from assessment.services import assessments as svc
from assessment.services import guest as guest_svc
from assessment.services import plans as plans_svc
from assessment.services import trends as trends_svc
from assessment.services.benchmark import BenchmarkView
from assessment.services.profiles import profile_of
from assessment.services.questionnaires import languages_of
from assessment.services.self_assessment import can_grow, choices, grown_from, growth_target
from assessment.services.teams import results_with_teams
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.evidence.page import EvidenceCard, results_card
from assessment.web.i18n import shown_questionnaire
from assessment.web.plans.page import LoopCard, PlanCard, loop_card, plan_card
from assessment.web.results.kpis import KpiRow, kpi_rows
from assessment.web.results.roadmap import DecidingCards, deciding_cards
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


class GrowForm(FlaskForm):
    """Grow a quick check into a team assessment."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Grow into a full team assessment"))


@dataclass(frozen=True)
class GrowOffer:
    """On a submitted quick check: the team assessment it can grow into, or has grown into."""

    target: str
    """The title of the full questionnaire."""
    questions: int
    form: GrowForm | None
    """The form that creates it (editors, while it has not grown yet)."""
    grown_id: int | None = None
    grown_title: str = ""


def grow_offer(
    session: Session, assessment: Assessment, lang: str, can_edit: bool
) -> GrowOffer | None:
    """What the results page of a quick check offers (None for other assessments)."""
    target = growth_target(assessment)
    if target is None:
        return None
    info = next((c for c in choices(lang) if c.id == target), None)
    if info is None:
        return None
    grown = grown_from(session, assessment.id)
    form = None
    if grown is None and can_edit and can_grow(session, assessment):
        form = GrowForm(formdata=None, title=_("Team assessment"))
    return GrowOffer(
        target=info.title,
        questions=info.questions,
        form=form,
        grown_id=None if grown is None else grown.id,
        grown_title="" if grown is None else grown.title,
    )


TOP_RECOMMENDATIONS = 10
"""Recommendations the results page shows at once; the others behind "Show all"."""


@dataclass(frozen=True)
class RecommendationRow:
    """A triggered recommendation with the parts of its priority (docs/scoring.md)::

    priority = weight × below_target × impact_factor ÷ effort_factor
    """

    rec: TriggeredRecommendation
    element_title: str
    weight: float
    """The element's weight W_e (after the assessment's overrides)."""
    target: float
    below_target: float
    """max(0, target − A_r): points the addressed practices score below the element's target."""
    impact_factor: float
    effort_factor: float


def recommendation_rows(results: Results) -> tuple[RecommendationRow, ...]:
    """The triggered recommendations in priority order, each with what its priority is made of."""
    elements = {el.id: el for el in results.elements}
    rows = []
    for rec in results.recommendations:
        el = elements[rec.element]
        rows.append(
            RecommendationRow(
                rec=rec,
                element_title=el.title,
                weight=el.weight,
                target=el.target,
                below_target=0.0 if rec.basis is None else max(0.0, el.target - rec.basis),
                impact_factor=IMPACT_FACTOR.get(rec.impact, 1.0),
                effort_factor=EFFORT_FACTOR.get(rec.effort, 1.0),
            )
        )
    return tuple(rows)


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
    profile: OrganizationProfile | None = None
    """The organization profile (what the report's sizing of improvements reads)."""
    grow: GrowOffer | None = None
    """On a quick check: the team assessment it grows into."""
    rec_evidence: dict[str, str] = field(default_factory=dict)
    """Each triggered recommendation's evidence sentence with the client's figures, by id
    (only those whose every figure exists)."""
    recommendations: tuple[RecommendationRow, ...] = ()
    plan: PlanCard | None = None
    """This round's action plan and the ways to add to it (members)."""
    loop: LoopCard | None = None
    """On a follow-up: what the previous round committed, what was done, what moved."""

    @property
    def top_recommendations(self) -> tuple[RecommendationRow, ...]:
        """The :data:`TOP_RECOMMENDATIONS` highest-priority recommendations."""
        return self.recommendations[:TOP_RECOMMENDATIONS]

    @property
    def more_recommendations(self) -> tuple[RecommendationRow, ...]:
        """The recommendations after the top ones (shown on request)."""
        return self.recommendations[TOP_RECOMMENDATIONS:]

    teams: TeamsCard | None = None
    """Results by team (None when no respondent has a team)."""
    deciding: DecidingCards | None = None
    """What we recommend, the 30/60/90-day roadmap and the size of the prize, worded as the
    PDF words them (None without answers)."""


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
    q = shown_questionnaire(assessment, lang)
    computed = results_with_teams(session, assessment, lang)
    results = computed.results
    withheld = False
    if guest:
        results, withheld = for_guest(results)
    results = withhold_small_questions(results)
    answered = results.respondents > 0
    questions = q.questions()
    compare = answered and (not guest or guest_svc.previous_is_closed(session, assessment))
    profile = profile_of(session, assessment)
    figures = EvidenceFigures(results, q, profile, lang, label=_)
    # Both rounds' results, computed once for the change card and the follow-through.
    sources = trends_svc.chain_sources(session, assessment, results, lang) if compare else None
    loop = plans_svc.follow_through(session, assessment, sources)
    evidence = results_card(session, assessment, results, q, lang) if answered else None
    deciding = deciding_cards(
        results,
        q,
        lang,
        profile=profile,
        # The CRM import the evidence card loaded: the prize reads the same one.
        crm_kpis=evidence.current.kpis if evidence and evidence.current else None,
        per_phase=assessment.roadmap_per_phase,
        # Once this round has a plan, its owners and due dates (what the PDF shows).
        plan=plans_svc.round_plan(session, assessment) if answered else (),
    )
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
        evidence=evidence,
        trend=trend_card(session, assessment, results, lang, sources) if compare else None,
        kpis=kpi_rows(results, questions),
        can_edit=can_edit and not guest,
        comments_withheld=withheld,
        profile=profile,
        grow=None if guest else grow_offer(session, assessment, lang, can_edit),
        rec_evidence=evidence_by_recommendation(
            figures, {r.id: r.evidence for r in results.recommendations if r.evidence}
        ),
        recommendations=recommendation_rows(results),
        teams=teams_card(q, results, computed.teams, team) if answered else None,
        plan=None if guest else plan_card(session, assessment, results, can_edit),
        loop=loop_card(loop, sources[0].questionnaire if sources else None, q),
        deciding=deciding,
    )
