"""Team figures: definitions, the differencing attacker on real scores, and the tests' error
rates by simulation (``docs/scoring.md``, "Team cuts")."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from assessment.core import cuts
from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.cut_protection import REASON_PROTECTION, REASON_SMALL, CutPlan
from assessment.core.cuts import benjamini_hochberg, team_cuts
from assessment.core.loader import find_questionnaire, load_questionnaire_text
from assessment.core.model import Questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from tests.core.populations import (
    AGREE5_YAML,
    POPULATIONS,
    ROLES_YAML,
    simulation_questionnaire,
)

ONE_YAML = (
    """
id: one
version: "1"
title: One question per element
"""
    + ROLES_YAML
    + """levels:
  - {level: 1, name: Low, min: 0}
"""
    + AGREE5_YAML
    + """elements:
  - id: one
    title: One question (group scores are plain means, the attacker's best case)
    levels: {1: low}
    questions:
      - {id: one.q, type: likert, scale: agree5, text: Q}
"""
)

LIKERT = ["sd", "d", "n", "a", "sa"]


@pytest.fixture(scope="module")
def one_q() -> Questionnaire:
    return load_questionnaire_text(ONE_YAML, "one.yaml")


@pytest.fixture(scope="module")
def standard() -> Questionnaire:
    return find_questionnaire("sales-org-health")


def _opt(v: str) -> Answer:
    return Answer(AnswerKind.OPTION, v)


def _people(spec: list[tuple[str, str, list[str]]]) -> list[Respondent]:
    """(team, role, answers to one.q) → respondents."""
    out = []
    for team, role, values in spec:
        for v in values:
            out.append(
                Respondent(
                    f"{team or 'x'}{role[:3]}{len(out)}", role, {"one.q": _opt(v)}, team=team
                )
            )
    return out


# --- the figures are the definitions ---------------------------------------------------


def test_team_figures_equal_scoring_the_team_alone(standard: Questionnaire) -> None:
    people = [
        replace(p, team=f"T{i % 4}") for i, p in enumerate(synthetic_respondents(standard, 120))
    ]
    results = score(standard, people, intervals=False)
    c = team_cuts(standard, people, results)
    assert [t.name for t in c.teams] == ["T0", "T1", "T2", "T3"]
    assert c.organization == tuple(el.practice for el in results.elements)
    for team in c.teams:
        members = [p for p in people if p.team == team.name]
        others = [p for p in people if p.team != team.name]
        alone = score(standard, members, min_group_size=1, intervals=False)
        rest = score(standard, others, min_group_size=1, intervals=False)
        for ei, cell in enumerate(team.cells):
            el = results.elements[ei]
            assert not cell.suppressed
            if el.protection.left_out:
                continue  # the organization leaves someone out; scoring alone would not
            assert cell.n == sum(alone.elements[ei].roles[r].n for r in standard.role_ids)
            assert cell.score == pytest.approx(alone.elements[ei].practice)
            assert cell.rest == pytest.approx(rest.elements[ei].practice)
            assert cell.score is not None and cell.rest is not None
            assert cell.difference == pytest.approx(cell.score - cell.rest)


def test_team_versus_rest_p_is_the_pooled_t_test_on_respondent_element_scores(
    one_q: Questionnaire,
) -> None:
    spec = [
        ("A", "sales_rep", ["sa", "a", "a", "sa", "n"]),
        ("B", "sales_rep", ["d", "n", "sd", "d", "n", "a"]),
        ("", "sales_rep", ["n", "n", "a"]),
    ]
    people = _people(spec)
    c = team_cuts(one_q, people, score(one_q, people))
    a = c.team("A")
    assert a is not None
    norm = {v: i / 4 for i, v in enumerate(LIKERT)}
    team = np.array([100 * norm[v] for v in spec[0][2]])
    rest = np.array([100 * norm[v] for v in spec[1][2] + spec[2][2]])
    expected = sps.ttest_ind(team, rest).pvalue
    assert a.cells[0].p == pytest.approx(expected)
    assert a.cells[0].score == pytest.approx(team.mean()) and a.cells[0].rest == pytest.approx(
        rest.mean()
    )
    assert (
        c.unassigned == 3
        and c.pooled[0].n == 3
        and c.pooled[0].score == pytest.approx(100 * np.mean([norm[v] for v in spec[2][2]]))
    )


def test_team_gap_is_the_pooled_t_test_on_comparable_scores(standard: Questionnaire) -> None:
    people = synthetic_respondents(
        standard, 90, mix={"executive": 2, "sales_manager": 2, "sales_rep": 5}, seed=5
    )
    people = [replace(p, team="North" if i % 2 else "South") for i, p in enumerate(people)]
    results = score(standard, people, intervals=False)
    c = team_cuts(standard, people, results)
    north = c.team("North")
    assert north is not None
    for ei, cell in enumerate(north.cells):
        assert cell.gap is not None and cell.gap_p is not None
        members = [p for p in people if p.team == "North"]
        alone = score(standard, members, min_group_size=1, intervals=False).elements[ei]
        if alone.gap_items == results.elements[ei].gap_items:
            assert cell.gap == pytest.approx(alone.gap)
            lead, front = _comparable_scores(standard, members, ei)
            assert cell.gap_p == pytest.approx(sps.ttest_ind(lead, front).pvalue)
        assert cell.leadership_n + cell.frontline_n == cell.n


def _comparable_scores(
    q: Questionnaire, people: list[Respondent], ei: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each leader's and frontline member's comparable score, computed by hand."""
    el = q.elements[ei]
    items = [
        qu
        for qu in el.questions
        if qu.type in ("likert", "choice", "yes_no")
        and set(qu.roles) & set(q.leadership_roles)
        and set(qu.roles) & set(q.frontline_roles)
    ]
    out: dict[str, list[float]] = {"L": [], "F": []}
    for p in people:
        num = den = 0.0
        for qu in items:
            a = p.answers.get(qu.id)
            if a is None or a.kind is not AnswerKind.OPTION:
                continue
            lo, hi = qu.score_bounds
            option = next(o for o in qu.options or () if o.value == a.value)
            num += qu.weight * (option.score - lo) / (hi - lo)
            den += qu.weight
        if den:
            side = (
                "L" if p.role in q.leadership_roles else "F" if p.role in q.frontline_roles else ""
            )
            if side:
                out[side].append(100 * num / den)
    return np.array(out["L"]), np.array(out["F"])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 100).map(float), min_size=0, max_size=12),
    st.lists(st.integers(0, 100).map(float), min_size=0, max_size=12),
)
def test_vectorised_t_test_equals_scipy(a: list[float], b: list[float]) -> None:
    values = np.array(a + b)
    first = np.zeros((len(values), 1), dtype=bool)
    first[: len(a), 0] = True
    p = cuts.t_pairs(values, first, ~first)[0]
    if len(a) < 2 or len(b) < 2:
        assert np.isnan(p)
    elif np.var(a) == 0 and np.var(b) == 0:
        assert p == (1.0 if np.mean(a) == np.mean(b) else 0.0)
    else:
        assert p == pytest.approx(sps.ttest_ind(a, b).pvalue, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30))
