"""A golden example computed by hand (see tests/data/mini) and the edges of each definition."""

from __future__ import annotations

import pytest

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.model import Questionnaire
from assessment.core.scoring import ElementOverride, ScoringError, score
from assessment.io.answers_csv import read_answers_file
from tests.conftest import DATA


def opt(value: str) -> Answer:
    return Answer(AnswerKind.OPTION, value)


NA = Answer(AnswerKind.NA)
DK = Answer(AnswerKind.DK)


@pytest.fixture
def golden(mini: Questionnaire) -> list[Respondent]:
    return read_answers_file(DATA / "mini" / "answers.csv", mini)


def test_golden_element_scores(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden)
    a, b = r.element("a"), r.element("b")
    # Practice items of a: a.q1 normalized (4-1)/4, (5-1)/4, (2-1)/4 -> mean 2/3; a.q2: yes=1,
    # no=0 -> 0.5 (w=2).  P_a = 100*(2/3 + 2*0.5)/3 = 55.56.
    assert a.practice == pytest.approx(100 * (2 / 3 + 1.0) / 3)
    # KPI a.q3: one value, the median of the answers (only E1's 60) -> band 'high' (score 3 of
    # 0..3) -> n = 1.0, K_a = 100.  E_a = (1 - 0.3)*P_a + 0.3*K_a (kpi_share 0.3 by default).
    assert a.kpi == pytest.approx(100.0)
    assert a.score == pytest.approx(0.7 * 100 * (2 / 3 + 1.0) / 3 + 0.3 * 100)
    assert a.score == pytest.approx(68.888888889)
    # b.q1: z=1.0, y=0.2, x=0, x=0 -> 0.3; b.q2 has no answers (and weight 0); no KPI items
    assert b.score == b.practice == pytest.approx(30.0) and b.kpi is None
    # overall: (2*68.89 + 1*30) / 3, practice (2*55.56 + 30) / 3, KPI only element a
    assert r.overall.score == pytest.approx((2 * a.score + 30.0) / 3)
    assert r.overall.practice == pytest.approx((2 * 100 * (2 / 3 + 1.0) / 3 + 30.0) / 3)
    assert r.overall.kpi == pytest.approx(100.0)
    assert r.overall.level == 2 and r.overall.level_name == "Mid"
    assert a.level == 2 and b.level == 1
    k = a.kpis[0]
    assert (k.question, k.value, k.source, k.band, k.score) == ("a.q3", 60, "answers", "high", 100)


def test_golden_coverage_and_agreement(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden)
    a, b = r.element("a"), r.element("b")
    # asked: a.q1 4 people - 1 na = 3, a.q2 2 leaders, a.q3 2 leaders (dk counts as asked) = 7
    # answered: 3 + 2 + 1 = 6
    assert a.coverage == pytest.approx(6 / 7)
    assert b.coverage == pytest.approx(4 / 8)
    assert "low_coverage" in b.flags and "low_coverage" not in a.flags
    # a.q1 positions 4, 5, 2: s^2 = 7/3, (k^2-1)/12 = 2 -> 1 - 7/6 < 0 -> clipped to 0
    assert a.agreement == 0.0
    assert "low_agreement" in a.flags
    assert b.agreement is None  # b.q2 has no answers; b.q1 is a choice question


def test_golden_groups_suppressed_by_default(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden)
    a = r.element("a")
    assert a.leadership is None and a.frontline is None and a.gap is None
    assert a.leadership_suppressed and a.frontline_suppressed
    assert a.roles["executive"].suppressed and a.roles["executive"].score is None
    assert a.roles["executive"].n == 1
    assert "large_gap" not in a.flags


