"""No shown figure lets anyone recover a suppressed group's answers by differencing.

The attacker gets every figure the product shows (the results JSON with explanations, which
is also the API's and the results export's document, and from which the web page and the
PDF are drawn) and tries every sum and difference of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.core import scoring
from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire_text
from assessment.core.model import ROLE_IDS, Questionnaire
from assessment.core.protection import protect
from assessment.core.results import Protection, Results
from assessment.core.scoring import score
from assessment.io.exports import results_document
from tests.core.populations import AGREE5_YAML, ROLES_YAML

ATTACK_YAML = (
    """
id: attack
version: "1"
title: Differencing attack
"""
    + ROLES_YAML
    + """levels:
  - {level: 1, name: Low, min: 0}
"""
    + AGREE5_YAML
    + """elements:
  - id: one
    title: "One question (group scores are plain means, the best case for an attacker)"
    levels: {1: low}
    questions:
      - {id: one.q, type: likert, scale: agree5, text: Q}
  - id: yn
    title: One yes/no question
    levels: {1: low}
    questions:
      - {id: yn.q, type: yes_no, text: Q}
  - id: mixed
    title: Several items, one only for leaders and ops, and a KPI
    levels: {1: low}
    questions:
      - {id: mixed.all, type: likert, scale: agree5, text: All}
      - {id: mixed.lead_ops, type: likert, scale: agree5, text: Leaders and ops, roles: [executive, sales_manager, sales_ops]}
      - id: mixed.kpi
        type: number
        text: KPI
        unit: "%"
        range: {min: 0, max: 100}
        bands:
          - {id: low, max: 40, score: 0}
          - {id: high, min: 40, score: 1}
"""
)

LIKERT = ["sd", "d", "n", "a", "sa"]
NORM = {v: i / 4 for i, v in enumerate(LIKERT)}


@pytest.fixture(scope="module")
def attack_q() -> Questionnaire:
    return load_questionnaire_text(ATTACK_YAML, "attack.yaml")


def _opt(v: str) -> Answer:
    return Answer(AnswerKind.OPTION, v)


def organisation(ops_answer: str, ops_yes: str, ops_kpi: float) -> list[Respondent]:
    """3 executives, 3 managers, 5 reps and one sales-ops respondent."""
    spec = [
        ("executive", ["sa", "a", "a"], ["yes", "yes", "no"], [80, 75, 90]),
        ("sales_manager", ["a", "n", "sa"], ["yes", "no", "yes"], [60, 70, 65]),
        ("sales_rep", ["d", "n", "sd", "d", "a"], ["no", "no", "yes", "no", "no"], []),
    ]
    people = []
    for role, likert, yes, kpi in spec:
        for i, (v, y) in enumerate(zip(likert, yes, strict=True)):
            answers = {"one.q": _opt(v), "yn.q": _opt(y), "mixed.all": _opt(v)}
            if role != "sales_rep":
                answers["mixed.lead_ops"] = _opt(LIKERT[(LIKERT.index(v) + 2) % 5])
                answers["mixed.kpi"] = Answer(AnswerKind.NUMBER, float(kpi[i]))
            people.append(Respondent(f"{role[:3]}{i}", role, answers))
    people.append(
        Respondent(
            "ops0",
            "sales_ops",
            {
                "one.q": _opt(ops_answer),
                "yn.q": _opt(ops_yes),
                "mixed.all": _opt(ops_answer),
                "mixed.lead_ops": _opt(ops_answer),
                "mixed.kpi": Answer(AnswerKind.NUMBER, ops_kpi),
            },
        )
    )
    return people


REAL = ("sd", "no", 5.0)
VARIED = ("sa", "yes", 99.0)


def _shown(results: Results) -> dict[str, Any]:
    """Every figure shown anywhere: the results JSON with explanations and the export."""
    doc = results.to_dict(explain=True)
    assert results_document(results) == results.to_dict()
    for el in doc["elements"]:
        el.pop("comments")  # free text, not figures (and there are none here)
    return doc


def _aggregates(doc: dict[str, Any], element: str, question: str) -> list[tuple[str, int, float]]:
    """(label, people, sum of normalized answers) the attacker can read off one element whose
    only practice item is ``question``: then every group score is 100 × the group's mean."""
    el = next(e for e in doc["elements"] if e["id"] == element)
    qx = next(x for x in el["questions"] if x["id"] == question)
    out = [("everyone", qx["answered"], qx["mean"] * qx["answered"])]
    for role, g in el["roles"].items():
        if g["score"] is not None:
            out.append((role, g["n"], g["score"] / 100 * g["n"]))
    for side, roles in (
        ("leadership", ("executive", "sales_manager")),
        ("frontline", ("sales_rep",)),
    ):
        if el[side] is not None:
            n = sum(el["roles"][r]["n"] for r in roles)
            out.append((side, n, el[side] / 100 * n))
    return out


