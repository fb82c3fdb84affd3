"""The second half of the deck: key numbers, size of the prize, roadmap (or the action plan
with owners and dates), next steps, method — and, in a follow-up, what moved.

Functions of the deck builder (:class:`reports.deck._Deck`), kept here so each module stays
readable; they add one slide each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pptx.enum.text import MSO_ANCHOR
from pptx.util import Inches

from assessment.core.decisions import board_decisions
from assessment.core.key_figures import key_figures
from assessment.core.prize import Prize
from assessment.core.results import KpiValue, TriggeredRecommendation
from assessment.core.roadmap import (
    FAR_BELOW_TARGET,
    SHARE_RESULTS,
    KeyMessage,
    MessageKind,
    Watch,
    below_target,
    shortfall,
    watch_for,
)
from assessment.core.scoring import LARGE_GAP
from reports.decisions import (
    decision_text,
    initiative_action,
    initiative_title,
    level_word,
    owner_text,
    watch_text,
)
from reports.plan import LoopView, PlanRow, PlanView, owner_line
from reports.plan import planned_owner as plan_owner
from reports.pptx_kit import (
    BODY_HEIGHT,
    BODY_TOP,
    CONTENT_WIDTH,
    INK,
    MARGIN,
    MUTED,
    Para,
    Run,
    add_rect,
    add_table,
)
from reports.prize_view import money_range, omitted_sentence, prize_view
from reports.sections import kpi_source_text

if TYPE_CHECKING:
    from reports.deck import _Deck

MAX_KEY_NUMBERS = 8
"""Key figures on the key-numbers slide: the weakest first; the notes say how many more."""


def message_reason(deck: _Deck, message: KeyMessage) -> str:
    """Why the key message is the one it is (speaker notes)."""
    _, f = deck._, deck.f
    named = ", ".join(deck.titles.get(e, e) for e in message.elements)
    if message.kind is MessageKind.PERCEPTION_GAP:
        return _(
            "Why this message: leadership rates the organization significantly and largely "
            "above the front line (by %(large)s points or more, p < 0.05) in %(elements)s. A "
            "perception gap comes first because initiatives the front line does not see as "
            "needed rarely stick.",
            large=f.number(LARGE_GAP),
            elements=named,
        )
    if message.kind is MessageKind.FOCUS:
        return _(
            "Why this message: %(n)s elements are %(points)s or more points below target "
            "(%(elements)s). With several large shortfalls, concentrating on the two furthest "
            "behind works better than spreading effort.",
            n=f.integer(message.far_below),
            points=f.number(FAR_BELOW_TARGET),
            elements=named,
        )
    if message.kind is MessageKind.CLOSE:
        below = below_target(deck.r)
        return _(
            "Why this message: the largest shortfall is in %(element)s, %(points)s points below "
            "target; there is no significant perception gap and no cluster of large shortfalls.",
            element=named,
            points=f.number(shortfall(below[0]) if below else 0.0),
        )
    return _("Why this message: every scored element meets its target.")


def one_person(deck: _Deck) -> str:
    """What a one-respondent (self-assessment) deck says instead of group comparisons."""
    return deck._(
        "One respondent: these results are one person's view. Invite the team to see where "
        "leadership and the front line agree."
    )


def watch_of(deck: _Deck, rec: TriggeredRecommendation) -> Watch:
    """The measure a recommendation moves (for a priority the roadmap could not place)."""
    return watch_for(rec, deck.r, deck.q)


def groups_defined(deck: _Deck) -> str:
    """Who "leadership" and "frontline" are (roles nobody answered for are not named)."""
    _ = deck._
    present = {role for role, n in deck.r.respondents_by_role.items() if n > 0}
    labels = {r.id: r.label for r in deck.q.roles}
    parts = []
    for group, roles in (
        ("leadership", deck.q.leadership_roles),
        ("frontline", deck.q.frontline_roles),
    ):
        named = ", ".join(labels.get(r, r) for r in roles if r in present)
        if not named:
            continue
        if group == "leadership":
            parts.append(_("Leadership: %(roles)s", roles=named))
        else:
            parts.append(_("Frontline: %(roles)s", roles=named))
    return " · ".join(parts)


def short_watch(deck: _Deck, kind: str, question: str | None, change: str) -> str:
    """A measure's change in a few words for a roadmap card (the notes name it in full):
    a KPI's values carry its unit; a practice score or the gap get a label."""
    if kind == SHARE_RESULTS:
        return deck.label(deck._("Gap")) + change
    if question is None:
        return deck.label(deck._("Practice")) + change
    return change


