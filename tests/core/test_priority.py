"""Recommendation-level priority: addresses, after, the formula and its tie-breaks."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import QuestionnaireError, load_questionnaire, load_questionnaire_text
from assessment.core.model import Questionnaire
from assessment.core.scoring import KpiFact, score
from tests.conftest import DATA
from tests.core.populations import AGREE5_YAML, ROLES_YAML

BASE = (
    """
id: prio
version: "1"
title: Priorities
"""
    + ROLES_YAML
    + """min_group_size: 1
levels:
  - {level: 1, name: Low, min: 0}
"""
    + AGREE5_YAML
    + """elements:
  - id: e
    title: E
    weight: 2
    target: 80
    levels: {1: low}
    questions:
      - {id: e.low, type: likert, scale: agree5, text: Low}
      - {id: e.high, type: likert, scale: agree5, text: High, weight: 3}
      - {id: e.kpi, type: number, text: KPI, unit: "%", range: {min: 0, max: 100}, bands: [{id: bad, max: 50, score: 0}, {id: ok, min: 50, max: 80, score: 1}, {id: good, min: 80, score: 4}]}
      - {id: e.note, type: text, text: Note}
    recommendations:
RECS
"""
)


def rec(rid: str, impact: str, effort: str, extra: str = "") -> str:
    return (
        f"      - {{id: e.{rid}, title: {rid}, why: because, actions: [a, b, c], "
        f"effort: {effort}, impact: {impact}, horizon: 30, when: 'score >= 0'{extra}}}"
    )


def build(*recs: str) -> Questionnaire:
    return load_questionnaire_text(BASE.replace("RECS", "\n".join(recs)), "prio.yaml")


def people() -> list[Respondent]:
    # e.low: sd, d -> m = (0 + 0.25) / 2 = 0.125; e.high: sa, a -> m = 0.875 (weight 3)
    return [
        Respondent(
            "r1",
            "other",
            {"e.low": Answer(AnswerKind.OPTION, "sd"), "e.high": Answer(AnswerKind.OPTION, "sa")},
        ),
        Respondent(
            "r2",
            "other",
            {"e.low": Answer(AnswerKind.OPTION, "d"), "e.high": Answer(AnswerKind.OPTION, "a")},
        ),
    ]


def test_addresses_set_the_basis_and_the_priority() -> None:
    q = build(
        rec("fix_low", "high", "low", ", addresses: [e.low]"),
        rec("fix_both", "high", "low", ", addresses: [e.low, e.high]"),
        rec("fix_kpi", "high", "low", ", addresses: [e.kpi]"),
        rec("general", "high", "low"),
    )
    r = score(q, people(), kpi_facts={"e.kpi": KpiFact(60.0, "finance")})
    by_id = {x.id: x for x in r.recommendations}
    # A_r over the addressed items: 100 * 0.125; 100 * (0.125 + 3 * 0.875) / 4; the KPI's
    # band 'ok' (score 1 of 0..4) -> 25; no addresses -> the element score
    assert by_id["e.fix_low"].basis == pytest.approx(12.5)
    assert by_id["e.fix_both"].basis == pytest.approx(100 * (0.125 + 3 * 0.875) / 4)
    assert by_id["e.fix_kpi"].basis == pytest.approx(25.0)
    e = r.element("e")
    # P = 100 * (0.125 + 3 * 0.875) / 4 = 68.75, K = 25, E = 0.7 * 68.75 + 0.3 * 25 = 55.625
    assert e.score == pytest.approx(55.625)
    assert by_id["e.general"].basis == pytest.approx(55.625)
    # priority = W_e * (target - A_r) * f_impact / f_effort with high impact, low effort = 1
    assert by_id["e.fix_low"].priority == pytest.approx(2 * (80 - 12.5))
    assert by_id["e.fix_kpi"].priority == pytest.approx(2 * (80 - 25))
    assert by_id["e.fix_both"].priority == pytest.approx(2 * (80 - 68.75))
    assert [x.id for x in r.recommendations] == [
        "e.fix_low",
        "e.fix_kpi",
        "e.general",
        "e.fix_both",
    ]
    assert by_id["e.fix_both"].addresses == ("e.low", "e.high")


def test_addressed_questions_without_a_value_fall_back_to_the_element_score() -> None:
    q = build(rec("raise_kpi", "high", "low", ", addresses: [e.kpi]"))
    r = score(q, people())  # nobody answered the KPI and no fact: it has no value
    assert r.recommendations[0].basis == pytest.approx(r.element("e").score)


@pytest.mark.parametrize(
    ("impact", "effort", "factor"),
    [
        ("high", "low", 1.0),
        ("high", "medium", 1 / 1.25),
        ("medium", "high", 0.75 / 1.5),
        ("low", "high", 0.5 / 1.5),
        ("low", "low", 0.5),
    ],
)
def test_impact_and_effort_factors(impact: str, effort: str, factor: float) -> None:
    r = score(build(rec("x", impact, effort, ", addresses: [e.low]")), people())
    assert r.recommendations[0].priority == pytest.approx(2 * (80 - 12.5) * factor)


def test_ties_broken_by_impact_then_effort_then_id() -> None:
    # medium impact / high effort and low impact / low effort both give factor 0.5: the
    # same priority 2 * 67.5 * 0.5; impact decides.  Recommendations already at target have
    # priority 0: impact, then effort, then id decide.
    q = build(
        rec("b_low_low", "low", "low", ", addresses: [e.low]"),
        rec("a_med_high", "medium", "high", ", addresses: [e.low]"),
        rec("z_done", "low", "low", ", addresses: [e.high]"),
        rec("y_done", "low", "medium", ", addresses: [e.high]"),
        rec("x_done", "low", "low", ", addresses: [e.high]"),
        rec("w_done", "high", "high", ", addresses: [e.high]"),
    )
    r = score(q, people())
    ranked = [(x.id, x.priority) for x in r.recommendations]
    assert ranked[0][1] == ranked[1][1] == pytest.approx(2 * 67.5 * 0.5)
    assert [i for i, _ in ranked] == [
        "e.a_med_high",
        "e.b_low_low",
        "e.w_done",
        "e.x_done",
        "e.z_done",
        "e.y_done",
    ]
    # target 80 is below e.high's 87.5: no distance left
    assert all(p == 0 for i, p in ranked[2:])


def test_after_pulls_the_prerequisite_up() -> None:
    q = build(
        rec("urgent", "high", "low", ", addresses: [e.low], after: [e.groundwork]"),
        rec("middle", "high", "low", ", addresses: [e.kpi]"),
        rec("groundwork", "low", "high", ", addresses: [e.high]"),
    )
    r = score(q, people(), kpi_facts={"e.kpi": KpiFact(60.0)})
    assert [x.id for x in r.recommendations] == ["e.groundwork", "e.urgent", "e.middle"]
    assert r.recommendations[1].after == ("e.groundwork",)


def test_after_a_recommendation_that_did_not_trigger_is_ignored() -> None:
    q = build(
        rec("urgent", "high", "low", ", addresses: [e.low], after: [e.never]"),
        rec("never", "high", "low", "").replace("'score >= 0'", "'score > 100'"),
    )
    assert [x.id for x in score(q, people()).recommendations] == ["e.urgent"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (", addresses: [e.nope]", "unknown question 'e.nope'"),
        (", addresses: [e.note]", "'e.note' is a text question"),
        (", addresses: [e.low, e.low]", "'e.low' is listed twice"),
        (", after: [e.ghost]", "unknown recommendation 'e.ghost'"),
        (", after: [e.one]", "cannot come after itself"),
    ],
)
def test_links_are_validated_at_load(extra: str, message: str) -> None:
    with pytest.raises(QuestionnaireError, match=message) as info:
        build(rec("one", "high", "low", extra))
    assert "recommendations[0]" in str(info.value)


def test_after_cycles_are_refused() -> None:
    with pytest.raises(QuestionnaireError, match=r"cycle: e\.a -> e\.b -> e\.c -> e\.a"):
        build(
            rec("a", "high", "low", ", after: [e.b]"),
            rec("b", "high", "low", ", after: [e.c]"),
            rec("c", "high", "low", ", after: [e.a]"),
        )


def _hash_without_new_fields(document: dict[str, Any]) -> str:
    """The content hash as computed before kpi_share, addresses and after existed."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_unset_fields_keep_the_content_hash(mini: Questionnaire) -> None:
    """kpi_share at its default and empty addresses/after are left out of the hashed dump."""
    dumped = mini.model_dump(mode="json", exclude={"content_hash"})
    assert "kpi_share" not in dumped
    recs = [r for el in dumped["elements"] for r in el["recommendations"]]
    assert recs and all("addresses" not in r and "after" not in r for r in recs)
    assert mini.content_hash == _hash_without_new_fields(dumped)


def test_kpi_share_is_validated_and_changes_the_hash() -> None:
    text = (DATA / "mini" / "questionnaire.yaml").read_text()
    for bad in (-0.1, 1.5):
        with pytest.raises(QuestionnaireError, match="kpi_share"):
            load_questionnaire_text(text + f"\nkpi_share: {bad}\n")
    half = load_questionnaire_text(text + "\nkpi_share: 0.5\n")
    default = load_questionnaire_text(text + "\nkpi_share: 0.3\n")
    assert half.kpi_share == 0.5
    assert half.content_hash != default.content_hash
    assert default.content_hash == load_questionnaire(DATA / "mini").content_hash
