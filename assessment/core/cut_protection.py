"""Protection of team figures against differencing (``docs/scoring.md``, "Team cuts").

An element's figures by role (everyone, each shown role, leadership, frontline) and its
figures by team (each shown team, and the leadership and frontline of a team whose gap is
shown) slice the same respondents two ways.  Hiding a small team is not enough: the hidden
team is everyone − the shown teams, and crossing the two slicings opens more doors (the
organization's leadership − a team's leadership − the pooled small teams …).

:func:`plan_cut` decides, per element and from counts alone, which teams and which team
gaps an element shows:

1. a team below the minimum is hidden; when the hidden teams and the respondents without a
   team add up to between 1 and minimum − 1 people, the smallest shown teams are hidden
   too (complementary suppression) until that pool reaches the minimum;
2. a shown team's gap is shown when its leadership and its frontline each reach the
   minimum and its other roles are none or at least the minimum;
3. an exact check (:func:`find_leak`) then looks for any group of 1 … minimum − 1 people
   that the shown figures still isolate; while there is one, the gap of a team involved is
   withdrawn, or else the smallest team involved is hidden.  Each step withdraws a figure,
   and with no team shown only the role figures remain, which the role protection
   (:mod:`assessment.core.protection`) already made safe, so the loop ends safe.

Why the check is exact.  Cut the respondents into *cells*: (row, column) where a row is a
shown team (or, for a team whose gap is shown, its leadership, its frontline and its other
roles separately) or the pool of everyone else, and a column is a role shown on its own,
or the withheld rest of leadership, of frontline, or of everyone.  Every shown figure is a
sum over a whole row or a union of whole columns (the pool is everyone − the shown teams),
so what an attacker can compute is ``Σ_cells (x_column + y_row) · cell`` for any numbers
``x`` and ``y``.  That isolates a group exactly when every coefficient is 0 or 1.  In a
bipartite graph of rows and columns (a cell is an edge) such coefficients are potential
differences; cutting the potential at one level shows that a small group exists if and only
if there is a set ``Z`` of columns for which the people of ``Z`` who sit in rows not wholly
inside ``Z`` number between 1 and minimum − 1 (every row has at least the minimum, so
leaving a row wholly inside ``Z`` out of the count never gives a smaller non-empty group).
The number of columns is at most the number of roles, so all sets ``Z`` are tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

LEADERSHIP, FRONTLINE, OTHER = "L", "F", "O"
POOL = ""
"""The row of everyone not in a shown team (hidden teams and respondents without one)."""
MAX_COLUMNS = 16
"""Above this many column classes the exact check would try too many sets: no team shows."""

REASON_SMALL = "small"
"""Fewer respondents than the minimum group size."""
REASON_PROTECTION = "protection"
"""At least the minimum, withheld so that a smaller group cannot be recovered."""


@dataclass(frozen=True, slots=True)
class CutLayout:
    """One element's respondents (kept by the role protection) by team and role.

    ``cells`` maps (team, role) to a count; team ``""`` is nobody's team.  ``column`` names
    each role's column class (a role shown on its own, or the withheld rest of leadership,
    frontline or everyone) and ``side`` each role's side (L, F or O).  ``split`` says
    whether the organization shows leadership and frontline at all (a team gap needs both).
    """

    cells: Mapping[tuple[str, str], int]
    column: Mapping[str, str]
    side: Mapping[str, str]
    split: bool


@dataclass(frozen=True, slots=True)
class CutPlan:
    """What an element shows by team.

    ``shown``: teams with figures; ``split``: shown teams whose leadership, frontline and
    gap are shown; ``reasons``: why each other team is hidden (``small`` or
    ``protection``); ``gap_reasons``: why each shown team's gap is not shown.
    """

    shown: frozenset[str] = frozenset()
    split: frozenset[str] = frozenset()
    reasons: Mapping[str, str] = field(default_factory=dict)
    gap_reasons: Mapping[str, str] = field(default_factory=dict)
    pool: int = 0
    """People outside the shown teams (shown as "other teams" when at least the minimum)."""


def plan_cut(layout: CutLayout, mgs: int) -> CutPlan:
    """Decide which teams and team gaps an element shows (rules 1–3 above)."""
    teams: dict[str, int] = {}
    unassigned = 0
    for (team, _role), n in layout.cells.items():
        if n <= 0:
            continue
        if team == POOL:
            unassigned += n
        else:
            teams[team] = teams.get(team, 0) + n
    reasons = {t: REASON_SMALL for t, n in teams.items() if n < mgs}
    shown = {t for t, n in teams.items() if n >= mgs}
    pool = unassigned + sum(teams[t] for t in reasons)
    by_size = sorted(shown, key=lambda t: (teams[t], t))
    while 0 < pool < mgs and by_size:
        t = by_size.pop(0)
        shown.discard(t)
        reasons[t] = REASON_PROTECTION
        pool += teams[t]
    if len({layout.column[r] for (_t, r), n in layout.cells.items() if n > 0}) > MAX_COLUMNS:
        for t in shown:
            reasons[t] = REASON_PROTECTION
        return CutPlan(reasons=reasons, pool=sum(teams.values()) + unassigned)
    split: set[str] = set()
    gap_reasons: dict[str, str] = {}
    by_side = _sides(layout)
    for t in shown:
        sides = by_side[t]
        ok = (
            layout.split
            and sides[LEADERSHIP] >= mgs
            and sides[FRONTLINE] >= mgs
            and (sides[OTHER] == 0 or sides[OTHER] >= mgs)
        )
        if ok:
            split.add(t)
        else:
            gap_reasons[t] = REASON_SMALL
    while shown:
        leak = find_leak(layout, mgs, shown, split)
        if leak is None:
            break
        # Rows wholly inside the leak's columns are what gets subtracted: withdrawing
        # their split (or their team) usually closes it; the exposed rows come second.
        inside, exposed = (sorted(g, key=lambda t: (teams[t], t)) for g in leak)
        splits = [t for t in (*inside, *exposed) if t in split]
        if splits:
            split.discard(splits[0])
            gap_reasons[splits[0]] = REASON_PROTECTION
            continue
        victim = next((t for t in (*inside, *exposed) if t in shown), None)
        if victim is None:  # pragma: no cover - a leak always involves a shown row
            victim = min(shown, key=lambda t: (teams[t], t))
        shown.discard(victim)
        gap_reasons.pop(victim, None)
        reasons[victim] = REASON_PROTECTION
        pool += teams[victim]
    return CutPlan(
        shown=frozenset(shown),
        split=frozenset(split),
        reasons=reasons,
        gap_reasons={t: r for t, r in gap_reasons.items() if t in shown},
        pool=pool,
    )


def _sides(layout: CutLayout) -> dict[str, dict[str, int]]:
    """Each team's people on the leadership, frontline and other side."""
    out: dict[str, dict[str, int]] = {}
    for (t, role), n in layout.cells.items():
        if n > 0:
            sides = out.setdefault(t, {LEADERSHIP: 0, FRONTLINE: 0, OTHER: 0})
            sides[layout.side[role]] += n
    return out


