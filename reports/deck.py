"""The PowerPoint deck: the board's story in 10–14 slides, with native, editable charts.

Public API (what the CLI and the web call)::

    build_deck(results, questionnaire, meta, *, translations=None, prize=None,
               per_phase=3, owners=None) -> bytes

The slides: title; key message; in a follow-up, what the previous round committed, what
was done and what moved (table); top three priorities; scorecard (bar chart); radar (radar
chart); leadership and frontline (bar chart); key numbers (table); size of the prize (table,
only when a :class:`~assessment.core.prize.Prize` with an estimated lever is given);
30/60/90-day roadmap and days 1–30 — or, once the round has an action plan
(``meta.optional.plan``), the plan with owners and due dates and its first 30 days; next
steps (the decisions the board is asked to take); method and limitations.  Every slide's speaker
notes say why it says what it says.  The content comes from the same decisions as the PDF:
:mod:`assessment.core.roadmap` (key message, priorities, roadmap), the scored results and
:mod:`assessment.core.prize`; texts go through the report's :class:`~reports.i18n.Formatter`.

Pure: reads plain data (``reports`` never imports the database, the services or the web).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from pptx import Presentation
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Inches

from assessment.core.disclosure import withhold_small_questions
from assessment.core.model import Questionnaire
from assessment.core.placeholders import EvidenceFigures, render_evidence
from assessment.core.plans import Status
from assessment.core.prize import Prize
from assessment.core.results import Results, TriggeredRecommendation
from assessment.core.roadmap import (
    DEFAULT_PER_PHASE,
    Roadmap,
    build_roadmap,
    significant_gaps,
    top_priorities,
)
from assessment.core.scoring import LARGE_GAP
from reports import deck_parts
from reports.branding import PNG_MIME
from reports.decisions import (
    key_message_text,
    level_word,
    owner_text,
    watch_text,
)
from reports.i18n import Formatter, Translator, clean_language
from reports.palette import make_palette
from reports.plan import build_loop_view, build_plan_view
from reports.pptx_kit import (
    BODY_HEIGHT,
    BODY_TOP,
    CONTENT_WIDTH,
    MARGIN,
    MUTED,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Para,
    Run,
    SeriesStyle,
    add_picture,
    add_rect,
    add_text,
    bar_chart,
    radar_chart,
    set_theme_fonts,
)
from reports.viewmodel import ReportMeta

RASTER_LOGOS = (PNG_MIME, "image/jpeg")
"""Logo types embedded as they are; an SVG logo is left out with a note (no rasterizer)."""
LEADERSHIP_COLOR = "3d434b"
TARGET_COLOR = "b9bec6"


def build_deck(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    *,
    translations: Translator | None = None,
    prize: Prize | None = None,
    per_phase: int = DEFAULT_PER_PHASE,
    owners: Mapping[str, str] | None = None,
) -> bytes:
    """The deck as ``.pptx`` bytes.  ``prize`` is the size of the prize when its inputs were
    assembled (the slide is left out, with a sentence on the method slide, when None or
    when no lever could be estimated; the method slide's notes then name what is missing).
    The plan and the follow-through come with ``meta.optional`` as for the PDF."""
    shown = withhold_small_questions(results)  # evidence figures never cite a small group
    deck = _Deck(shown, questionnaire, meta, translations, prize, per_phase, owners)
    return deck.build()


class _Deck:
    """Builds the slides one by one on a 16:9 presentation."""

    def __init__(
        self,
        results: Results,
        q: Questionnaire,
        meta: ReportMeta,
        translations: Translator | None,
        prize: Prize | None,
        per_phase: int,
        owners: Mapping[str, str] | None,
    ) -> None:
        self.r, self.q, self.meta, self.prize = results, q, meta, prize
        self.lang = clean_language(meta.language)
        self.f = Formatter.create(self.lang, translations)
        self._ = self.f._
        self.palette = make_palette(meta.branding.primary_color)
        self.roadmap: Roadmap = build_roadmap(results, q, per_phase, owners)
        self.priorities: tuple[TriggeredRecommendation, ...] = top_priorities(results)
        self.titles = {el.id: el.title for el in results.elements}
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        set_theme_fonts(self.prs)
        self._blank = self.prs.slide_layouts[6]
        self.number = 0

    # -- frame --------------------------------------------------------------------------
    @property
    def ink(self) -> str:
        return self.palette.ink

    def text(
        self,
        slide: Slide,
        box: tuple[int, int, int, int],
        paras: Sequence[Para],
        **kw: object,
    ) -> None:
        add_text(slide, *box, paras, self.lang, **kw)  # type: ignore[arg-type]

    def new_slide(self, notes: Sequence[str]) -> Slide:
        """A blank slide with the footer, the slide number and speaker notes."""
        slide: Slide = self.prs.slides.add_slide(self._blank)
        self.number += 1
        brand = self.meta.branding
        footer = brand.footer_text or brand.firm_name or self._("Prepared with saleshealth")
        y = SLIDE_HEIGHT - Inches(0.5)
        self.text(
            slide,
            (MARGIN, y, CONTENT_WIDTH - Inches(1), Inches(0.3)),
            [Run(footer, 9, color=MUTED)],
        )
        self.text(
            slide,
            (SLIDE_WIDTH - MARGIN - Inches(1), y, Inches(1), Inches(0.3)),
            [Run(self.f.integer(self.number), 9, color=MUTED)],
            align=PP_ALIGN.RIGHT,
        )
        notes_frame = slide.notes_slide.notes_text_frame
        assert notes_frame is not None  # the default notes master has a body placeholder
        notes_frame.text = "\n\n".join(n for n in notes if n)
        return slide

    def content_slide(self, kicker: str, headline: str, notes: Sequence[str]) -> Slide:
        """A slide with a section label, an action headline, an accent rule and the logo."""
        slide = self.new_slide(notes)
        logo_room = Inches(2.0) if self.raster_logo else 0
        width = CONTENT_WIDTH - logo_room
        self.text(
            slide,
            (MARGIN, Inches(0.35), width, Inches(0.32)),
            [Run(kicker.upper() if self.lang != "zh" else kicker, 11, True, self.ink)],
            shrink=False,
        )
        self.text(
            slide,
            (MARGIN, Inches(0.68), width, Inches(0.95)),
            [Run(headline, 24, True)],
            anchor=MSO_ANCHOR.TOP,
        )
        add_rect(slide, MARGIN, Inches(1.66), CONTENT_WIDTH, Inches(0.04), self.palette.primary)
        self.logo(slide, Inches(1.7), Inches(0.75), Inches(0.4))
        return slide

    def label(self, text: str) -> str:
        """A label before its value ("Why: "; Chinese takes a full-width colon).  A label
        that is a question keeps its question mark instead."""
        space = "" if self.lang == "zh" else " "
        if text.rstrip().endswith(("?", "？", ":", "：")):
            return text.rstrip() + " "
        return self._("%(label)s:", label=text) + space

    @property
    def raster_logo(self) -> bool:
        logo = self.meta.branding.logo
        return logo is not None and logo.mime in RASTER_LOGOS

    def logo(self, slide: Slide, width: int, height: int, top: int) -> None:
        logo = self.meta.branding.logo
        if logo is not None and self.raster_logo:
            add_picture(
                slide,
                logo.data,
                SLIDE_WIDTH - MARGIN,
                top,
                width,
                height,
                (logo.width, logo.height),
            )

    # -- the deck -----------------------------------------------------------------------
    def build(self) -> bytes:
        optional = self.meta.optional
        plan = build_plan_view(optional.plan, self.q, self.f)
        loop = build_loop_view(optional.follow_through, self.q, self.f)
        self.title_slide()
        self.key_message_slide()
        if loop is not None and optional.follow_through is not None:
            done = optional.follow_through.count(Status.DONE)
            deck_parts.loop_slide(self, loop, done)
        self.priorities_slide()
        self.scorecard_slide()
        self.radar_slide()
        self.gaps_slide()
        deck_parts.key_numbers_slide(self)
        if self.prize is not None and self.prize.levers:
            deck_parts.prize_slide(self, self.prize)
        if plan is not None:  # owners and dates instead of the roadmap's roles
            deck_parts.plan_slide(self, plan)
            first = build_plan_view([i for i in optional.plan if i.phase == 0], self.q, self.f)
            deck_parts.plan_first_month_slide(self, first)
        else:
            deck_parts.roadmap_slide(self)
            deck_parts.first_month_slide(self)
        deck_parts.next_steps_slide(self)
        deck_parts.method_slide(self)
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()

    def title_slide(self) -> None:
        _, meta, brand = self._, self.meta, self.meta.branding
        notes = [
            _(
                "This deck tells the board what the assessment found and what to do about it: "
                "the key message, three priorities, the evidence behind them and a 90-day "
                "plan. The charts are native PowerPoint charts: right-click one and choose "
                "Edit Data to change its figures, or restyle it like any other chart."
            )
        ]
        if brand.logo is not None and not self.raster_logo:
            notes.append(
                _(
                    "The workspace logo is an SVG image, which this deck does not embed; "
                    "insert it in PowerPoint if it should appear."
                )
            )
        slide = self.new_slide(notes)
        band_top = SLIDE_HEIGHT - Inches(2.3)
        add_rect(slide, 0, band_top, SLIDE_WIDTH, Inches(1.5), self.palette.primary)
        on_brand = self.palette.on_tints[-1].lstrip("#")
        if self.raster_logo:
            logo = brand.logo
            assert logo is not None
            add_picture(
                slide,
                logo.data,
                MARGIN + Inches(2.6),
                Inches(0.6),
                Inches(2.6),
                Inches(1.0),
                (logo.width, logo.height),
            )
        client = meta.client_name.strip() or _("Your organization")
        self.text(
            slide,
            (MARGIN, Inches(1.9), CONTENT_WIDTH, Inches(1.3)),
            [Run(client, 40, True, self.ink)],
            anchor=MSO_ANCHOR.BOTTOM,
        )
        by = meta.prepared_by or brand.firm_name
        line = self.f.date(meta.date) + (f" · {by}" if by else "")
        self.text(
            slide,
            (MARGIN, Inches(3.3), CONTENT_WIDTH, Inches(1.6)),
            [Run(meta.assessment_title, 24), Run(line, 16, color=MUTED)],
            space_after=10,
        )
        firm = brand.firm_name or _("Prepared with saleshealth")
        self.text(
            slide,
            (MARGIN, band_top, CONTENT_WIDTH, Inches(1.5)),
            [Run(firm, 18, True, on_brand)],
            anchor=MSO_ANCHOR.MIDDLE,
        )

    def key_message_slide(self) -> None:
        _, f, o = self._, self.f, self.r.overall
        message = self.roadmap.message
        level = (
            _("Level %(n)s · %(name)s", n=o.level, name=o.level_name)
            if o.level is not None
            else _("No score")
        )
        headline = (
            _("Overall score %(score)s of 100: %(level)s", score=f.number(o.score), level=level)
            if o.score is not None
            else _("No score")
        )
        notes = [deck_parts.message_reason(self, message)]
        if o.ci is not None:
            notes.append(
                _(
                    "The overall score is the weighted mean of the element scores; "
                    "90 %% interval: %(low)s–%(high)s.",
                    low=f.number(o.ci[0]),
                    high=f.number(o.ci[1]),
                )
            )
        slide = self.content_slide(_("Key message"), headline, notes)
        text_width = Inches(7.7)
        self.text(
            slide,
            (MARGIN, BODY_TOP + Inches(0.2), text_width, BODY_HEIGHT - Inches(0.4)),
            [Run(key_message_text(message, self.r, f), 24)],
            anchor=MSO_ANCHOR.MIDDLE,
        )
        left = MARGIN + text_width + Inches(0.4)
        width = CONTENT_WIDTH - text_width - Inches(0.4)
        add_rect(slide, left, BODY_TOP, width, BODY_HEIGHT, self.palette.light.lstrip("#"))
        facts: list[Para] = [
            Run(f.number(o.score), 66, True, self.ink),
            Run(_("of %(max)s", max=f.number(100)), 14, color=MUTED),
            Run(level, 16, True),
        ]
        if o.ci is not None:
            facts.append(
                Run(
                    _(
                        "90 %% interval: %(low)s–%(high)s",
                        low=f.number(o.ci[0]),
                        high=f.number(o.ci[1]),
                    ),
                    13,
                    color=MUTED,
                )
            )
        facts += [
            Run(" ", 6),
            [Run(_("Practice index") + "  ", 13, color=MUTED), Run(f.number(o.practice), 13, True)],
            [Run(_("KPI index") + "  ", 13, color=MUTED), Run(f.number(o.kpi), 13, True)],
            Run(
                f.ngettext("%(num)s respondent", "%(num)s respondents", self.r.respondents),
                13,
                color=MUTED,
            ),
        ]
        self.text(
            slide,
            (
                left + Inches(0.3),
                BODY_TOP + Inches(0.2),
                width - Inches(0.6),
                BODY_HEIGHT - Inches(0.4),
            ),
            facts,
            anchor=MSO_ANCHOR.MIDDLE,
            space_after=6,
        )

    def priorities_slide(self) -> None:
        _, f = self._, self.f
        recs = self.priorities
        notes = [
            _(
                "How the priorities are chosen: the recommendations are ranked by priority — "
                "how far below target the questions they address are, weighted by the "
                "element's weight, the impact and the effort — taking at most one per element, "
                "so that the board sees different levers rather than variants of one."
            )
        ]
        for i, rec in enumerate(recs, 1):
            notes.append(
                _(
                    "%(n)s. %(title)s (priority %(priority)s): %(why)s",
                    n=f.integer(i),
                    title=rec.title,
                    priority=f.number(rec.priority, 1),
                    why=rec.why,
                )
            )
        headline = (
            f.ngettext(
                "The priority for the next 90 days",
                "The %(num)s priorities for the next 90 days",
                len(recs),
            )
            if recs
            else _("No recommendation applies")
        )
        slide = self.content_slide(_("Top priorities"), headline, notes)
        if not recs:
            self.text(
                slide,
                (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(1)),
                [Run(_("Every element meets its target, so no recommendation is triggered."), 18)],
            )
            return
        figures = EvidenceFigures(self.r, self.q, self.meta.optional.profile, self.lang, label=_)
        gap = Inches(0.25)
        width = int((CONTENT_WIDTH - 2 * gap) / 3)
        placed = {i.id: i for i in self.roadmap.initiatives()}
        for i, rec in enumerate(recs):
            left = MARGIN + i * (width + gap)
            add_rect(slide, left, BODY_TOP, width, BODY_HEIGHT, self.palette.light.lstrip("#"))
            add_rect(slide, left, BODY_TOP, width, Inches(0.07), self.palette.primary)
            evidence = render_evidence(rec.evidence, figures)
            item = placed.get(rec.id)
            owner = owner_text(item.owner_role if item else "executive", self.q, f)
            owner_label = _("Owner role")
            planned = deck_parts.planned_owner(self, rec.id)
            if planned:  # once a plan exists: the person (or the role still proposed) and date
                owner, owner_label = planned, _("Owned by")
            watch = watch_text(
                item.watch if item else deck_parts.watch_of(self, rec),
                "recommendation",
                self.r,
                self.q,
                f,
            )
            why = f"{evidence} {rec.why}" if evidence else rec.why
            size = 12.5
            paras: list[Para] = [
                [Run(f"{f.integer(i + 1)}  ", 24, True, self.ink), Run(rec.title, 16, True)],
                Run(self.titles.get(rec.element, rec.element), size, color=MUTED),
                [Run(self.label(_("Why")), size, True), Run(why, size)],
                [
                    Run(self.label(_("First action")), size, True),
                    Run(rec.actions[0] if rec.actions else "–", size),
                ],
                [Run(self.label(owner_label), size, True), Run(owner, size)],
                [
                    Run(self.label(_("Measure to watch")), size, True),
                    Run(f"{watch.measure} — {watch.change}", size),
                ],
                Run(
                    _(
                        "Effort: %(effort)s · Impact: %(impact)s · %(horizon)s",
                        effort=level_word(rec.effort, f),
                        impact=level_word(rec.impact, f),
                        horizon=_("%(days)s days", days=rec.horizon_days),
                    ),
                    size - 0.5,
                    color=MUTED,
                ),
            ]
            self.text(
                slide,
                (
                    left + Inches(0.15),
                    BODY_TOP + Inches(0.2),
                    width - Inches(0.3),
                    BODY_HEIGHT - Inches(0.3),
                ),
                paras,
                space_after=7,
            )

    def scorecard_slide(self) -> None:
        _, f, r = self._, self.f, self.r
        els = [el for el in r.elements if el.score is not None]
        below = [el for el in els if el.target - (el.score or 0.0) >= 0.5]
        headline = _(
            "%(n)s of %(total)s elements are below target.",
            n=f.integer(len(below)),
            total=f.integer(len(r.elements)),
        )
        notes = [
            _(
                "Each bar is an element's score from 0 to 100 next to its target. The score "
                "combines the practice questions and the KPIs (KPIs weigh %(share)s); the "
                "recommendations come from the elements below target.",
                share=f.percent(r.kpi_share),
            )
        ]
        for el in els:
            interval = (
                _("%(lo)s–%(hi)s", lo=f.number(el.ci[0]), hi=f.number(el.ci[1])) if el.ci else "–"
            )
            notes.append(
                _(
                    "%(element)s: %(score)s (90 %% interval %(interval)s), target %(target)s",
                    element=el.title,
                    score=f.number(el.score),
                    interval=interval,
                    target=f.number(el.target),
                )
            )
        slide = self.content_slide(_("Scorecard"), headline, [notes[0], "\n".join(notes[1:])])
        chart_width = Inches(9.0)
        bar_chart(
            slide,
            (MARGIN, BODY_TOP, chart_width, BODY_HEIGHT),
            [el.title for el in els],
            [
                SeriesStyle(_("Score"), tuple(el.score for el in els), self.palette.primary),
                SeriesStyle(
                    _("Target"), tuple(el.target for el in els), TARGET_COLOR, labels=False
                ),
            ],
            self.lang,
        )
        levels = sorted(self.q.levels, key=lambda lv: lv.min)
        lines: list[Para] = [Run(_("Maturity level"), 12, True)]
        for i, lv in enumerate(levels):
            hi = levels[i + 1].min if i + 1 < len(levels) else None
            span = (
                _("%(lo)s–%(hi)s", lo=f.number(lv.min), hi=f.number(hi - 1))
                if hi is not None
                else _("%(lo)s–100", lo=f.number(lv.min))
            )
            current = r.overall.level == lv.level
            lines.append(
                [
                    Run(f"{lv.level} · {lv.name}", 11, current, self.ink if current else "1f2328"),
                    Run(f"  {span}", 11, color=MUTED),
                ]
            )
        left = MARGIN + chart_width + Inches(0.3)
        self.text(
            slide,
            (left, BODY_TOP + Inches(0.3), CONTENT_WIDTH - chart_width - Inches(0.3), Inches(3)),
            lines,
            space_after=5,
        )

    def radar_slide(self) -> None:
        _, f, r = self._, self.f, self.r
        els = list(r.elements)
        scored = [el for el in els if el.score is not None]
        best = max(scored, key=lambda el: el.score or 0.0, default=None)
        worst = min(scored, key=lambda el: el.score or 0.0, default=None)
        headline = (
            _(
                "Strongest: %(best)s (%(best_score)s); weakest: %(worst)s (%(worst_score)s)",
                best=best.title,
                best_score=f.number(best.score),
                worst=worst.title,
                worst_score=f.number(worst.score),
            )
            if best is not None and worst is not None
            else _("No score")
        )
        notes = [
            _(
                "The radar shows the shape of the organization at a glance: the overall line "
                "against the target, and where the leadership and frontline lines part, the "
                "two groups see the element differently."
            )
        ]
        slide = self.content_slide(_("Radar of the element scores"), headline, notes)
        if len(els) < 3:
            self.text(
                slide,
                (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(1)),
                [
                    Run(
                        _(
                            "A radar chart needs at least three elements; see the scorecard "
                            "instead."
                        ),
                        16,
                    )
                ],
            )
            return
        series = []
        if all(el.score is not None for el in els):
            series.append(
                SeriesStyle(
                    _("Overall"), tuple(el.score for el in els), self.palette.primary, None, 2.75
                )
            )
        omitted = []
        for label, values, color, dash in (
            (
                _("Leadership"),
                [el.leadership for el in els],
                LEADERSHIP_COLOR,
                MSO_LINE_DASH_STYLE.DASH,
            ),
            (
                _("Frontline"),
                [el.frontline for el in els],
                self.palette.tints[2],
                MSO_LINE_DASH_STYLE.ROUND_DOT,
            ),
        ):
            if all(v is not None for v in values):
                series.append(SeriesStyle(label, tuple(values), color.lstrip("#"), dash, 2.0))
            else:
                omitted.append(label)
        series.append(
            SeriesStyle(
                _("Target"),
                tuple(el.target for el in els),
                TARGET_COLOR,
                MSO_LINE_DASH_STYLE.SOLID,
                1.25,
            )
        )
        chart_width = Inches(8.6)
        radar_chart(
            slide,
            (MARGIN, BODY_TOP - Inches(0.05), chart_width, BODY_HEIGHT + Inches(0.1)),
            [el.title for el in els],
            series,
            self.lang,
        )
        side: list[Para] = [
            Run(
                _(
                    "Solid line: overall score; dashed: leadership; dotted: frontline; thin "
                    "grey: target."
                ),
                12,
            )
        ]
        if omitted and r.respondents > 1:  # one person: nothing is "suppressed"
            side.append(
                Run(
                    _(
                        "Not shown: %(groups)s — fewer than %(n)s respondents answered for at "
                        "least one element, so those scores are suppressed.",
                        groups=", ".join(omitted),
                        n=r.min_group_size,
                    ),
                    12,
                    color=MUTED,
                )
            )
        side.append(Run(deck_parts.groups_defined(self), 12, color=MUTED))
        left = MARGIN + chart_width + Inches(0.3)
        self.text(
            slide,
            (left, BODY_TOP + Inches(0.3), CONTENT_WIDTH - chart_width - Inches(0.3), Inches(4)),
            side,
            space_after=10,
        )

    def gaps_slide(self) -> None:
        _, f, r = self._, self.f, self.r
        flagged = significant_gaps(r)
        both = sorted(
            (el for el in r.elements if el.gap is not None),
            key=lambda el: (-(el.gap or 0.0), el.id),
        )
        if flagged:
            headline = f.ngettext(
                "%(num)s element shows a significant perception gap",
                "%(num)s elements show a significant perception gap",
                len(flagged),
            )
        elif both:
            headline = _("No element shows a significant perception gap")
        else:
            headline = _("Leadership and frontline cannot be compared")
        notes = [
            _(
                "Leadership and the front line answer the same questions. A gap is flagged when "
                "it is %(large)s points or more and statistically significant (p < 0.05): the "
                "two groups then describe different organizations, and a plan has to start "
                "from the front line's view.",
                large=f.number(LARGE_GAP),
            )
        ]
        lines = []
        for el in both:
            p = "" if el.gap_p is None else f" (p = {f.number(el.gap_p, 3)})"
            lines.append(f"{el.title}: {f.signed(el.gap)}{p}")
        notes.append("\n".join(lines))
        slide = self.content_slide(_("Leadership and frontline"), headline, notes)
        o = r.overall
        side: list[Para] = []
        if o.leadership is None or o.frontline is None or not both:
            reason = (
                deck_parts.one_person(self)
                if r.respondents == 1
                else _(
                    "Leadership and frontline cannot be compared overall: at least one of "
                    "the groups has fewer than %(n)s respondents.",
                    n=r.min_group_size,
                )
            )
            side.append(Run(reason, 16))
            side.append(Run(deck_parts.groups_defined(self), 12, color=MUTED))
            self.text(slide, (MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(2.5)), side, space_after=10)
            return
        chart_width = Inches(8.2)
        bar_chart(
            slide,
            (MARGIN, BODY_TOP, chart_width, BODY_HEIGHT),
            [el.title for el in both],
            [
                SeriesStyle(_("Leadership"), tuple(el.leadership for el in both), LEADERSHIP_COLOR),
                SeriesStyle(
                    _("Frontline"), tuple(el.frontline for el in both), self.palette.primary
                ),
            ],
            self.lang,
        )
        side.append(
            Run(
                _(
                    "On average, leadership scores the organization %(lead)s and the frontline "
                    "%(front)s: a difference of %(gap)s points. Differences of %(large)s points or "
                    "more that are statistically significant (p < 0.05) are flagged.",
                    lead=f.number(o.leadership),
                    front=f.number(o.frontline),
                    gap=f.signed(o.leadership - o.frontline),
                    large=f.number(LARGE_GAP),
                ),
                12,
            )
        )
        for el in flagged:
            side.append(
                [
                    Run(f"{el.title}  ", 12, True),
                    Run(_("%(gap)s points", gap=f.signed(el.gap)), 12, True, self.ink),
                ]
            )
        side.append(Run(deck_parts.groups_defined(self), 11, color=MUTED))
        left = MARGIN + chart_width + Inches(0.3)
        self.text(
            slide,
            (
                left,
                BODY_TOP + Inches(0.1),
                CONTENT_WIDTH - chart_width - Inches(0.3),
                BODY_HEIGHT - Inches(0.2),
            ),
            side,
            space_after=8,
        )
