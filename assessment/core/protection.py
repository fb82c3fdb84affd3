"""Protection against differencing: no shown figure may isolate a group below the minimum size.

An element shows figures for everyone, for each role, for leadership (a union of roles) and
for frontline.  Because these groups nest, suppressing a small group's own score is not
enough: "everyone − leadership − frontline" would leave, e.g., the one sales-ops
respondent.  :func:`protect` decides, per element and from the role sizes alone, what to
withhold so that every group an attacker can isolate by adding and subtracting shown
figures has at least the minimum size (or is empty):

1. Within leadership and within frontline (each a union of roles): when the union is
   shown (size ≥ minimum) but its roles below the minimum add up to fewer than the
   minimum, the smallest shown sibling roles are *hidden* too (complementary suppression)
   until the withheld part of the union reaches the minimum.  The union keeps its score.
2. What remains once shown roles and shown unions are subtracted is the *residual*: the
   roles below the minimum outside leadership and frontline, plus every role of a union
   that is itself below the minimum.  When the residual has between 1 and minimum − 1
   respondents and something else is shown, they are *left out* of every figure of the
   element (scores, per-question figures, KPI medians, intervals, reliability); a residual
   of at least the minimum stays in the everyone figures, where subtracting isolates no
   fewer people than the minimum, and so does a residual that is everyone (nothing is
   shown to subtract it from: the element score is then the only figure, as it always was
   for a lone respondent).

The rule looks at leadership and frontline separately, so a small role outside them (one
sales-ops respondent) never costs the leadership–frontline comparison, and respondents
added to one side never change what the other side shows.  ``docs/scoring.md`` argues
that the derivable groups are then unions of pieces of at least the minimum size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from assessment.core.results import Protection


def protect(
    sizes: Mapping[str, int],
    min_group_size: int,
    roles: Sequence[str],
    leadership: Sequence[str],
    frontline: Sequence[str],
) -> Protection:
    """What an element withholds, given each role's size (respondents with a practice answer)."""
    return _protect(
        tuple(sizes.get(r, 0) for r in roles),
        min_group_size,
        tuple(roles),
        tuple(leadership),
        tuple(frontline),
    )


@lru_cache(maxsize=512)
def _protect(
    sizes: tuple[int, ...],
    mgs: int,
    roles: tuple[str, ...],
    leadership: tuple[str, ...],
    frontline: tuple[str, ...],
) -> Protection:
    size = dict(zip(roles, sizes, strict=True))
    hidden: list[str] = []
    residual: list[str] = []
    for family in (leadership, frontline):
        members = [r for r in roles if r in family and size[r] > 0]
        total = sum(size[r] for r in members)
        if total == 0:
            continue
        if total < mgs:
            residual.extend(members)
            continue
        withheld = sum(size[r] for r in members if size[r] < mgs)
        if 0 < withheld < mgs:
            shown = sorted(
                (r for r in members if size[r] >= mgs), key=lambda r: (size[r], roles.index(r))
            )
            for r in shown:
                hidden.append(r)
                withheld += size[r]
                if withheld >= mgs:
                    break
    residual.extend(
        r for r in roles if r not in leadership and r not in frontline and 0 < size[r] < mgs
    )
    left_out = sum(size[r] for r in residual)
    if not 0 < left_out < mgs or left_out == sum(sizes):
        # A residual of at least the minimum is a group like any shown one; a residual that
        # is everyone is the everyone figure itself, with nothing to subtract it from.
        residual, left_out = [], 0
    order = {r: i for i, r in enumerate(roles)}
    return Protection(
        left_out_roles=tuple(sorted(residual, key=order.__getitem__)),
        hidden_roles=tuple(sorted(hidden, key=order.__getitem__)),
        left_out=left_out,
    )
