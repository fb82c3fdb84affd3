"""The decisions a board is asked to take, derived from the key message and the priorities.

Pure.  A board reads a report to decide; the board edition's first page ends with the
decisions this assessment calls for, in this order:

1. ``share_results`` — when the key message is the perception gap: mandate that the
   results go to the front line before any initiative starts (the roadmap's first step).
2. ``approve_priorities`` — approve the top priorities and name an accountable owner for
   each; once an action plan exists, ``name_owners`` for its open items nobody owns yet
   (listed), else ``confirm_plan`` (its owners and dates).
3. ``fund`` — for each top priority of high effort: commit the budget and people it needs.
4. ``adopt_targets`` — adopt the 90-day targets of the measures to watch (when there is at
   least one priority).
5. ``track_value`` — when the size of the prize could be estimated: track the value at stake
   in the monthly review.
6. ``raise_targets`` — when every element meets its target: raise the targets where the
   team is ready.
7. ``reassess`` — schedule the next assessment to measure what moved.

The PDF's first page, the results page and the deck's last slide all show this list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.core.results import TriggeredRecommendation
from assessment.core.roadmap import KeyMessage, MessageKind

SHARE_RESULTS = "share_results"
APPROVE_PRIORITIES = "approve_priorities"
CONFIRM_PLAN = "confirm_plan"
FUND = "fund"
ADOPT_TARGETS = "adopt_targets"
RAISE_TARGETS = "raise_targets"
NAME_OWNERS = "name_owners"
TRACK_VALUE = "track_value"
REASSESS = "reassess"


@dataclass(frozen=True)
class Decision:
    """One decision: its kind, and the element or recommendation it is about."""

    kind: str
    element: str = ""
    recommendation: str = ""
    count: int = 0
    """For ``approve_priorities``: how many priorities."""
    items: tuple[str, ...] = ()
    """For ``name_owners``: the titles of the open plan items without an owner."""


def board_decisions(
    message: KeyMessage,
    priorities: Sequence[TriggeredRecommendation],
    has_plan: bool = False,
    unowned: Sequence[str] = (),
    value_at_stake: bool = False,
) -> tuple[Decision, ...]:
    """The decisions, by the rules in the module docstring.  ``unowned`` are the titles of
    the plan's open items without an owner; ``value_at_stake`` whether the size of the
    prize has at least one estimated lever."""
    out: list[Decision] = []
    if message.kind is MessageKind.PERCEPTION_GAP and message.elements:
        out.append(Decision(SHARE_RESULTS, element=message.elements[0]))
    if priorities:
        if has_plan and unowned:
            out.append(Decision(NAME_OWNERS, items=tuple(unowned)))
        elif has_plan:
            out.append(Decision(CONFIRM_PLAN, count=len(priorities)))
        else:
            out.append(Decision(APPROVE_PRIORITIES, count=len(priorities)))
        out.extend(
            Decision(FUND, element=rec.element, recommendation=rec.id)
            for rec in priorities
            if rec.effort == "high"
        )
        out.append(Decision(ADOPT_TARGETS))
        if value_at_stake:
            out.append(Decision(TRACK_VALUE))
    elif message.kind is MessageKind.ON_TARGET:
        out.append(Decision(RAISE_TARGETS))
    out.append(Decision(REASSESS))
    return tuple(out)
