"""Teams in the report: the full report's team section and the team report (one team against
the organization).  Team figures → frozen view-model, translated and formatted.

Pure (no Flask, no ORM): input is :class:`assessment.core.cut_results.TeamCuts` with the
organization's results.  A hidden cell reaches the view-model as ``value=None`` and
``suppressed=True``, so no template can show a figure the protection withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from assessment.core.cut_results import TeamCell, TeamCuts, TeamResult
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from reports import charts
from reports.i18n import Formatter, Translator
from reports.palette import make_palette
from reports.viewmodel import Palette, ReportMeta


@dataclass(frozen=True, slots=True)
class TeamHeat:
    """A cell of the team table: formatted value and tint, or hidden."""

    value: str | None
    tint: int | None
    suppressed: bool
    mark: str
    """▲ / ▼ for a significant difference from the rest of the organization."""


@dataclass(frozen=True, slots=True)
class TeamLine:
    """A row of the team table."""

    name: str
    n: str
    overall: str
    overall_tint: int | None
    cells: tuple[TeamHeat, ...]
    kind: str = "team"
    """``team``, ``organization`` or ``pooled``."""


@dataclass(frozen=True, slots=True)
class TeamGapLine:
    """A team's own leadership–frontline gap flagged as large."""

    team: str
    element: str
    leadership: str
    frontline: str
    gap: str


@dataclass(frozen=True, slots=True)
class TeamsSection:
    """Everything ``_teams.html`` shows (the full report's team section)."""

    heading: str
    lead: str
    numbers: tuple[str, ...]
    """Column heads: the elements' numbers in the scorecard."""
    key: str
    """Which number is which element."""
    rows: tuple[TeamLine, ...]
    notes: tuple[str, ...]
    gaps: tuple[TeamGapLine, ...]


@dataclass(frozen=True, slots=True)
class TeamElementLine:
    """One element in the team report."""

    title: str
    team: str
    n: str
    organization: str
    rest: str
    difference: str
    significance: str
    suppressed: bool
    leadership: str
    frontline: str
    gap: str
    large_gap: bool


@dataclass(frozen=True, slots=True)
class TeamReportView:
    """The team report.  The cover reads the same names as :class:`ReportView`'s."""

    language: str
    client: str
    title: str
    date: str
    prepared_by: str
    firm_name: str
    footer_text: str
    logo_uri: str | None
    credit: str
    respondents: int
    palette: Palette
    team: str
    heading: str
    lead: str
    summary: tuple[str, ...]
    chart: Markup
    rows: tuple[TeamElementLine, ...]
    has_gap: bool
    notes: tuple[str, ...]


def _tint(q: Questionnaire, value: float | None) -> int | None:
    if value is None:
        return None
    levels = sorted(q.levels, key=lambda lv: lv.min)
    idx = 0
    for i, lv in enumerate(levels):
        if lv.min <= value:
            idx = i
    n = len(levels)
    return 4 if n <= 1 else round(idx * 4 / (n - 1))


def _mark(cell: TeamCell) -> str:
    if not cell.significant or cell.difference is None:
        return ""
    return "▲" if cell.difference > 0 else "▼"


def _line(f: Formatter, q: Questionnaire, team: TeamResult) -> TeamLine:
    return TeamLine(
        name=team.name,
        n=f.integer(team.respondents),
        overall=f.number(team.overall) if team.overall is not None else "–",
        overall_tint=_tint(q, team.overall),
        cells=tuple(
            TeamHeat(
                value=None if c.suppressed or c.score is None else f.number(c.score),
                tint=None if c.suppressed else _tint(q, c.score),
                suppressed=c.suppressed,
                mark=_mark(c),
            )
            for c in team.cells
        ),
    )