# -- key numbers ------------------------------------------------------------------------
def _weakest(deck: _Deck, kpi: KpiValue) -> bool:
    question = deck.q.questions().get(kpi.question)
    bands = (question.bands if question is not None else None) or ()
    if not bands or kpi.band is None:
        return False
    return kpi.band == min(bands, key=lambda b: b.score).id


def key_numbers_slide(deck: _Deck) -> None:
    """The board edition's key figures (one per element,
    :func:`assessment.core.key_figures.key_figures`), weakest band first, with sources."""
    _, f = deck._, deck.f
    kpis = [k for el in deck.r.elements for k in el.kpis if k.value is not None]
    figures = sorted(
        key_figures(deck.r, deck.q),
        key=lambda fig: (fig.place / max(1, len(fig.question.bands or ()) - 1), fig.element),
    )
    shown = figures[:MAX_KEY_NUMBERS]
    weakest = sum(1 for k in kpis if _weakest(deck, k))
    if not kpis:
        headline = _("No key figures were given")
    elif weakest:
        headline = f.ngettext(
            "%(num)s key figure is in its weakest band",
            "%(num)s key figures are in their weakest band",
            weakest,
        )
    else:
        headline = _("No key figure is in its weakest band")
    notes = [
        _(
            "Each key figure is the value the score uses: from the CRM when it was imported, "
            "else an organization fact, else the median of the answers. Its band places it "
            "on the questionnaire's reference bands, which name their source."
        )
    ]
    if len(figures) > len(shown):
        notes.append(
            _(
                "Shown: the %(shown)s weakest of %(total)s key figures; the full report lists "
                "them all.",
                shown=f.integer(len(shown)),
                total=f.integer(len(figures)),
            )
        )
    slide = deck.content_slide(_("Key numbers"), headline, notes)
    if not kpis:
        deck.text(
            slide,
            (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(1)),
            [Run(_("The answers give no value for any key figure (KPI question)."), 16)],
        )
        return
    size = 11
    rows: list[list[Para]] = [
        [
            Run(_("Key figure"), size),
            Run(_("Value"), size),
            Run(_("Band"), size),
            Run(_("Source"), size),
        ]
    ]
    for fig in shown:
        rows.append(
            [
                Run(fig.question.text, size),
                Run(f.measure(fig.kpi.value, fig.question.unit or ""), size, True),
                Run(fig.band.label or fig.band.id, size),
                Run(kpi_source_text(fig.kpi, f), size - 1, color=MUTED),
            ]
        )
    height = min(BODY_HEIGHT, Inches(0.5) * len(rows))
    add_table(
        slide,
        (MARGIN, BODY_TOP, CONTENT_WIDTH, height),
        rows,
        (6.2, 1.8, 1.8, 2.4),
        deck.lang,
        header_fill=deck.palette.ink.lstrip("#"),
        max_height=BODY_HEIGHT,
    )


# -- size of the prize ------------------------------------------------------------------
def prize_slide(deck: _Deck, prize: Prize) -> None:
    """What closing the biggest gaps is worth: each lever's range, formula and inputs (the
    words are the PDF's: :func:`reports.prize_view.prize_view`)."""
    _ = deck._
    view = prize_view(prize, deck.f)
    notes = [
        _(
            "Every figure is computed from the client's own inputs, shown with its formula "
            "and sources, and given as a range rather than a point. A lever with a missing "
            "input is not estimated; nothing is filled in from a benchmark."
        ),
        *view.notes,
        *(f"{lv.title}: {lv.formula}." for lv in view.levers),
    ]
    slide = deck.content_slide(view.heading, view.headline, notes)
    size = 11
    top: int = BODY_TOP
    if view.levers:
        rows: list[list[Para]] = [
            [
                Run(_("Lever"), size),
                Run(_("Estimate"), size),
                Run(_("Formula"), size),
                Run(_("Inputs"), size),
            ]
        ]
        for lv in view.levers:
            inputs = "; ".join(f"{i.symbol} = {i.value} ({i.source})" for i in lv.inputs)
            rows.append(
                [
                    Run(lv.title, size, True),
                    Run(lv.range, size, True),
                    Run(lv.symbols, size - 1),
                    Run(inputs, size - 1, color=MUTED),
                ]
            )
        height = Inches(0.45) + Inches(0.85) * len(view.levers)
        add_table(
            slide,
            (MARGIN, top, CONTENT_WIDTH, height),
            rows,
            (2.4, 2.8, 3.0, 4.0),
            deck.lang,
            header_fill=deck.palette.ink.lstrip("#"),
            max_height=BODY_HEIGHT - Inches(0.8),
        )
        top += height + Inches(0.3)
    lines: list[Para] = [Run(om.sentence, 12, color=MUTED) for om in view.omitted]
    if lines:
        deck.text(
            slide,
            (MARGIN, top, CONTENT_WIDTH, BODY_TOP + BODY_HEIGHT - top),
            lines,
            space_after=6,
        )


