"""What the trends feature shows on other pages, as plain data built by the view.

The assessment page shows the follow-up chain, the results page the change since the
previous assessment and the portfolio benchmark, the client page a link to the trend.  Each
builder runs its queries when the view calls it; the templates only read the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from assessment.core import trend_reasons
from assessment.core import trends as t
from assessment.core.results import Results
from assessment.db.models import Assessment, AssessmentStatus
from assessment.services import benchmark as bench
from assessment.services import followups
from assessment.services import trends as svc
from assessment.web.i18n import shown_questionnaire


def _percent(share: float) -> str:
    return str(format_percent(share, format="#,##0%"))


def reason_text(code: str | None, shared: float | None = None) -> str:
    """A not-comparable reason code in words, in the page's language."""
    return trend_reasons.reason_text(_, code, shared, _percent)


def signed(value: float | None) -> str:
    """A change with an explicit sign, rounded to whole points."""
    if value is None:
        return "–"
    rounded = round(value)
    if rounded == 0:
        return "±0"
    return f"+{rounded}" if rounded > 0 else f"−{abs(rounded)}"


@dataclass(frozen=True)
class FollowupCard:
    """The follow-up chain around an assessment, and whether a follow-up may be started."""

    previous: followups.ChainLink | None
    following: tuple[followups.ChainLink, ...]
    can_start: bool


def followup_card(session: Session, assessment: Assessment, can_edit: bool) -> FollowupCard | None:
    """The assessment page's follow-up card (None: nothing to show)."""
    chain = followups.chain_of(session, assessment)
    can_start = can_edit and assessment.status is AssessmentStatus.CLOSED and not chain.following
    if not (chain.previous or chain.following or can_start):
        return None
    return FollowupCard(chain.previous, chain.following, can_start)


@dataclass(frozen=True)
class ChangeCell:
    """One side of a change: the score, and (on the later side) the change or why none."""

    score: float | None
    present: bool
    change: float | None
    change_text: str
    """The change with its sign (empty when no change is computed)."""
    comparable: bool | None
    reason: str
    """Why the change is not comparable, in words (empty without a reason)."""
    significant: bool | None = None
    """The two rounds' 90 % intervals do not overlap (None: no intervals to compare)."""


@dataclass(frozen=True)
class ChangeRow:
    """An element (or the overall score) before and now."""

    title: str
    before: ChangeCell
    now: ChangeCell


@dataclass(frozen=True)
class TrendCard:
    """The results page's change since the assessment this one follows up."""

    previous_title: str
    previous_version: str
    current_version: str
    same_version: bool
    mapping_used: bool
    overall: ChangeRow
    elements: tuple[ChangeRow, ...]
    skipped_questions: int
    """Questions without a counterpart in the other version (listed on the trend page)."""


def _cell(c: t.TrendCell) -> ChangeCell:
    return ChangeCell(
        score=c.score,
        present=c.present,
        change=c.change,
        change_text=signed(c.change) if c.change is not None else "",
        comparable=c.comparable,
        reason=reason_text(c.reason),
        significant=c.significant,
    )


def _row(title: str, cells: Iterable[t.TrendCell]) -> ChangeRow:
    before, now = cells
    return ChangeRow(title, _cell(before), _cell(now))


def trend_card(
    session: Session,
    assessment: Assessment,
    results: Results,
    lang: str,
    sources: tuple[t.TrendSource, t.TrendSource] | None = None,
) -> TrendCard | None:
    """The change against the previous assessment of the chain (None: nothing to compare).

    ``results`` are the assessment's own results, computed once by the page (and
    ``sources``, both rounds' results, when the page has them already).
    """
    if assessment.previous_id is None:
        return None
    trend = svc.chain_trend(session, assessment, results, lang, sources)
    if trend is None or len(trend.points) != 2:
        return None
    transition = trend.transitions[0]
    return TrendCard(
        previous_title=trend.points[0].title,
        previous_version=trend.points[0].questionnaire_version,
        current_version=trend.points[1].questionnaire_version,
        same_version=transition.same_version,
        mapping_used=transition.mapping_used,
        overall=_row("", trend.overall.cells),
        elements=tuple(_row(row.title, row.cells) for row in trend.elements),
        skipped_questions=sum(1 for n in trend.not_comparable if n.kind == "question"),
    )


def benchmark_card(
    session: Session, assessment: Assessment, results: Results, industry: str, size_band: str
) -> bench.BenchmarkView | None:
    """The portfolio benchmark of the results page (None for demo data, which never counts)."""
    if assessment.is_demo:
        return None
    view = bench.benchmark_of(session, assessment, results, industry, size_band)
    return replace(view, questionnaire_title=shown_questionnaire(assessment).title)


def shows_trend_link(statuses: Iterable[AssessmentStatus]) -> bool:
    """Whether the client page links to the trend: two assessments beyond draft."""
    return sum(1 for s in statuses if s is not AssessmentStatus.DRAFT) >= 2
