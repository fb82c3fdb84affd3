"""Build the report view-model from core results, the (localized) questionnaire and meta."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from assessment.core.disclosure import withhold_small_questions
from assessment.core.model import Questionnaire
from assessment.core.placeholders import EvidenceFigures, render_evidence
from assessment.core.results import (
    FLAG_LARGE_GAP,
    FLAG_LOW_AGREEMENT,
    FLAG_LOW_COVERAGE,
    ElementResult,
    Results,
)
from assessment.core.scoring import LARGE_GAP, LOW_AGREEMENT, LOW_COVERAGE
from reports import charts, insights
from reports.board import BoardParts
from reports.evidence import EvidenceView, build_evidence
from reports.i18n import Translator
from reports.plan import LoopView, PlanView, build_loop_view, build_plan_view
from reports.sections import anchor
from reports.teams import build_teams_section
from reports.trends import TrendSection, build_trend_section
from reports.viewmodel import (
    BOARD,
    TOP_RECOMMENDATIONS,
    Cell,
    ElementBrief,
    GapRow,
    LevelView,
    RecView,
    ReportMeta,
    ReportView,
    RoleCount,
    ScoreRow,
    edition_sections,
    section_numbers,
)

if TYPE_CHECKING:
    from reports.prize_view import PrizeView

__all__ = ["anchor", "build_view"]

_LEVELS = {"low": 0, "medium": 1, "high": 2}


class _Builder(BoardParts):
    """Builds the whole view; element sections and helpers come from the base classes."""

    def build(self) -> ReportView:
        _ = self._
        r, f, meta = self.r, self.f, self.meta
        brand = meta.branding
        overall = r.overall
        level = self.q.level_for(overall.score)
        recs = self.recommendations()
        quick = sum(1 for rec in r.recommendations if rec.impact == "high" and rec.effort == "low")
        lead = None if overall.leadership is None else self.score(overall.leadership)
        front = None if overall.frontline is None else self.score(overall.frontline)
        lead_cell = Cell(_("Leadership"), 0, lead, False, "leadership")
        front_cell = Cell(_("Frontline"), 0, front, False, "frontline")
        elements = tuple(self.element_section(i, el) for i, el in enumerate(r.elements, 1))
        radar, radar_note = self.radar()
        edition = meta.edition
        plan = self.plan()
        prize = self.prize()
        gap_rows = self.gap_rows()
        voices = self.voices()
        solo = r.respondents == 1
        present = {
            "prize": prize is not None,
            "gaps": not solo,
            "voices": bool(voices),
            "roadmap": edition != BOARD or plan is None,
        }
        sections = tuple(s for s in edition_sections(edition) if present.get(s, True))
        return ReportView(
            language=self.lang,
            client=meta.client_name.strip() or _("Your organization"),
            title=meta.assessment_title,
            date=f.date(meta.date),
            prepared_by=meta.prepared_by or brand.firm_name,
            firm_name=brand.firm_name,
            footer_text=brand.footer_text,
            logo_uri=brand.logo.data_uri() if brand.logo else None,
            credit="" if brand.firm_name else _("Prepared with saleshealth"),
            palette=self.palette,
            overall_score=self.score(overall.score),
            overall_level=_("Level %(n)s · %(name)s", n=overall.level, name=overall.level_name)
            if overall.level is not None
            else _("No score"),
            overall_level_text=level.description if level else "",
            overall_leadership=lead_cell,
            overall_frontline=front_cell,
            gauge=charts.gauge(
                overall.score,
                self.score(overall.score),
                [(lv.min, lv.name) for lv in self.levels],
                self.palette,
                _("Overall score on the maturity scale"),
                self.lang,
            ),
            strengths=tuple(self.brief(el, strength=True) for el in insights.strengths(r)),
            gaps=tuple(self.brief(el, strength=False) for el in insights.biggest_gaps(r)),
            key_message=self.key_message(),
            key_points=tuple(insights.key_points(r, f, quick)),
            respondents=r.respondents,
            roles=self.role_counts(),
            coverage=f.percent(self.coverage()),
            min_group_size=r.min_group_size,
            levels=self.level_views(level.level if level else None),
            low_coverage=f.percent(LOW_COVERAGE),
            low_agreement=f.number(LOW_AGREEMENT, 2),
            large_gap=f.number(LARGE_GAP),
            flag_codes=(
                self.flag_code(FLAG_LOW_COVERAGE),
                self.flag_code(FLAG_LOW_AGREEMENT),
                self.flag_code(FLAG_LARGE_GAP),
            ),
            scorecard=tuple(self.score_row(i, el) for i, el in enumerate(r.elements, 1)),
            bars=self.bars(),
            radar=radar,
            radar_note=radar_note,
            elements=elements,
            heatmap=self.heatmap(),
            gap_rows=gap_rows,
            gap_summary=self.gap_summary(),
            matrix=self.matrix(),
            recommendations=recs,
            roadmap=self.roadmap(),
            roadmap_note=self.roadmap_note(),
            appendix=tuple(self.appendix(el) for el in r.elements),
            numbers=section_numbers(sections),
            evidence=self.evidence(),
            trends=self.trends(),
            method=_(
                "The figures in this report were produced with scoring method %(method)s; "
                "KPIs weigh %(share)s in each element's score.",
                method=r.method,
                share=f.percent(r.kpi_share),
            ),
            method_steps=self.method_steps(),
            overall_interval=self.interval(overall.score, overall.ci),
            overall_practice=self.score(overall.practice),
            overall_kpi=self.score(overall.kpi),
            indexes=self.indexes(),
            teams=build_teams_section(self.meta.optional.teams, r, self.q, f),
            plan=plan,
            loop=self.loop(),
            terms=self.terms(),
            edition=edition,
            priorities=self.priorities(),
            decisions=self.decisions(has_plan=plan is not None),
            dashboard=self.dashboard(),
            kpi_count=self.kpi_count(),
            prize=prize,
            voices=voices,
            limitations=self.limitations(),
            significant_gaps=tuple(g for g in gap_rows if g.large),
            more_recommendations=recs[TOP_RECOMMENDATIONS:],
            solo=solo,
        )

    def prize(self) -> PrizeView | None:
        """The size of the prize in words, when it was computed."""
        prize = self.meta.optional.prize
        if prize is None:
            return None
        from reports.prize_view import prize_view

        return prize_view(prize, self.f)

    def method_steps(self) -> tuple[str, ...]:
        """How the scores are computed (method 2, ``docs/scoring.md``), one step a line."""
        _, f = self._, self.f
        return (
            _(
                "Every answer to a practice question is converted to a value between 0 and 1 "
                "from the score of the option chosen; “Don't know” and “not applicable” answers "
                "are left out. An element's practice score is the weighted mean of its "
                "questions' average values, times 100."
            ),
            _(
                "Each KPI gets one value: the CRM figure when one is linked, else the figure "
                "entered as an organization fact, else the median of the respondents' answers. "
                "It counts by the band it falls in."
            ),
            _(
                "An element's score combines its practice and KPI scores, the KPIs weighing "
                "%(share)s. The overall score is the weighted mean of the element scores; the "
                "maturity level is the highest level whose threshold the score reaches.",
                share=f.percent(self.r.kpi_share),
            ),
            _(
                "Leadership and frontline are compared on the practice questions both groups "
                "are asked; the gap is leadership minus frontline, and Welch's t-test shows "
                "whether it is larger than chance would explain."
            ),
            _(
                "Flags: response coverage below %(coverage)s, agreement below %(agreement)s "
                "(1 means everyone gave the same answer), and a gap of %(gap)s points or more "
                "that is statistically significant (p < 0.05).",
                coverage=f.percent(LOW_COVERAGE),
                agreement=f.number(LOW_AGREEMENT, 2),
                gap=f.number(LARGE_GAP),
            ),
            _(
                "Ranges in brackets are %(level)s intervals, from resampling the respondents "
                "1,000 times (bootstrap); they are given from 5 respondents on.",
                level=f.percent(0.9),
            ),
        )

    def indexes(self) -> str:
        """The overall score with its interval, and the practice and KPI indexes."""
        _, o = self._, self.r.overall
        span = self.interval(o.score, o.ci)
        overall = (
            _("Overall %(score)s (%(range)s)", score=self.score(o.score), range=span)
            if span
            else _("Overall %(score)s", score=self.score(o.score))
        )
        return " · ".join(
            (
                overall,
                _("practice index %(score)s", score=self.score(o.practice)),
                _("KPI index %(score)s", score=self.score(o.kpi)),
            )
        )

    def evidence(self) -> EvidenceView | None:
        """The CRM evidence section, when the assessment has CRM figures."""
        extra = self.meta.optional
        return build_evidence(
            extra.crm_kpis,
            self.q,
            self.r,
            language=self.lang,
            translations=self.translations,
            filename=extra.crm_filename,
            accuracy=extra.crm_accuracy,
        )

    def plan(self) -> PlanView | None:
        """The action plan, once the assessment has one."""
        return build_plan_view(self.meta.optional.plan, self.q, self.f)

    def loop(self) -> LoopView | None:
        """In a follow-up: what the previous round committed, what was done, what moved."""
        return build_loop_view(self.meta.optional.follow_through, self.q, self.f)

    def trends(self) -> TrendSection | None:
        """The trend section, when earlier assessments of the client can be compared."""
        trend = self.meta.optional.trend
        if trend is None:
            return None
        return build_trend_section(trend, self.lang, self.translations)

    def brief(self, el: ElementResult, strength: bool) -> ElementBrief:
        detail = self.distance_to_target(el)  # "1 point below target": plural forms
        level, _text = self.level_text(el)
        return ElementBrief(el.title, anchor(el.id), self.score(el.score), f"{level} · {detail}")

    def role_counts(self) -> tuple[RoleCount, ...]:
        total = self.r.respondents or 1
        out = []
        for role in self.q.roles:
            n = self.r.respondents_by_role.get(role.id, 0)
            if n == 0:
                continue  # absent: nobody of the role answered, so nothing to list or hide
            out.append(
                RoleCount(role.label, n, self.f.percent(n / total), 0 < n < self.r.min_group_size)
            )
        return tuple(out)

    def coverage(self) -> float | None:
        asked = answered = 0
        for el in self.r.elements:
            for qx in el.questions:
                if qx.status in ("included", "zero_weight", "no_answers"):
                    asked += qx.asked
                    answered += qx.answered
        return answered / asked if asked else None

    def level_views(self, current: int | None) -> tuple[LevelView, ...]:
        out = []
        for i, lv in enumerate(self.levels):
            hi = self.levels[i + 1].min if i + 1 < len(self.levels) else None
            rng = (
                self._("%(lo)s–%(hi)s", lo=self.f.number(lv.min), hi=self.f.number(hi - 1))
                if hi is not None
                else self._("%(lo)s–100", lo=self.f.number(lv.min))
            )
            out.append(LevelView(lv.level, lv.name, rng, lv.description, lv.level == current))
        return tuple(out)

    def score_row(self, number: int, el: ElementResult) -> ScoreRow:
        flags = tuple((self.flag_code(flag), self.flag_title(flag)) for flag in el.flags)
        return ScoreRow(
            number=number,
            anchor=anchor(el.id),
            title=el.title,
            score=self.score(el.score),
            level=str(el.level) if el.level is not None else "–",
            target=self.score(el.target),
            to_target=self.f.signed(None if el.score is None else el.score - el.target),
            leadership=self.leadership(el),
            frontline=self.frontline(el),
            gap=self.f.signed(el.gap),
            flags=flags,
            interval=self.interval(el.score, el.ci),
            practice=self.score(el.practice),
            kpi=self.score(el.kpi),
        )

    def bars(self) -> Markup:
        _ = self._
        rows = [(el.title, el.score, el.target, self.score(el.score)) for el in self.r.elements]
        labels = {
            "target": _("Target"),
            "title": _("Element scores against target"),
            "levels": _("Maturity level"),
        }
        thresholds = [lv.min for lv in self.levels]
        return charts.score_bars(rows, thresholds, self.palette, labels, self.lang)

    def radar(self) -> tuple[Markup, str]:
        _ = self._
        els = self.r.elements
        series = []
        omitted = []
        overall = [el.score for el in els]
        if all(v is not None for v in overall):
            series.append(
                charts.Series(
                    _("Overall"),
                    tuple(v or 0.0 for v in overall),
                    self.palette.primary,
                    None,
                    self.palette.primary,
                    2.2,
                )
            )
        for label, values, stroke, dash in (
            (_("Leadership"), [el.leadership for el in els], "#3d434b", "6 3"),
            (_("Frontline"), [el.frontline for el in els], self.palette.tints[2], "1.5 2.5"),
        ):
            if all(v is not None for v in values):
                series.append(
                    charts.Series(label, tuple(v or 0.0 for v in values), stroke, dash, None, 1.8)
                )
            else:
                omitted.append(label)
        note = ""
        if len(els) < 3:
            return Markup(""), _(
                "A radar chart needs at least three elements; see the scorecard instead."
            )
        if omitted:
            note = _(
                "Not shown: %(groups)s — fewer than %(n)s respondents answered for at least "
                "one element, so those scores are suppressed.",
                groups=", ".join(omitted),
                n=self.r.min_group_size,
            )
        chart = charts.radar(
            [el.title for el in els],
            series,
            [el.target for el in els],
            {"target": _("Target"), "title": _("Radar of the element scores")},
            self.lang,
        )
        return chart, note

    def heatmap(self) -> Markup:
        _ = self._
        # A role nobody of answered is absent, not suppressed: it gets no column.
        present = [r for r in self.q.role_ids if any(el.roles[r].n for el in self.r.elements)]
        columns = [self.role_label[r] for r in present] + [_("Leadership"), _("Frontline")]
        cells = []
        for el in self.r.elements:
            row = []
            for role in present:
                g = el.roles[role]
                value = None if g.suppressed else g.score
                row.append(
                    charts.HeatCell(
                        None if value is None else self.score(value),
                        self.tint(value),
                        g.suppressed,
                        role,
                        el.id,
                    )
                )
            groups = ((self.leadership(el), el.leadership), (self.frontline(el), el.frontline))
            for cell, value in groups:
                shown = None if cell.suppressed else value
                row.append(
                    charts.HeatCell(cell.value, self.tint(shown), cell.suppressed, cell.role, el.id)
                )
            cells.append(row)
        labels = {"suppressed": _("suppressed"), "title": _("Scores by role")}
        return charts.heatmap(
            [el.title for el in self.r.elements], columns, cells, self.palette, labels, self.lang
        )

    def gap_rows(self) -> tuple[GapRow, ...]:
        return tuple(
            GapRow(
                el.title,
                anchor(el.id),
                self.score(el.leadership),
                self.score(el.frontline),
                self.f.signed(el.gap),
                FLAG_LARGE_GAP in el.flags,  # 15 points or more and significant (p < 0.05)
            )
            for el in insights.visible_gaps(self.r)
        )

    def gap_summary(self) -> str:
        _ = self._
        o = self.r.overall
        if o.leadership is None or o.frontline is None:
            return _(
                "Leadership and frontline cannot be compared overall: at least one of the "
                "groups has fewer than %(n)s respondents.",
                n=self.r.min_group_size,
            )
        gap = o.leadership - o.frontline
        return self.f.ngettext(
            "On average, leadership scores the organization %(lead)s and the frontline "
            "%(front)s: a difference of %(gap)s point. Differences of %(large)s points or "
            "more that are statistically significant (p < 0.05) are flagged.",
            "On average, leadership scores the organization %(lead)s and the frontline "
            "%(front)s: a difference of %(gap)s points. Differences of %(large)s points or "
            "more that are statistically significant (p < 0.05) are flagged.",
            round(abs(gap)),
            lead=self.score(o.leadership),
            front=self.score(o.frontline),
            gap=self.f.signed(gap),
            large=self.f.number(LARGE_GAP),
        )

    def matrix(self) -> Markup:
        _ = self._
        items = [
            charts.MatrixItem(
                i,
                _LEVELS.get(rec.effort, 1),
                _LEVELS.get(rec.impact, 1),
                0 if rec.horizon_days <= 30 else 1 if rec.horizon_days <= 60 else 2,
            )
            for i, rec in enumerate(self.r.recommendations, 1)
        ]
        labels = {
            "title": _("Recommendations by impact and effort"),
            "quick_wins": _("Quick wins"),
            "major": _("Major projects"),
            "fill_ins": _("Fill-ins"),
            "question": _("Question first"),
            "impact0": _("Low"),
            "impact1": _("Medium"),
            "impact2": _("High"),
            "effort0": _("Low"),
            "effort1": _("Medium"),
            "effort2": _("High"),
            "effort_axis": _("Effort"),
            "impact_axis": _("Impact"),
        }
        return charts.matrix(items, self.palette, labels, self.lang)

    def recommendations(self) -> tuple[RecView, ...]:
        _ = self._
        level_word = {"low": _("Low"), "medium": _("Medium"), "high": _("High")}
        figures = EvidenceFigures(
            self.r, self.q, self.meta.optional.profile, self.lang, label=self._
        )
        ties = self.ties()
        return tuple(
            RecView(
                number=i,
                id=rec.id,
                title=rec.title,
                element=self.element_title.get(rec.element, rec.element),
                element_anchor=anchor(rec.element),
                why=rec.why,
                actions=rec.actions,
                effort=level_word.get(rec.effort, rec.effort),
                impact=level_word.get(rec.impact, rec.impact),
                horizon=_("%(days)s days", days=rec.horizon_days),
                horizon_days=rec.horizon_days,
                priority=self.f.number(rec.priority, 1),
                evidence=render_evidence(rec.evidence, figures),
                tie=ties[i - 1],
            )
            for i, rec in enumerate(self.r.recommendations, 1)
        )


def build_view(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    translations: Translator | None = None,
) -> ReportView:
    """Turn core results into the plain, translated, formatted report view-model (answers
    of questions a small group answered withheld:
    :func:`assessment.core.disclosure.withhold_small_questions`)."""
    shown = withhold_small_questions(results)
    return _Builder(shown, questionnaire, meta, translations).build()