def test_benjamini_hochberg_is_monotone_and_at_least_p(p: list[float]) -> None:
    q = benjamini_hochberg(p)
    assert all(qi >= pi - 1e-12 and qi <= 1.0 for qi, pi in zip(q, p, strict=True))
    order = np.argsort(p, kind="stable")
    sorted_q = np.array(q)[order]
    assert np.all(np.diff(sorted_q) >= -1e-12)
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.2]) == pytest.approx(
        [0.04, 0.16 / 3, 0.16 / 3, 0.2]
    )


# --- the attacker on real scores -------------------------------------------------------


def _aggregates(doc: dict[str, Any], results_doc: dict[str, Any]) -> list[tuple[str, int, float]]:
    """(label, people, sum of normalized answers) read off the documents: with one question,
    every score is 100 × the group's mean."""
    qx = results_doc["elements"][0]["questions"][0]
    out = [("everyone", qx["answered"], qx["mean"] * qx["answered"])]
    for role, g in results_doc["elements"][0]["roles"].items():
        if g["score"] is not None:
            out.append((role, g["n"], g["score"] / 100 * g["n"]))
    for team in doc["teams"]:
        cell = team["elements"][0]
        if cell["score"] is not None:
            out.append((team["name"], cell["n"], cell["score"] / 100 * cell["n"]))
            out.append(
                ("rest of " + team["name"], cell["rest_n"], cell["rest"] / 100 * cell["rest_n"])
            )
    pooled = doc["pooled"][0]
    if pooled["score"] is not None:
        out.append(("other teams", pooled["n"], pooled["score"] / 100 * pooled["n"]))
    return out


