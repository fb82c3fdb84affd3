"""The report view-model: plain, frozen data the templates read, and the report's inputs.

Nothing here refers to the ORM, Flask or the scoring internals.  Texts are already
translated and numbers already formatted for the report language; charts are finished SVG
markup.  A group whose score is suppressed carries ``value=None`` and ``suppressed=True``:
the number never reaches the view-model, so no template can show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from assessment.core.forecast_methods import MonthAccuracy
from assessment.core.plans import FollowThrough, PlanItem
from assessment.core.prize import Prize
from assessment.core.profile import OrganizationProfile
from assessment.core.roadmap import DEFAULT_PER_PHASE
from assessment.core.trends import Trend
from reports.branding import Branding

if TYPE_CHECKING:
    from assessment.core.cut_results import TeamCuts
    from reports.evidence import EvidenceView
    from reports.plan import LoopView, PlanView
    from reports.prize_view import PrizeView
    from reports.teams import TeamsSection
    from reports.trends import TrendSection


FULL = "full"
BOARD = "board"
EDITIONS = (FULL, BOARD)
"""The report editions: ``full`` (every section, the question appendix) and ``board`` (6–16
pages that decide: priorities, key numbers, prize, scorecard, significant gaps, roadmap,
voices, method and limitations)."""

NUMBERED_SECTIONS = (
    "summary",
    "dashboard",
    "prize",
    "method",
    "scorecard",
    "radar",
    "findings",
    "gaps",
    "recommendations",
    "roadmap",
    "voices",
)
"""The full edition's sections headed "Section n", in the order they are printed (the
optional evidence, trend, team and plan sections are not numbered)."""

BOARD_SECTIONS = (
    "summary",
    "dashboard",
    "prize",
    "scorecard",
    "radar",
    "gaps",
    "roadmap",
    "voices",
    "method",
)
"""The board edition's numbered sections, in print order."""

TOP_RECOMMENDATIONS = 10
"""The full edition's body details this many recommendations; the rest go to an appendix."""


def section_numbers(sections: tuple[str, ...] = NUMBERED_SECTIONS) -> dict[str, int]:
    """Each numbered section's number, from 1 in print order (``ReportView.numbers``)."""
    return {name: number for number, name in enumerate(sections, start=1)}


def edition_sections(edition: str) -> tuple[str, ...]:
    """The numbered sections of an edition, in print order."""
    return BOARD_SECTIONS if edition == BOARD else NUMBERED_SECTIONS


@dataclass(frozen=True, slots=True)
class OptionalSections:
    """Data for the sections a report has only when it exists.

    ``crm_kpis`` is the stored output of the CRM evidence import (the ``crm-kpis --json``
    shape), ``trend`` the client's trend up to this assessment and ``profile`` the
    organization profile; any may be absent.
    """

    crm_kpis: Mapping[str, Any] | None = None
    crm_filename: str = ""
    trend: Trend | None = None
    profile: OrganizationProfile | None = None
    """The organization profile the consultant entered (business type, headcount, revenue
    target, deal size, cycle); recommendation evidence cites it."""
    crm_accuracy: tuple[MonthAccuracy, ...] = ()
    """The client's earlier forecasts whose month has closed, against these KPIs' wins."""
    teams: TeamCuts | None = None
    """The team figures (``assessment.core.cuts``): the team section, when a team shows."""
    plan: tuple[PlanItem, ...] = ()
    """The action plan this assessment committed (empty: no plan yet).  Editions show it
    as :attr:`ReportView.plan` (owners and dates instead of the roadmap's roles)."""
    follow_through: FollowThrough | None = None
    """In a follow-up: what the previous round committed, what was done, what moved."""
    prize: Prize | None = None
    """The size of the prize (:mod:`assessment.core.prize`); None: not computed."""
    per_phase: int = DEFAULT_PER_PHASE
    """At most this many initiatives per roadmap phase (set per assessment)."""
    invited: int | None = None
    """How many live respondents were invited (the response rate); None when unknown."""


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report is about and who made it."""

    client_name: str
    assessment_title: str
    date: dt.date
    prepared_by: str = ""
    language: str = "en"
    branding: Branding = field(default_factory=Branding)
    optional: OptionalSections = field(default_factory=OptionalSections)
    edition: str = FULL
    """Which edition to build (:data:`EDITIONS`)."""


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours derived from the branding primary colour."""

    primary: str
    ink: str
    """The primary colour, darkened if needed to be readable as text on white."""
    tints: tuple[str, ...]
    """Five steps from pale to full primary, one per maturity level."""
    on_tints: tuple[str, ...]
    """Text colour readable on each tint."""
    light: str
    muted: str = "#6b7280"
    rule: str = "#d6d9de"


@dataclass(frozen=True, slots=True)
class Cell:
    """A group score as shown: a formatted value, or suppressed, or no data."""

    label: str
    n: int
    value: str | None
    suppressed: bool
    role: str = ""