def _notes(f: Formatter, cuts: TeamCuts) -> tuple[str, ...]:
    _ = f._
    return (
        _(
            "Practice scores (0–100) by team. × marks a hidden figure: a team with fewer than "
            "%(n)s respondents is hidden, and so is the next smallest team when one alone would "
            "let the hidden one be worked out from the totals; their respondents count in "
            "“Other teams together”.",
            n=cuts.min_group_size,
        ),
        _(
            "▲ and ▼: significantly above or below the rest of the organization (a t-test of "
            "the team's respondents against everyone else, with the false discovery rate "
            "across the whole table held at %(fdr)s). Teams differ in their mix of roles; "
            "read a difference with the team's own leadership and frontline.",
            fdr=f.percent(cuts.fdr),
        ),
    )


def build_teams_section(
    cuts: TeamCuts | None, results: Results, q: Questionnaire, f: Formatter
) -> TeamsSection | None:
    """The full report's team section; None without any team shown."""
    if cuts is None or not cuts.shown_teams:
        return None
    _ = f._
    org = TeamLine(
        name=_("Whole organization"),
        n=f.integer(results.respondents),
        overall=f.number(results.overall.practice),
        overall_tint=_tint(q, results.overall.practice),
        cells=tuple(
            TeamHeat(f.number(el.practice), _tint(q, el.practice), False, "")
            for el in results.elements
        ),
        kind="organization",
    )
    rows = [org, *(_line(f, q, t) for t in cuts.teams)]
    if any(p.score is not None for p in cuts.pooled):
        rows.append(
            TeamLine(
                name=_("Other teams together"),
                n="",
                overall="–",
                overall_tint=None,
                cells=tuple(
                    TeamHeat(
                        None if p.score is None else f.number(p.score),
                        _tint(q, p.score),
                        p.score is None and p.n > 0,
                        "",
                    )
                    for p in cuts.pooled
                ),
                kind="pooled",
            )
        )
    above = sum(1 for t in cuts.teams for c in t.cells if c.significant and (c.difference or 0) > 0)
    below = sum(1 for t in cuts.teams for c in t.cells if c.significant and (c.difference or 0) < 0)
    lead = f.ngettext(
        "%(num)s team answered; %(shown)s of them can be shown.",
        "%(num)s teams answered; %(shown)s of them can be shown.",
        len(cuts.teams),
        shown=f.integer(len(cuts.shown_teams)),
    )
    if above or below:
        lead += " " + _(
            "Significantly above the rest of the organization: %(above)s team scores; "
            "below: %(below)s.",
            above=f.integer(above),
            below=f.integer(below),
        )
    else:
        lead += " " + _("No team differs significantly from the rest of the organization.")
    gaps = tuple(
        TeamGapLine(
            team=t.name,
            element=el.title,
            leadership=f.number(c.leadership),
            frontline=f.number(c.frontline),
            gap=f.signed(c.gap),
        )
        for t in cuts.teams
        for el, c in zip(results.elements, t.cells, strict=True)
        if c.large_gap
    )
    return TeamsSection(
        heading=_("Results by team"),
        lead=lead,
        numbers=tuple(str(i) for i in range(1, len(results.elements) + 1)),
        key="; ".join(f"{i} {el.title}" for i, el in enumerate(results.elements, 1)),
        rows=tuple(rows),
        notes=_notes(f, cuts),
        gaps=gaps,
    )


def _significance(f: Formatter, cell: TeamCell) -> str:
    _ = f._
    if cell.p is None:
        return ""
    p = f.number(cell.p, 3)
    if cell.significant:
        return _("significant · p = %(p)s", p=p)
    return _("p = %(p)s", p=p)


