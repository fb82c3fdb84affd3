"""Shared pieces of the report builder and the per-element sections and appendix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from assessment.core.model import Question, Questionnaire, SourceKind
from assessment.core.qtypes import Kind
from assessment.core.results import (
    FLAG_LARGE_GAP,
    FLAG_LOW_AGREEMENT,
    FLAG_LOW_COVERAGE,
    Comment,
    ElementResult,
    KpiValue,
    QuestionExplanation,
    Results,
)
from assessment.core.scoring import LARGE_GAP, LOW_AGREEMENT
from reports import minicharts
from reports.i18n import Formatter, Translator, clean_language
from reports.palette import make_palette
from reports.viewmodel import (
    AppendixElement,
    AppendixQuestion,
    BandView,
    Cell,
    CommentGroup,
    CommentView,
    ElementSection,
    FlagNote,
    KpiView,
    LegendItem,
    OptionRow,
    Palette,
    QuestionView,
    ReportMeta,
)


def _option_key(qu: Question) -> tuple[tuple[str, float], ...]:
    """A question's options as (label, score) pairs, in the order they are shown."""
    return tuple((o.label, o.score) for o in qu.options or ())


def anchor(element_id: str) -> str:
    """The HTML id of an element's section."""
    return "el-" + element_id.replace(".", "-").replace("_", "-")


def kpi_source_text(value: KpiValue | None, f: Formatter, solo: bool = False) -> str:
    """Where a KPI value comes from, in words, with the fact's source or the CRM metric
    ("" without a value; "your answer" for a one-person assessment's estimate).  The PDF
    and the deck word it alike."""
    _ = f._
    if value is None or value.source is None:
        return ""
    label = {
        "crm": _("CRM"),
        "fact": _("organization fact"),
        "answers": _("your answer") if solo else _("answers (median)"),
    }.get(value.source, value.source)
    return f"{label} · {value.reference}" if value.reference else label


