"""Properties of scoring that must hold for any answers (hypothesis)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import KpiFact, score
from tests.conftest import DATA

MINI = load_questionnaire(DATA / "mini")
ROLES = MINI.role_ids


def _answers_for(q: Questionnaire, role: str, draw: st.DrawFn) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for question in q.questions().values():
        if role not in question.roles or not question.scored:
            continue
        choices: list[Answer | None] = [None]
        if question.allow_na:
            choices.append(Answer(AnswerKind.NA))
        if question.allow_dk:
            choices.append(Answer(AnswerKind.DK))
        if question.options:
            choices += [Answer(AnswerKind.OPTION, o.value) for o in question.options]
        else:
            assert question.range is not None
            x = draw(st.floats(question.range.min, question.range.max, allow_nan=False))
            choices.append(Answer(AnswerKind.NUMBER, x))
        pick = draw(st.sampled_from(choices))
        if pick is not None:
            answers[question.id] = pick
    return answers


@st.composite
def respondents(draw: st.DrawFn, min_size: int = 0) -> list[Respondent]:
    n = draw(st.integers(min_size, 12))
    people = []
    for i in range(n):
        role = draw(st.sampled_from(ROLES))
        people.append(Respondent(f"r{i}", role, _answers_for(MINI, role, draw)))
    return people


def _scores(results: Results) -> list[float | None]:
    """Every number of the results that must not depend on order or on an `na`."""
    r = results
    o = r.overall
    out = [
        o.score,
        o.practice,
        o.kpi,
        o.leadership,
        o.frontline,
        *(o.ci or ()),
        *(o.practice_ci or ()),
    ]
    for el in r.elements:
        out += [el.score, el.practice, el.kpi, el.leadership, el.frontline, el.gap, el.gap_p]
        out += [el.alpha, *(el.ci or (None, None)), *(el.practice_ci or (None, None))]
        out += [g.score for g in el.roles.values()]
        out += [k.value for k in el.kpis]
    return out


def _same(a: list[float | None], b: list[float | None]) -> bool:
    return len(a) == len(b) and all(
        (x is None and y is None) or (x is not None and y is not None and abs(x - y) < 1e-9)
        for x, y in zip(a, b, strict=True)
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(respondents(), st.integers(1, 4))
def test_scores_stay_in_range(people: list[Respondent], mgs: int) -> None:
    r = score(MINI, people, min_group_size=mgs)
    for el in r.elements:
        values = [el.score, el.practice, el.kpi, el.leadership, el.frontline]
        values += [*(el.ci or ()), *(el.practice_ci or ())]
        values += [g.score for g in el.roles.values()] + [k.score for k in el.kpis]
        for value in values:
            assert value is None or -1e-9 <= value <= 100 + 1e-9
        assert el.coverage is None or 0 <= el.coverage <= 1
        assert el.agreement is None or 0 <= el.agreement <= 1
        assert el.gap_p is None or 0 <= el.gap_p <= 1
        for role, g in el.roles.items():
            # absent (nobody) is never "suppressed"; below the minimum always is; a role of
            # at least the minimum is suppressed only when the protection hides it
            hidden = role in el.protection.hidden_roles
            assert g.suppressed == (0 < g.n < mgs or hidden)
            assert not g.suppressed or g.score is None
            assert g.n > 0 or (g.score is None and not g.suppressed)
    o = r.overall
    for value in (o.score, o.practice, o.kpi, o.leadership, o.frontline, *(o.ci or ())):
        assert value is None or -1e-9 <= value <= 100 + 1e-9


@SETTINGS
@given(respondents(), st.integers(1, 4))
def test_every_interval_contains_its_estimate(people: list[Respondent], mgs: int) -> None:
    r = score(MINI, people, min_group_size=mgs)
    pairs = [(r.overall.score, r.overall.ci), (r.overall.practice, r.overall.practice_ci)]
    for el in r.elements:
        pairs += [(el.score, el.ci), (el.practice, el.practice_ci)]
    for estimate, ci in pairs:
        if ci is None:
            continue
        assert estimate is not None
        assert ci[0] <= estimate <= ci[1]
    for el in r.elements:
        contributing = sum(g.n for g in el.roles.values()) - el.protection.left_out
        if contributing < 5:  # at most this many answer practice items: no interval
            assert el.practice_ci is None


@SETTINGS
@given(respondents(), st.randoms())
def test_order_of_respondents_and_answers_does_not_matter(
    people: list[Respondent], rnd: random.Random
) -> None:
    shuffled = []
    for p in rnd.sample(people, len(people)):
        items = list(p.answers.items())
        rnd.shuffle(items)
        shuffled.append(Respondent(p.id, p.role, dict(items)))
    a, b = score(MINI, people), score(MINI, shuffled)
    assert _same(_scores(a), _scores(b))
    assert [r.id for r in a.recommendations] == [r.id for r in b.recommendations]


@SETTINGS
@given(respondents(min_size=1), st.data())
def test_raising_one_answer_never_lowers_its_element(
    people: list[Respondent], data: st.DataObject
) -> None:
    questions = MINI.questions()
    element_of = MINI.element_of()
    who = data.draw(st.integers(0, len(people) - 1))
    person = people[who]
    option_answers = [(qid, a) for qid, a in person.answers.items() if a.kind is AnswerKind.OPTION]
    if not option_answers:
        return
    qid, answer = data.draw(st.sampled_from(option_answers))
    question = questions[qid]
    current = question.option(str(answer.value))
    assert current is not None and question.options is not None
    better = [o for o in question.options if o.score >= current.score]
    new = data.draw(st.sampled_from(better))
    changed = list(people)
    changed[who] = Respondent(
        person.id, person.role, {**person.answers, qid: Answer(AnswerKind.OPTION, new.value)}
    )
    before = score(MINI, people).element(element_of[qid]).score
    after = score(MINI, changed).element(element_of[qid]).score
    if before is None:  # only zero-weight answers in the element: no score either way
        assert after is None
        return
    assert after is not None
    assert after >= before - 1e-9


@SETTINGS
@given(respondents(min_size=1), st.data())
def test_adding_na_changes_no_score(people: list[Respondent], data: st.DataObject) -> None:
    questions = MINI.questions()
    who = data.draw(st.integers(0, len(people) - 1))
    person = people[who]
    open_na = [
        qid
        for qid, q in questions.items()
        if q.allow_na and person.role in q.roles and qid not in person.answers
    ]
    if not open_na:
        return
    qid = data.draw(st.sampled_from(open_na))
    changed = list(people)
    changed[who] = Respondent(
        person.id, person.role, {**person.answers, qid: Answer(AnswerKind.NA)}
    )
    before, after = score(MINI, people), score(MINI, changed)
    assert _same(_scores(before), _scores(after))
    for el_b, el_a in zip(before.elements, after.elements, strict=True):
        assert el_b.score == el_a.score
        assert el_b.leadership == el_a.leadership and el_b.frontline == el_a.frontline
    assert before.overall.score == after.overall.score


A_Q3 = MINI.questions()["a.q3"]


@SETTINGS
@given(respondents(), st.floats(0, 100, allow_nan=False), st.integers(1, 4))
def test_a_kpi_fact_overrides_the_median_of_the_answers(
    people: list[Respondent], value: float, mgs: int
) -> None:
    fact = {"a.q3": KpiFact(value, source="finance report")}
    r = score(MINI, people, min_group_size=mgs, kpi_facts=fact)
    k = r.element("a").kpis[0]
    band = A_Q3.band_for(value)
    assert band is not None
    assert (k.value, k.source, k.band, k.reference) == (value, "fact", band.id, "finance report")
    assert k.score == pytest.approx(100 * band.score / 3)  # band scores run 0..3
    assert r.element("a").kpi == pytest.approx(k.score)
    # the respondents' own answers to the KPI no longer matter
    without = [
        Respondent(p.id, p.role, {q: a for q, a in p.answers.items() if q != "a.q3"})
        for p in people
    ]
    other = score(MINI, without, min_group_size=mgs, kpi_facts=fact)
    assert other.element("a").kpi == r.element("a").kpi
    # and a CRM value wins over the fact
    crm = score(
        MINI, people, min_group_size=mgs, kpi_facts=fact, crm_values={"a.q3": KpiFact(10.0)}
    )
    assert crm.element("a").kpis[0].source == "crm" and crm.element("a").kpis[0].band == "low"


@st.composite
def frontline_people(draw: st.DrawFn) -> list[Respondent]:
    n = draw(st.integers(1, 6))
    return [
        Respondent(f"f{i}", "sales_rep", _answers_for(MINI, "sales_rep", draw)) for i in range(n)
    ]


@SETTINGS
@given(respondents(), frontline_people(), st.integers(1, 4))
def test_adding_frontline_respondents_never_changes_leadership(
    people: list[Respondent], extra: list[Respondent], mgs: int
) -> None:
    before = score(MINI, people, min_group_size=mgs)
    after = score(MINI, people + extra, min_group_size=mgs)
    for el_b, el_a in zip(before.elements, after.elements, strict=True):
        for role in MINI.leadership_roles:
            assert el_b.roles[role] == el_a.roles[role]
        assert el_b.leadership_suppressed == el_a.leadership_suppressed
        # Leadership is compared on C_e, the items both groups answered: new frontline
        # answers can add an item to C_e, and only then may the leadership figure move.
        if el_b.gap_items == el_a.gap_items and el_b.leadership is not None:
            assert el_a.leadership == el_b.leadership
