"""Results of scoring: plain immutable data that serializes to JSON and explains itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.core.model import DEFAULT_KPI_SHARE

FLAG_LOW_COVERAGE = "low_coverage"
FLAG_LOW_AGREEMENT = "low_agreement"
FLAG_LARGE_GAP = "large_gap"
METHOD = 2
"""The scoring method these results follow (``docs/scoring.md``, "method 2")."""

Interval = tuple[float, float]
"""A confidence interval ``(low, high)`` on the 0-100 scale."""


def _interval(ci: Interval | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A role's score for an element, on its practice items.

    ``n`` 0: nobody of the role answered (absent: score None, never ``suppressed``).
    ``suppressed``: below the minimum group size, or withheld by the differencing
    protection (see :class:`Protection`); the score is then None.
    """

    n: int
    score: float | None
    suppressed: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"n", "score", "suppressed"}``."""
        return {"n": self.n, "score": self.score, "suppressed": self.suppressed}


@dataclass(frozen=True, slots=True)
class KpiValue:
    """The one value of a KPI (``number``) question and where it comes from.

    ``source`` is ``crm`` (the assessment's CRM evidence), ``fact`` (entered by a consultant)
    or ``answers`` (the median of the respondents' answers); None when there is no value.
    """

    question: str
    value: float | None
    source: str | None
    band: str | None
    score: float | None
    """100 · n(v_q): the normalized score of the band, on the 0-100 scale."""
    reference: str = ""
    """The fact's source as the consultant typed it, or the CRM metric id."""
    note: str = ""
    answers: int = 0
    """How many respondents answered the question with a number (shown beside any value)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"question", "value", "source", "band", "score", ...}``."""
        return {
            "question": self.question,
            "value": self.value,
            "source": self.source,
            "band": self.band,
            "score": self.score,
            "reference": self.reference,
            "note": self.note,
            "answers": self.answers,
        }


@dataclass(frozen=True, slots=True)
class Protection:
    """What an element hides so that no small group can be recovered by differencing.

    ``left_out_roles``: roles whose respondents are left out of every figure of the element
    (``left_out`` respondents in all); ``hidden_roles``: roles of at least the minimum size
    whose own score is withheld because it would reveal a smaller sibling group.
    """

    left_out_roles: tuple[str, ...] = ()
    hidden_roles: tuple[str, ...] = ()
    left_out: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"left_out_roles", "hidden_roles", "left_out"}``."""
        return {
            "left_out_roles": list(self.left_out_roles),
            "hidden_roles": list(self.hidden_roles),
            "left_out": self.left_out,
        }


@dataclass(frozen=True, slots=True)
class QuestionExplanation:
    """How one question entered (or did not enter) its element's score."""

    id: str
    type: str
    weight: float
    asked: int
    answered: int
    na: int
    dk: int
    mean: float | None
    """Mean normalized answer in [0, 1] over everyone who answered."""
    contribution: float | None
    """Share of the element score this question carries, ``w_q·m_q / Σ w``, in points."""
    status: str
    """``included``, ``no_answers``, ``zero_weight`` or ``not_scored``."""
    distribution: Mapping[str, int]
    """Answer counts by option value or band id (text questions: empty)."""
    median: float | None = None
    median_band: str | None = None
    agreement: float | None = None
    withheld: bool = False
    """A practice question fewer people answered than the minimum group size: its answers
    (distribution, mean, points, agreement) are not shown; it still counts in the element's
    score (:func:`assessment.core.disclosure.withhold_small_questions`)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {
            "id": self.id,
            "type": self.type,
            "weight": self.weight,
            "asked": self.asked,
            "answered": self.answered,
            "na": self.na,
            "dk": self.dk,
            "mean": self.mean,
            "contribution": self.contribution,
            "status": self.status,
            "distribution": dict(self.distribution),
            "median": self.median,
            "median_band": self.median_band,
            "agreement": self.agreement,
            "withheld": self.withheld,
        }


@dataclass(frozen=True, slots=True)
class Comment:
    """An anonymised comment: the text and the language it was written in, no author."""

    text: str
    language: str = ""
    role: str = ""
    """The author's role id, used only to keep comments of a group under the minimum size
    out of selections (:func:`assessment.core.voices.pick_voices`); never shown."""


@dataclass(frozen=True, slots=True)
class ElementResult:
    """Scores, flags and explanation for one element."""

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
    leadership_suppressed: bool
    frontline_suppressed: bool
    flags: tuple[str, ...]
    roles: Mapping[str, GroupScore]
    questions: tuple[QuestionExplanation, ...]
    comments: tuple[Comment, ...]
    practice: float | None = None
    """P_e: the score of the practice (likert, choice, yes/no) items."""
    kpi: float | None = None
    """K_e: the score of the KPI (number) items, one value each."""
    ci: Interval | None = None
    """90 % confidence interval of ``score``; None below 5 respondents."""
    practice_ci: Interval | None = None
    alpha: float | None = None
    """Cronbach's alpha over the element's likert items; None under 10 complete respondents."""
    gap_items: int = 0
    """Size of C_e, the comparable items the gap is computed over."""
    gap_p: float | None = None
    """Two-sided p-value of Welch's t-test of the gap."""
    kpis: tuple[KpiValue, ...] = ()
    protection: Protection = Protection()

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The ``score --json`` element shape; ``explain`` adds questions and comments."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "weight": self.weight,
            "target": self.target,
            "level": self.level,
            "level_name": self.level_name,
            "coverage": self.coverage,
            "agreement": self.agreement,
            "leadership": self.leadership,
            "frontline": self.frontline,
            "gap": self.gap,
            "flags": list(self.flags),
            "roles": {role: g.to_dict() for role, g in self.roles.items()},
            "practice": self.practice,
            "kpi": self.kpi,
            "ci": _interval(self.ci),
            "practice_ci": _interval(self.practice_ci),
            "alpha": self.alpha,
            "gap_items": self.gap_items,
            "gap_p": self.gap_p,
            "kpis": [k.to_dict() for k in self.kpis],
            "protection": self.protection.to_dict(),
        }
        if explain:
            out["questions"] = [q.to_dict() for q in self.questions]
            out["comments"] = [{"text": c.text, "language": c.language} for c in self.comments]
        return out


