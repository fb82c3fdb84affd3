"""Reverse-keyed items: a scale whose option scores descend is scored from the scores.

``agree5_reversed`` (in ``tests/data/sourced``) lists the options of ``agree5`` in the same
order with scores 5..1, so a respondent who *disagrees* with a negatively worded statement
scores like one who *agrees* with a positively worded one.  Every figure must come from the
scores: a questionnaire where the item uses ``agree5`` and every answer is mirrored
(disagree ↔ agree) must give the same results.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
import yaml

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire, load_questionnaire_text
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.io.answers_csv import read_answers_bytes
from assessment.io.exports import ExportPerson, long_rows, to_csv
from assessment.io.wide_answers import parse_mapping, read_wide_answers
from tests.conftest import DATA

VALUES = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
MIRROR = dict(zip(VALUES, reversed(VALUES), strict=True))
ROLES = ("executive", "sales_manager", "sales_rep", "sales_rep", "sales_rep", "sales_ops")


@pytest.fixture(scope="module")
def reversed_q() -> Questionnaire:
    return load_questionnaire(DATA / "sourced")


@pytest.fixture(scope="module")
def mirrored_q() -> Questionnaire:
    """The same questionnaire with the negative item on the ordinary agreement scale."""
    doc: dict[str, Any] = yaml.safe_load((DATA / "sourced" / "questionnaire.yaml").read_text())
    doc = copy.deepcopy(doc)
    doc["elements"][0]["questions"][1]["scale"] = "agree5"
    return load_questionnaire_text(yaml.safe_dump(doc), "mirrored.yaml")


def people(seed: int, n: int = 12) -> list[Respondent]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        role = ROLES[i % len(ROLES)]
        answers = {
            "pipe.reviewed": Answer(AnswerKind.OPTION, rng.choice(VALUES)),
            "pipe.slip": Answer(AnswerKind.OPTION, rng.choice(VALUES)),
        }
        if role in ("executive", "sales_manager"):
            answers["pipe.win_rate"] = Answer(AnswerKind.NUMBER, float(rng.randint(0, 60)))
        out.append(Respondent(f"r{i}", role, answers))
    return out


def mirrored(respondents: list[Respondent]) -> list[Respondent]:
    out = []
    for r in respondents:
        answers = dict(r.answers)
        slip = answers["pipe.slip"]
        answers["pipe.slip"] = Answer(AnswerKind.OPTION, MIRROR[str(slip.value)])
        out.append(Respondent(r.id, r.role, answers))
    return out


def figures(results: Results) -> dict[str, Any]:
    el = results.element("pipe")
    slip = next(qx for qx in el.questions if qx.id == "pipe.slip")
    return {
        "score": el.score,
        "practice": el.practice,
        "ci": el.ci,
        "practice_ci": el.practice_ci,
        "agreement": el.agreement,
        "slip_agreement": slip.agreement,
        "slip_mean": slip.mean,
        "slip_contribution": slip.contribution,
        "leadership": el.leadership,
        "frontline": el.frontline,
        "gap": el.gap,
        "gap_p": el.gap_p,
        "alpha": el.alpha,
        "roles": {r: g.score for r, g in el.roles.items()},
        "overall": results.overall,
        "recommendations": [(r.id, r.priority, r.basis) for r in results.recommendations],
    }


def test_disagreeing_with_a_reversed_item_scores_like_agreeing_with_a_normal_one(
    reversed_q: Questionnaire,
) -> None:
    one = [
        Respondent(
            "r1",
            "sales_rep",
            {
                "pipe.reviewed": Answer(AnswerKind.OPTION, "agree"),
                "pipe.slip": Answer(AnswerKind.OPTION, "disagree"),
            },
        )
    ]
    el = score(reversed_q, one).element("pipe")
    means = {qx.id: qx.mean for qx in el.questions}
    assert means["pipe.reviewed"] == means["pipe.slip"] == 0.75
    assert el.practice == 75.0
    slip = reversed_q.questions()["pipe.slip"]
    assert [o.value for o in slip.options or ()] == list(VALUES)  # same visual order
    assert [o.score for o in slip.options or ()] == [5, 4, 3, 2, 1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_comes_from_scores_not_positions(
    reversed_q: Questionnaire, mirrored_q: Questionnaire, seed: int
) -> None:
    answers = people(seed)
    a = score(reversed_q, answers)
    b = score(mirrored_q, mirrored(answers))
    assert a.element("pipe").ci is not None  # the bootstrap ran
    fa, fb = figures(a), figures(b)
    for key in fa:
        assert (
            fa[key] == pytest.approx(fb[key]) if isinstance(fa[key], float) else fa[key] == fb[key]
        ), key


def test_conditions_read_scores_and_chosen_values(reversed_q: Questionnaire) -> None:
    from assessment.core.recommend import MetricTable

    slip = [
        Respondent("r1", "sales_rep", {"pipe.slip": Answer(AnswerKind.OPTION, "agree")}),
        Respondent("r2", "sales_rep", {"pipe.slip": Answer(AnswerKind.OPTION, "strongly_agree")}),
        Respondent("r3", "sales_rep", {"pipe.slip": Answer(AnswerKind.OPTION, "disagree")}),
        Respondent("r4", "sales_rep", {"pipe.slip": Answer(AnswerKind.OPTION, "neutral")}),
    ]
    results = score(reversed_q, slip)
    table = MetricTable.build(results.elements, reversed_q)
    # question(): the mean normalized *score*: (0.25 + 0 + 0.75 + 0.5) / 4
    assert table.metric("question", ("pipe.slip",)) == pytest.approx(37.5)
    # share(): the answers that chose these options, whatever they score
    assert table.metric("share", ("pipe.slip", "agree", "strongly_agree")) == 50.0
    assert "pipe.review_weekly" in {r.id for r in results.recommendations}


def test_exports_write_the_chosen_option_and_score_again_the_same(
    reversed_q: Questionnaire,
) -> None:
    answers = people(7)
    rows = long_rows(reversed_q, [ExportPerson(r) for r in answers])
    col = {name: i for i, name in enumerate(rows[0])}
    slip_cells = {
        row[col["respondent"]]: row[col["value"]]
        for row in rows[1:]
        if row[col["question"]] == "pipe.slip"
    }
    assert slip_cells == {r.id: r.answers["pipe.slip"].value for r in answers}
    again = read_answers_bytes(to_csv(rows), reversed_q)
    assert figures(score(reversed_q, again)) == figures(score(reversed_q, answers))


def test_a_numbered_import_is_the_option_position_as_shown(reversed_q: Questionnaire) -> None:
    """A label mapped to a number is the option's position as respondents saw it: 2 is
    "Disagree", which scores 4 on the reversed scale."""
    mapping = (
        b"respondent: id\nrole: role\nvalues: {Rather not: 2}\nquestions:\n  Slip: pipe.slip\n"
    )
    parse_mapping(mapping, reversed_q)
    wide = read_wide_answers(
        b"id,role,Slip\nx1,sales_rep,Rather not\n", reversed_q, mapping=mapping
    )
    person = wide.respondents[0].respondent
    assert person.answers["pipe.slip"] == Answer(AnswerKind.OPTION, "disagree")
    slip = next(
        qx for qx in score(reversed_q, [person]).element("pipe").questions if qx.id == "pipe.slip"
    )
    assert slip.mean == 0.75
