"""Team figures never let anyone recover a hidden team, or any group below the minimum size.

The attacker holds every figure an element shows: everyone, each shown role, leadership and
frontline (the role figures of method 2), each shown team, and the leadership and frontline
of each team whose gap is shown.  Respondents in one (team, role) cell are alike to every
figure, so what the attacker can isolate is a union of cells whose indicator is a linear
combination of the shown groups' indicators.  ``small_groups`` finds every such union of
fewer than the minimum (by exact linear algebra, independent of the module under test).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.core.cut_protection import (
    REASON_PROTECTION,
    REASON_SMALL,
    CutLayout,
    CutPlan,
    find_leak,
    plan_cut,
    role_columns,
    role_sides,
)
from assessment.core.model import ROLE_IDS
from assessment.core.protection import protect

LEAD = ("executive", "sales_manager")
FRONT = ("sales_rep",)

Cells = dict[tuple[str, str], int]


def org_view(cells: Cells, mgs: int) -> tuple[Cells, CutLayout, list[set[str]]]:
    """Apply the role protection: the kept cells, the layout and the shown role groups."""
    sizes = {r: sum(n for (_t, role), n in cells.items() if role == r) for r in ROLE_IDS}
    p = protect(sizes, mgs, ROLE_IDS, LEAD, FRONT)
    kept = {k: n for k, n in cells.items() if n > 0 and k[1] not in p.left_out_roles}
    kept_sizes = {r: (0 if r in p.left_out_roles else n) for r, n in sizes.items()}
    shown_roles = [r for r in ROLE_IDS if kept_sizes[r] >= mgs and r not in p.hidden_roles]
    lead_shown = sum(kept_sizes[r] for r in LEAD) >= mgs
    front_shown = sum(kept_sizes[r] for r in FRONT) >= mgs
    groups: list[set[str]] = [{r for r in ROLE_IDS if kept_sizes[r] > 0}]
    groups += [{r} for r in shown_roles]
    if lead_shown:
        groups.append(set(LEAD))
    if front_shown:
        groups.append(set(FRONT))
    layout = CutLayout(
        cells=kept,
        column=role_columns(ROLE_IDS, shown_roles, LEAD, FRONT, lead_shown, front_shown),
        side=role_sides(ROLE_IDS, LEAD, FRONT),
        split=lead_shown and front_shown,
    )
    return kept, layout, groups


def shown_vectors(
    kept: Cells, role_groups: list[set[str]], shown: set[str], split: set[str]
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The atoms (cells) and one 0/1 row per shown group over them."""
    atoms = sorted(k for k, n in kept.items() if n > 0)
    rows = [[float(role in g) for _t, role in atoms] for g in role_groups]
    for team in shown:
        rows.append([float(t == team) for t, _r in atoms])
    for team in split:
        for side in (LEAD, FRONT):
            rows.append([float(t == team and r in side) for t, r in atoms])
    return atoms, np.array(rows).reshape(len(rows), len(atoms))


def _in_span(basis: np.ndarray, v: np.ndarray) -> bool:
    residual = v - basis.T @ (basis @ v)
    return bool(np.abs(residual).max() < 1e-8)


def small_groups(
    kept: Cells, role_groups: list[set[str]], shown: set[str], split: set[str], mgs: int
) -> Iterator[tuple[tuple[str, str], ...]]:
    """Unions of 1 … mgs − 1 people that the shown figures isolate."""
    atoms, rows = shown_vectors(kept, role_groups, shown, split)
    if not rows.size:
        return
    _u, s, vt = np.linalg.svd(rows, full_matrices=False)
    basis = vt[s > 1e-9 * s.max()]
    small = [i for i, a in enumerate(atoms) if kept[a] < mgs]
    for k in range(1, min(mgs, len(atoms))):  # everyone is shown, whatever its size
        for subset in itertools.combinations(small, k):
            people = sum(kept[atoms[i]] for i in subset)
            if 0 < people < mgs:
                v = np.zeros(len(atoms))
                v[list(subset)] = 1.0
                if _in_span(basis, v):
                    yield tuple(atoms[i] for i in subset)


def cells_of(spec: Mapping[str, Mapping[str, int]]) -> Cells:
    return {(t, r): n for t, roles in spec.items() for r, n in roles.items()}