def _documents(q: Questionnaire, people: list[Respondent]) -> list[tuple[str, int, float]]:
    results = score(q, people)
    return _aggregates(team_cuts(q, people, results).to_dict(), results.to_dict(explain=True))


def _recovered(q: Questionnaire, small: str) -> list[str]:
    """±1 combinations of the shown figures that equal team ``small``'s two answers in two
    datasets that differ only in those answers."""
    base = [
        ("A", "sales_rep", ["a", "n", "sa", "d", "a"]),
        ("B", "sales_rep", ["n", "d", "d", "a"]),
    ]
    real = _documents(q, _people([*base, (small, "sales_rep", ["sd", "d"])]))
    varied = _documents(q, _people([*base, (small, "sales_rep", ["sa", "sa"])]))
    assert [x[0] for x in real] == [x[0] for x in varied]
    truth = (0.0 + 0.25, 2.0)
    found = []
    for coefs in itertools.product((-1, 0, 1), repeat=len(real)):
        people = sum(c * n for c, (_, n, _) in zip(coefs, real, strict=True))
        if not 0 < people < 3:
            continue
        x = sum(c * s for c, (_, _, s) in zip(coefs, real, strict=True))
        y = sum(c * s for c, (_, _, s) in zip(coefs, varied, strict=True))
        if abs(x - truth[0]) < 1e-9 and abs(y - truth[1]) < 1e-9:
            found.append(
                " ".join(f"{c:+d}·{lbl}" for c, (lbl, _, _) in zip(coefs, real, strict=True) if c)
            )
    return found


def test_the_attacker_cannot_recover_a_hidden_team(one_q: Questionnaire) -> None:
    """Teams A (5), B (4) and C (2): C is hidden, and so is B, or everyone − A − B = C."""
    people = _people(
        [
            ("A", "sales_rep", ["a", "n", "sa", "d", "a"]),
            ("B", "sales_rep", ["n", "d", "d", "a"]),
            ("C", "sales_rep", ["sd", "d"]),
        ]
    )
    c = team_cuts(one_q, people, score(one_q, people))
    a, b, small = c.team("A"), c.team("B"), c.team("C")
    assert a is not None and b is not None and small is not None
    assert a.cells[0].score is not None
    assert b.cells[0].suppressed and b.cells[0].reason == REASON_PROTECTION
    assert small.cells[0].suppressed and small.cells[0].reason == REASON_SMALL
    assert c.pooled[0].n == 6 and c.pooled[0].score is not None  # B and C together
    assert _recovered(one_q, "C") == []
    assert _recovered(one_q, "") == []  # two respondents without a team, likewise


