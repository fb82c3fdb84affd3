"""The parts of the report that decide: priorities, decisions, key numbers, roadmap, voices,
method and limitations.

Both editions open with these (the board edition is made of little else).  What is decided
— the key message, the top priorities, where each initiative goes, which comments are quoted,
which decisions the board is asked to take — is decided once in the core
(:mod:`assessment.core.roadmap`, :mod:`assessment.core.decisions`,
:mod:`assessment.core.voices`); this mixin only words and formats it for one report.
"""

from __future__ import annotations

from assessment.core.decisions import board_decisions
from assessment.core.key_figures import key_figures
from assessment.core.placeholders import EvidenceFigures, render_evidence
from assessment.core.results import FLAG_LARGE_GAP
from assessment.core.roadmap import (
    SHARE_RESULTS,
    Initiative,
    Roadmap,
    build_roadmap,
    tie_reasons,
    top_priorities,
    watch_for,
)
from assessment.core.scoring import LARGE_GAP
from assessment.core.voices import pick_voices
from reports.decisions import (
    decision_text,
    initiative_action,
    initiative_title,
    key_message_text,
    level_word,
    owner_text,
    tie_text,
    watch_text,
)
from reports.plan import planned_owner
from reports.prize_view import money_range
from reports.sections import BuilderBase, anchor
from reports.viewmodel import (
    DashboardRow,
    InitiativeView,
    PriorityView,
    RoadmapPhase,
    VoiceView,
)

TOP_PRIORITIES = 3


