"""The question-type registry: a type defined only here works everywhere in the core.

``Stars`` (one to five stars) is registered by this test and by nothing else: no product
module names it, yet the loader accepts it, answers parse, definitions are checked, scores
count it, synthetic respondents answer it and exports round-trip it.  That is the claim of
``docs/questionnaires.md`` ("Adding a question type").
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import yaml

from assessment.core.answers import Answer, AnswerError, AnswerKind, Respondent, parse_answer
from assessment.core.loader import QuestionnaireError, load_questionnaire_text
from assessment.core.model import Question, Questionnaire
from assessment.core.qtypes import (
    Kind,
    Loc,
    QuestionType,
    UnknownQuestionType,
    question_type,
    register,
    type_names,
    unregister,
)
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.io.exports import ExportPerson, long_rows, to_csv
from assessment.io.long_answers import read_long_answers
from tests.conftest import DATA

BUILT_IN = ("likert", "choice", "yes_no", "number", "text")


class Stars(QuestionType):
    """One to five stars; an answer is written ``s1``..``s5`` or as the bare number."""

    name = "stars"
    label = "Stars"
    kind = Kind.PRACTICE
    answer_kind = AnswerKind.OPTION
    default_options = tuple({"value": f"s{i}", "label": "★" * i, "score": i} for i in range(1, 6))

    def score_bounds(self, question: Question) -> tuple[float, float]:
        scores = [o.score for o in question.options or ()]
        return (min(scores), max(scores)) if scores else (0.0, 0.0)

    def parse(self, question: Question, value: str | float | int) -> Answer:
        text = str(value)
        text = text if text.startswith("s") else f"s{text}"
        if question.option(text) is None:
            # A type's own wording goes through the catalogue's pass-through code (a type
            # shipped with the product defines its own code in assessment/messages/).
            raise AnswerError(
                question.id, "form.detail", detail=f"{value!r} is not one to five stars"
            )
        return Answer(AnswerKind.OPTION, text)

    def check(self, question: Question) -> Iterator[tuple[Loc, str]]:
        if len(question.options or ()) != 5:
            yield ("options",), "a stars question has exactly five options"

    def synthetic(self, question: Question, latent: float, rng: random.Random) -> Answer | None:
        return Answer(AnswerKind.OPTION, f"s{1 + int(self.noisy(latent, rng) * 5)}")

    def export_value(self, answer: Answer) -> str | float:
        return answer.raw.removeprefix("s") if answer.kind is AnswerKind.OPTION else answer.raw


@pytest.fixture
def stars() -> Iterator[QuestionType]:
    register(Stars)
    try:
        yield question_type("stars")
    finally:
        unregister("stars")


def with_stars_question(**fields: object) -> str:
    """The mini questionnaire with a stars question added to element b."""
    doc = yaml.safe_load((DATA / "mini" / "questionnaire.yaml").read_text())
    element = next(el for el in doc["elements"] if el["id"] == "b")
    element["questions"].append({"id": "b.stars", "type": "stars", "text": "Rate it", **fields})
    return yaml.safe_dump(doc, allow_unicode=True)


def test_built_in_types_are_registered_once_in_order() -> None:
    assert type_names() == BUILT_IN
    assert [question_type(n).kind for n in BUILT_IN] == [
        Kind.PRACTICE,
        Kind.PRACTICE,
        Kind.PRACTICE,
        Kind.KPI,
        Kind.UNSCORED,
    ]
    assert [question_type(n).scored for n in BUILT_IN] == [True, True, True, True, False]
    assert [n for n in BUILT_IN if question_type(n).agreement] == ["likert"]
    with pytest.raises(ValueError, match="already registered"):
        register(type(question_type("likert")))
    with pytest.raises(UnknownQuestionType):
        question_type("stars")


def test_unknown_type_is_refused_with_the_registered_names() -> None:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(with_stars_question())
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.endswith(
        "type: Input should be 'likert', 'choice', 'yes_no', 'number' or 'text' (got 'stars')"
    )


def test_a_registered_type_loads_with_its_defaults_and_its_own_checks(
    stars: QuestionType,
) -> None:
    q = load_questionnaire_text(with_stars_question())
    question = q.questions()["b.stars"]
    assert question.qtype is stars and question.scored
    assert [o.value for o in question.options or ()] == ["s1", "s2", "s3", "s4", "s5"]
    assert question.score_bounds == (1, 5)
    # Serialized as written: the name, like every built-in type.
    assert question.model_dump(mode="json")["type"] == "stars"

    three = [{"value": f"s{i}", "label": str(i), "score": i} for i in range(1, 4)]
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(with_stars_question(options=three))
    assert [str(p) for p in info.value.problems] == [
        "upload.yaml: elements[1].questions[2].options: a stars question has exactly five options"
    ]


def test_a_registered_type_parses_scores_and_exports(stars: QuestionType) -> None:
    q = load_questionnaire_text(with_stars_question())
    question = q.questions()["b.stars"]
    assert parse_answer(question, "4") == Answer(AnswerKind.OPTION, "s4")
    assert parse_answer(question, " s2 ") == Answer(AnswerKind.OPTION, "s2")
    with pytest.raises(AnswerError, match="not one to five stars"):
        parse_answer(question, "7")
    with pytest.raises(AnswerError, match="not offered"):
        parse_answer(question, "na")

    people = [
        Respondent("R1", "sales_rep", {"b.stars": Answer(AnswerKind.OPTION, "s5")}),
        Respondent("R2", "sales_rep", {"b.stars": Answer(AnswerKind.OPTION, "s2")}),
    ]
    element_b = score(q, people, min_group_size=1).elements[1]
    explained = next(x for x in element_b.questions if x.id == "b.stars")
    assert explained.type == "stars" and explained.status == "included"
    assert explained.mean == pytest.approx(((5 - 1) / 4 + (2 - 1) / 4) / 2)
    assert explained.agreement is None  # only types that declare it measure agreement
    assert element_b.score == pytest.approx(100 * explained.mean)

    rows = long_rows(q, [ExportPerson(p) for p in people])
    assert [r[-2] for r in rows[1:]] == ["5", "2"]  # the type's own export cell
    again = read_long_answers(to_csv(rows), q)
    assert [p.respondent.answers for p in again] == [p.answers for p in people]


def test_an_unscored_type_stays_out_of_the_score(stars: QuestionType) -> None:
    class Remark(Stars):
        name = "remark"
        kind = Kind.UNSCORED

    register(Remark)
    try:
        q = load_questionnaire_text(with_stars_question().replace("type: stars", "type: remark"))
        people = [Respondent("R1", "sales_rep", {"b.stars": Answer(AnswerKind.OPTION, "s5")})]
        element_b = score(q, people, min_group_size=1).elements[1]
    finally:
        unregister("remark")
    explained = next(x for x in element_b.questions if x.id == "b.stars")
    assert explained.status == "not_scored"
    assert element_b.score is None  # b's other questions are unanswered: nothing counts


def test_synthetic_respondents_answer_a_registered_type(stars: QuestionType) -> None:
    q: Questionnaire = load_questionnaire_text(with_stars_question())
    answers = [p.answers.get("b.stars") for p in synthetic_respondents(q, 40, seed=3)]
    given = [a for a in answers if a is not None and a.kind is AnswerKind.OPTION]
    assert given and {str(a.value) for a in given} <= {"s1", "s2", "s3", "s4", "s5"}