def _recovers(
    real: list[tuple[str, int, float]],
    varied: list[tuple[str, int, float]],
    truth: tuple[float, float],
) -> list[str]:
    """Signed combinations (every aggregate -1, 0 or +1) that isolate one person whose answer
    is the sales-ops answer in both datasets: i.e. that really track that person."""
    assert [label for label, _, _ in real] == [label for label, _, _ in varied]
    found = []
    for coefs in itertools.product((-1, 0, 1), repeat=len(real)):
        people = sum(c * n for c, (_, n, _) in zip(coefs, real, strict=True))
        if people != 1:
            continue
        a = sum(c * s for c, (_, _, s) in zip(coefs, real, strict=True))
        b = sum(c * s for c, (_, _, s) in zip(coefs, varied, strict=True))
        if abs(a - truth[0]) < 1e-9 and abs(b - truth[1]) < 1e-9:
            found.append(
                " ".join(
                    f"{c:+d}·{label}" for c, (label, _, _) in zip(coefs, real, strict=True) if c
                )
            )
    return found


def _attack(attack_q: Questionnaire) -> dict[str, list[str]]:
    real = _shown(score(attack_q, organisation(*REAL)))
    varied = _shown(score(attack_q, organisation(*VARIED)))
    return {
        "one": _recovers(
            _aggregates(real, "one", "one.q"),
            _aggregates(varied, "one", "one.q"),
            (NORM[REAL[0]], NORM[VARIED[0]]),
        ),
        "yn": _recovers(
            _aggregates(real, "yn", "yn.q"),
            _aggregates(varied, "yn", "yn.q"),
            (float(REAL[1] == "yes"), float(VARIED[1] == "yes")),
        ),
    }


def test_the_attacker_cannot_recover_the_sales_ops_answers(attack_q: Questionnaire) -> None:
    assert _attack(attack_q) == {"one": [], "yn": []}


def test_no_shown_figure_depends_on_the_sales_ops_answers(attack_q: Questionnaire) -> None:
    """Stronger than any arithmetic: the whole document is identical whatever sales ops said,
    so no sum or difference of its figures, per-question distributions included, can say."""
    real = _shown(score(attack_q, organisation(*REAL)))
    varied = _shown(score(attack_q, organisation(*VARIED)))
    assert real == varied
    assert real["respondents_by_role"]["sales_ops"] == 1  # only the count of people shows


def test_the_attacker_succeeds_without_the_protection(
    attack_q: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack is real: with the sales-ops respondent kept in the everyone figures,
    everyone − leadership − frontline is that one person's answer."""
    monkeypatch.setattr(scoring, "protect", lambda *args, **kwargs: Protection())
    found = _attack(attack_q)
    assert "+1·everyone -1·leadership -1·frontline" in found["one"]
    assert found["yn"]


def test_one_sales_ops_respondent_keeps_the_leadership_frontline_comparison(
    attack_q: Questionnaire,
) -> None:
    r = score(attack_q, organisation(*REAL))
    for el in r.elements:
        assert el.protection.left_out_roles == ("sales_ops",) and el.protection.left_out == 1
        assert el.protection.hidden_roles == ()
        assert el.roles["sales_ops"] == el.roles["sales_ops"].__class__(1, None, True)
        assert el.roles["executive"].score is not None and el.roles["sales_rep"].score is not None
    one = r.element("one")
    assert one.leadership is not None and one.frontline is not None and one.gap is not None
    # everyone = the eleven others: (3 executives 0.875 avg … ) computed by hand
    others = [1, 0.75, 0.75, 0.75, 0.5, 1, 0.25, 0.5, 0, 0.25, 0.75]
    assert one.score == pytest.approx(100 * sum(others) / 11)
    assert r.element("mixed").kpis[0].value == 72.5  # median of the six leaders' figures


def test_a_small_role_inside_leadership_hides_a_sibling_not_the_gap(
    attack_q: Questionnaire,
) -> None:
    """3 executives and 2 managers: managers alone would be leadership − executives, so the
    executive figure is withheld too; leadership (5) and the gap stay."""
    people = [p for p in organisation(*REAL) if p.id not in ("sal2", "ops0")]
    one = score(attack_q, people).element("one")
    assert one.protection.hidden_roles == ("executive",) and one.protection.left_out == 0
    assert one.roles["executive"].suppressed and one.roles["executive"].score is None
    assert one.roles["sales_manager"].suppressed
    assert one.leadership is not None and one.gap is not None


# --- the rule against every derivable group, for any role sizes ---------------------------


def _in_span(rows: Sequence[Sequence[int]], v: Sequence[int]) -> bool:
    """Whether ``v`` is a rational combination of ``rows`` (exact elimination)."""
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    for row in rows:
        r = [Fraction(x) for x in row]
        for b, p in zip(basis, pivots, strict=True):
            if r[p]:
                r = [x - r[p] * y for x, y in zip(r, b, strict=True)]
        lead = next((i for i, x in enumerate(r) if x), None)
        if lead is not None:
            basis.append([x / r[lead] for x in r])
            pivots.append(lead)
    w = [Fraction(x) for x in v]
    for b, p in zip(basis, pivots, strict=True):
        if w[p]:
            w = [x - w[p] * y for x, y in zip(w, b, strict=True)]
    return not any(w)


def derivable_small_groups(
    sizes: dict[str, int], mgs: int, shown: list[set[str]]
) -> Iterator[set[str]]:
    """Sets of roles (not everyone, fewer than ``mgs`` people) an attacker can isolate by
    adding and subtracting the shown groups' figures."""
    atoms = [r for r in ROLE_IDS if sizes[r] > 0]
    rows = [[int(r in group) for r in atoms] for group in shown]
    for k in range(1, len(atoms)):
        for subset in itertools.combinations(atoms, k):
            people = sum(sizes[r] for r in subset)
            if 0 < people < mgs and _in_span(rows, [int(r in subset) for r in atoms]):
                yield set(subset)


def shown_groups(
    sizes: dict[str, int], mgs: int, p: Protection
) -> tuple[dict[str, int], list[set[str]]]:
    """The groups whose figures an element shows under protection ``p``."""
    kept = {r: (0 if r in p.left_out_roles else n) for r, n in sizes.items()}
    groups: list[set[str]] = [{r for r in ROLE_IDS if kept[r] > 0}]  # everyone
    groups += [{r} for r in ROLE_IDS if kept[r] >= mgs and r not in p.hidden_roles]
    for family in (("executive", "sales_manager"), ("sales_rep",)):
        if sum(kept[r] for r in family) >= mgs:
            groups.append({r for r in family if kept[r] > 0})
    return kept, [g for g in groups if g]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=5, max_size=5), st.integers(1, 4))