class BoardParts(BuilderBase):
    """Builds the deciding parts of the view from the core's decisions."""

    _roadmap: Roadmap | None = None

    @property
    def core_roadmap(self) -> Roadmap:
        """The core's roadmap for this assessment (built once)."""
        if self._roadmap is None:
            self._roadmap = build_roadmap(self.r, self.q, self.meta.optional.per_phase)
        return self._roadmap

    def key_message(self) -> str:
        """The key message the core chose, in the report language."""
        return key_message_text(self.core_roadmap.message, self.r, self.f)

    def priorities(self) -> tuple[PriorityView, ...]:
        """The top priorities (at most one per element), with why, owner and measure."""
        _, f = self._, self.f
        figures = EvidenceFigures(self.r, self.q, self.meta.optional.profile, self.lang, label=_)
        placed = {i.id: i for i in self.core_roadmap.initiatives()}
        out = []
        for n, rec in enumerate(top_priorities(self.r, TOP_PRIORITIES), 1):
            item = placed.get(rec.id)
            watch = item.watch if item is not None else watch_for(rec, self.r, self.q)
            words = watch_text(watch, "recommendation", self.r, self.q, f)
            evidence = render_evidence(rec.evidence, figures)
            owner = owner_text(item.owner_role if item else "executive", self.q, f)
            owner_label = _("Owner role")
            planned = planned_owner(self.meta.optional.plan, rec.id, self.q, f)
            if planned:  # once a plan exists: the person (or the role still proposed) and date
                owner, owner_label = planned, _("Owned by")
            out.append(
                PriorityView(
                    number=n,
                    title=rec.title,
                    element=self.element_title.get(rec.element, rec.element),
                    element_anchor=anchor(rec.element),
                    why=evidence or rec.why,  # the client's own figures when it has them
                    first_action=rec.actions[0] if rec.actions else "–",
                    owner=owner,
                    owner_label=owner_label,
                    measure=words.measure,
                    change=words.change,
                    effort=level_word(rec.effort, f),
                    impact=level_word(rec.impact, f),
                    horizon=_("%(days)s days", days=rec.horizon_days),
                    rec_number=self.rec_number.get(rec.id, 0),
                )
            )
        return tuple(out)

    def decisions(self, has_plan: bool) -> tuple[str, ...]:
        """The decisions the board is asked to take, one sentence each (the same list the
        results page and the deck's last slide show)."""
        extra = self.meta.optional
        prize = extra.prize
        value = ""
        if prize is not None and prize.levers:
            value = money_range(self.f, prize.low, prize.high, prize.currency)
        chosen = board_decisions(
            self.core_roadmap.message,
            top_priorities(self.r, TOP_PRIORITIES),
            has_plan,
            unowned=[i.title for i in extra.plan if i.is_open and not i.owner],
            value_at_stake=bool(value),
        )
        return tuple(decision_text(d, self.r, self.element_title, self.f, value) for d in chosen)

    def ties(self) -> tuple[str, ...]:
        """For each ranked recommendation, why it follows the one before at equal priority."""
        reasons = tie_reasons(self.r.recommendations)
        return tuple(
            tie_text(reason, i, self.f) if reason else "" for i, reason in enumerate(reasons)
        )

    def initiative(self, item: Initiative) -> InitiativeView:
        """One roadmap entry in words."""
        f = self.f
        words = watch_text(item.watch, item.kind, self.r, self.q, f)
        return InitiativeView(
            title=initiative_title(item, self.r, f),
            element=self.element_title.get(item.element, item.element),
            element_anchor=anchor(item.element),
            first_action=initiative_action(item, f) or "–",
            owner=owner_text(item.owner_role, self.q, f),
            measure=words.measure,
            change=words.change,
            effort=level_word(item.effort, f),
            rec_number=None if item.kind == SHARE_RESULTS else self.rec_number.get(item.id),
        )

    def roadmap(self) -> tuple[RoadmapPhase, ...]:
        """The core's three phases, each at most ``per_phase`` initiatives."""
        _ = self._
        titles = (
            (_("Days 1–30"), _("Start now: quick, high-leverage moves")),
            (_("Days 31–60"), _("Build the routines that make change stick")),
            (_("Days 61–90"), _("Structural changes and measurement")),
        )
        return tuple(
            RoadmapPhase(t, s, tuple(self.initiative(i) for i in phase))
            for (t, s), phase in zip(titles, self.core_roadmap.phases, strict=True)
        )

    def roadmap_note(self) -> str:
        """How many triggered recommendations wait for a later round."""
        rest = len(self.core_roadmap.deferred)
        if rest <= 0:
            return ""
        return self.f.ngettext(
            "%(num)s further recommendation follows once these are under way; "
            "see the prioritized list.",
            "%(num)s further recommendations follow once these are under way; "
            "see the prioritized list.",
            rest,
        )

    def dashboard(self) -> tuple[DashboardRow, ...]:
        """One key figure per element (:func:`assessment.core.key_figures.key_figures`)."""
        return tuple(
            DashboardRow(
                element=self.element_title.get(fig.element, fig.element),
                element_anchor=anchor(fig.element),
                measure=fig.question.text,
                value=self.f.measure(fig.kpi.value, fig.question.unit or ""),
                band=fig.band.label or fig.band.id,
                status=fig.status,
                source=self.kpi_source(fig.kpi),
                band_source=self.band_source_kind(fig.question),
            )
            for fig in key_figures(self.r, self.q)
        )

    def kpi_count(self) -> int:
        """How many KPIs have a value (the dashboard shows one per element)."""
        return sum(1 for el in self.r.elements for k in el.kpis if k.value is not None)

    def voices(self) -> tuple[VoiceView, ...]:
        """Three to five comments chosen for diversity (:mod:`assessment.core.voices`)."""
        return tuple(
            VoiceView(self.element_title.get(v.element, v.element), v.text, v.language)
            for v in pick_voices(self.r)
        )

    def limitations(self) -> tuple[str, ...]:
        """Method and limitations: response, groups, intervals, suppression, sources."""
        _, f, r = self._, self.f, self.r
        out = []
        invited = self.meta.optional.invited
        if invited:
            out.append(
                f.ngettext(
                    "%(num)s of %(invited)s invited people answered (a response rate of %(rate)s).",
                    "%(num)s of %(invited)s invited people answered (a response rate of %(rate)s).",
                    r.respondents,
                    invited=f.integer(invited),
                    rate=f.percent(r.respondents / invited),
                )
            )
        else:
            out.append(
                f.ngettext("%(num)s person answered.", "%(num)s people answered.", r.respondents)
            )
        groups = [
            (role.label, r.respondents_by_role.get(role.id, 0))
            for role in self.q.roles
            if r.respondents_by_role.get(role.id, 0) > 0
        ]
        if groups and r.respondents > 1:
            out.append(
                _(
                    "People by role: %(groups)s.",
                    groups=", ".join(f"{label} {f.integer(n)}" for label, n in groups),
                )
            )
        small = [label for label, n in groups if n < r.min_group_size]
        if r.respondents == 1:
            out.append(
                _(
                    "One person answered: the scores are that person's view, with no "
                    "interval and no comparison between groups."
                )
            )
        elif small:
            out.append(
                _(
                    "Not shown separately: %(roles)s. Fewer than %(n)s people of the role "
                    "answered, and a smaller group's answers could be traced to a person; "
                    "their answers still count in the overall and element scores.",
                    roles=", ".join(small),
                    n=f.integer(r.min_group_size),
                )
            )
        else:
            out.append(
                _(
                    "Every group shown has at least %(n)s people, the minimum that keeps "
                    "answers anonymous.",
                    n=f.integer(r.min_group_size),
                )
            )
        o = r.overall
        if o.ci is not None and o.score is not None:
            out.append(
                _(
                    "The overall score is %(score)s, with a %(level)s interval of %(low)s–"
                    "%(high)s: read differences of a few points between elements as within "
                    "this uncertainty.",
                    score=self.score(o.score),
                    level=f.percent(0.9),
                    low=self.score(o.ci[0]),
                    high=self.score(o.ci[1]),
                )
            )
        elif r.respondents > 1:
            out.append(
                _(
                    "With fewer than 5 respondents no interval is computed: read the scores "
                    "as indications."
                )
            )
        if r.respondents > 1:
            out.append(
                _(
                    "A leadership–frontline gap is reported only when it is at least "
                    "%(gap)s points and statistically significant (p < 0.05).",
                    gap=f.number(LARGE_GAP),
                )
            )
        sources = [k.source for el in r.elements for k in el.kpis if k.value is not None]
        if sources:
            out.append(
                _(
                    "Of %(total)s key numbers, %(crm)s come from CRM data, %(fact)s from "
                    "figures entered for the organization and %(answers)s from the "
                    "respondents' estimates (medians).",
                    total=f.integer(len(sources)),
                    crm=f.integer(sources.count("crm")),
                    fact=f.integer(sources.count("fact")),
                    answers=f.integer(sources.count("answers")),
                )
            )
        out.append(
            _(
                "The answers describe how people see the organization; they are not an audit "
                "of its records."
            )
        )
        return tuple(out)

    def significant(self) -> bool:
        """Whether any element has a large, significant leadership–frontline gap."""
        return any(FLAG_LARGE_GAP in el.flags for el in self.r.elements)
