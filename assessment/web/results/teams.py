"""The results page's Teams section as plain data: a teams × elements heatmap and one team
against the organization (``docs/scoring.md``, "Team cuts").

Every figure comes from :class:`assessment.core.cut_results.TeamCuts`, whose protection
already withheld what must not be shown; a hidden cell carries no value here either.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.core.cut_results import TeamCell, TeamCuts, TeamResult
from assessment.core.model import Questionnaire
from assessment.core.results import Results


@dataclass(frozen=True)
class HeatCell:
    """One team's figure for one element, as the heatmap shows it."""

    element: str
    title: str
    value: float | None
    level: int | None
    """Maturity level of the value: the cell's colour (an aid; the number is the figure)."""
    n: int
    suppressed: bool
    reason: str
    """``small`` or ``protection`` for a hidden cell."""
    difference: float | None
    direction: str
    """``above`` or ``below`` the rest when the difference is significant, else ``""``."""


@dataclass(frozen=True)
class TeamRow:
    """A row of the heatmap: a team, the pooled other teams, or the whole organization."""

    name: str
    respondents: int
    overall: float | None
    level: int | None
    cells: tuple[HeatCell, ...]
    shown: bool


@dataclass(frozen=True)
class DetailRow:
    """One element of the selected team against the organization."""

    element: str
    title: str
    team: float | None
    organization: float | None
    rest: float | None
    difference: float | None
    p: float | None
    q: float | None
    direction: str
    n: int
    rest_n: int
    suppressed: bool
    reason: str
    leadership: float | None
    frontline: float | None
    gap: float | None
    gap_p: float | None
    large_gap: bool
    gap_reason: str


@dataclass(frozen=True)
class TeamDetail:
    """The selected team against the organization."""

    name: str
    respondents: int
    overall: float | None
    organization: float | None
    rest: float | None
    rows: tuple[DetailRow, ...]

    @property
    def has_gap(self) -> bool:
        """Whether any element shows the team's own leadership–frontline gap."""
        return any(r.gap is not None for r in self.rows)


@dataclass(frozen=True)
class TeamsCard:
    """Everything the Teams section shows."""

    elements: tuple[tuple[str, str], ...]
    """(id, title) of each element, in questionnaire order."""
    organization: TeamRow
    rows: tuple[TeamRow, ...]
    pooled: TeamRow | None
    unassigned: int
    min_group_size: int
    fdr: float
    choices: tuple[str, ...]
    """Teams that can be selected (shown in at least one element)."""
    selected: TeamDetail | None
    hidden: int
    """Teams hidden in every element."""


def _direction(cell: TeamCell) -> str:
    if not cell.significant or cell.difference is None:
        return ""
    return "above" if cell.difference > 0 else "below"


def _level(q: Questionnaire, value: float | None) -> int | None:
    level = q.level_for(value)
    return level.level if level else None


def _row(q: Questionnaire, results: Results, team: TeamResult) -> TeamRow:
    cells = tuple(
        HeatCell(
            element=el.id,
            title=el.title,
            value=cell.score,
            level=_level(q, cell.score),
            n=cell.n,
            suppressed=cell.suppressed,
            reason=cell.reason,
            difference=cell.difference,
            direction=_direction(cell),
        )
        for el, cell in zip(results.elements, team.cells, strict=True)
    )
    return TeamRow(
        name=team.name,
        respondents=team.respondents,
        overall=team.overall,
        level=_level(q, team.overall),
        cells=cells,
        shown=team.shown,
    )


def _organization(q: Questionnaire, results: Results) -> TeamRow:
    cells = tuple(
        HeatCell(
            element=el.id,
            title=el.title,
            value=el.practice,
            level=_level(q, el.practice),
            n=sum(g.n for g in el.roles.values()) - el.protection.left_out,
            suppressed=False,
            reason="",
            difference=None,
            direction="",
        )
        for el in results.elements
    )
    overall = results.overall.practice
    return TeamRow("", results.respondents, overall, _level(q, overall), cells, True)


def _pooled(q: Questionnaire, results: Results, cuts: TeamCuts) -> TeamRow | None:
    if not any(p.score is not None for p in cuts.pooled):
        return None
    cells = tuple(
        HeatCell(
            element=el.id,
            title=el.title,
            value=p.score,
            level=_level(q, p.score),
            n=p.n,
            suppressed=p.score is None and p.n > 0,
            reason="protection" if p.score is None and p.n > 0 else "",
            difference=None,
            direction="",
        )
        for el, p in zip(results.elements, cuts.pooled, strict=True)
    )
    return TeamRow("", 0, None, None, cells, True)


def _detail(results: Results, team: TeamResult) -> TeamDetail:
    rows = tuple(
        DetailRow(
            element=el.id,
            title=el.title,
            team=c.score,
            organization=el.practice,
            rest=c.rest,
            difference=c.difference,
            p=c.p,
            q=c.q,
            direction=_direction(c),
            n=c.n,
            rest_n=c.rest_n,
            suppressed=c.suppressed,
            reason=c.reason,
            leadership=c.leadership,
            frontline=c.frontline,
            gap=c.gap,
            gap_p=c.gap_p,
            large_gap=c.large_gap,
            gap_reason=c.gap_reason,
        )
        for el, c in zip(results.elements, team.cells, strict=True)
    )
    return TeamDetail(
        name=team.name,
        respondents=team.respondents,
        overall=team.overall,
        organization=team.organization,
        rest=team.rest_overall,
        rows=rows,
    )


def teams_card(
    q: Questionnaire, results: Results, cuts: TeamCuts, selected: str = ""
) -> TeamsCard | None:
    """The Teams section; None when no respondent with answers has a team."""
    if not cuts.teams:
        return None
    chosen = cuts.team(selected.strip()) if selected else None
    return TeamsCard(
        elements=tuple((el.id, el.title) for el in results.elements),
        organization=_organization(q, results),
        rows=tuple(_row(q, results, t) for t in cuts.teams),
        pooled=_pooled(q, results, cuts),
        unassigned=cuts.unassigned,
        min_group_size=cuts.min_group_size,
        fdr=cuts.fdr,
        choices=tuple(t.name for t in cuts.shown_teams),
        selected=_detail(results, chosen) if chosen is not None and chosen.shown else None,
        hidden=sum(1 for t in cuts.teams if not t.shown),
    )
