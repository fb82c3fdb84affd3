"""The recommendation condition language: parsing, three-valued evaluation, refusal of code."""

from __future__ import annotations

import pytest

from assessment.core.conditions import ConditionSyntaxError, parse_condition, triggers


class Table:
    def __init__(self, values: dict[tuple[str, tuple[str, ...]], float | str | None]) -> None:
        self.values = values

    def metric(self, name: str, args: tuple[str, ...]) -> float | str | None:
        return self.values.get((name, args))


T = Table(
    {
        ("score", ("crm",)): 55.0,
        ("gap", ("crm",)): None,
        ("coverage", ("crm",)): 40.0,
        ("score", ("pipeline",)): 80.0,
        ("share", ("crm.x", "no")): 60.0,
        ("band", ("crm.k",)): "low",
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("score < 60", True),
        ("score >= 60", False),
        ("score(pipeline) > 70", True),
        ("score < 60 and coverage < 50", True),
        ("score < 50 or coverage < 50", True),
        ("not score < 50", True),
        ("share(crm.x, no) >= 60", True),
        ("band(crm.k) in [low, mid]", True),
        ("band(crm.k) == mid", False),
        ("band(crm.k) != mid", True),
        ("(score < 50 or score(pipeline) >= 80) and not coverage > 50", True),
        # unknown values: never trigger, whatever the negation
        ("gap >= 15", False),
        ("not gap >= 15", False),
        ("gap >= 15 or score < 60", True),
        ("gap >= 15 and score < 60", False),
        ("not (gap >= 15 and score > 60)", True),  # False inside 'and' decides it
    ],
)
def test_evaluation(text: str, expected: bool) -> None:
    assert triggers(parse_condition(text), T, "crm") is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty condition"),
        ("score <", "ended"),
        ("score < abc", "expected a number"),
        ("scor < 3", "unknown metric 'scor'"),
        ("score < 3 and", "ended"),
        ("(score < 3", "expected ')'"),
        ("score < 3)", "unexpected ')'"),
        ("__import__('os').system('id')", "unexpected character"),
        ("question(a, b) < 3", "exactly one question"),
        ("share(a) > 3", "at least one option"),
        ("score(a, b) < 3", "at most one element"),
        ("score < 3 score > 2", "unexpected 'score'"),
        ("score ; 3", "unexpected character ';'"),
    ],
)
def test_syntax_errors_say_what(text: str, message: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_condition(text)


def test_overlong_condition_refused() -> None:
    with pytest.raises(ConditionSyntaxError, match="longer than"):
        parse_condition("score < 1 or " * 300 + "score < 2")
