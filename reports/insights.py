"""Findings derived from the results: strengths, gaps, the key message and the roadmap.

These are the judgements a consultant would write by hand, made reproducible: the rules are
simple, stated here, and use only element scores, targets, visible (unsuppressed) group
scores and the ranked recommendations.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment.core.results import FLAG_LARGE_GAP, ElementResult, Results
from assessment.core.scoring import LARGE_GAP
from reports.i18n import Formatter

FAR_BELOW_TARGET = 20.0
"""An element this many points under its target counts as far below it."""
ROADMAP_PER_PHASE = 6
"""At most this many recommendations per roadmap phase (the highest-priority ones)."""


def scored(results: Results) -> list[ElementResult]:
    """Elements that have a score."""
    return [el for el in results.elements if el.score is not None]


def strengths(results: Results, k: int = 3) -> list[ElementResult]:
    """The ``k`` highest-scoring elements."""
    return sorted(scored(results), key=lambda el: (-(el.score or 0.0), el.id))[:k]


def shortfall(el: ElementResult) -> float:
    """Points below target; 0 at or above it, and under half a point (shown as on target)."""
    gap = el.target - (el.score or 0.0)
    return gap if gap >= 0.5 else 0.0


def biggest_gaps(results: Results, k: int = 3) -> list[ElementResult]:
    """The ``k`` elements furthest below their target, weighted elements first on ties."""
    ranked = sorted(scored(results), key=lambda el: (-shortfall(el), -el.weight, el.id))
    return [el for el in ranked if shortfall(el) > 0][:k]


def visible_gaps(results: Results) -> list[ElementResult]:
    """Elements where both leadership and frontline are visible, largest gap first."""
    both = [el for el in results.elements if el.gap is not None]
    return sorted(both, key=lambda el: (-abs(el.gap or 0.0), el.id))


def key_message(results: Results, fmt: Formatter) -> str:
    """One message for leadership, chosen from the strongest signal in the data.

    1. A perception gap: leadership sees the organization much more favourably than the
       frontline overall, or on at least three elements (visible groups only).
    2. Otherwise, focus: the two elements furthest below target.
    3. Otherwise the organization is at or near target everywhere: protect and refine.
    """
    _ = fmt._
    gaps = visible_gaps(results)
    flagged = [el for el in gaps if FLAG_LARGE_GAP in el.flags and (el.gap or 0) > 0]
    o = results.overall
    overall_gap = (
        o.leadership - o.frontline if o.leadership is not None and o.frontline is not None else None
    )
    if flagged and (len(flagged) >= 3 or (overall_gap or 0) >= LARGE_GAP * 2 / 3):
        worst = flagged[0]
        return _(
            "Leadership sees the sales organization more favourably than the people who sell: "
            "on average %(gap)s points higher, and most of all in %(element)s. Share these "
            "results with the front line before launching initiatives, and let their view of "
            "the gaps set the first 30 days.",
            gap=fmt.number(overall_gap if overall_gap is not None else worst.gap),
            element=worst.title,
        )
    far = [
        el
        for el in biggest_gaps(results, len(results.elements))
        if shortfall(el) >= FAR_BELOW_TARGET
    ]
    if len(far) >= 2:
        return _(
            "%(n)s of %(total)s elements are %(points)s or more points below target. Put the "
            "next 90 days into %(first)s and %(second)s rather than spreading effort: the "
            "prioritized recommendations start there.",
            n=fmt.integer(len(far)),
            total=fmt.integer(len(results.elements)),
            points=fmt.number(FAR_BELOW_TARGET),
            first=far[0].title,
            second=far[1].title,
        )
    gap_list = biggest_gaps(results, 1)
    if gap_list:
        return _(
            "The organization is close to its targets. Protect the routines that got it here "
            "and close the remaining distance in %(element)s.",
            element=gap_list[0].title,
        )
    return _(
        "Every element meets its target. Raise the targets where the team is ready, and keep "
        "measuring so that strengths stay strengths."
    )


def key_points(results: Results, fmt: Formatter, quick_wins: int) -> list[str]:
    """Three supporting facts for the executive summary.

    Terms are explained where they first appear: the target, and leadership and the
    frontline.  With one respondent (a self-assessment) there are no groups to compare; the
    second fact says so and what would show it.
    """
    _ = fmt._
    points: list[str] = []
    below = [el for el in scored(results) if shortfall(el) > 0]
    points.append(
        fmt.ngettext(
            "%(num)s of %(total)s elements is below its target (the score this assessment "
            "aims for).",
            "%(num)s of %(total)s elements are below their target (the score this assessment "
            "aims for).",
            len(below),
            total=fmt.integer(len(results.elements)),
        )
    )
    gaps = visible_gaps(results)
    if results.respondents == 1:
        points.append(
            _(
                "These scores are your view alone. A team assessment would show where the "
                "people who sell see the organization differently from those who lead it."
            )
        )
    elif gaps and gaps[0].gap is not None:
        points.append(
            fmt.ngettext(
                "The largest difference between leadership (the respondents who lead the "
                "sales organization) and the frontline (those who sell) is in %(element)s: "
                "%(gap)s point.",
                "The largest difference between leadership (the respondents who lead the "
                "sales organization) and the frontline (those who sell) is in %(element)s: "
                "%(gap)s points.",
                round(abs(gaps[0].gap)),
                element=gaps[0].title,
                gap=fmt.signed(gaps[0].gap),
            )
        )
    else:
        points.append(
            _(
                "Leadership and frontline views could not be compared: one of the "
                "groups is below the minimum group size."
            )
        )
    n_recs = len(results.recommendations)
    points.append(
        fmt.ngettext(
            "%(num)s recommendation applies; %(quick)s of them are quick wins "
            "(high impact, low effort).",
            "%(num)s recommendations apply; %(quick)s of them are quick wins "
            "(high impact, low effort).",
            n_recs,
            quick=fmt.integer(quick_wins),
        )
    )
    return points


def phases(recs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Split (index, horizon_days) pairs into 30/60/90-day phases, capped per phase."""
    out: list[list[int]] = [[], [], []]
    for index, horizon in recs:
        phase = 0 if horizon <= 30 else 1 if horizon <= 60 else 2
        if len(out[phase]) < ROADMAP_PER_PHASE:
            out[phase].append(index)
    return out