def build_team_view(
    results: Results,
    q: Questionnaire,
    meta: ReportMeta,
    cuts: TeamCuts,
    name: str,
    translations: Translator | None = None,
) -> TeamReportView:
    """The team report's view-model (ValueError for a team without figures)."""
    team = cuts.team(name)
    if team is None or not team.shown:
        raise ValueError(f"team {name!r} has no figures to report")
    f = Formatter.create(meta.language, translations)
    _ = f._
    brand = meta.branding
    palette = make_palette(brand.primary_color)
    rows = []
    for el, c in zip(results.elements, team.cells, strict=True):
        rows.append(
            TeamElementLine(
                title=el.title,
                team="" if c.suppressed else f.number(c.score),
                n=f.integer(c.n),
                organization=f.number(el.practice),
                rest=f.number(c.rest),
                difference=f.signed(c.difference) + (" " + _mark(c) if _mark(c) else ""),
                significance=_significance(f, c),
                suppressed=c.suppressed,
                leadership=f.number(c.leadership),
                frontline=f.number(c.frontline),
                gap=f.signed(c.gap),
                large_gap=c.large_gap,
            )
        )
    up = [el.title for el, c in zip(results.elements, team.cells, strict=True) if _mark(c) == "▲"]
    down = [el.title for el, c in zip(results.elements, team.cells, strict=True) if _mark(c) == "▼"]
    summary = [
        _(
            "Overall practice score %(team)s, against %(org)s for the whole organization and "
            "%(rest)s for the rest of it.",
            team=f.number(team.overall),
            org=f.number(team.organization),
            rest=f.number(team.rest_overall),
        )
    ]
    if up:
        summary.append(_("Significantly above the rest: %(elements)s.", elements=", ".join(up)))
    if down:
        summary.append(_("Significantly below the rest: %(elements)s.", elements=", ".join(down)))
    if not up and not down:
        summary.append(
            _("In no element does the team differ significantly from the rest of the organization.")
        )
    chart = charts.score_bars(
        [
            (el.title, c.score if not c.suppressed else None, el.practice or 0.0, f.number(c.score))
            for el, c in zip(results.elements, team.cells, strict=True)
        ],
        [lv.min for lv in sorted(q.levels, key=lambda lv: lv.min)],
        palette,
        {
            "target": _("Whole organization"),
            "title": _("%(team)s against the organization", team=team.name),
            "levels": _("Maturity level"),
        },
        f.language,
    )
    notes = (
        *_notes(f, cuts),
        _(
            "The rest of the organization is everyone else the element counts. A team's own "
            "gap is its leadership minus its frontline on the questions both are asked, shown "
            "where each has at least %(n)s respondents; a large gap is %(large)s points or "
            "more and significant.",
            n=cuts.min_group_size,
            large=f.number(15),
        ),
        _(
            "This report gives figures per element only: no answers to single questions and no "
            "comments of the team, so that nobody's answers can be singled out."
        ),
    )
    return TeamReportView(
        language=f.language,
        client=meta.client_name.strip() or _("Your organization"),
        title=_("%(team)s against the organization", team=team.name),
        date=f.date(meta.date),
        prepared_by=meta.prepared_by or brand.firm_name,
        firm_name=brand.firm_name,
        footer_text=brand.footer_text,
        logo_uri=brand.logo.data_uri() if brand.logo else None,
        credit="" if brand.firm_name else _("Prepared with saleshealth"),
        respondents=team.respondents,
        palette=palette,
        team=team.name,
        heading=_("%(team)s against the organization", team=team.name),
        lead=meta.assessment_title,
        summary=tuple(summary),
        chart=chart,
        rows=tuple(rows),
        has_gap=any(r.gap != "–" for r in rows),
        notes=notes,
    )


def build_team_html(
    results: Results,
    q: Questionnaire,
    meta: ReportMeta,
    cuts: TeamCuts,
    name: str,
    translations: Translator | None = None,
) -> str:
    """The team report's complete, self-contained HTML."""
    from reports.render import environment, page_counter
    from reports.typeset import stylesheet

    view = build_team_view(results, q, meta, cuts, name, translations)
    fmt = Formatter.create(view.language, translations)

    def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
        return fmt.ngettext(singular, plural, n, **values)

    return (
        environment()
        .get_template("team_report.html")
        .render(
            view=view,
            css=stylesheet(),
            page_counter=page_counter(fmt),
            _=fmt._,
            gettext=fmt._,
            ngettext=ngettext,
        )
    )