def test_protect_leaves_no_derivable_small_group(counts: list[int], mgs: int) -> None:
    sizes = dict(zip(ROLE_IDS, counts, strict=True))
    p = protect(sizes, mgs, ROLE_IDS, ("executive", "sales_manager"), ("sales_rep",))
    kept, groups = shown_groups(sizes, mgs, p)
    assert list(derivable_small_groups(kept, mgs, groups)) == []
    # what is given up is only ever needed: shown unions keep all their members, and
    # nobody is left out when the rest is at least the minimum
    lead = sizes["executive"] + sizes["sales_manager"]
    if lead >= mgs:
        assert not {"executive", "sales_manager"} & set(p.left_out_roles)
    if sizes["sales_rep"] >= mgs:
        assert "sales_rep" not in p.left_out_roles
    assert p.left_out == sum(sizes[r] for r in p.left_out_roles) < mgs


def test_the_span_checker_finds_the_classic_leak() -> None:
    """Without protection, everyone − leadership − frontline isolates one sales-ops person."""
    sizes = {"executive": 3, "sales_manager": 3, "sales_rep": 5, "sales_ops": 1, "other": 0}
    _, groups = shown_groups(sizes, 3, Protection())
    assert list(derivable_small_groups(sizes, 3, groups)) == [{"sales_ops"}]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=5, max_size=5), st.integers(1, 3), st.data())
def test_scored_figures_follow_the_protection(
    counts: list[int], mgs: int, data: st.DataObject
) -> None:
    """On real scores: the groups with a figure are exactly the ones the rule allows."""
    q = load_questionnaire_text(ATTACK_YAML, "attack.yaml")
    people = []
    for role, n in zip(ROLE_IDS, counts, strict=True):
        for i in range(n):
            v = data.draw(st.sampled_from(LIKERT))
            people.append(Respondent(f"{role}{i}", role, {"one.q": _opt(v)}))
    one = score(q, people, min_group_size=mgs).element("one")
    sizes = dict(zip(ROLE_IDS, counts, strict=True))
    kept, groups = shown_groups(sizes, mgs, one.protection)
    for role in ROLE_IDS:
        shown = kept[role] >= mgs and role not in one.protection.hidden_roles
        assert (one.roles[role].score is not None) == shown
    shown_people = sum(kept.values())
    assert one.questions[0].answered == shown_people
    assert (one.score is None) == (shown_people == 0)
    assert list(derivable_small_groups(kept, mgs, groups)) == []
    if one.leadership is not None:
        assert {"executive", "sales_manager"} & {r for r in ROLE_IDS if kept[r]}
    assert np.isfinite(one.score) if one.score is not None else True
