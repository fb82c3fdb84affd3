"""Request parameters and response bodies of the JSON API, as pydantic models.

The same models validate query strings, shape responses and generate the OpenAPI
document (``openapi.py``), so the document cannot drift from what the API does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from assessment.io.formats import table_formats

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every supported database
MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000

Status = Literal["draft", "open", "closed"]
Language = Literal["en", "pl", "ru", "zh", "ro"]
"""The languages saleshealth ships (a custom questionnaire may offer fewer)."""


class ApiModel(BaseModel):
    """Base of the response models."""

    model_config = ConfigDict(frozen=True)


# --- errors -------------------------------------------------------------------------------


class ErrorDetail(ApiModel):
    """Which parameter was wrong, and why."""

    location: str = Field(description="The parameter or field, e.g. `query.limit`.")
    message: str


class ErrorBody(ApiModel):
    """A machine-readable code and a human-readable message."""

    code: str = Field(
        description="Stable error code: bad_request, unauthorized, forbidden, not_found, "
        "method_not_allowed, conflict, rate_limited, internal_error."
    )
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)
    reason: str | None = Field(
        default=None,
        description="When a rule refused the request: the rule's stable dotted code, e.g. "
        "`export.format`. Absent otherwise.",
    )
    params: dict[str, Any] | None = Field(
        default=None,
        description="With `reason`: the values the message names, e.g. "
        '`{"formats": ["csv", "xlsx"]}`.',
    )


class ErrorResponse(ApiModel):
    """Every error response of the API has this shape."""

    error: ErrorBody


# --- query parameters ---------------------------------------------------------------------


class QueryModel(BaseModel):
    """Base of the query-string models (unknown parameters are ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class PageQuery(QueryModel):
    """Offset pagination."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT})."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class AssessmentQuery(PageQuery):
    """Filters of the assessment list."""

    client_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only assessments of this client."
    )
    status: Status | None = Field(None, description="Only assessments in this status.")


class ResultsQuery(QueryModel):
    """Options of the results document."""

    lang: Language | None = Field(
        None,
        description="Language of titles and texts (one of the assessment's `languages`; "
        "default: the assessment's language).",
    )
    explain: bool = Field(
        False, description="Add per-question explanations and anonymous comments."
    )


def _responses_formats() -> tuple[str, ...]:
    return tuple(f.name for f in table_formats())


def _registered_responses_format(name: str) -> str:
    names = _responses_formats()
    if name not in names:
        expected = ", ".join(repr(n) for n in names[:-1]) + f" or {names[-1]!r}"
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
    return name


ResponsesFormat = Annotated[str, AfterValidator(_registered_responses_format)]
"""The name of a registered responses format (``csv``, ``xlsx``)."""


class ExportQuery(QueryModel):
    """Shape and file format of a responses export."""

    shape: Literal["long", "wide"] = Field(
        "long",
        description="`long`: one row per answer (the answers CSV of `saleshealth score`); "
        "`wide`: one row per respondent.",
    )
    format: ResponsesFormat = Field(
        "csv",
        description="File format.",
        # The choices are the registry's (assessment.io.formats), read when the schema is built.
        json_schema_extra=lambda schema: schema.update(enum=list(_responses_formats())),
    )


# --- clients and assessments --------------------------------------------------------------


class ClientOut(ApiModel):
    """An organization the workspace assesses."""

    id: int
    name: str
    industry: str
    size_band: str = Field(description="Empty, or one of 1-10, 11-50, 51-200, 201-1000, 1000+.")
    sales_motion: str = Field(description="Empty, or field, inside or hybrid.")
    regions: str
    notes: str
    created_at: datetime


class Page(ApiModel):
    """Pagination fields of every list."""

    total: int = Field(description="Items matching the filters, on all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


class ClientList(Page):
    """A page of clients, by name."""

    items: list[ClientOut]


class QuestionnaireRef(ApiModel):
    """The questionnaire version an assessment is pinned to."""

    id: str
    version: str
    title: str


class AssessmentOut(ApiModel):
    """An assessment (one run of a questionnaire for a client)."""

    id: int
    client_id: int
    title: str
    status: Status
    language: str
    min_group_size: int = Field(description="Groups smaller than this are never shown.")
    is_self_assessment: bool
    is_demo: bool
    previous_id: int | None = Field(description="The assessment this one follows up, if any.")
    questionnaire: QuestionnaireRef
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


class AssessmentList(Page):
    """A page of assessments, newest first."""

    items: list[AssessmentOut]


class RoleProgress(ApiModel):
    """Completion counts of one role."""

    invited: int
    started: int
    submitted: int


class ProgressOut(RoleProgress):
    """Completion counts, overall and per role (counts only, no names)."""

    completion: float = Field(ge=0, le=1)
    by_role: dict[str, RoleProgress]


class ElementSettings(ApiModel):
    """Weight and target an assessment sets for one element, overriding the questionnaire."""

    weight: float | None = None
    target: float | None = None


class ProfileOut(ApiModel):
    """The organization profile a consultant entered (null fields were not filled in)."""

    business_type: Literal["manufacturer", "distributor", "services", "software", "other"] | None
    sales_headcount: int | None = Field(description="People in sales.")
    sales_managers: int | None
    revenue_target: float | None = Field(description="Annual revenue target, in `currency`.")
    avg_deal_size: float | None = Field(description="Average deal size, in `currency`.")
    sales_cycle_days: int | None = Field(description="Typical sales cycle in days.")
    currency: str | None = Field(description="ISO 4217 code of the amounts.")


class AssessmentDetail(AssessmentOut):
    """An assessment with its progress and settings."""

    progress: ProgressOut
    languages: list[str] = Field(description="Languages its results can be read in.")
    overrides: dict[str, ElementSettings]
    profile: ProfileOut | None = Field(
        None, description="The organization profile, when one was saved (never scored)."
    )


# --- results (the `saleshealth score --json` document) ------------------------------------


class ResultsModel(BaseModel):
    """Base of the results models."""

    model_config = ConfigDict(frozen=True)


class QuestionnaireStamp(ResultsModel):
    """Which questionnaire scored the answers."""

    id: str
    version: str
    hash: str


class GroupScore(ResultsModel):
    """A role's score for an element (practice items only).

    ``n`` 0: nobody of the role answered (absent; never suppressed).  ``suppressed``: fewer
    than the minimum group size, or withheld so that a smaller group cannot be recovered by
    differencing; the score is then null.
    """

    n: int
    score: float | None
    suppressed: bool


Interval = Annotated[
    list[float],
    Field(min_length=2, max_length=2, description="90 % confidence interval [low, high]."),
]


class KpiValueOut(ResultsModel):
    """The one value of a KPI question and where it comes from."""

    question: str
    value: float | None
    source: Literal["crm", "fact", "answers"] | None = Field(
        description="CRM evidence, an organization fact, or the median of the answers."
    )
    band: str | None
    score: float | None = Field(description="Normalized score of the band, 0-100.")
    reference: str = Field(description="The fact's source, or the CRM metric id.")
    note: str
    answers: int = Field(description="How many respondents answered it with a number.")


class ProtectionOut(ResultsModel):
    """What the element withholds so that no small group can be recovered by differencing."""

    left_out_roles: list[str] = Field(description="Roles left out of every figure.")
    hidden_roles: list[str] = Field(description="Roles whose own score is withheld.")
    left_out: int = Field(description="Respondents left out of every figure.")


class QuestionExplanation(ResultsModel):
    """How one question entered its element's score."""

    id: str
    type: str
    weight: float
    asked: int
    answered: int
    na: int
    dk: int
    mean: float | None
    contribution: float | None
    status: str
    distribution: dict[str, int]
    median: float | None
    median_band: str | None
    agreement: float | None


class CommentOut(ResultsModel):
    """An anonymous comment and the language it was written in."""

    text: str
    language: str


class ElementResult(ResultsModel):
    """Scores, flags and (with ``explain``) the explanation of one element."""

    id: str
    title: str
    score: float | None
    weight: float
    target: float
    level: int | None
    level_name: str | None
    coverage: float | None
    agreement: float | None
    leadership: float | None
    frontline: float | None
    gap: float | None
    flags: list[str]
    roles: dict[str, GroupScore]
    practice: float | None = Field(description="Score of the practice items.")
    kpi: float | None = Field(description="Score of the KPI items, one value each.")
    ci: Interval | None
    practice_ci: Interval | None
    alpha: float | None = Field(description="Cronbach's alpha of the likert items.")
    gap_items: int = Field(description="Items both groups answered (the gap's basis).")
    gap_p: float | None = Field(description="Welch's t-test p-value of the gap.")
    kpis: list[KpiValueOut]
    protection: ProtectionOut
    questions: list[QuestionExplanation] = Field(
        default_factory=list, description="Only with `explain=true`."
    )
    comments: list[CommentOut] = Field(
        default_factory=list, description="Only with `explain=true`."
    )


class RecommendationOut(ResultsModel):
    """A recommendation whose condition held."""

    id: str
    element: str
    title: str
    priority: float
    effort: str
    impact: str
    horizon_days: int
    addresses: list[str] = Field(description="Questions it fixes (its priority basis).")
    after: list[str] = Field(description="Recommendations that come before it.")
    basis: float | None = Field(description="A_r: the score its priority is measured from.")
    why: str = Field("", description="Only with `explain=true`.")
    actions: list[str] = Field(default_factory=list, description="Only with `explain=true`.")


class OverallOut(ResultsModel):
    """The weighted overall score and its maturity level."""

    score: float | None
    level: int | None
    level_name: str | None
    leadership: float | None
    frontline: float | None
    practice: float | None = Field(description="Overall practice index.")
    kpi: float | None = Field(description="Overall KPI index.")
    gap: float | None
    ci: Interval | None
    practice_ci: Interval | None


class TeamCellOut(ResultsModel):
    """One team's figures for one element (`docs/scoring.md`, "Team cuts")."""

    n: int = Field(description="Respondents of the team with a practice answer in the element.")
    score: float | None = Field(description="The team's practice score; null when hidden.")
    suppressed: bool
    reason: str = Field(
        description="Why hidden: `small` (below the minimum group size) or `protection` "
        "(withheld so that a smaller team cannot be recovered by differencing)."
    )
    rest: float | None = Field(description="Practice score of everyone else.")
    rest_n: int
    difference: float | None = Field(description="Team minus rest, in points.")
    p: float | None = Field(description="Two-sided p-value of the pooled-variance t-test.")
    q: float | None = Field(description="Benjamini–Hochberg adjusted p over every shown cell.")
    significant: bool = Field(description="q below the false discovery rate `fdr`.")
    leadership: float | None
    frontline: float | None
    leadership_n: int
    frontline_n: int
    gap: float | None = Field(description="The team's own leadership − frontline.")
    gap_p: float | None
    gap_q: float | None
    gap_reason: str
    large_gap: bool


class TeamOut(ResultsModel):
    """One team across the elements (in the order of `elements`)."""

    name: str
    respondents: int
    shown: bool = Field(description="Whether any element shows the team's figures.")
    overall: float | None
    rest_overall: float | None
    organization: float | None
    elements: list[TeamCellOut]


class PooledOut(ResultsModel):
    """Everyone outside the shown teams in one element."""

    n: int
    score: float | None


class TeamsOut(ResultsModel):
    """Every team's figures, with the same suppression as the results page."""

    by: str
    min_group_size: int
    fdr: float
    elements: list[str] = Field(description="Element ids, in questionnaire order.")
    organization: list[float | None] = Field(description="Everyone's practice score.")
    unassigned: int = Field(description="Respondents with answers and no team.")
    teams: list[TeamOut]
    pooled: list[PooledOut]


class ResultsOut(ResultsModel):
    """Live results: the same document as `saleshealth score --json`."""

    questionnaire: QuestionnaireStamp
    method: int = Field(description="The scoring method (docs/scoring.md).")
    kpi_share: float = Field(ge=0, le=1)
    respondents: int
    respondents_by_role: dict[str, int]
    min_group_size: int
    overall: OverallOut
    elements: list[ElementResult]
    recommendations: list[RecommendationOut]
    profile: ProfileOut | None = Field(
        None, description="Only in the results export: the organization profile, if saved."
    )
    teams: TeamsOut | None = Field(
        None, description="Results by team (in the results export; `score --json` has none)."
    )


# --- action plans -------------------------------------------------------------------------

PlanStatus = Literal["planned", "in_progress", "done", "dropped"]


class PlanNoteOut(ApiModel):
    """A dated note on a plan item."""

    created_at: datetime
    text: str
    author: str = Field(description="The member who wrote it (empty when not known).")


class PlanMeasureOut(ApiModel):
    """What the item is measured by: a KPI question, or the element's practice score."""

    kpi: str | None = Field(
        description="Id of the KPI question watched; null when the element's practice "
        "score (0–100) is watched."
    )
    unit: str
    baseline: float | None = Field(description="The value when the item was planned.")
    target: float | None


class PlanItemOut(ApiModel):
    """One item of a client's action plan (its current version)."""

    id: int
    assessment_id: int = Field(description="The assessment (round) that committed the item.")
    title: str
    phase: int = Field(
        ge=0, le=3, description="0: days 1–30, 1: days 31–60, 2: days 61–90, 3: later."
    )
    element: str | None = Field(description="Id of the element the item improves.")
    recommendation: str | None = Field(
        description="Id of the recommendation it came from; null for the consultant's own items."
    )
    owner: str | None = Field(
        description="The owner's name: a member of the workspace or a named person at the "
        "client (never an e-mail address); null until someone is named."
    )
    owner_role: str | None = Field(
        description="The role the roadmap proposed as owner (a questionnaire role id)."
    )
    due_date: date | None
    status: PlanStatus
    drop_reason: str | None = Field(description="Why it was dropped (status `dropped`).")
    timing: Literal["overdue", "this_week"] | None = Field(
        description="For an open item: overdue, or due within the next seven days."
    )
    measure: PlanMeasureOut
    carried_from_id: int | None = Field(
        description="The item of an earlier round this one continues (unfinished then)."
    )
    notes: list[PlanNoteOut]
    updated_at: datetime


class PlanOut(ApiModel):
    """A client's action plan across its assessments, and its re-assessment rhythm."""

    client_id: int
    reassess_months: Literal[3, 6, 12] | None = Field(
        description="Re-assessment cadence in months; null without a rhythm."
    )
    next_round_due: date | None = Field(
        description="When the next round is due (with a rhythm and a closed latest round)."
    )
    items: list[PlanItemOut] = Field(
        description="The current items (an item carried into a later round appears once, as "
        "that round's copy), by due date."
    )


class ApiIndex(ApiModel):
    """Where to start."""

    name: str
    version: str
    openapi: str = Field(description="URL of the OpenAPI document.")
    documentation: str = Field(description="URL of the human-readable page.")


RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    ErrorResponse,
    ClientOut,
    ClientList,
    AssessmentOut,
    AssessmentList,
    AssessmentDetail,
    ResultsOut,
    TeamsOut,
    PlanOut,
    ApiIndex,
)
