"""Team figures: plain immutable data that serializes to JSON (``docs/scoring.md``, "Team cuts")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TeamCell:
    """One team's figures for one element, against the rest of the organization.

    ``score`` is the team's practice score ``P_e`` (null when ``suppressed``); ``rest`` the
    practice score of everyone else the element counts.  ``p`` is the two-sided p-value of
    the pooled-variance t-test on the respondents' element scores, ``q`` its
    Benjamini–Hochberg adjustment over every shown cell of the assessment, and
    ``significant`` means ``q`` < the FDR level.
    ``reason`` says why a cell is hidden: ``small`` (fewer than the minimum group size) or
    ``protection`` (withheld so that a smaller group cannot be recovered by differencing).
    The gap figures are the team's own leadership − frontline on the comparable items.
    """

    n: int
    score: float | None = None
    suppressed: bool = False
    reason: str = ""
    rest: float | None = None
    rest_n: int = 0
    difference: float | None = None
    p: float | None = None
    q: float | None = None
    significant: bool = False
    leadership: float | None = None
    frontline: float | None = None
    leadership_n: int = 0
    frontline_n: int = 0
    gap: float | None = None
    gap_p: float | None = None
    gap_q: float | None = None
    gap_reason: str = ""
    large_gap: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape; a hidden cell carries its size and reason, no figure."""
        return {
            "n": self.n,
            "score": self.score,
            "suppressed": self.suppressed,
            "reason": self.reason,
            "rest": self.rest,
            "rest_n": self.rest_n,
            "difference": self.difference,
            "p": self.p,
            "q": self.q,
            "significant": self.significant,
            "leadership": self.leadership,
            "frontline": self.frontline,
            "leadership_n": self.leadership_n,
            "frontline_n": self.frontline_n,
            "gap": self.gap,
            "gap_p": self.gap_p,
            "gap_q": self.gap_q,
            "gap_reason": self.gap_reason,
            "large_gap": self.large_gap,
        }


@dataclass(frozen=True, slots=True)
class TeamResult:
    """One team across the elements (``cells`` in the order of the results' elements).

    ``overall`` is ``Σ W_e·P_e / Σ W_e`` over the elements where the team is shown;
    ``rest_overall`` and ``organization`` are the rest's and everyone's over the same ones.
    """

    name: str
    respondents: int
    cells: tuple[TeamCell, ...]
    overall: float | None = None
    rest_overall: float | None = None
    organization: float | None = None

    @property
    def shown(self) -> bool:
        """Whether any element shows this team's figures."""
        return any(not c.suppressed for c in self.cells)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"name", "respondents", "shown", "overall", ..., "elements"}``."""
        return {
            "name": self.name,
            "respondents": self.respondents,
            "shown": self.shown,
            "overall": self.overall,
            "rest_overall": self.rest_overall,
            "organization": self.organization,
            "elements": [c.to_dict() for c in self.cells],
        }


@dataclass(frozen=True, slots=True)
class PooledCell:
    """Everyone outside the shown teams in one element; ``score`` null below the minimum."""

    n: int
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape ``{"n", "score"}``."""
        return {"n": self.n, "score": self.score}


@dataclass(frozen=True, slots=True)
class TeamCuts:
    """Every team's figures for one assessment, with the differencing protection applied."""

    by: str
    """The respondent field the cut is by (``team``)."""
    min_group_size: int
    elements: tuple[str, ...]
    organization: tuple[float | None, ...]
    """Everyone's practice score per element (the results' ``practice``)."""
    teams: tuple[TeamResult, ...]
    pooled: tuple[PooledCell, ...]
    unassigned: int
    """Respondents with answers and no team."""
    fdr: float = 0.05

    def team(self, name: str) -> TeamResult | None:
        """The team called ``name``, or None."""
        return next((t for t in self.teams if t.name == name), None)

    @property
    def shown_teams(self) -> tuple[TeamResult, ...]:
        """Teams with at least one shown element."""
        return tuple(t for t in self.teams if t.shown)

    def to_dict(self) -> dict[str, Any]:
        """The ``teams`` document of the API and the results export."""
        return {
            "by": self.by,
            "min_group_size": self.min_group_size,
            "fdr": self.fdr,
            "elements": list(self.elements),
            "organization": list(self.organization),
            "unassigned": self.unassigned,
            "teams": [t.to_dict() for t in self.teams],
            "pooled": [p.to_dict() for p in self.pooled],
        }