def test_the_attacker_succeeds_without_the_protection(
    one_q: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    def naive(layout: Any, mgs: int) -> CutPlan:
        teams: dict[str, int] = {}
        for (t, _r), n in layout.cells.items():
            if t:
                teams[t] = teams.get(t, 0) + n
        return CutPlan(shown=frozenset(t for t, n in teams.items() if n >= mgs))

    monkeypatch.setattr(cuts, "plan_cut", naive)
    found = _recovered(one_q, "C")
    assert "+1·everyone -1·A -1·B" in found
    assert _recovered(one_q, "")


# --- error rates by simulation ---------------------------------------------------------


def _null_sample(
    q: Questionnaire, rng: np.random.Generator, teams: int, size: int, population: int = 0
) -> list[Respondent]:
    people = POPULATIONS[population].sample(q, teams * size, rng)
    return [replace(p, team=f"T{i % teams:02d}") for i, p in enumerate(people)]


@pytest.mark.parametrize("population", [0, 1], ids=["middling", "polarised"])
def test_false_positive_rate_under_the_null(population: int) -> None:
    """Every team answers from the same population.  Each raw test rejects about 5 % of the
    time; with Benjamini–Hochberg over the whole heatmap, the share of assessments showing
    any "significant" cell stays at the 5 % level (the raw tests would flag a cell in most
    assessments of this size).  The polarised population (70 % content, 30 % unhappy) is
    where Welch's test fails: see ``test_the_tail_is_calibrated``."""
    q = simulation_questionnaire()
    rng = np.random.default_rng(20240518 + population)
    sims, teams, size = 300, 10, 15
    raw = flagged_any = raw_any = tests = 0
    for _ in range(sims):
        people = _null_sample(q, rng, teams, size, population)
        c = team_cuts(q, people, score(q, people, intervals=False))
        ps = [cell.p for t in c.teams for cell in t.cells if cell.p is not None]
        tests += len(ps)
        raw += sum(p < 0.05 for p in ps)
        raw_any += any(p < 0.05 for p in ps)
        flagged_any += any(cell.significant for t in c.teams for cell in t.cells)
    assert tests == sims * teams * 2
    assert 0.035 <= raw / tests <= 0.065
    assert raw_any / sims > 0.4
    assert flagged_any / sims <= 0.08


def test_the_tail_is_calibrated() -> None:
    """Benjamini–Hochberg reads the smallest p-values, so they must be right in the tail.
    With 15 polarised respondents against 135, Welch's test gives p < 0.001 about five
    times too often (a team with few unhappy members has a higher mean and a smaller
    variance at once); the pooled-variance test stays at the nominal rate."""
    q = simulation_questionnaire()
    rng = np.random.default_rng(11)
    values = []
    for _ in range(300):
        people = _null_sample(q, rng, 10, 15, population=1)
        c = team_cuts(q, people, score(q, people, intervals=False))
        values += [cell.p for t in c.teams for cell in t.cells if cell.p is not None]
    p = np.array(values)
    assert (p < 0.01).mean() < 0.01 * 1.5
    assert (p < 0.0025).mean() < 0.0025 * 2


def test_team_gaps_under_the_null_are_flagged_rarely(standard: Questionnaire) -> None:
    """Leaders and frontline of each team answer alike (no leadership bias): the large-gap
    flag (15 points and Benjamini–Hochberg below 5 %) almost never fires."""
    flagged = 0
    for seed in range(12):
        people = synthetic_respondents(
            standard,
            120,
            seed=seed,
            mix={"executive": 1, "sales_manager": 2, "sales_rep": 3},
            leadership_bias=0.0,
        )
        people = [replace(p, team=f"T{i % 3}") for i, p in enumerate(people)]
        c = team_cuts(standard, people, score(standard, people, intervals=False))
        assert any(cell.gap_p is not None for t in c.teams for cell in t.cells)
        flagged += any(cell.large_gap for t in c.teams for cell in t.cells)
    assert flagged <= 1


def test_a_team_that_differs_is_found() -> None:
    q = simulation_questionnaire()
    rng = np.random.default_rng(7)
    people = _null_sample(q, rng, 10, 15)
    better = POPULATIONS[2].sample(q, 15, rng)  # skewed high
    people = [p for p in people if p.team != "T03"] + [
        replace(p, id=f"h{i}", team="T03") for i, p in enumerate(better)
    ]
    c = team_cuts(q, people, score(q, people, intervals=False))
    t3 = c.team("T03")
    assert t3 is not None
    assert all(cell.significant and (cell.difference or 0) > 10 for cell in t3.cells)
    others = [cell.significant for t in c.teams if t.name != "T03" for cell in t.cells]
    assert sum(others) <= 2
