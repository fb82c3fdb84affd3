"""Build the report view-model from core results, the (localized) questionnaire and meta."""

from __future__ import annotations

from collections.abc import Sequence

from assessment.core.model import Question, Questionnaire, QuestionType
from assessment.core.results import (
    FLAG_LARGE_GAP,
    FLAG_LOW_AGREEMENT,
    FLAG_LOW_COVERAGE,
    ElementResult,
    QuestionExplanation,
    Results,
)
from assessment.core.scoring import LARGE_GAP, LOW_AGREEMENT, LOW_COVERAGE
from collections import Counter

from reports import charts, insights, minicharts
from reports.i18n import Formatter, Translator, clean_language
from reports.palette import make_palette
from reports.viewmodel import (
    AppendixElement,
    AppendixQuestion,
    BandView,
    Cell,
    CommentView,
    ElementBrief,
    ElementSection,
    FlagNote,
    GapRow,
    KpiView,
    LegendItem,
    LevelView,
    OptionRow,
    Palette,
    QuestionView,
    RecView,
    ReportMeta,
    ReportView,
    RoadmapPhase,
    RoleCount,
    ScoreRow,
)

_LEVELS = {"low": 0, "medium": 1, "high": 2}


def anchor(element_id: str) -> str:
    """The HTML id of an element's section."""
    return "el-" + element_id.replace(".", "-").replace("_", "-")


