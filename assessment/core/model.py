"""Typed, immutable questionnaire model.

A questionnaire is data: elements, questions, answer scales, maturity levels and a
recommendation library, each with a stable dotted id.  The classes here describe one
questionnaire *as validated*; :mod:`assessment.core.loader` builds them from YAML and
reports every problem it finds with the file and the path inside it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
)
from pydantic_core import PydanticCustomError

from assessment.core.conditions import Condition

if TYPE_CHECKING:
    from assessment.core.qtypes import QuestionType

ROLE_IDS: tuple[str, ...] = ("executive", "sales_manager", "sales_rep", "sales_ops", "other")
"""The respondent role ids every questionnaire uses."""

DEFAULT_KPI_SHARE = 0.3
"""κ when a questionnaire does not set ``kpi_share``."""

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
DottedId = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$", max_length=120)
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _registered_type(name: str) -> str:
    """``name`` if a question type of that name is registered (see :mod:`.qtypes`)."""
    # Imported here: the question types build on this module (and on answers).
    from assessment.core.qtypes import type_names

    names = type_names()
    if name not in names:
        expected = ", ".join(repr(n) for n in names[:-1]) + f" or {names[-1]!r}"
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
    return name


TypeName = Annotated[str, AfterValidator(_registered_type)]
"""The name of a registered question type (``likert``, ``number``, …)."""


def _type_of(question: Question) -> QuestionType:
    # The registry imports this module, so it is looked up on first use and kept: asked
    # for every answer parsed, this must stay cheap.
    global _type_of
    from assessment.core.qtypes import type_of

    _type_of = type_of
    return type_of(question)


class MaturityLevel(_Frozen):
    """A maturity level: the score (0-100) from which it applies."""

    level: int = Field(ge=1, le=10)
    name: str = Field(min_length=1)
    min: float = Field(ge=0, le=100)
    description: str = ""


class Role(_Frozen):
    """A respondent role the questionnaire knows."""

    id: Slug
    label: str = Field(min_length=1)


class Option(_Frozen):
    """One answer option with an explicit score."""

    value: Slug
    label: str = Field(min_length=1)
    score: float


class Scale(_Frozen):
    """An ordered list of options (first = lowest position)."""

    id: Slug
    options: tuple[Option, ...] = Field(min_length=2)


class Band(_Frozen):
    """A scoring band for a numeric KPI: matches ``min <= x < max``; either end may be open."""

    id: Slug
    min: float | None = None
    max: float | None = None
    score: float
    label: str = ""

    def matches(self, x: float) -> bool:
        """Whether ``x`` falls in this band."""
        return (self.min is None or self.min <= x) and (self.max is None or x < self.max)


class SourceKind(StrEnum):
    """Where the bands of a KPI question come from."""

    SEED = "seed"
    """A figure from the reference articles the questionnaire is grounded in."""
    PUBLISHED = "published"
    """A published study or benchmark."""
    PRACTICE = "practice"
    """Set from consulting practice: a judgement, not a norm."""


class BandSource(_Frozen):
    """Where a ``number`` question's bands come from: ``{kind, note}``.

    The note is one English sentence (translated under the question's ``source`` key in
    ``i18n/<lang>.yaml``); the kind says whether the bands are a published norm or a
    practitioner's judgement, so that the report never passes one off as the other.
    """

    kind: SourceKind
    note: str = Field(min_length=1, max_length=1000)


def _source_tag(value: Any) -> str:
    return SOURCE_TEXT if isinstance(value, str) else SOURCE_STRUCTURED


SOURCE_STRUCTURED = "structured"
SOURCE_TEXT = "text"
SourceField = Annotated[
    Annotated[BandSource, Tag(SOURCE_STRUCTURED)] | Annotated[str, Tag(SOURCE_TEXT)],
    Discriminator(_source_tag),
]
"""``{kind, note}``, or the free text of questionnaires written before version 2 (the
union's tags appear in pydantic's error locations; the loader leaves them out)."""


class ValueRange(_Frozen):
    """Inclusive range of values a numeric answer may take."""

    min: float
    max: float


class Question(_Frozen):
    """A question of an element.  Option lists are already resolved from scales."""

    id: DottedId
    type: TypeName
    text: str = Field(min_length=1)
    help: str = ""
    weight: float = Field(default=1.0, ge=0)
    roles: tuple[str, ...] = ROLE_IDS
    allow_na: bool = False
    allow_dk: bool = False
    scale: str | None = None
    options: tuple[Option, ...] | None = None
    unit: str = ""
    range: ValueRange | None = None
    bands: tuple[Band, ...] | None = None
    source: SourceField = ""
    """Where the bands come from (``{kind, note}``); a plain string is the free-text form
    of questionnaires written before version 2 and is kept as it was."""
    evidence: str | None = Field(default=None, pattern=r"^crm\.[a-z0-9_]+$", max_length=64)
    """A CRM metric (e.g. ``crm.win_rate``) that pre-fills and backs up this ``number`` KPI."""

    @model_serializer(mode="wrap")
    def _omit_unset_evidence(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Questions without evidence serialize exactly as before the field existed, so the
        # content hash of every questionnaire published earlier stays the same.
        data: dict[str, Any] = handler(self)
        if data.get("evidence") is None:
            data.pop("evidence", None)
        return data

    @property
    def band_source(self) -> BandSource | None:
        """The structured source of the bands, if the question gives one."""
        return self.source if isinstance(self.source, BandSource) else None

    @property
    def qtype(self) -> QuestionType:
        """The registered class of this question's type: how it parses, checks and scores."""
        return _type_of(self)

    @property
    def scored(self) -> bool:
        """Whether answers to this question enter the score (free text does not)."""
        return self.qtype.scored

    @property
    def score_bounds(self) -> tuple[float, float]:
        """Lowest and highest score this question can give."""
        return self.qtype.score_bounds(self)

    def option(self, value: str) -> Option | None:
        """The option with this value, if any."""
        for opt in self.options or ():
            if opt.value == value:
                return opt
        return None

    def band_for(self, x: float) -> Band | None:
        """The band a numeric value falls into, if any."""
        for band in self.bands or ():
            if band.matches(x):
                return band
        return None


