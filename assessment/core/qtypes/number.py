"""The ``number`` question type: a KPI figure, scored by the band it falls in."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Iterator, Sequence

from assessment.core.answers import Answer, AnswerError, AnswerKind
from assessment.core.model import Band, Question
from assessment.core.qtypes.base import N_, Kind, Loc, QuestionType
from assessment.core.qtypes.registry import register

_DECIMAL_COMMA = re.compile(r"-?\d+,(\d{1,2}|\d{4,})")


@register
class Number(QuestionType):
    """A figure with a unit and a range; bands turn it into a score."""

    name = "number"
    label = N_("Number")
    kind = Kind.KPI
    answer_kind = AnswerKind.NUMBER

    def score_bounds(self, question: Question) -> tuple[float, float]:
        """The lowest and highest band score."""
        scores = [b.score for b in question.bands or ()]
        return (min(scores), max(scores)) if scores else (0.0, 0.0)

    def parse(self, question: Question, value: str | float | int) -> Answer:
        """A finite number inside the range and a band (a decimal comma is fine)."""
        return Answer(AnswerKind.NUMBER, _number(question, value))

    def check(self, question: Question) -> Iterator[tuple[Loc, str]]:
        """A unit, a range and at least two bands that cover it without gaps or overlaps."""
        if question.options:
            yield ("options",), "a number question takes bands, not options"
        if question.range is None:
            yield ("range",), "a number question needs a range {min, max}"
        elif question.range.min >= question.range.max:
            yield ("range",), "range min must be below max"
        if not question.unit:
            yield ("unit",), "a number question needs a unit"
        bands = question.bands or ()
        if len(bands) < 2:
            yield ("bands",), "a number question needs at least two bands"
            return
        yield from _band_problems(question, bands)

    def synthetic(self, question: Question, latent: float, rng: random.Random) -> Answer | None:
        """A figure inside a band picked by rank of score."""
        return Answer(AnswerKind.NUMBER, _number_for(question, self.noisy(latent, rng), rng))

    def export_value(self, answer: Answer) -> str | float:
        """Numbers stay numeric (a number cell in XLSX); N/A and "don't know" as codes."""
        if answer.kind is AnswerKind.NUMBER and isinstance(answer.value, float | int):
            return float(answer.value)
        return answer.raw


def _band_problems(question: Question, bands: Sequence[Band]) -> Iterator[tuple[Loc, str]]:
    ids = [b.id for b in bands]
    for i, band in enumerate(bands):
        if band.id in ids[:i]:
            yield ("bands", i, "id"), f"duplicate band id {band.id!r}"
        if band.min is not None and band.max is not None and band.min >= band.max:
            yield ("bands", i), f"band {band.id!r}: min must be below max"
    ordered = sorted(bands, key=lambda b: float("-inf") if b.min is None else b.min)
    for a, b in itertools.pairwise(ordered):
        a_max = float("inf") if a.max is None else a.max
        b_min = float("-inf") if b.min is None else b.min
        if b_min < a_max:
            yield ("bands",), f"bands {a.id!r} and {b.id!r} overlap"
        elif b_min > a_max:
            yield ("bands",), f"values from {a_max:g} to {b_min:g} fall in no band"
    if question.range is not None:
        r = question.range
        if not any(b.matches(r.min) for b in bands) or not (
            any(b.matches(r.max) for b in bands) or any(b.max == r.max for b in bands)
        ):
            yield ("bands",), f"bands do not cover the range {r.min:g}..{r.max:g}"
    if len({b.score for b in bands}) < 2:
        yield ("bands",), "bands must not all have the same score"


def _number(question: Question, text: str | float | int) -> float:
    if isinstance(text, str) and "," in text:
        # A decimal comma (Polish, Russian, Romanian) is fine; a thousands separator is not.
        if not _DECIMAL_COMMA.fullmatch(text):
            raise AnswerError(question.id, "answer.ambiguous_number", value=text)
        text = text.replace(",", ".")
    try:
        x = float(text)
    except ValueError:
        raise AnswerError(question.id, "answer.not_a_number", value=str(text)) from None
    if not math.isfinite(x):
        raise AnswerError(question.id, "answer.not_finite", value=str(text))
    r = question.range
    if r is not None and not (r.min <= x <= r.max):
        code = "answer.out_of_range_unit" if question.unit else "answer.out_of_range"
        raise AnswerError(
            question.id, code, value=x, min=float(r.min), max=float(r.max), unit=question.unit
        )
    if question.band_for(x) is None:
        raise AnswerError(question.id, "answer.no_band", value=x)
    return x


def _number_for(question: Question, level: float, rng: random.Random) -> float:
    bands: Sequence[Band] = sorted(question.bands or (), key=lambda b: b.score)
    band = bands[int(level * len(bands))]
    assert question.range is not None
    lo = question.range.min if band.min is None else max(band.min, question.range.min)
    hi = question.range.max if band.max is None else min(band.max, question.range.max)
    value = lo + (hi - lo) * rng.uniform(0.05, 0.95)
    return round(value, 1) if hi - lo < 20 else float(round(value))
