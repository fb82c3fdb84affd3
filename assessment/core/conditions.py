"""The condition language that decides when a recommendation is triggered.

Conditions are parsed into a small syntax tree and evaluated against results; nothing is
ever passed to ``eval``.  Grammar (keywords are lower case)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | test
    test       := metric OP NUMBER | metric "in" "[" NAME ("," NAME)* "]" | metric "==" NAME
    metric     := score[(ELEMENT)] | coverage[(ELEMENT)] | agreement[(ELEMENT)]
                | gap[(ELEMENT)] | abs_gap[(ELEMENT)]
                | question(QUESTION) | share(QUESTION, VALUE, ...) | kpi(QUESTION)
                | band(QUESTION) | profile(FIELD)
    OP         := "<" | "<=" | ">" | ">=" | "==" | "!="

``score``, ``coverage`` (percent), ``agreement`` (0-1), ``gap`` (leadership minus frontline)
and ``abs_gap`` default to the recommendation's own element.  ``question(q)`` is the mean
normalized answer of ``q`` in percent; ``share(q, v, ...)`` the percentage of answers to ``q``
that chose one of the listed option values; ``kpi(q)`` the median numeric answer; ``band(q)``
the id of the band that median falls in; ``profile(f)`` a field of the organization profile
(:mod:`assessment.core.profile`): ``profile(business_type) in [manufacturer, distributor]``,
``profile(sales_headcount) < 5``.

Evaluation uses three-valued logic: a metric that is unknown (no answers, suppressed group)
makes its test unknown, ``and``/``or``/``not`` follow Kleene's rules, and a condition that
ends unknown does not trigger.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

ELEMENT_METRICS = frozenset({"score", "coverage", "agreement", "gap", "abs_gap"})
QUESTION_METRICS = frozenset({"question", "share", "kpi", "band"})
PROFILE_METRICS = frozenset({"profile"})
METRICS = ELEMENT_METRICS | QUESTION_METRICS | PROFILE_METRICS

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|==|!=|<|>)|(?P<punct>[(),\[\]])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)|(?P<bad>\S))"
)


class ConditionSyntaxError(ValueError):
    """A condition that cannot be parsed; the message says where."""


class MetricSource(Protocol):
    """What a condition is evaluated against."""

    def metric(self, name: str, args: tuple[str, ...]) -> float | str | None:
        """The value of ``name(args...)``, or ``None`` when it is unknown."""


@dataclass(frozen=True, slots=True)
class Metric:
    """A reference to a value in the results, e.g. ``share(crm.usage, yes)``."""

    name: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(self.args)})" if self.args else self.name


@dataclass(frozen=True, slots=True)
class Compare:
    """``metric OP number`` or ``metric == name``."""

    metric: Metric
    op: str
    value: float | str

    def evaluate(self, source: MetricSource, element: str) -> bool | None:
        """True, False or None (unknown)."""
        actual = source.metric(self.metric.name, _with_default(self.metric, element))
        if actual is None:
            return None
        if isinstance(self.value, str) or isinstance(actual, str):
            if self.op not in ("==", "!="):
                return None
            same = str(actual) == str(self.value)
            return same if self.op == "==" else not same
        return _OPS[self.op](float(actual), self.value)


@dataclass(frozen=True, slots=True)
class Member:
    """``metric in [a, b, ...]``."""

    metric: Metric
    values: tuple[str, ...]

    def evaluate(self, source: MetricSource, element: str) -> bool | None:
        """True, False or None (unknown)."""
        actual = source.metric(self.metric.name, _with_default(self.metric, element))
        if actual is None:
            return None
        return str(actual) in self.values


@dataclass(frozen=True, slots=True)
class Not:
    """Negation."""

    operand: Condition

    def evaluate(self, source: MetricSource, element: str) -> bool | None:
        """True, False or None (unknown)."""
        value = self.operand.evaluate(source, element)
        return None if value is None else not value


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Condition, ...]

    def evaluate(self, source: MetricSource, element: str) -> bool | None:
        """Kleene three-valued ``and``/``or``."""
        values = [o.evaluate(source, element) for o in self.operands]
        if self.op == "and":
            if any(v is False for v in values):
                return False
            return None if any(v is None for v in values) else True
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False


Condition = Compare | Member | Not | BoolOp


def _with_default(metric: Metric, element: str) -> tuple[str, ...]:
    if metric.name in ELEMENT_METRICS and not metric.args:
        return (element,)
    return metric.args


def metrics_of(cond: Condition) -> list[Metric]:
    """Every metric a condition refers to (for validation)."""
    if isinstance(cond, Compare | Member):
        return [cond.metric]
    if isinstance(cond, Not):
        return metrics_of(cond.operand)
    return [m for o in cond.operands for m in metrics_of(o)]


def triggers(cond: Condition, source: MetricSource, element: str) -> bool:
    """Whether the condition holds (unknown counts as not holding)."""
    return cond.evaluate(source, element) is True


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind is None:
                continue
            if kind == "bad":
                raise ConditionSyntaxError(
                    f"unexpected character {m.group(kind)!r} at column {m.start(kind) + 1}"
                )
            self.tokens.append((kind, m.group(kind), m.start(kind) + 1))
        self.pos = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            want = f"{expected!r}" if expected else "more input"
            raise ConditionSyntaxError(f"expected {want} but the condition ended")
        if expected is not None and tok[1] != expected:
            raise ConditionSyntaxError(f"expected {expected!r} at column {tok[2]}, got {tok[1]!r}")
        self.pos += 1
        return tok

    def parse(self) -> Condition:
        if not self.tokens:
            raise ConditionSyntaxError("empty condition")
        cond = self.expr()
        tok = self.peek()
        if tok is not None:
            raise ConditionSyntaxError(f"unexpected {tok[1]!r} at column {tok[2]}")
        return cond

    def expr(self) -> Condition:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok[1] == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Condition:
        parts = [self.not_expr()]
        while (tok := self.peek()) is not None and tok[1] == "and":
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self) -> Condition:
        tok = self.peek()
        if tok is not None and tok[1] == "not":
            self.take()
            return Not(self.not_expr())
        if tok is not None and tok[1] == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        return self.test()

    def metric(self) -> Metric:
        kind, name, col = self.take()
        if kind != "name" or name not in METRICS:
            known = ", ".join(sorted(METRICS))
            raise ConditionSyntaxError(f"unknown metric {name!r} at column {col} (known: {known})")
        args: list[str] = []
        tok = self.peek()
        if tok is not None and tok[1] == "(":
            self.take()
            while True:
                akind, arg, acol = self.take()
                if akind not in ("name", "num"):
                    raise ConditionSyntaxError(f"expected a name at column {acol}, got {arg!r}")
                args.append(arg)
                sep = self.take()
                if sep[1] == ")":
                    break
                if sep[1] != ",":
                    raise ConditionSyntaxError(f"expected ',' or ')' at column {sep[2]}")
        metric = Metric(name, tuple(args))
        _check_arity(metric, col)
        return metric

    def test(self) -> Condition:
        metric = self.metric()
        kind, op, col = self.take()
        if op == "in":
            self.take("[")
            values = [self.take()[1]]
            while self.take()[1] == ",":
                values.append(self.take()[1])
            if self.tokens[self.pos - 1][1] != "]":
                raise ConditionSyntaxError(f"expected ']' to close the list at column {col}")
            return Member(metric, tuple(values))
        if kind != "op":
            raise ConditionSyntaxError(f"expected a comparison after {metric} at column {col}")
        vkind, value, vcol = self.take()
        if vkind == "num":
            return Compare(metric, op, float(value))
        if vkind == "name" and op in ("==", "!="):
            return Compare(metric, op, value)
        raise ConditionSyntaxError(f"expected a number at column {vcol}, got {value!r}")


def _check_arity(metric: Metric, col: int) -> None:
    n = len(metric.args)
    if metric.name in ELEMENT_METRICS and n > 1:
        raise ConditionSyntaxError(f"{metric.name} takes at most one element id (column {col})")
    if metric.name in ("question", "kpi", "band") and n != 1:
        raise ConditionSyntaxError(f"{metric.name} takes exactly one question id (column {col})")
    if metric.name in PROFILE_METRICS and n != 1:
        raise ConditionSyntaxError(f"{metric.name} takes exactly one field name (column {col})")
    if metric.name == "share" and n < 2:
        raise ConditionSyntaxError(
            f"share takes a question id and at least one option value (column {col})"
        )


def parse_condition(text: str) -> Condition:
    """Parse a condition; raise :class:`ConditionSyntaxError` with the column on failure."""
    if len(text) > 2000:
        raise ConditionSyntaxError("condition longer than 2000 characters")
    return _Parser(text).parse()