def naive_plan(layout: CutLayout, mgs: int) -> CutPlan:
    """Hide what is below the minimum and nothing else (what the protection prevents)."""
    teams: dict[str, int] = {}
    for (t, _r), n in layout.cells.items():
        if t:
            teams[t] = teams.get(t, 0) + n
    shown = {t for t, n in teams.items() if n >= mgs}
    return CutPlan(
        shown=frozenset(shown), reasons={t: REASON_SMALL for t in teams if t not in shown}
    )


# --- the rules on the cases they were written for -------------------------------------


def test_one_small_team_takes_the_next_smallest_with_it() -> None:
    """Team C (2) is hidden; everyone − A − B would be C, so B (4) is hidden too."""
    kept, layout, groups = org_view(
        cells_of({"A": {"sales_rep": 5}, "B": {"sales_rep": 4}, "C": {"sales_rep": 2}}), 3
    )
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A"}
    assert plan.reasons == {"C": REASON_SMALL, "B": REASON_PROTECTION}
    assert plan.pool == 6
    assert list(small_groups(kept, groups, set(plan.shown), set(plan.split), 3)) == []
    naive = naive_plan(layout, 3)
    assert list(small_groups(kept, groups, set(naive.shown), set(), 3)) == [(("C", "sales_rep"),)]


def test_respondents_without_a_team_count_in_the_pool() -> None:
    kept, layout, groups = org_view(
        cells_of({"A": {"sales_rep": 5}, "B": {"sales_rep": 4}, "": {"sales_rep": 1}}), 3
    )
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A"} and plan.reasons == {"B": REASON_PROTECTION}
    assert list(small_groups(kept, groups, set(naive_plan(layout, 3).shown), set(), 3)) == [
        (("", "sales_rep"),)
    ]


def test_a_pool_of_at_least_the_minimum_costs_no_team() -> None:
    _, layout, _ = org_view(
        cells_of(
            {
                "A": {"sales_rep": 5},
                "B": {"sales_rep": 4},
                "C": {"sales_rep": 3},
                "": {"sales_rep": 3},
            }
        ),
        3,
    )
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A", "B", "C"} and plan.reasons == {}


def test_crossing_roles_and_teams_is_caught_by_the_exact_check() -> None:
    """Rules 1 and 2 are not enough.  The pool (three managers without a team) sits wholly
    in the withheld rest of leadership, so leadership − pool = team A's one executive; the
    exact check finds it and hides a team."""
    cells = cells_of(
        {
            "A": {"executive": 1, "sales_rep": 5},
            "B": {"sales_rep": 10},
            "": {"sales_manager": 3},
        }
    )
    kept, layout, groups = org_view(cells, 3)
    assert layout.column["executive"] == layout.column["sales_manager"] == "rest:L"
    assert list(small_groups(kept, groups, {"A", "B"}, set(), 3)) == [(("A", "executive"),)]
    assert find_leak(layout, 3, {"A", "B"}) is not None
    plan = plan_cut(layout, 3)
    assert len(plan.shown) == 1 and REASON_PROTECTION in plan.reasons.values()
    assert list(small_groups(kept, groups, set(plan.shown), set(plan.split), 3)) == []


def test_a_team_gap_is_withdrawn_when_leadership_elsewhere_would_show() -> None:
    """A shows its gap (5 leaders); B's one leader would be leadership − A's leadership."""
    cells = cells_of(
        {
            "A": {"sales_manager": 5, "sales_rep": 6},
            "B": {"sales_manager": 1, "sales_rep": 10},
        }
    )
    kept, layout, groups = org_view(cells, 3)
    assert list(small_groups(kept, groups, {"A", "B"}, {"A"}, 3))
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A", "B"} and plan.split == frozenset()
    assert plan.gap_reasons["A"] == REASON_PROTECTION and plan.gap_reasons["B"] == REASON_SMALL
    assert list(small_groups(kept, groups, set(plan.shown), set(plan.split), 3)) == []


def test_team_gaps_show_when_every_part_is_large_enough() -> None:
    cells = cells_of(
        {
            "A": {"executive": 3, "sales_manager": 3, "sales_rep": 8},
            "B": {"sales_manager": 4, "sales_rep": 9},
        }
    )
    kept, layout, groups = org_view(cells, 3)
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A", "B"} and plan.split == {"A", "B"}
    assert list(small_groups(kept, groups, {"A", "B"}, {"A", "B"}, 3)) == []


