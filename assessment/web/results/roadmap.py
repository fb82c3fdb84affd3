"""The results page's deciding cards: what we recommend, the 30/60/90-day roadmap and the size
of the prize, as plain data built once by the view.

Nothing is decided or worded here.  The core decides once — the key message, the top
priorities and the roadmap (:mod:`assessment.core.roadmap`), the board's decisions
(:mod:`assessment.core.decisions`), the size of the prize (:mod:`assessment.core.prize`) —
and the report words it: the board edition's own builder parts
(:class:`reports.board.BoardParts`, which call :mod:`reports.decisions` and
:func:`reports.plan.planned_owner`) and :func:`reports.prize_view.prize_view`, with a
:class:`reports.i18n.Formatter` for the page's language.  So the screen says, word for word,
what the PDF and the deck say.  This module only adds what a web page needs besides: the
element ids its links point to (``#el-<id>`` on the results page).

Public API::

    deciding_cards(results, q, lang, *, profile, crm_kpis, per_phase, plan, solo)
        -> DecidingCards | None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.catalogues import translations_for
from assessment.core.model import Questionnaire
from assessment.core.plans import PlanItem
from assessment.core.prize import AT_TARGET
from assessment.core.prize_inputs import prize_of_results
from assessment.core.profile import OrganizationProfile
from assessment.core.results import Results
from assessment.core.roadmap import SHARE_RESULTS, top_priorities

if TYPE_CHECKING:
    from reports.prize_view import PrizeView
    from reports.viewmodel import InitiativeView, PriorityView


@dataclass(frozen=True)
class Priority:
    """One of the top priorities: the report's worded priority and its element's id."""

    words: PriorityView
    """Title, element, why, first action, owner (or the plan's owner and due date), measure
    to watch with its 90-day target, effort and impact — as the PDF words them."""
    element_id: str


@dataclass(frozen=True)
class RecommendCard:
    """The "What we recommend" card: key message, top priorities, the board's decisions."""

    key_message: str
    solo: bool
    """One respondent: the key message is that person's, not leadership's."""
    priorities: tuple[Priority, ...]
    decisions: tuple[str, ...]
    """Once an action plan exists the board confirms it (and the priorities show its
    owners and due dates)."""


@dataclass(frozen=True)
class Initiative:
    """A roadmap entry: the report's worded initiative and its element's id."""

    words: InitiativeView
    element_id: str
    opening: bool
    """Sharing the results with the front line (opens a perception-gap roadmap)."""


@dataclass(frozen=True)
class Phase:
    """Days 1–30, 31–60 or 61–90, with at most ``per_phase`` initiatives."""

    number: int
    """1, 2 or 3."""
    title: str
    subtitle: str
    items: tuple[Initiative, ...]


@dataclass(frozen=True)
class RoadmapCard:
    """The core's 30/60/90-day roadmap for the assessment's ``roadmap_per_phase``."""

    phases: tuple[Phase, ...]
    per_phase: int
    deferred: int
    """Triggered recommendations that wait for a later round."""
    note: str
    """The report's sentence on the deferred ones ("" when none is deferred)."""


@dataclass(frozen=True)
class DecidingCards:
    """The three cards (built only when the assessment has answers)."""

    recommend: RecommendCard
    roadmap: RoadmapCard
    prize: PrizeView
    """Headline, levers with range, formula and inputs with sources, omitted levers naming
    the missing inputs (:func:`reports.prize_view.prize_view`)."""
    prize_missing: bool = False
    """Some lever is omitted for want of an input (not because it is at its target): the
    page says where the figures are entered."""


def deciding_cards(
    results: Results,
    q: Questionnaire,
    lang: str,
    *,
    profile: OrganizationProfile | None,
    crm_kpis: Mapping[str, Any] | None,
    per_phase: int,
    plan: Sequence[PlanItem] = (),
) -> DecidingCards | None:
    """The deciding cards of ``results`` (None without answers).

    ``results`` are the page's (a guest's are already disclosed for guests), ``q`` the
    questionnaire in ``lang``; ``profile`` and ``crm_kpis`` (the stored CRM evidence in use)
    are what the page has loaded already, so the prize costs no query of its own
    (:func:`assessment.services.prize.prize_of` without its two reads); ``plan`` is this
    round's plan (:func:`assessment.services.plans.round_plan`), as the PDF is given it.
    """
    if results.respondents == 0:
        return None
    # The report pipeline is imported when a page with answers is built, not at start-up.
    from reports.board import TOP_PRIORITIES, BoardParts
    from reports.prize_view import prize_view
    from reports.viewmodel import OptionalSections, ReportMeta

    prize = prize_of_results(results, q, profile, crm_kpis)
    meta = ReportMeta(
        client_name="",
        assessment_title="",
        date=dt.date.today(),
        language=lang,
        optional=OptionalSections(
            profile=profile, plan=tuple(plan), per_phase=per_phase, prize=prize
        ),
    )
    parts = BoardParts(results, q, meta, translations_for(lang))
    ranked = top_priorities(results, TOP_PRIORITIES)  # what parts.priorities() words, in order
    recommend = RecommendCard(
        key_message=parts.key_message(),
        solo=results.respondents == 1,
        priorities=tuple(
            Priority(words, rec.element)
            for rec, words in zip(ranked, parts.priorities(), strict=True)
        ),
        decisions=parts.decisions(has_plan=bool(plan)),
    )
    core_phases = parts.core_roadmap.phases
    roadmap = RoadmapCard(
        phases=tuple(
            Phase(
                number,
                worded.title,
                worded.subtitle,
                tuple(
                    Initiative(words, item.element, item.kind == SHARE_RESULTS)
                    for item, words in zip(placed, worded.items, strict=True)
                ),
            )
            for number, (placed, worded) in enumerate(
                zip(core_phases, parts.roadmap(), strict=True), 1
            )
        ),
        per_phase=parts.core_roadmap.per_phase,
        deferred=len(parts.core_roadmap.deferred),
        note=parts.roadmap_note(),
    )
    return DecidingCards(
        recommend=recommend,
        roadmap=roadmap,
        prize=prize_view(prize, parts.f),
        prize_missing=any(om.reason != AT_TARGET for om in prize.omitted),
    )