class _Builder:
    def __init__(self, results: Results, q: Questionnaire, meta: ReportMeta,
                 translations: Translator | None) -> None:
        self.r = results
        self.q = q
        self.meta = meta
        self.lang = clean_language(meta.language)
        self.f = Formatter.create(self.lang, translations)
        self._ = self.f._
        self.palette: Palette = make_palette(meta.branding.primary_color)
        self.role_label = {role.id: role.label for role in q.roles}
        self.levels = sorted(q.levels, key=lambda lv: lv.min)
        self.rec_number = {rec.id: i for i, rec in enumerate(results.recommendations, 1)}
        self.element_title = {el.id: el.title for el in results.elements}

    # -- small pieces -------------------------------------------------------------------
    def score(self, value: float | None) -> str:
        return self.f.number(value)

    def tint(self, value: float | None) -> int | None:
        if value is None:
            return None
        idx = 0
        for i, lv in enumerate(self.levels):
            if lv.min <= value:
                idx = i
        n = len(self.levels)
        return 4 if n <= 1 else round(idx * 4 / (n - 1))

    def group(self, label: str, roles: Sequence[str], el: ElementResult, value: float | None,
              suppressed: bool, role: str) -> Cell:
        n = sum(el.roles[r].n for r in roles if r in el.roles)
        shown = None if suppressed or value is None else self.score(value)
        return Cell(label, n, shown, suppressed, role)

    def leadership(self, el: ElementResult) -> Cell:
        return self.group(self._("Leadership"), self.q.leadership_roles, el, el.leadership,
                          el.leadership_suppressed, "leadership")

    def frontline(self, el: ElementResult) -> Cell:
        return self.group(self._("Frontline"), self.q.frontline_roles, el, el.frontline,
                          el.frontline_suppressed, "frontline")

    def level_text(self, el: ElementResult) -> tuple[str, str]:
        if el.level is None:
            return self._("No score"), ""
        name = el.level_name or ""
        return self._("Level %(n)s · %(name)s", n=el.level, name=name), self.q.element(el.id).levels.get(el.level, "")

    # -- sections -----------------------------------------------------------------------
    def build(self) -> ReportView:
        _ = self._
        r, f, meta = self.r, self.f, self.meta
        brand = meta.branding
        overall = r.overall
        level = self.q.level_for(overall.score)
        recs = self.recommendations()
        quick = sum(1 for rec in r.recommendations if rec.impact == "high" and rec.effort == "low")
        lead_cell = Cell(_("Leadership"), 0, None if overall.leadership is None else self.score(overall.leadership), False, "leadership")
        front_cell = Cell(_("Frontline"), 0, None if overall.frontline is None else self.score(overall.frontline), False, "frontline")
        elements = tuple(self.element_section(i, el) for i, el in enumerate(r.elements, 1))
        radar, radar_note = self.radar()
        return ReportView(
            language=self.lang,
            client=meta.client_name,
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
            if overall.level is not None else _("No score"),
            overall_level_text=level.description if level else "",
            overall_leadership=lead_cell,
            overall_frontline=front_cell,
            gauge=charts.gauge(overall.score, self.score(overall.score),
                               [(lv.min, lv.name) for lv in self.levels], self.palette,
                               _("Overall score on the maturity scale"), self.lang),
            strengths=tuple(self.brief(el, strength=True) for el in insights.strengths(r)),
            gaps=tuple(self.brief(el, strength=False) for el in insights.biggest_gaps(r)),
            key_message=insights.key_message(r, f),
            key_points=tuple(insights.key_points(r, f, quick)),
            respondents=r.respondents,
            roles=self.role_counts(),
            coverage=f.percent(self.coverage()),
            min_group_size=r.min_group_size,
            levels=self.level_views(level.level if level else None),
            low_coverage=f.percent(LOW_COVERAGE),
            low_agreement=f.number(LOW_AGREEMENT, 2),
            large_gap=f.number(LARGE_GAP),
            flag_codes=(self.flag_code(FLAG_LOW_COVERAGE), self.flag_code(FLAG_LOW_AGREEMENT),
                        self.flag_code(FLAG_LARGE_GAP)),
            scorecard=tuple(self.score_row(i, el) for i, el in enumerate(r.elements, 1)),
            bars=self.bars(),
            radar=radar,
            radar_note=radar_note,
            elements=elements,
            heatmap=self.heatmap(),
            gap_rows=self.gap_rows(),
            gap_summary=self.gap_summary(),
            matrix=self.matrix(),
            recommendations=recs,
            roadmap=self.roadmap(recs),
            roadmap_note=self.roadmap_note(recs),
            appendix=tuple(self.appendix(el) for el in r.elements),
        )

    def brief(self, el: ElementResult, strength: bool) -> ElementBrief:
        _ = self._
        diff = (el.score or 0.0) - el.target
        if abs(diff) < 0.5:
            detail = _("on target")
        elif diff > 0:
            detail = _("%(points)s points above target", points=self.f.number(diff))
        else:
            detail = _("%(points)s points below target", points=self.f.number(-diff))
        level, _text = self.level_text(el)
        return ElementBrief(el.title, anchor(el.id), self.score(el.score), f"{level} · {detail}")

    def role_counts(self) -> tuple[RoleCount, ...]:
        total = self.r.respondents or 1
        out = []
        for role in self.q.roles:
            n = self.r.respondents_by_role.get(role.id, 0)
            out.append(RoleCount(role.label, n, self.f.percent(n / total),
                                 0 < n < self.r.min_group_size))
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
            rng = (self._("%(lo)s–%(hi)s", lo=self.f.number(lv.min), hi=self.f.number(hi - 1))
                   if hi is not None else self._("%(lo)s–100", lo=self.f.number(lv.min)))
            out.append(LevelView(lv.level, lv.name, rng, lv.description, lv.level == current))
        return tuple(out)

    def score_row(self, number: int, el: ElementResult) -> ScoreRow:
        flags = tuple((self.flag_code(flag), self.flag_title(flag)) for flag in el.flags)
        return ScoreRow(
            number=number, anchor=anchor(el.id), title=el.title, score=self.score(el.score),
            level=str(el.level) if el.level is not None else "–",
            target=self.score(el.target),
            to_target=self.f.signed(None if el.score is None else el.score - el.target),
            leadership=self.leadership(el), frontline=self.frontline(el),
            gap=self.f.signed(el.gap), flags=flags,
        )

    def flag_code(self, flag: str) -> str:
        _ = self._
        # Translators: one-letter codes for the scorecard flags (coverage, agreement, gap).
        return {FLAG_LOW_COVERAGE: _("C"), FLAG_LOW_AGREEMENT: _("A"),
                FLAG_LARGE_GAP: _("G")}.get(flag, "?")

    def flag_title(self, flag: str) -> str:
        _ = self._
        return {FLAG_LOW_COVERAGE: _("Low coverage"), FLAG_LOW_AGREEMENT: _("Low agreement"),
                FLAG_LARGE_GAP: _("Perception gap")}.get(flag, flag)

    def bars(self) -> charts.Markup:
        _ = self._
        rows = [(el.title, el.score, el.target, self.score(el.score)) for el in self.r.elements]
        labels = {"target": _("Target"), "title": _("Element scores against target"),
                  "levels": _("Maturity level")}
        return charts.score_bars(rows, [lv.min for lv in self.levels], self.palette, labels, self.lang)

    def radar(self) -> tuple[charts.Markup, str]:
        _ = self._
        els = self.r.elements
        series = []
        omitted = []
        overall = [el.score for el in els]
        if all(v is not None for v in overall):
            series.append(charts.Series(_("Overall"), tuple(v or 0.0 for v in overall),
                                        self.palette.primary, None, self.palette.primary, 2.2))
        for label, values, stroke, dash in (
            (_("Leadership"), [el.leadership for el in els], "#3d434b", "6 3"),
            (_("Frontline"), [el.frontline for el in els], self.palette.tints[2], "1.5 2.5"),
        ):
            if all(v is not None for v in values):
                series.append(charts.Series(label, tuple(v or 0.0 for v in values), stroke, dash,
                                            None, 1.8))
            else:
                omitted.append(label)
        note = ""
        if omitted:
            note = _("Not shown: %(groups)s — fewer than %(n)s respondents answered for at least "
                     "one element, so those scores are suppressed.",
                     groups=", ".join(omitted), n=self.r.min_group_size)
        chart = charts.radar([el.title for el in els], series, [el.target for el in els],
                             {"target": _("Target"), "title": _("Radar of the element scores")},
                             self.lang)
        return chart, note

    def heatmap(self) -> charts.Markup:
        _ = self._
        columns = [self.role_label[r] for r in self.q.role_ids] + [_("Leadership"), _("Frontline")]
        cells = []
        for el in self.r.elements:
            row = []
            for role in self.q.role_ids:
                g = el.roles[role]
                value = None if g.suppressed else g.score
                row.append(charts.HeatCell(None if value is None else self.score(value),
                                           self.tint(value), g.suppressed, role, el.id))
            for cell, value in ((self.leadership(el), el.leadership), (self.frontline(el), el.frontline)):
                shown = None if cell.suppressed else value
                row.append(charts.HeatCell(cell.value, self.tint(shown), cell.suppressed,
                                           cell.role, el.id))
            cells.append(row)
        labels = {"suppressed": _("suppressed"), "title": _("Scores by role")}
        return charts.heatmap([el.title for el in self.r.elements], columns, cells, self.palette,
                              labels, self.lang)

    def gap_rows(self) -> tuple[GapRow, ...]:
        return tuple(
            GapRow(el.title, anchor(el.id), self.score(el.leadership), self.score(el.frontline),
                   self.f.signed(el.gap), abs(el.gap or 0.0) >= LARGE_GAP)
            for el in insights.visible_gaps(self.r)
        )

    def gap_summary(self) -> str:
        _ = self._
        o = self.r.overall
        if o.leadership is None or o.frontline is None:
            return _("Leadership and frontline cannot be compared overall: at least one of the "
                     "groups has fewer than %(n)s respondents.", n=self.r.min_group_size)
        return _("On average, leadership scores the organization %(lead)s and the frontline "
                 "%(front)s: a difference of %(gap)s points. Differences of %(large)s points or "
                 "more are flagged.", lead=self.score(o.leadership), front=self.score(o.frontline),
                 gap=self.f.signed(o.leadership - o.frontline), large=self.f.number(LARGE_GAP))

    def matrix(self) -> charts.Markup:
        _ = self._
        items = [
            charts.MatrixItem(i, _LEVELS.get(rec.effort, 1), _LEVELS.get(rec.impact, 1),
                              0 if rec.horizon_days <= 30 else 1 if rec.horizon_days <= 60 else 2)
            for i, rec in enumerate(self.r.recommendations, 1)
        ]
        labels = {
            "title": _("Recommendations by impact and effort"),
            "quick_wins": _("Quick wins"), "major": _("Major projects"),
            "fill_ins": _("Fill-ins"), "question": _("Question first"),
            "impact0": _("Low"), "impact1": _("Medium"), "impact2": _("High"),
            "effort0": _("Low"), "effort1": _("Medium"), "effort2": _("High"),
            "effort_axis": _("Effort"), "impact_axis": _("Impact"),
        }
        return charts.matrix(items, self.palette, labels, self.lang)

    def recommendations(self) -> tuple[RecView, ...]:
        _ = self._
        level_word = {"low": _("Low"), "medium": _("Medium"), "high": _("High")}
        return tuple(
            RecView(
                number=i, id=rec.id, title=rec.title,
                element=self.element_title.get(rec.element, rec.element),
                element_anchor=anchor(rec.element), why=rec.why, actions=rec.actions,
                effort=level_word.get(rec.effort, rec.effort),
                impact=level_word.get(rec.impact, rec.impact),
                horizon=_("%(days)s days", days=rec.horizon_days),
                horizon_days=rec.horizon_days, priority=self.f.number(rec.priority, 1),
            )
            for i, rec in enumerate(self.r.recommendations, 1)
        )

    def roadmap(self, recs: Sequence[RecView]) -> tuple[RoadmapPhase, ...]:
        _ = self._
        split = insights.phases([(i, rec.horizon_days) for i, rec in enumerate(recs)])
        titles = ((_("Days 1–30"), _("Start now: quick, high-leverage moves")),
                  (_("Days 31–60"), _("Build the routines that make change stick")),
                  (_("Days 61–90"), _("Structural changes and measurement")))
        return tuple(RoadmapPhase(t, s, tuple(recs[i] for i in idx))
                     for (t, s), idx in zip(titles, split, strict=True))

    def roadmap_note(self, recs: Sequence[RecView]) -> str:
        shown = sum(len(p) for p in insights.phases([(i, r.horizon_days) for i, r in enumerate(recs)]))
        rest = len(recs) - shown
        if rest <= 0:
            return ""
        return self.f.n_("%(num)s further recommendation follows once these are under way; "
                         "see the prioritized list.",
                         "%(num)s further recommendations follow once these are under way; "
                         "see the prioritized list.", rest)

    # -- element sections ---------------------------------------------------------------
    def element_section(self, number: int, el: ElementResult) -> ElementSection:
        _ = self._
        definition = self.q.element(el.id)
        questions = {qu.id: qu for qu in definition.questions}
        level, level_text = self.level_text(el)
        lead, front = self.leadership(el), self.frontline(el)
        marks = [(f"{c.label} {c.value}", v) for c, v in ((lead, el.leadership), (front, el.frontline))
                 if c.value is not None and v is not None]
        strip = minicharts.strip(el.score, self.score(el.score), el.target, marks, self.palette,
                             {"target": _("Target %(n)s", n=self.score(el.target)),
                              "title": _("Score against target")}, self.lang)
        roles = tuple(
            Cell(self.role_label[r], el.roles[r].n,
                 None if el.roles[r].suppressed else (None if el.roles[r].score is None
                                                       else self.score(el.roles[r].score)),
                 el.roles[r].suppressed, r)
            for r in self.q.role_ids
        )
        shared = self.shared_options(el, questions)
        kpis, views = [], []
        for qx in el.questions:
            qu = questions.get(qx.id)
            if qu is None or not qu.scored:
                continue
            if qu.type is QuestionType.NUMBER:
                kpis.append(self.kpi(qu, qx))
            else:
                views.append(self.question(qu, qx, shared))
        scale_legend: tuple[LegendItem, ...] = ()
        if shared:
            scale_legend = next(v.legend for v in views if v.shared_legend)
        return ElementSection(
            number=number, anchor=anchor(el.id), title=el.title,
            description=definition.description, score=self.score(el.score), level=level,
            level_text=level_text, target=self.score(el.target),
            to_target=self.f.signed(None if el.score is None else el.score - el.target),
            coverage=self.f.percent(el.coverage),
            agreement=self.f.number(el.agreement, 2) if el.agreement is not None else "–",
            strip=strip, scale_legend=scale_legend, roles=roles, leadership=lead, frontline=front,
            gap=self.f.signed(el.gap), flags=tuple(self.flag_note(el, flag) for flag in el.flags),
            kpis=tuple(kpis), questions=tuple(views),
            comments=tuple(CommentView(c.text, clean_language(c.language) if c.language else "")
                           for c in el.comments),
            recommendations=tuple((self.rec_number[rec.id], rec.title)
                                  for rec in self.r.recommendations if rec.element == el.id),
        )

    def shared_options(self, el: ElementResult, questions: dict[str, Question]
                       ) -> tuple[str, ...] | None:
        """The option labels most questions of the element share (two or more), if any."""
        sets: Counter[tuple[str, ...]] = Counter()
        for qx in el.questions:
            qu = questions.get(qx.id)
            if qu is not None and qu.options and qu.type is not QuestionType.NUMBER:
                sets[tuple(o.label for o in qu.options)] += 1
        if not sets:
            return None
        labels, count = sets.most_common(1)[0]
        return labels if count >= 2 else None

    def flag_note(self, el: ElementResult, flag: str) -> FlagNote:
        _ = self._
        if flag == FLAG_LOW_COVERAGE:
            text = _("Only %(coverage)s of the possible answers were given; read the score with "
                     "care.", coverage=self.f.percent(el.coverage))
        elif flag == FLAG_LOW_AGREEMENT:
            text = _("Respondents disagree more than usual (agreement %(value)s of 1): experience "
                     "differs between teams or roles.", value=self.f.number(el.agreement, 2))
        elif flag == FLAG_LARGE_GAP and el.gap is not None:
            text = (_("Leadership rates this element %(gap)s points higher than the frontline.",
                      gap=self.f.number(abs(el.gap))) if el.gap > 0 else
                    _("Leadership rates this element %(gap)s points lower than the frontline.",
                      gap=self.f.number(abs(el.gap))))
        else:
            text = ""
        return FlagNote(flag, self.flag_title(flag), text)

    def kpi(self, qu: Question, qx: QuestionExplanation) -> KpiView:
        bands = qu.bands or ()
        order = sorted(range(len(bands)), key=lambda i: bands[i].score)
        rank = {i: order.index(i) for i in range(len(bands))}
        span = max(1, len(bands) - 1)
        views = tuple(
            BandView(f"{b.label or b.id} · {qx.distribution.get(b.id, 0)}", b.id == qx.median_band,
                     round(rank[i] * 4 / span))
            for i, b in enumerate(bands)
        )
        band = next((b.label or b.id for b in bands if b.id == qx.median_band), "–")
        return KpiView(qu.text, self.f.measure(qx.median, qu.unit), band, qx.answered, views)

    def question(self, qu: Question, qx: QuestionExplanation,
                 shared: tuple[str, ...] | None) -> QuestionView:
        _ = self._
        options = qu.options or ()
        colors = minicharts.option_colors([o.score for o in options], self.palette)
        total = sum(qx.distribution.get(o.value, 0) for o in options)
        legend = tuple(
            LegendItem(o.label, c, qx.distribution.get(o.value, 0),
                       self.f.percent(qx.distribution.get(o.value, 0) / total if total else None))
            for o, c in zip(options, colors, strict=True)
        )
        is_shared = shared is not None and tuple(o.label for o in options) == shared
        chart = minicharts.distribution(
            [(item.count, item.color) for item in legend],
            _("Answers to: %(question)s", question=qu.text[:80]), self.lang)
        extra = []
        if qx.na:
            extra.append(_("not applicable: %(n)s", n=qx.na))
        if qx.dk:
            extra.append(_("don't know: %(n)s", n=qx.dk))
        return QuestionView(qu.id, qu.text, qu.type.value, qx.answered,
                            self.score(None if qx.mean is None else 100 * qx.mean), chart, legend,
                            is_shared, " · ".join(extra))

    def appendix(self, el: ElementResult) -> AppendixElement:
        _ = self._
        kinds = {"likert": _("Agreement scale"), "choice": _("Choice"), "yes_no": _("Yes / no"),
                 "number": _("Number"), "text": _("Free text")}
        questions = {qu.id: qu for qu in self.q.element(el.id).questions}
        out = []
        for qx in el.questions:
            qu = questions.get(qx.id)
            if qu is None:
                continue
            if qu.bands:
                items = [(b.label or b.id, b.id, b.score) for b in qu.bands]
            else:
                items = [(o.label, o.value, o.score) for o in qu.options or ()]
            total = sum(qx.distribution.get(key, 0) for _l, key, _s in items)
            options = tuple(
                OptionRow(label, self.f.number(sc, 0 if float(sc).is_integer() else 1),
                          qx.distribution.get(key, 0),
                          self.f.percent(qx.distribution.get(key, 0) / total) if total else "–")
                for label, key, sc in items
            )
            out.append(AppendixQuestion(
                id=qx.id, text=qu.text, kind=kinds.get(qx.type, qx.type),
                weight=self.f.number(qx.weight, 0 if float(qx.weight).is_integer() else 1),
                answered=qx.answered, na=qx.na, dk=qx.dk,
                score=self.score(None if qx.mean is None else 100 * qx.mean),
                contribution=self.f.number(qx.contribution, 1) if qx.contribution is not None else "–",
                options=options,
                distribution="  ·  ".join(
                    f"{o.label}\u00a0{o.count}\u00a0({o.share})".replace(" ", "\u00a0")
                    if len(o.label) < 40 else f"{o.label}\u00a0{o.count}\u00a0({o.share})"
                    for o in options),
            ))
        return AppendixElement(anchor(el.id) + "-data", el.title, tuple(out))


def build_view(results: Results, questionnaire: Questionnaire, meta: ReportMeta,
               translations: Translator | None = None) -> ReportView:
    """Turn core results into the plain, translated, formatted report view-model."""
    return _Builder(results, questionnaire, meta, translations).build()