@dataclass(frozen=True, slots=True)
class TriggeredRecommendation:
    """A recommendation whose condition held, with its priority."""

    id: str
    element: str
    title: str
    why: str
    actions: tuple[str, ...]
    priority: float
    effort: str
    impact: str
    horizon_days: int
    addresses: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    basis: float | None = None
    """A_r: the 0-100 score the priority measures the distance to the target from."""
    evidence: str = ""
    """The evidence sentence with its placeholders (rendered by the page or the report in
    the reader's language: :func:`assessment.core.placeholders.render_evidence`)."""

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        """The ``score --json`` recommendation shape; ``full`` adds why and actions."""
        out: dict[str, Any] = {
            "id": self.id,
            "element": self.element,
            "title": self.title,
            "priority": self.priority,
            "effort": self.effort,
            "impact": self.impact,
            "horizon_days": self.horizon_days,
            "addresses": list(self.addresses),
            "after": list(self.after),
            "basis": self.basis,
        }
        if full:
            out["why"] = self.why
            out["actions"] = list(self.actions)
        return out


@dataclass(frozen=True, slots=True)
class Overall:
    """The weighted overall score and its maturity level."""

    score: float | None
    level: int | None
    level_name: str | None
    leadership: float | None = None
    frontline: float | None = None
    practice: float | None = None
    """Σ W_e·P_e / Σ W_e over elements with a practice score."""
    kpi: float | None = None
    """Σ W_e·K_e / Σ W_e over elements with a KPI score."""
    ci: Interval | None = None
    practice_ci: Interval | None = None

    @property
    def gap(self) -> float | None:
        """Overall leadership − overall frontline (both over the elements with a gap)."""
        if self.leadership is None or self.frontline is None:
            return None
        return self.leadership - self.frontline

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"score", "level", "level_name", ...}``."""
        return {
            "score": self.score,
            "level": self.level,
            "level_name": self.level_name,
            "leadership": self.leadership,
            "frontline": self.frontline,
            "practice": self.practice,
            "kpi": self.kpi,
            "gap": self.gap,
            "ci": _interval(self.ci),
            "practice_ci": _interval(self.practice_ci),
        }


@dataclass(frozen=True, slots=True)
class Results:
    """Everything scoring produces for one set of respondents."""

    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    respondents: int
    respondents_by_role: Mapping[str, int]
    min_group_size: int
    overall: Overall
    elements: tuple[ElementResult, ...]
    recommendations: tuple[TriggeredRecommendation, ...]
    kpi_share: float = DEFAULT_KPI_SHARE
    """κ the element scores were computed with."""
    method: int = METHOD

    def element(self, element_id: str) -> ElementResult:
        """The result for one element (KeyError if unknown)."""
        for el in self.elements:
            if el.id == element_id:
                return el
        raise KeyError(element_id)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The ``score --json`` document; ``explain`` adds the per-question explanation."""
        return {
            "questionnaire": {
                "id": self.questionnaire_id,
                "version": self.questionnaire_version,
                "hash": self.questionnaire_hash,
            },
            "method": self.method,
            "kpi_share": self.kpi_share,
            "respondents": self.respondents,
            "respondents_by_role": dict(self.respondents_by_role),
            "min_group_size": self.min_group_size,
            "overall": self.overall.to_dict(),
            "elements": [el.to_dict(explain) for el in self.elements],
            "recommendations": [r.to_dict(full=explain) for r in self.recommendations],
        }