# -- roadmap ----------------------------------------------------------------------------
def _phase_titles(deck: _Deck) -> tuple[tuple[str, str], ...]:
    _ = deck._
    return (
        (_("Days 1–30"), _("Start now: quick, high-leverage moves")),
        (_("Days 31–60"), _("Build the routines that make change stick")),
        (_("Days 61–90"), _("Structural changes and measurement")),
    )


def roadmap_slide(deck: _Deck) -> None:
    """Three columns of initiatives, each with its owner role, effort and measure."""
    _, f, rm = deck._, deck.f, deck.roadmap
    items = rm.initiatives()
    if rm.message.kind is MessageKind.PERCEPTION_GAP:
        headline = _("The first 30 days open with sharing the results with the front line")
    else:
        headline = f.ngettext(
            "%(num)s initiative over the next 90 days",
            "%(num)s initiatives over the next 90 days",
            len(items),
        )
    notes = [
        _(
            "How the roadmap is built: recommendations are placed in priority order in the "
            "earliest phase their horizon and their prerequisites allow, at most %(num)s per "
            "phase and one per element per phase.",
            num=f.integer(rm.per_phase),
        )
    ]
    titles = _phase_titles(deck)
    for item in items:
        watch = watch_text(item.watch, item.kind, deck.r, deck.q, f)
        notes.append(
            _(
                "%(phase)s — %(title)s. First action: %(action)s. Measure: %(measure)s — "
                "%(change)s.",
                phase=titles[item.phase][0],
                title=initiative_title(item, deck.r, f),
                action=initiative_action(item, f).rstrip(". "),
                measure=watch.measure,
                change=watch.change,
            )
        )
    if rm.deferred:
        notes.append(
            _(
                "Following later: %(titles)s.",
                titles="; ".join(rec.title for rec in rm.deferred),
            )
        )
    slide = deck.content_slide(_("30/60/90-day roadmap"), headline, notes)
    gap = Inches(0.25)
    width = int((CONTENT_WIDTH - 2 * gap) / 3)
    head = Inches(0.7)
    bottom = BODY_TOP + BODY_HEIGHT - (Inches(0.35) if rm.deferred else 0)
    most = max(1, *(len(p) for p in rm.phases))
    card_gap = Inches(0.1)
    card = int((bottom - BODY_TOP - head - card_gap * most) / most)
    on_brand = deck.palette.on_tints[-1].lstrip("#")
    for phase, (title, subtitle) in enumerate(titles):
        left = MARGIN + phase * (width + gap)
        add_rect(slide, left, BODY_TOP, width, head, deck.palette.primary)
        deck.text(
            slide,
            (left + Inches(0.1), BODY_TOP, width - Inches(0.2), head),
            [Run(title, 14, True, on_brand), Run(subtitle, 10, color=on_brand)],
            anchor=MSO_ANCHOR.MIDDLE,
            space_after=1,
        )
        for i, item in enumerate(rm.phases[phase]):
            top = BODY_TOP + head + card_gap + i * (card + card_gap)
            add_rect(slide, left, top, width, card, deck.palette.light.lstrip("#"))
            watch = watch_text(item.watch, item.kind, deck.r, deck.q, f)
            owner = owner_text(item.owner_role, deck.q, f)
            deck.text(
                slide,
                (left + Inches(0.1), top + Inches(0.04), width - Inches(0.2), card - Inches(0.08)),
                [
                    Run(initiative_title(item, deck.r, f), 13, True),
                    Run(
                        _(
                            "%(owner)s · Effort: %(effort)s",
                            owner=owner,
                            effort=level_word(item.effort, f),
                        ),
                        10.5,
                        color=MUTED,
                    ),
                    Run(short_watch(deck, item.kind, item.watch.question, watch.change), 10.5),
                ],
                space_after=3,
            )
    if rm.deferred:
        deck.text(
            slide,
            (MARGIN, bottom + Inches(0.05), CONTENT_WIDTH, Inches(0.3)),
            [
                Run(
                    f.ngettext(
                        "%(num)s further recommendation follows once these are under way "
                        "(listed in the speaker notes).",
                        "%(num)s further recommendations follow once these are under way "
                        "(listed in the speaker notes).",
                        len(rm.deferred),
                    ),
                    10.5,
                    color=MUTED,
                )
            ],
        )