class Effort(StrEnum):
    """Effort a recommendation takes."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Impact(StrEnum):
    """Impact a recommendation is expected to have."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Recommendation(_Frozen):
    """A recommendation, with the condition that triggers it."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: DottedId
    element: str
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    actions: tuple[str, ...] = Field(min_length=3)
    effort: Effort
    impact: Impact
    horizon: Literal[30, 60, 90]
    when: str
    condition: Condition = Field(exclude=True)
    addresses: tuple[DottedId, ...] = ()
    """Ids of the scored questions this recommendation fixes (its priority basis ``A_r``)."""
    after: tuple[DottedId, ...] = ()
    """Ids of recommendations that must come before this one in the ranked list."""
    evidence: str = Field(default="", max_length=1000)
    """A sentence citing the client's own figures through placeholders (``{kpi:Q}``,
    ``{profile:FIELD}``, ``{share:Q:v1,v2}``; :mod:`assessment.core.placeholders`), shown
    under ``why`` only when every placeholder has a value."""

    @model_serializer(mode="wrap")
    def _omit_unset_links(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # As for Question.evidence: recommendations without links serialize as before the
        # fields existed, so published questionnaires keep their content hash.
        data: dict[str, Any] = handler(self)
        for key in ("addresses", "after", "evidence"):
            if not data.get(key):
                data.pop(key, None)
        return data


class Element(_Frozen):
    """One of the elements of a sales organization that the questionnaire rates."""

    id: DottedId
    title: str = Field(min_length=1)
    description: str = ""
    weight: float = Field(default=1.0, ge=0)
    target: float = Field(default=80.0, ge=0, le=100)
    levels: dict[int, str]
    questions: tuple[Question, ...]
    recommendations: tuple[Recommendation, ...] = ()

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        """Questions that contribute to the score."""
        return tuple(q for q in self.questions if q.scored)


class QuestionnaireKind(StrEnum):
    """What a questionnaire is for."""

    FULL = "full"
    """A team assessment: everyone's view, every element in depth."""
    QUICK_CHECK = "quick_check"
    """A short check a leader answers alone; it can grow into a full assessment."""


class Questionnaire(_Frozen):
    """A complete, validated questionnaire version."""

    id: Slug
    version: str = Field(min_length=1, max_length=32)
    kind: QuestionnaireKind = QuestionnaireKind.FULL
    grows_into: Slug | None = None
    """For a quick check: the id of the full questionnaire it grows into."""
    title: str
    description: str = ""
    language: str = "en"
    roles: tuple[Role, ...]
    leadership_roles: tuple[str, ...]
    frontline_roles: tuple[str, ...]
    min_group_size: int = Field(default=3, ge=1)
    kpi_share: float = Field(default=DEFAULT_KPI_SHARE, ge=0, le=1)
    """κ: the share of an element score that comes from its KPI items (method 2)."""
    levels: tuple[MaturityLevel, ...]
    elements: tuple[Element, ...]
    content_hash: str = ""

    @model_serializer(mode="wrap")
    def _omit_default_kpi_share(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The default share scores exactly like a questionnaire written before the field
        # existed, so it is left out and their content hashes stay the same (likewise the
        # default kind and an unset grows_into).
        data: dict[str, Any] = handler(self)
        if data.get("kpi_share") == DEFAULT_KPI_SHARE:
            data.pop("kpi_share", None)
        if data.get("kind") == QuestionnaireKind.FULL:
            data.pop("kind", None)
        if data.get("grows_into") is None:
            data.pop("grows_into", None)
        return data

    @property
    def major_version(self) -> int:
        """The leading number of ``version`` (``"2.0.0"`` → 2), 0 when it has none."""
        head = self.version.split(".", 1)[0].strip()
        return int(head) if head.isdigit() else 0

    @property
    def is_quick_check(self) -> bool:
        """Whether this is a quick check (offered first for self-assessments)."""
        return self.kind is QuestionnaireKind.QUICK_CHECK

    @property
    def role_ids(self) -> tuple[str, ...]:
        """Ids of the roles, in declaration order."""
        return tuple(r.id for r in self.roles)

    def element(self, element_id: str) -> Element:
        """The element with this id (KeyError if unknown)."""
        for el in self.elements:
            if el.id == element_id:
                return el
        raise KeyError(element_id)

    def questions(self) -> dict[str, Question]:
        """Every question by id."""
        return {q.id: q for el in self.elements for q in el.questions}

    def element_of(self) -> dict[str, str]:
        """Map of question id to element id."""
        return {q.id: el.id for el in self.elements for q in el.questions}

    def level_for(self, score: float | None) -> MaturityLevel | None:
        """The highest maturity level whose threshold is at most ``score``."""
        if score is None:
            return None
        best: MaturityLevel | None = None
        for lvl in self.levels:
            if lvl.min <= score and (best is None or lvl.min >= best.min):
                best = lvl
        return best