def _rows(
    layout: CutLayout, shown: frozenset[str] | set[str], split: frozenset[str] | set[str]
) -> tuple[list[str], list[str], np.ndarray]:
    """Row labels (their teams), column classes and the rows × columns count matrix."""
    columns = sorted({layout.column[r] for (_t, r), n in layout.cells.items() if n > 0})
    col_index = {c: i for i, c in enumerate(columns)}
    row_index: dict[tuple[str, str], int] = {}
    counts: list[list[int]] = []
    owners: list[str] = []
    for (team, role), n in sorted(layout.cells.items()):
        if n <= 0:
            continue
        if team not in shown:
            key = (POOL, "")
        elif team in split:
            key = (team, layout.side[role])
        else:
            key = (team, "")
        i = row_index.get(key)
        if i is None:
            i = row_index[key] = len(counts)
            counts.append([0] * len(columns))
            owners.append(key[0])
        counts[i][col_index[layout.column[role]]] += n
    return owners, columns, np.array(counts, dtype=np.int64).reshape(len(counts), len(columns))


def find_leak(
    layout: CutLayout,
    mgs: int,
    shown: frozenset[str] | set[str],
    split: frozenset[str] | set[str] = frozenset(),
) -> tuple[set[str], set[str]] | None:
    """A group of 1 … ``mgs`` − 1 people the figures isolate, or None when there is none.

    Tries every set ``Z`` of column classes (see the module docstring): the people of ``Z``
    in rows not wholly inside ``Z`` are a group the shown figures isolate.  Returns the
    teams of the rows wholly inside ``Z`` (whose figures, subtracted from the columns',
    leave the group) and the teams the group's people are in.
    """
    if not shown:
        return None
    owners, _columns, m = _rows(layout, shown, split)
    k = m.shape[1]
    if k < 2:
        return None
    masks = ((np.arange(1, 2**k - 1)[:, None] >> np.arange(k)) & 1).astype(bool)
    present = m > 0
    outside = (~masks).astype(np.int64) @ present.T.astype(np.int64) > 0  # row not inside Z
    in_z = masks.astype(np.int64) @ m.T  # people of each row in Z's columns
    exposed = np.where(outside, in_z, 0)
    size = exposed.sum(axis=1)
    bad = np.flatnonzero((size > 0) & (size < mgs))
    if bad.size == 0:
        return None
    z = bad[0]
    inside = {owners[i] for i in np.flatnonzero(~outside[z]).tolist()} - {POOL}
    group = {owners[i] for i in np.flatnonzero(exposed[z] > 0).tolist()} - {POOL}
    return inside, group


def role_columns(
    roles: Sequence[str],
    shown_roles: Sequence[str],
    leadership: Sequence[str],
    frontline: Sequence[str],
    leadership_shown: bool,
    frontline_shown: bool,
) -> dict[str, str]:
    """Each role's column class given what the organization's figures show by role."""
    out = {}
    for r in roles:
        if r in shown_roles:
            out[r] = "role:" + r
        elif r in leadership and leadership_shown:
            out[r] = "rest:" + LEADERSHIP
        elif r in frontline and frontline_shown:
            out[r] = "rest:" + FRONTLINE
        else:
            out[r] = "rest:" + OTHER
    return out


def role_sides(
    roles: Sequence[str], leadership: Sequence[str], frontline: Sequence[str]
) -> dict[str, str]:
    """Each role's side: leadership, frontline or other."""
    return {
        r: LEADERSHIP if r in leadership else FRONTLINE if r in frontline else OTHER for r in roles
    }