def first_month_slide(deck: _Deck) -> None:
    """Days 1–30 in detail: who does what first, and what to watch."""
    _, f = deck._, deck.f
    items = deck.roadmap.phases[0]
    headline = _("The first 30 days: who does what")
    notes = [
        _(
            "The first phase in detail, so that each owner leaves the meeting knowing the "
            "first step. The 90-day targets are a planning convention — the next better band "
            "of a KPI, or half the distance to the element's target (at least 5 points) — "
            "not a benchmark."
        )
    ]
    slide = deck.content_slide(_("Days 1–30"), headline, notes)
    if not items:
        deck.text(
            slide,
            (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(1)),
            [Run(_("Nothing is planned for the first 30 days."), 16)],
        )
        return
    size = 11
    rows: list[list[Para]] = [
        [
            Run(_("Initiative"), size),
            Run(_("First action"), size),
            Run(_("Owner role"), size),
            Run(_("Measure to watch"), size),
            Run(_("Effort"), size),
        ]
    ]
    for item in items:
        watch = watch_text(item.watch, item.kind, deck.r, deck.q, f)
        rows.append(
            [
                Run(initiative_title(item, deck.r, f), size, True),
                Run(initiative_action(item, f), size),
                Run(owner_text(item.owner_role, deck.q, f), size),
                [
                    Run(deck.label(watch.measure), size - 1, color=MUTED),
                    Run(watch.change, size - 1, True),
                ],
                Run(level_word(item.effort, f), size),
            ]
        )
    height = min(BODY_HEIGHT, Inches(0.45) + Inches(1.25) * len(items))
    add_table(
        slide,
        (MARGIN, BODY_TOP, CONTENT_WIDTH, height),
        rows,
        (2.6, 4.2, 1.7, 3.0, 0.9),
        deck.lang,
        header_fill=deck.palette.ink.lstrip("#"),
        max_height=BODY_HEIGHT,
    )


# -- the action plan (once one exists) and what moved since the last round --------------
MAX_CARDS = 4
"""Plan items shown per phase column; the rest are counted under it and listed in the notes."""
MAX_PLAN_ROWS = 7
"""Rows of the plan and follow-through tables; the notes list every item."""


def _owner_line(deck: _Deck, row: PlanRow) -> str:
    """The owner (a proposed role is marked as such) and the due date."""
    return owner_line(row, deck.f)


def _measure_line(deck: _Deck, row: PlanRow) -> str:
    """The measure to watch with its target ("" without a measure)."""
    _ = deck._
    if not row.measure:
        return ""
    if row.target == "–":
        change = _("baseline %(value)s", value=row.baseline)
    else:
        change = _("from %(baseline)s to %(target)s", baseline=row.baseline, target=row.target)
    return f"{row.measure}: {change}"


def _plan_note(deck: _Deck, row: PlanRow) -> str:
    parts = [row.title, _owner_line(deck, row), row.status]
    measure = _measure_line(deck, row)
    if measure:
        parts.append(measure)
    return " — ".join(parts)


def planned_owner(deck: _Deck, recommendation: str) -> str:
    """The owner and due date the plan gives a recommendation ("" when it is not in the
    plan): what a priority card shows instead of the roadmap's owner role."""
    return plan_owner(deck.meta.optional.plan, recommendation, deck.q, deck.f)


