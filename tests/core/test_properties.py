"""Properties of scoring that must hold for any answers (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.scoring import score
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


def _scores(results: object) -> list[float | None]:
    r = results
    out = [r.overall.score]  # type: ignore[attr-defined]
    for el in r.elements:  # type: ignore[attr-defined]
        out += [el.score, el.leadership, el.frontline, el.coverage, el.agreement]
    return out


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(respondents(), st.integers(1, 4))
def test_scores_stay_in_range(people: list[Respondent], mgs: int) -> None:
    r = score(MINI, people, min_group_size=mgs)
    for el in r.elements:
        for value in (el.score, el.leadership, el.frontline):
            assert value is None or -1e-9 <= value <= 100 + 1e-9
        assert el.coverage is None or 0 <= el.coverage <= 1
        assert el.agreement is None or 0 <= el.agreement <= 1
        for g in el.roles.values():
            assert g.suppressed == (g.n < mgs)
            assert not g.suppressed or g.score is None
    assert r.overall.score is None or 0 <= r.overall.score <= 100 + 1e-9


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
    for x, y in zip(_scores(a), _scores(b), strict=True):
        assert (x is None and y is None) or abs(x - y) < 1e-9  # type: ignore[operator]
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
    for el_b, el_a in zip(before.elements, after.elements, strict=True):
        assert el_b.score == el_a.score
        assert el_b.leadership == el_a.leadership and el_b.frontline == el_a.frontline
    assert before.overall.score == after.overall.score