@dataclass(frozen=True, slots=True)
class ElementBrief:
    """An element named in the executive summary."""

    title: str
    anchor: str
    score: str
    detail: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One row of the scorecard."""

    number: int
    anchor: str
    title: str
    score: str
    level: str
    target: str
    to_target: str
    leadership: Cell
    frontline: Cell
    gap: str
    flags: tuple[tuple[str, str], ...]
    """(one-letter code, title) of each flag."""
    interval: str = ""
    """The score's 90 % interval as "48–60" ("" when there is none)."""
    practice: str = "–"
    kpi: str = "–"


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One answer option of a question: label, colour, count and share."""

    label: str
    color: str
    count: int
    share: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question in an element section: its distribution bar and legend."""

    id: str
    text: str
    kind: str
    answered: int
    score: str
    chart: Markup
    legend: tuple[LegendItem, ...]
    shared_legend: bool
    """True when the legend is drawn once for the element instead of under the bar."""
    extra: str
    """n/a and don't-know counts, if any."""


@dataclass(frozen=True, slots=True)
class BandView:
    """One band of a KPI; ``active`` marks where the median falls."""

    label: str
    active: bool
    rank: int


@dataclass(frozen=True, slots=True)
class KpiView:
    """A KPI's one value (CRM, organization fact or median of the answers) against its bands."""

    text: str
    median: str
    """The KPI's value as scored (the median only when no CRM value or fact exists)."""
    band: str
    answered: int
    bands: tuple[BandView, ...]
    source: str = ""
    """Where the value comes from, in words, with the fact's source or the CRM metric."""
    band_source: str = ""
    """Where the bands come from (reference articles, a published source or practice)."""


@dataclass(frozen=True, slots=True)
class FlagNote:
    """A flag raised on an element, explained in a sentence."""

    kind: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class CommentView:
    """An anonymised comment."""

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class CommentGroup:
    """An element's comments in one language (``language`` "" when it was not recorded)."""

    language: str
    name: str
    """The language's name in the report's language ("" when not recorded)."""
    comments: tuple[CommentView, ...]


@dataclass(frozen=True, slots=True)
class ElementSection:
    """Everything the per-element section shows."""

    number: int
    anchor: str
    title: str
    description: str
    score: str
    level: str
    level_text: str
    target: str
    to_target: str
    coverage: str
    agreement: str
    strip: Markup
    scale_legend: tuple[LegendItem, ...]
    """Answer options shared by several questions, explained once (empty if none)."""
    roles: tuple[Cell, ...]
    leadership: Cell
    frontline: Cell
    gap: str
    flags: tuple[FlagNote, ...]
    kpis: tuple[KpiView, ...]
    questions: tuple[QuestionView, ...]
    comments: tuple[CommentView, ...]
    recommendations: tuple[tuple[int, str], ...]
    comment_groups: tuple[CommentGroup, ...] = ()
    """The comments by language, the largest group first (``reports.sections``)."""


@dataclass(frozen=True, slots=True)
class RecView:
    """A prioritized recommendation."""

    number: int
    id: str
    title: str
    element: str
    element_anchor: str
    why: str
    actions: tuple[str, ...]
    effort: str
    impact: str
    horizon: str
    horizon_days: int
    priority: str
    evidence: str = ""
    """The recommendation's evidence sentence with the client's figures ("" when it has
    none, or a figure it cites is missing)."""
    tie: str = ""
    """Why it follows the one before at the same priority ("" when its priority is lower)."""


@dataclass(frozen=True, slots=True)
class PriorityView:
    """One of the top priorities on the first page: why, first action, owner, measure."""

    number: int
    title: str
    element: str
    element_anchor: str
    why: str
    first_action: str
    owner: str
    measure: str
    change: str
    effort: str
    impact: str
    horizon: str
    rec_number: int
    """Its place in the ranked list of recommendations."""
    owner_label: str = ""
    """"Owner role", or "Owned by" once the action plan names an owner and a date."""


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """One roadmap entry: a recommendation, or sharing the results with the front line."""

    title: str
    element: str
    element_anchor: str
    first_action: str
    owner: str
    measure: str
    change: str
    effort: str
    rec_number: int | None
    """Its place in the ranked list (None for sharing the results)."""


@dataclass(frozen=True, slots=True)
class RoadmapPhase:
    """One phase of the 30/60/90-day roadmap."""

    title: str
    subtitle: str
    items: tuple[InitiativeView, ...]


@dataclass(frozen=True, slots=True)
class DashboardRow:
    """A key number: a KPI's value against its bands, and where both come from."""

    element: str
    element_anchor: str
    measure: str
    value: str
    band: str
    status: str
    """``strong``, ``middle`` or ``weak``: where the band sits among the KPI's bands."""
    source: str
    band_source: str


@dataclass(frozen=True, slots=True)
class VoiceView:
    """A verbatim comment quoted for the board, with its element."""

    element: str
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class RoleCount:
    """Respondents of one role."""

    label: str
    n: int
    share: str
    suppressed: bool