def plan_slide(deck: _Deck, plan: PlanView) -> None:
    """The action plan instead of the roadmap: each item with its owner and due date, in
    the phase its due date falls in."""
    _, f = deck._, deck.f
    headline = f.ngettext(
        "The action plan: %(num)s item with its owner and due date",
        "The action plan: %(num)s items with their owners and due dates",
        len(plan.rows),
    )
    notes = [plan.lead, plan.summary]
    for phase in plan.phases:
        notes.append(phase.title + "\n" + "\n".join(_plan_note(deck, r) for r in phase.rows))
    slide = deck.content_slide(_("Action plan"), headline, notes)
    phases = plan.phases[:4]
    gap = Inches(0.25)
    width = int((CONTENT_WIDTH - (len(phases) - 1) * gap) / max(1, len(phases)))
    head = Inches(0.5)
    more = any(len(p.rows) > MAX_CARDS for p in phases)
    bottom = BODY_TOP + BODY_HEIGHT - (Inches(0.35) if more else 0)
    most = max(1, *(min(MAX_CARDS, len(p.rows)) for p in phases))
    card_gap = Inches(0.1)
    card = int((bottom - BODY_TOP - head - card_gap * most) / most)
    on_brand = deck.palette.on_tints[-1].lstrip("#")
    for col, phase in enumerate(phases):
        left = MARGIN + col * (width + gap)
        add_rect(slide, left, BODY_TOP, width, head, deck.palette.primary)
        deck.text(
            slide,
            (left + Inches(0.1), BODY_TOP, width - Inches(0.2), head),
            [Run(phase.title, 14, True, on_brand)],
            anchor=MSO_ANCHOR.MIDDLE,
        )
        for i, row in enumerate(phase.rows[:MAX_CARDS]):
            top = BODY_TOP + head + card_gap + i * (card + card_gap)
            add_rect(slide, left, top, width, card, deck.palette.light.lstrip("#"))
            lines: list[Para] = [
                Run(row.title, 12.5, True),
                Run(_owner_line(deck, row), 10.5, color=deck.ink),
                Run(row.status, 10.5, color=MUTED),
            ]
            measure = _measure_line(deck, row)
            if measure:
                lines.append(Run(measure, 10))
            deck.text(
                slide,
                (left + Inches(0.1), top + Inches(0.04), width - Inches(0.2), card - Inches(0.08)),
                lines,
                space_after=3,
            )
        hidden = len(phase.rows) - MAX_CARDS
        if hidden > 0:
            deck.text(
                slide,
                (left, bottom + Inches(0.05), width, Inches(0.3)),
                [
                    Run(
                        f.ngettext(
                            "%(num)s more item (listed in the speaker notes)",
                            "%(num)s more items (listed in the speaker notes)",
                            hidden,
                        ),
                        10.5,
                        color=MUTED,
                    )
                ],
            )


def plan_first_month_slide(deck: _Deck, first: PlanView | None) -> None:
    """The plan's first 30 days in detail: what, who, by when, and what to watch."""
    _, f = deck._, deck.f
    notes = [
        _(
            "The first phase of the action plan in detail: each item with the person who "
            "owns it and its due date. A role is shown only where nobody has been named yet."
        )
    ]
    rows_all = first.rows if first is not None else ()
    notes += [_plan_note(deck, r) for r in rows_all]
    slide = deck.content_slide(_("Days 1–30"), _("The first 30 days: who does what by when"), notes)
    if not rows_all:
        deck.text(
            slide,
            (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(1)),
            [Run(_("Nothing is planned for the first 30 days."), 16)],
        )
        return
    shown = rows_all[:MAX_PLAN_ROWS]
    size = 11
    rows: list[list[Para]] = [
        [
            Run(_("What is to be done"), size),
            Run(_("Owned by"), size),
            Run(_("Due date"), size),
            Run(_("Status"), size),
            Run(_("KPI to watch"), size),
        ]
    ]
    for r in shown:
        owner: list[Run] = [Run(r.owner or _("Nobody named yet"), size, bool(r.owner))]
        if r.owner_is_role:
            owner.append(Run(" (" + _("proposed role") + ")", size - 1, color=MUTED))
        measure = _measure_line(deck, r)
        rows.append(
            [
                Run(r.title, size, True),
                owner,
                Run(r.due or "–", size),
                Run(r.status, size),
                Run(measure or "–", size - 1, color=INK if measure else MUTED),
            ]
        )
    height = min(BODY_HEIGHT, Inches(0.45) + Inches(0.8) * len(shown))
    add_table(
        slide,
        (MARGIN, BODY_TOP, CONTENT_WIDTH, height),
        rows,
        (3.6, 2.2, 1.7, 1.3, 3.4),
        deck.lang,
        header_fill=deck.palette.ink.lstrip("#"),
        max_height=BODY_HEIGHT - (Inches(0.4) if len(rows_all) > len(shown) else 0),
    )
    if len(rows_all) > len(shown):
        deck.text(
            slide,
            (MARGIN, BODY_TOP + BODY_HEIGHT - Inches(0.35), CONTENT_WIDTH, Inches(0.3)),
            [
                Run(
                    f.ngettext(
                        "%(num)s more item (listed in the speaker notes)",
                        "%(num)s more items (listed in the speaker notes)",
                        len(rows_all) - len(shown),
                    ),
                    10.5,
                    color=MUTED,
                )
            ],
        )