class BuilderBase:
    """Formatting helpers and the element sections; :mod:`reports.build` adds the rest."""

    def __init__(
        self, results: Results, q: Questionnaire, meta: ReportMeta, translations: Translator | None
    ) -> None:
        self.r = results
        self.q = q
        self.meta = meta
        self.lang = clean_language(meta.language)
        self.translations = translations
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

    def interval(self, value: float | None, ci: tuple[float, float] | None) -> str:
        """A score's 90 % interval as "48–60"; "" when the score or the interval is missing."""
        if value is None or ci is None:
            return ""
        return self._("%(lo)s–%(hi)s", lo=self.score(ci[0]), hi=self.score(ci[1]))

    @property
    def solo(self) -> bool:
        """One respondent: the report is that person's view (a self-assessment)."""
        return self.r.respondents == 1

    def points(self, value: float) -> str:
        """A distance in points with its plural form ("1 point", "12 points")."""
        n = round(abs(value))
        return self.f.ngettext("%(num)s point", "%(num)s points", n)

    def distance_to_target(self, el: ElementResult) -> str:
        """ "on target", "4 points above target" or "1 point below target"."""
        _ = self._
        diff = (el.score or 0.0) - el.target
        if abs(diff) < 0.5:
            return _("on target")
        n = round(abs(diff))
        if diff > 0:
            return self.f.ngettext("%(num)s point above target", "%(num)s points above target", n)
        return self.f.ngettext("%(num)s point below target", "%(num)s points below target", n)

    def role_names(self, roles: Sequence[str]) -> str:
        """The labels of ``roles`` that someone answered as, joined by commas."""
        present = [r for r in roles if self.r.respondents_by_role.get(r, 0) > 0]
        return ", ".join(self.role_label[r] for r in (present or roles) if r in self.role_label)

    def terms(self) -> tuple[tuple[str, str], ...]:
        """The report's terms, each with what it means here (the methodology's glossary)."""
        _, f = self._, self.f
        targets = sorted({el.target for el in self.r.elements})
        if len(targets) == 1:
            target = _(
                "The score this assessment aims for in an element: %(target)s for every element.",
                target=f.number(targets[0]),
            )
        else:
            target = _(
                "The score this assessment aims for in an element, from %(lo)s to %(hi)s "
                "depending on the element.",
                lo=f.number(targets[0]),
                hi=f.number(targets[-1]),
            )
        out = [(_("Target"), target)]
        if not self.solo:
            out += [
                (
                    _("Leadership"),
                    _(
                        "The respondents who lead the sales organization: %(roles)s.",
                        roles=self.role_names(self.q.leadership_roles),
                    ),
                ),
                (
                    _("Frontline"),
                    _(
                        "The respondents who sell to customers: %(roles)s.",
                        roles=self.role_names(self.q.frontline_roles),
                    ),
                ),
                (
                    _("Gap"),
                    _(
                        "Leadership's score minus the frontline's, in points; flagged from "
                        "%(points)s upwards when it is statistically significant.",
                        points=f.number(LARGE_GAP),
                    ),
                ),
            ]
        out.append(
            (
                _("Response coverage"),
                _(
                    "The share of the questions put to respondents that they answered, not "
                    "counting “not applicable”. (Not to be confused with the coverage model, "
                    "the element about territories and accounts.)"
                ),
            )
        )
        if not self.solo:
            out.append(
                (
                    _("Agreement"),
                    _(
                        "How alike the answers to an element's rating questions are, from 0 to "
                        "1 (1: everyone gave the same answer); below %(low)s experience differs "
                        "a lot between people.",
                        low=f.number(LOW_AGREEMENT, 2),
                    ),
                )
            )
        return tuple(out)

    def comment_groups(self, comments: Sequence[Comment]) -> tuple[CommentGroup, ...]:
        """Comments by language, the largest group first, each named in the report's
        language ("" for comments whose language was not recorded)."""
        by_language: dict[str, list[CommentView]] = {}
        for c in comments:
            code = clean_language(c.language) if c.language else ""
            by_language.setdefault(code, []).append(CommentView(c.text, code))
        groups = [
            CommentGroup(code, self.language_name(code), tuple(items))
            for code, items in by_language.items()
        ]
        groups.sort(key=lambda g: (-len(g.comments), g.language == "", g.name))
        return tuple(groups)

    def language_name(self, code: str) -> str:
        """A language's name in the report's language, capitalized ("" for none)."""
        if not code:
            return ""
        try:
            name = Locale.parse(code, sep="-").get_display_name(self.f.locale) or code
        except (UnknownLocaleError, ValueError):
            return code
        return name[:1].upper() + name[1:]

    def tint(self, value: float | None) -> int | None:
        if value is None:
            return None
        idx = 0
        for i, lv in enumerate(self.levels):
            if lv.min <= value:
                idx = i
        n = len(self.levels)
        return 4 if n <= 1 else round(idx * 4 / (n - 1))

    def group(
        self,
        label: str,
        roles: Sequence[str],
        el: ElementResult,
        value: float | None,
        suppressed: bool,
        role: str,
    ) -> Cell:
        n = sum(el.roles[r].n for r in roles if r in el.roles)
        shown = None if suppressed or value is None else self.score(value)
        return Cell(label, n, shown, suppressed, role)

    def leadership(self, el: ElementResult) -> Cell:
        return self.group(
            self._("Leadership"),
            self.q.leadership_roles,
            el,
            el.leadership,
            el.leadership_suppressed,
            "leadership",
        )

    def frontline(self, el: ElementResult) -> Cell:
        return self.group(
            self._("Frontline"),
            self.q.frontline_roles,
            el,
            el.frontline,
            el.frontline_suppressed,
            "frontline",
        )

    def level_text(self, el: ElementResult) -> tuple[str, str]:
        if el.level is None:
            return self._("No score"), ""
        name = el.level_name or ""
        text = self.q.element(el.id).levels.get(el.level, "")
        return self._("Level %(n)s · %(name)s", n=el.level, name=name), text

    def flag_code(self, flag: str) -> str:
        _ = self._
        # Translators: one-letter codes for the scorecard flags (coverage, agreement, gap).
        return {FLAG_LOW_COVERAGE: _("C"), FLAG_LOW_AGREEMENT: _("A"), FLAG_LARGE_GAP: _("G")}.get(
            flag, "?"
        )

    def flag_title(self, flag: str) -> str:
        _ = self._
        return {
            FLAG_LOW_COVERAGE: _("Low response coverage"),
            FLAG_LOW_AGREEMENT: _("Low agreement"),
            FLAG_LARGE_GAP: _("Perception gap"),
        }.get(flag, flag)

    # -- element sections ---------------------------------------------------------------
    def element_section(self, number: int, el: ElementResult) -> ElementSection:
        _ = self._
        definition = self.q.element(el.id)
        questions = {qu.id: qu for qu in definition.questions}
        level, level_text = self.level_text(el)
        lead, front = self.leadership(el), self.frontline(el)
        groups = ((lead, el.leadership), (front, el.frontline))
        marks = [
            (f"{c.label} {c.value}", v) for c, v in groups if c.value is not None and v is not None
        ]
        strip = minicharts.strip(
            el.score,
            self.score(el.score),
            el.target,
            marks,
            self.palette,
            {
                "target": _("Target %(n)s", n=self.score(el.target)),
                "title": _("Score against target"),
            },
            self.lang,
        )
        roles = tuple(
            Cell(
                self.role_label[r],
                el.roles[r].n,
                None
                if el.roles[r].suppressed
                else (None if el.roles[r].score is None else self.score(el.roles[r].score)),
                el.roles[r].suppressed,
                r,
            )
            for r in self.q.role_ids
            if el.roles[r].n > 0  # absent (nobody of the role answered): not listed at all
        )
        shared = self.shared_options(el, questions)
        values = {k.question: k for k in el.kpis}
        kpis, views = [], []
        for qx in el.questions:
            qu = questions.get(qx.id)
            if qu is None or not qu.scored:
                continue
            if qu.qtype.kind is Kind.KPI:
                kpis.append(self.kpi(qu, qx, values.get(qu.id)))
            else:
                views.append(self.question(qu, qx, shared))
        scale_legend: tuple[LegendItem, ...] = ()
        if shared:
            scale_legend = next(v.legend for v in views if v.shared_legend)
        return ElementSection(
            number=number,
            anchor=anchor(el.id),
            title=el.title,
            description=definition.description,
            score=self.score(el.score),
            level=level,
            level_text=level_text,
            target=self.score(el.target),
            to_target=self.f.signed(None if el.score is None else el.score - el.target),
            coverage=self.f.percent(el.coverage),
            agreement=self.f.number(el.agreement, 2) if el.agreement is not None else "–",
            strip=strip,
            scale_legend=scale_legend,
            roles=roles,
            leadership=lead,
            frontline=front,
            gap=self.f.signed(el.gap),
            flags=tuple(self.flag_note(el, flag) for flag in el.flags),
            kpis=tuple(kpis),
            questions=tuple(views),
            comments=tuple(
                CommentView(c.text, clean_language(c.language) if c.language else "")
                for c in el.comments
            ),
            recommendations=tuple(
                (self.rec_number[rec.id], rec.title)
                for rec in self.r.recommendations
                if rec.element == el.id
            ),
            comment_groups=self.comment_groups(el.comments),
        )

    def shared_options(
        self, el: ElementResult, questions: dict[str, Question]
    ) -> tuple[tuple[str, float], ...] | None:
        """The options most questions of the element share (two or more), if any.

        Options are the same when their labels *and scores* are: a reverse-keyed item has
        the labels of the agreement scale in the same order but its colours run the other
        way (they follow the scores), so it keeps a legend of its own.
        """
        sets: Counter[tuple[tuple[str, float], ...]] = Counter()
        for qx in el.questions:
            qu = questions.get(qx.id)
            if qu is not None and qu.options and qu.qtype.kind is not Kind.KPI:
                sets[_option_key(qu)] += 1
        if not sets:
            return None
        labels, count = sets.most_common(1)[0]
        return labels if count >= 2 else None

    def flag_note(self, el: ElementResult, flag: str) -> FlagNote:
        _ = self._
        if flag == FLAG_LOW_COVERAGE:
            text = _(
                "Only %(coverage)s of the possible answers were given; read the score with care.",
                coverage=self.f.percent(el.coverage),
            )
        elif flag == FLAG_LOW_AGREEMENT:
            text = _(
                "Respondents disagree more than usual (agreement %(value)s of 1): experience "
                "differs between teams or roles.",
                value=self.f.number(el.agreement, 2),
            )
        elif flag == FLAG_LARGE_GAP and el.gap is not None:
            n = round(abs(el.gap))
            text = (
                self.f.ngettext(
                    "Leadership rates this element %(num)s point higher than the frontline.",
                    "Leadership rates this element %(num)s points higher than the frontline.",
                    n,
                )
                if el.gap > 0
                else self.f.ngettext(
                    "Leadership rates this element %(num)s point lower than the frontline.",
                    "Leadership rates this element %(num)s points lower than the frontline.",
                    n,
                )
            )
        else:
            text = ""
        return FlagNote(flag, self.flag_title(flag), text)

    def kpi_source(self, value: KpiValue | None) -> str:
        """Where a KPI value comes from, in words (with the fact's source or CRM metric)."""
        return kpi_source_text(value, self.f, self.solo)

    def band_source_kind(self, qu: Question) -> str:
        """Where a KPI's bands come from, in a few words ("" when the question does not say)."""
        _ = self._
        source = qu.band_source
        if source is None:
            return _("Source of the bands") if isinstance(qu.source, str) and qu.source else ""
        return {
            SourceKind.SEED: _("Bands from the reference articles"),
            SourceKind.PUBLISHED: _("Bands from a published source"),
            SourceKind.PRACTICE: _("Bands set from practice, not a published norm"),
        }[source.kind]

    def band_source(self, qu: Question) -> str:
        """The kind of source and its note: "Bands set from practice, …: <note>"."""
        kind = self.band_source_kind(qu)
        if not kind:
            return ""
        note = qu.band_source.note if qu.band_source is not None else str(qu.source)
        return self._("%(kind)s: %(note)s", kind=kind, note=note)

    def kpi(self, qu: Question, qx: QuestionExplanation, value: KpiValue | None = None) -> KpiView:
        bands = qu.bands or ()
        order = sorted(range(len(bands)), key=lambda i: bands[i].score)
        rank = {i: order.index(i) for i in range(len(bands))}
        span = max(1, len(bands) - 1)
        # Method 2 scores one value per KPI; without one, the median of the answers is shown.
        has_value = value is not None and value.value is not None
        shown = value.value if value is not None and has_value else qx.median
        active = value.band if value is not None and has_value else qx.median_band
        views = tuple(
            BandView(
                f"{b.label or b.id}\u00a0({qx.distribution.get(b.id, 0)})",
                b.id == active,
                round(rank[i] * 4 / span),
            )
            for i, b in enumerate(bands)
        )
        band = next((b.label or b.id for b in bands if b.id == active), "–")
        return KpiView(
            qu.text,
            self.f.measure(shown, qu.unit),
            band,
            qx.answered,
            views,
            self.kpi_source(value),
            self.band_source_kind(qu),
        )

    def question(
        self,
        qu: Question,
        qx: QuestionExplanation,
        shared: tuple[tuple[str, float], ...] | None,
    ) -> QuestionView:
        _ = self._
        # Least to most favourable by score, as the caption says: a reverse-keyed item
        # lists "strongly disagree" first but it is its best answer.
        options = sorted(qu.options or (), key=lambda o: o.score)
        colors = minicharts.option_colors([o.score for o in options], self.palette)
        total = sum(qx.distribution.get(o.value, 0) for o in options)
        legend = tuple(
            LegendItem(
                o.label,
                c,
                qx.distribution.get(o.value, 0),
                self.f.percent(qx.distribution.get(o.value, 0) / total if total else None),
            )
            for o, c in zip(options, colors, strict=True)
        )
        is_shared = shared is not None and _option_key(qu) == shared
        chart = minicharts.distribution(
            [(item.count, item.color) for item in legend],
            _("Answers to: %(question)s", question=qu.text[:80]),
            self.lang,
            shares=[item.share for item in legend],
        )
        extra = []
        if qx.withheld:
            extra.append(self.withheld_text())
            chart, legend = Markup(""), ()
        if qx.na:
            extra.append(_("not applicable: %(n)s", n=qx.na))
        if qx.dk:
            extra.append(_("don't know: %(n)s", n=qx.dk))
        return QuestionView(
            qu.id,
            qu.text,
            qu.type,
            qx.answered,
            self.score(None if qx.mean is None else 100 * qx.mean),
            chart,
            legend,
            is_shared,
            " · ".join(extra),
        )

    def withheld_text(self) -> str:
        """Why a question's answers are not shown (a group under the minimum size)."""
        return self._(
            "not shown: fewer than %(n)s people answered this question",
            n=self.f.integer(self.r.min_group_size),
        )

    def appendix(self, el: ElementResult) -> AppendixElement:
        _ = self._
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
                OptionRow(
                    label,
                    self.f.number(sc, 0 if float(sc).is_integer() else 1),
                    qx.distribution.get(key, 0),
                    self.f.percent(qx.distribution.get(key, 0) / total) if total else "–",
                )
                for label, key, sc in items
            )
            out.append(
                AppendixQuestion(
                    id=qx.id,
                    text=qu.text,
                    kind=_(qu.qtype.label),
                    weight=self.f.number(qx.weight, 0 if float(qx.weight).is_integer() else 1),
                    answered=qx.answered,
                    na=qx.na,
                    dk=qx.dk,
                    score=self.score(None if qx.mean is None else 100 * qx.mean),
                    contribution=self.f.number(qx.contribution, 1, missing="–"),
                    options=options,
                    distribution=self.withheld_text()
                    if qx.withheld
                    else "  ·  ".join(
                        f"{o.label}\u00a0{o.count}\u00a0({o.share})".replace(" ", "\u00a0")
                        if len(o.label) < 40
                        else f"{o.label}\u00a0{o.count}\u00a0({o.share})"
                        for o in options
                    ),
                    band_source=self.band_source(qu) if qu.bands else "",
                )
            )
        if el.alpha is not None:
            reliability = _(
                "Reliability (Cronbach's alpha over the rating-scale questions): %(alpha)s",
                alpha=self.f.number(el.alpha, 2),
            )
        else:
            reliability = _(
                "Reliability (Cronbach's alpha): not computed — fewer than 10 respondents "
                "answered every rating-scale question of this element"
            )
        return AppendixElement(anchor(el.id) + "-data", el.title, tuple(out), reliability)