@dataclass(frozen=True, slots=True)
class LevelView:
    """A maturity level and its threshold."""

    number: int
    name: str
    range: str
    description: str
    current: bool


@dataclass(frozen=True, slots=True)
class OptionRow:
    """An answer option in the appendix."""

    label: str
    score: str
    count: int
    share: str


@dataclass(frozen=True, slots=True)
class AppendixQuestion:
    """A question with its full answer distribution."""

    id: str
    text: str
    kind: str
    weight: str
    answered: int
    na: int
    dk: int
    score: str
    contribution: str
    options: tuple[OptionRow, ...]
    distribution: str
    """The options as one line of text: label, count and share."""
    band_source: str = ""
    """For a KPI: where its bands come from, with the note ("" when not given)."""


@dataclass(frozen=True, slots=True)
class AppendixElement:
    """The appendix block of one element."""

    anchor: str
    title: str
    questions: tuple[AppendixQuestion, ...]
    reliability: str = ""
    """Cronbach's alpha of the element's rating scales, in a sentence (method appendix)."""


@dataclass(frozen=True, slots=True)
class GapRow:
    """A leadership-versus-frontline gap (both groups visible)."""

    title: str
    anchor: str
    leadership: str
    frontline: str
    gap: str
    large: bool


@dataclass(frozen=True, slots=True)
class ReportView:
    """The whole report as plain data."""

    language: str
    client: str
    title: str
    date: str
    prepared_by: str
    firm_name: str
    footer_text: str
    logo_uri: str | None
    credit: str
    palette: Palette
    overall_score: str
    overall_level: str
    overall_level_text: str
    overall_leadership: Cell
    overall_frontline: Cell
    gauge: Markup
    strengths: tuple[ElementBrief, ...]
    gaps: tuple[ElementBrief, ...]
    key_message: str
    key_points: tuple[str, ...]
    respondents: int
    roles: tuple[RoleCount, ...]
    coverage: str
    min_group_size: int
    levels: tuple[LevelView, ...]
    low_coverage: str
    low_agreement: str
    large_gap: str
    flag_codes: tuple[str, str, str]
    """One-letter codes for low coverage, low agreement and large gap."""
    scorecard: tuple[ScoreRow, ...]
    bars: Markup
    radar: Markup
    radar_note: str
    elements: tuple[ElementSection, ...]
    heatmap: Markup
    gap_rows: tuple[GapRow, ...]
    gap_summary: str
    matrix: Markup
    recommendations: tuple[RecView, ...]
    roadmap: tuple[RoadmapPhase, ...]
    roadmap_note: str
    appendix: tuple[AppendixElement, ...]
    numbers: Mapping[str, int]
    """Section name → the number its heading shows (:data:`NUMBERED_SECTIONS`)."""
    evidence: EvidenceView | None = None
    """"Evidence from CRM data", when the assessment has CRM evidence."""
    trends: TrendSection | None = None
    """Progress since earlier assessments of the client, when there are any."""
    method: str = ""
    """Which scoring method produced the figures, and the KPI share, in a sentence."""
    method_steps: tuple[str, ...] = ()
    """How the scores are computed, one step a line (methodology section)."""
    overall_interval: str = ""
    """The overall score's 90 % interval as "48–60" ("" when there is none)."""
    overall_practice: str = "–"
    overall_kpi: str = "–"
    indexes: str = ""
    """The overall, its interval and the practice and KPI indexes in a sentence."""
    teams: TeamsSection | None = None
    """Results by team (:mod:`reports.teams`), when at least one team can be shown."""
    plan: PlanView | None = None
    """The action plan once one exists (``reports/plan.py``; ``_plan.html``)."""
    loop: LoopView | None = None
    """In a follow-up: the previous round's plan and what moved (``_loop.html``)."""
    terms: tuple[tuple[str, str], ...] = ()
    """The report's terms and what they mean (leadership, frontline, target, response
    coverage, agreement, gap), for the methodology (``BuilderBase.terms``)."""
    edition: str = FULL
    priorities: tuple[PriorityView, ...] = ()
    """The top three priorities (page one)."""
    decisions: tuple[str, ...] = ()
    """The decisions the board is asked to take, one sentence each."""
    dashboard: tuple[DashboardRow, ...] = ()
    """One key figure per element (:func:`assessment.core.key_figures.key_figures`)."""
    kpi_count: int = 0
    """How many key figures have a value in all."""
    prize: PrizeView | None = None
    voices: tuple[VoiceView, ...] = ()
    limitations: tuple[str, ...] = ()
    """Method and limitations in sentences: response rate, group sizes, intervals, what was
    suppressed and why."""
    significant_gaps: tuple[GapRow, ...] = ()
    """Leadership–frontline gaps that are large and statistically significant."""
    more_recommendations: tuple[RecView, ...] = ()
    """The full edition's recommendations after the first :data:`TOP_RECOMMENDATIONS`."""
    solo: bool = False
    """A self-assessment: one respondent, no groups to compare."""