def loop_slide(deck: _Deck, loop: LoopView, done: int) -> None:
    """In a follow-up: what the previous round committed, what was done, what moved."""
    _, f = deck._, deck.f
    headline = f.ngettext(
        "%(done)s of %(num)s committed item is done",
        "%(done)s of %(num)s committed items are done",
        len(loop.rows),
        done=f.integer(done),
    )
    notes = [loop.lead]
    for r in loop.rows:
        parts = [r.title, r.owner, r.status, r.element, r.element_change or r.element_note]
        if r.kpi:
            parts += [r.kpi, r.kpi_change, r.kpi_note]
        notes.append(" — ".join(p for p in parts if p))
    slide = deck.content_slide(_("What we committed, what was done, what moved"), headline, notes)
    shown = loop.rows[:MAX_PLAN_ROWS]
    size = 11
    rows: list[list[Para]] = [
        [
            Run(_("What is to be done"), size),
            Run(_("Status"), size),
            Run(_("Element"), size),
            Run(_("KPI to watch"), size),
        ]
    ]
    for r in shown:
        who = " · ".join(x for x in (r.owner, r.due) if x)
        status: list[Run] = [Run(r.status, size, True)]
        if r.carried:
            status.append(Run(" — " + _("continues in the new plan"), size - 1, color=MUTED))
        element: list[Run] = [Run(r.element, size)]
        if r.element_change:
            element.append(Run("  " + r.element_change, size, r.significant, deck.ink))
        if r.significant:
            element.append(Run(" " + _("significant"), size - 1, True))
        elif r.element_note:
            element.append(Run(" — " + r.element_note, size - 1, color=MUTED))
        kpi: list[Run] = [Run("–", size - 1, color=MUTED)]
        if r.kpi:
            kpi = [Run(r.kpi_change or "–", size - 1)]
            if r.kpi_note:
                kpi.append(Run(" — " + r.kpi_note, size - 1, color=MUTED))
        rows.append(
            [
                [Run(r.title, size, True)]
                + ([Run("  " + who, size - 1, color=MUTED)] if who else []),
                status,
                element,
                kpi,
            ]
        )
    height = min(BODY_HEIGHT, Inches(0.45) + Inches(0.75) * len(shown))
    add_table(
        slide,
        (MARGIN, BODY_TOP, CONTENT_WIDTH, height),
        rows,
        (3.8, 1.9, 3.1, 3.4),
        deck.lang,
        header_fill=deck.palette.ink.lstrip("#"),
        max_height=BODY_HEIGHT - (Inches(0.4) if len(loop.rows) > len(shown) else 0),
    )
    if len(loop.rows) > len(shown):
        deck.text(
            slide,
            (MARGIN, BODY_TOP + BODY_HEIGHT - Inches(0.35), CONTENT_WIDTH, Inches(0.3)),
            [
                Run(
                    f.ngettext(
                        "%(num)s more item (listed in the speaker notes)",
                        "%(num)s more items (listed in the speaker notes)",
                        len(loop.rows) - len(shown),
                    ),
                    10.5,
                    color=MUTED,
                )
            ],
        )


