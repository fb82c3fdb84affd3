"""Findings derived from the results: strengths, gaps to target and the key points.

The key message and the roadmap are decided in :mod:`assessment.core.roadmap` (worded in
:mod:`reports.decisions`).

These are the judgements a consultant would write by hand, made reproducible: the rules are
simple, stated here, and use only element scores, targets, visible (unsuppressed) group
scores and the ranked recommendations.
"""

from __future__ import annotations

from assessment.core.results import ElementResult, Results
from reports.i18n import Formatter


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