def test_golden_groups_with_min_group_size_one(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    r = score(mini, golden, min_group_size=1)
    a = r.element("a")
    # The gap compares the same items: C_a = {a.q1} (a.q2 and the KPI a.q3 are not asked of
    # reps).  Leaders on a.q1: (0.75 + 1) / 2; frontline: only R1 = 0.25 (R2 said N/A).
    assert a.gap_items == 1
    assert a.leadership == pytest.approx(87.5)
    assert a.frontline == pytest.approx(25.0)
    assert a.roles["sales_rep"].n == 1
    assert a.gap == pytest.approx(62.5)
    # the executive's own score is on every practice item: (0.75 + 2*1) / 3
    assert a.roles["executive"].score == pytest.approx(100 * 2.75 / 3)
    # one frontline respondent: Welch's test needs two per group, so no p-value and no flag
    assert a.gap_p is None
    assert "large_gap" not in a.flags


def test_golden_recommendations_ranked(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden)
    # No recommendation names `addresses`, so A_r = E_e.
    # b.r1: W 1 * (70 - 30) * impact high 1.0 / effort high 1.5 = 26.67
    # a.r1: W 2 * (80 - 68.89) * impact high 1.0 / effort medium 1.25 = 17.78
    # b.r2 needs a gap (suppressed); a.r2 needs band(a.q3) == low (it is high)
    assert [x.id for x in r.recommendations] == ["b.r1", "a.r1"]
    assert r.recommendations[0].priority == pytest.approx(40.0 / 1.5)
    e_a = 0.7 * 100 * (2 / 3 + 1.0) / 3 + 30
    assert r.recommendations[1].priority == pytest.approx(2 * (80 - e_a) / 1.25)
    assert r.recommendations[1].basis == pytest.approx(e_a)


def test_priority_is_per_recommendation(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden, min_group_size=1)
    ids = [x.id for x in r.recommendations]
    # b.r1 (high impact, high effort) 40 * 1.0 / 1.5 = 26.67 and b.r2 (low impact, low
    # effort) 40 * 0.5 / 1.0 = 20 no longer tie although they share an element
    assert ids[:2] == ["b.r1", "b.r2"]
    assert [x.priority for x in r.recommendations[:2]] == pytest.approx([40 / 1.5, 20.0])


def test_explanation_names_questions_weights_and_exclusions(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    b = score(mini, golden).element("b")
    q1, q2 = b.questions
    assert (q1.status, q1.weight, q1.mean) == ("included", 1.0, pytest.approx(0.3))
    assert q1.distribution == {"x": 2, "y": 1, "z": 1}
    assert q1.contribution == pytest.approx(30.0)
    assert q2.status == "no_answers"
    a = score(mini, golden).element("a")
    kpi = a.questions[2]
    assert kpi.median == 60 and kpi.median_band == "high" and kpi.dk == 1
    assert a.questions[3].status == "not_scored"
    # practice items carry (1 - 0.3) of the score, the KPI item 0.3: 0.3 * 100 * 1.0
    assert kpi.contribution == pytest.approx(30.0)
    assert a.questions[0].contribution == pytest.approx(0.7 * 100 * (2 / 3) / 3)
    assert sum(x.contribution or 0 for x in a.questions) == pytest.approx(a.score)


def test_comments_are_anonymous(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(mini, golden)
    texts = sorted(c.text for el in r.elements for c in el.comments)
    assert texts == ["Nobody reads the reports", "Works well for us"]
    dumped = str(r.to_dict(explain=True))
    assert "E1" not in dumped and "R1" not in dumped


def test_all_na_gives_null_element(mini: Questionnaire) -> None:
    people = [Respondent(f"r{i}", "sales_rep", {"a.q1": NA, "b.q1": opt("z")}) for i in range(3)]
    r = score(mini, people)
    a = r.element("a")
    assert a.score is None and a.level is None
    assert a.coverage is None  # every pair the reps see was answered N/A: nothing asked
    # overall uses only elements that have a score
    assert r.overall.score == pytest.approx(100.0)


def test_element_without_answers_is_null(mini: Questionnaire) -> None:
    r = score(mini, [Respondent("x", "other", {"b.q1": opt("y")})])
    assert r.element("a").score is None
    assert r.element("a").coverage == 0.0
    assert r.overall.score == pytest.approx(20.0)


def test_no_respondents(mini: Questionnaire) -> None:
    r = score(mini, [])
    assert r.overall.score is None and r.respondents == 0
    assert all(el.score is None and el.coverage is None for el in r.elements)
    assert r.recommendations == ()


def test_one_respondent_sees_own_scores_but_no_groups(mini: Questionnaire) -> None:
    me = Respondent("me", "executive", {"a.q1": opt("agree"), "a.q2": opt("yes")})
    a = score(mini, [me]).element("a")
    assert a.score == pytest.approx(100 * (0.75 + 2 * 1) / 3)
    assert a.leadership is None and a.leadership_suppressed
    assert all(g.score is None for g in a.roles.values())
    # nothing is shown beside the element score, so there is nothing to difference against
    assert a.protection.left_out == 0
    # a role nobody belongs to is absent, not suppressed
    assert a.roles["sales_rep"].n == 0 and not a.roles["sales_rep"].suppressed
    assert not a.frontline_suppressed and a.frontline is None


def test_zero_weight_question_never_moves_the_score(mini: Questionnaire) -> None:
    base = {"b.q1": opt("y")}
    low = score(mini, [Respondent("x", "other", {**base, "b.q2": opt("strongly_disagree")})])
    high = score(mini, [Respondent("x", "other", {**base, "b.q2": opt("strongly_agree")})])
    assert low.element("b").score == high.element("b").score == pytest.approx(20.0)
    assert low.element("b").questions[1].status == "zero_weight"


def test_only_zero_weight_answers_give_null(mini: Questionnaire) -> None:
    r = score(mini, [Respondent("x", "other", {"b.q2": opt("agree")})])
    assert r.element("b").score is None


def test_overrides_change_weight_and_target(mini: Questionnaire, golden: list[Respondent]) -> None:
    r = score(
        mini, golden, overrides={"b": ElementOverride(weight=0), "a": ElementOverride(target=90)}
    )
    assert r.overall.score == pytest.approx(r.element("a").score)
    assert r.element("a").target == 90
    with pytest.raises(ValueError, match="unknown elements"):
        score(mini, golden, overrides={"zzz": ElementOverride(weight=1)})


def test_min_group_size_must_be_positive(mini: Questionnaire) -> None:
    with pytest.raises(ValueError):
        score(mini, [], min_group_size=0)


def test_unknown_role_or_question_is_refused(mini: Questionnaire) -> None:
    with pytest.raises(ScoringError, match="unknown role"):
        score(mini, [Respondent("x", "ceo", {})])
    with pytest.raises(ScoringError, match="unknown question"):
        score(mini, [Respondent("x", "other", {"nope": opt("x")})])
    with pytest.raises(ScoringError, match="not for sales_rep"):
        score(mini, [Respondent("x", "sales_rep", {"a.q2": opt("yes")})])


def test_maturity_level_is_highest_threshold_at_or_below(mini: Questionnaire) -> None:
    assert mini.level_for(0).level == 1  # type: ignore[union-attr]
    assert mini.level_for(49.999).level == 1  # type: ignore[union-attr]
    assert mini.level_for(50).level == 2  # type: ignore[union-attr]
    assert mini.level_for(100).level == 3  # type: ignore[union-attr]
    assert mini.level_for(None) is None


def test_kpi_band_edges(mini: Questionnaire) -> None:
    q3 = mini.questions()["a.q3"]
    assert q3.band_for(19.999).id == "low"  # type: ignore[union-attr]
    assert q3.band_for(20).id == "mid"  # type: ignore[union-attr]
    assert q3.band_for(50).id == "high"  # type: ignore[union-attr]
    assert q3.band_for(100).id == "high"  # type: ignore[union-attr]


def test_results_serialize_to_json(mini: Questionnaire, golden: list[Respondent]) -> None:
    import json

    doc = json.loads(json.dumps(score(mini, golden).to_dict(explain=True)))
    assert doc["questionnaire"]["id"] == "mini"
    assert set(doc["elements"][0]) >= {
        "id",
        "title",
        "score",
        "weight",
        "target",
        "level",
        "coverage",
        "agreement",
        "leadership",
        "frontline",
        "gap",
        "flags",
        "roles",
        "questions",
    }
    assert doc["elements"][0]["roles"]["sales_rep"] == {"n": 1, "score": None, "suppressed": True}
    # method 2 additions
    assert doc["method"] == 2 and doc["kpi_share"] == 0.3
    assert set(doc["overall"]) >= {"practice", "kpi", "gap", "ci"}
    assert set(doc["elements"][0]) >= {
        "practice",
        "kpi",
        "ci",
        "alpha",
        "gap_items",
        "gap_p",
        "kpis",
    }
    assert doc["elements"][0]["kpis"][0] == {
        "question": "a.q3",
        "value": 60.0,
        "source": "answers",
        "band": "high",
        "score": 100.0,
        "reference": "",
        "note": "",
        "answers": 1,
    }
    assert doc["elements"][1]["roles"]["sales_ops"] == {"n": 0, "score": None, "suppressed": False}
    assert set(doc["recommendations"][0]) >= {"addresses", "after"}