# -- next steps and method --------------------------------------------------------------
def next_steps_slide(deck: _Deck) -> None:
    """The decisions the board is asked to take: the same list as the PDF's first page and
    the results page (:func:`assessment.core.decisions.board_decisions`)."""
    _, f, rm = deck._, deck.f, deck.roadmap
    plan = deck.meta.optional.plan
    value = ""
    if deck.prize is not None and deck.prize.levers:
        value = money_range(deck.f, deck.prize.low, deck.prize.high, deck.prize.currency)
    chosen = board_decisions(
        rm.message,
        deck.priorities,
        bool(plan),
        unowned=[i.title for i in plan if i.is_open and not i.owner],
        value_at_stake=bool(value),
    )
    steps = [decision_text(d, deck.r, deck.titles, f, value) for d in chosen]
    notes = [
        _(
            "These decisions turn the findings into commitments: owners, a plan for the first "
            "30 days and targets the board reviews. Ask for each decision explicitly."
        )
    ]
    slide = deck.content_slide(_("Next steps"), _("Decisions for the board"), notes)
    paras: list[Para] = [
        [Run(f"{f.integer(i)}   ", 20, True, deck.ink), Run(step, 18)]
        for i, step in enumerate(steps, 1)
    ]
    deck.text(
        slide,
        (MARGIN, BODY_TOP + Inches(0.1), CONTENT_WIDTH, BODY_HEIGHT - Inches(0.1)),
        paras,
        space_after=14,
    )


def _coverage(deck: _Deck) -> float | None:
    asked = answered = 0
    for el in deck.r.elements:
        for qx in el.questions:
            if qx.status in ("included", "zero_weight", "no_answers"):
                asked += qx.asked
                answered += qx.answered
    return answered / asked if asked else None


def method_slide(deck: _Deck) -> None:
    """Response rate, group sizes, intervals, suppression; what the deck leaves out."""
    _, f, r = deck._, deck.f, deck.r
    labels = {role.id: role.label for role in deck.q.roles}
    counts = [(labels.get(role, role), n) for role, n in r.respondents_by_role.items() if n > 0]
    small = [name for name, n in counts if n < r.min_group_size]
    solo = r.respondents == 1
    lines: list[str] = [
        _(
            "Respondents by role: %(roles)s.",
            roles=" · ".join(f"{name} {f.integer(n)}" for name, n in counts),
        ),
        _(
            "Response coverage: %(share)s of the questions put to respondents were answered.",
            share=f.percent(_coverage(deck)),
        ),
    ]
    if solo:  # written for one person: no groups, nothing "not shown" about the only one
        lines.append(one_person(deck))
    else:
        lines.append(
            _(
                "Groups of fewer than %(n)s respondents are not shown separately, so that no "
                "one's answers can be singled out.",
                n=f.integer(r.min_group_size),
            )
        )
        if small:
            lines.append(_("Not shown separately: %(roles)s.", roles=", ".join(small)))
    if r.overall.ci is not None:
        lines.append(
            _(
                "Scores carry a 90 %% interval from resampling the respondents; differences "
                "smaller than the interval may be noise (from %(n)s respondents on).",
                n=f.integer(5),
            )
        )
    if not solo:
        lines.append(
            _(
                "A perception gap is flagged when leadership and the front line differ by "
                "%(large)s points or more and the difference is statistically significant "
                "(p < 0.05).",
                large=f.number(LARGE_GAP),
            )
        )
    lines.append(
        _(
            "The figures in this report were produced with scoring method %(method)s; KPIs "
            "weigh %(share)s in each element's score.",
            method=r.method,
            share=f.percent(r.kpi_share),
        )
    )
    if deck.prize is None or not deck.prize.levers:
        lines.append(
            _(
                "The size of the prize is not estimated in this deck: the figures it needs "
                "were not given."
            )
        )
    notes = [
        _(
            "Define the terms when presenting: %(groups)s. Response coverage is the share of "
            "the questions put to respondents that they answered.",
            groups=groups_defined(deck),
        )
    ]
    if deck.prize is not None and not deck.prize.levers:  # what the consultant could add
        notes += [omitted_sentence(f, om) for om in deck.prize.omitted]
    headline = f.ngettext(
        "Based on the answers of %(num)s person",
        "Based on the answers of %(num)s people",
        r.respondents,
    )
    slide = deck.content_slide(_("Method and limitations"), headline, notes)
    deck.text(
        slide,
        (MARGIN, BODY_TOP + Inches(0.1), CONTENT_WIDTH, BODY_HEIGHT - Inches(0.1)),
        [[Run("•  ", 14, True, deck.ink), Run(line, 14)] for line in lines],
        space_after=9,
    )