def test_a_team_leadership_crossed_with_a_shown_role() -> None:
    """Executives (3, all in A) and managers (6) are shown organization-wide.  A's
    leadership − executives = A's 2 managers, and managers − B's leadership (its 4
    managers) = A's 2 managers again: neither team gap can be shown."""
    cells = cells_of(
        {
            "A": {"executive": 3, "sales_manager": 2, "sales_rep": 8},
            "B": {"sales_manager": 4, "sales_rep": 9},
        }
    )
    kept, layout, groups = org_view(cells, 3)
    for split in ({"A"}, {"B"}):
        assert list(small_groups(kept, groups, {"A", "B"}, split, 3)) == [(("A", "sales_manager"),)]
    plan = plan_cut(layout, 3)
    assert plan.shown == {"A", "B"} and plan.split == frozenset()
    assert plan.gap_reasons == {"A": REASON_PROTECTION, "B": REASON_PROTECTION}
    assert list(small_groups(kept, groups, set(plan.shown), set(plan.split), 3)) == []


def test_other_roles_below_the_minimum_keep_a_team_gap_hidden() -> None:
    """A team's leadership + frontline + others: with 1 sales-ops person in the team,
    team − team leadership − team frontline would be that person."""
    cells = cells_of(
        {
            "A": {"sales_manager": 4, "sales_rep": 6, "sales_ops": 1},
            "B": {"sales_manager": 4, "sales_rep": 6, "sales_ops": 3},
        }
    )
    _, layout, _ = org_view(cells, 3)
    plan = plan_cut(layout, 3)
    assert "A" not in plan.split and plan.gap_reasons["A"] == REASON_SMALL


# --- every layout ----------------------------------------------------------------------

TEAMS = ("", "A", "B", "C")


@st.composite
def layouts(draw: st.DrawFn) -> tuple[Cells, int]:
    mgs = draw(st.integers(1, 4))
    cells: Cells = {}
    for team in TEAMS:
        for role in ROLE_IDS:
            n = draw(st.sampled_from((0, 0, 0, 1, 2, 3, 4, 6)))
            if n:
                cells[(team, role)] = n
    return cells, mgs


@settings(max_examples=300, deadline=None)
@given(layouts())
def test_plan_leaves_no_derivable_small_group(case: tuple[Cells, int]) -> None:
    cells, mgs = case
    kept, layout, groups = org_view(cells, mgs)
    plan = plan_cut(layout, mgs)
    assert list(small_groups(kept, groups, set(plan.shown), set(plan.split), mgs)) == []
    teams = {t: sum(n for (tt, _r), n in kept.items() if tt == t) for t in TEAMS if t}
    for team, n in teams.items():
        if 0 < n < mgs:
            assert plan.reasons.get(team) == REASON_SMALL and team not in plan.shown
        if team in plan.shown:
            assert n >= mgs
    assert plan.pool == 0 or plan.pool >= mgs or not plan.shown


@settings(max_examples=300, deadline=None)
@given(layouts(), st.data())
def test_the_exact_check_agrees_with_linear_algebra(
    case: tuple[Cells, int], data: st.DataObject
) -> None:
    """For any choice of shown teams and gaps whose rows reach the minimum, ``find_leak``
    finds a leak exactly when the brute-force attacker does."""
    cells, mgs = case
    kept, layout, groups = org_view(cells, mgs)
    size: dict[str, dict[str, int]] = {}
    for (t, r), n in kept.items():
        side = "L" if r in LEAD else "F" if r in FRONT else "O"
        size.setdefault(t, {"L": 0, "F": 0, "O": 0})[side] += n
    eligible = [t for t in TEAMS if t and sum(size.get(t, {}).values()) >= mgs]
    shown = set(data.draw(st.sets(st.sampled_from(eligible))) if eligible else set())
    pool = sum(n for (t, _r), n in kept.items() if t not in shown)
    if 0 < pool < mgs:
        return  # rule 1 never leaves such a pool; the criterion assumes rows of the minimum
    splittable = sorted(
        t
        for t in shown
        if layout.split
        and size[t]["L"] >= mgs
        and size[t]["F"] >= mgs
        and (size[t]["O"] == 0 or size[t]["O"] >= mgs)
    )
    split = set(data.draw(st.sets(st.sampled_from(splittable))) if splittable else set())
    brute = list(small_groups(kept, groups, shown, split, mgs))
    assert (find_leak(layout, mgs, shown, split) is not None) == bool(brute)
