"""Recommendation evidence: a sentence that cites the client's own figures.

A recommendation may say, under its ``why``, what the assessment found, e.g.::

    evidence: Your median is {kpi:win_loss.follow_ups} follow-ups; most deals need five or more.

Placeholders (nothing else between braces; ``{{`` and ``}}`` write a brace):

``{kpi:QUESTION}``
    the KPI value scoring uses for a ``number`` question (CRM value, organization fact or
    the median of the answers), with the question's unit;
``{profile:FIELD}``
    a field of the organization profile (:mod:`assessment.core.profile`): amounts with
    their currency, counts as whole numbers, the business type by its label;
``{share:QUESTION:value1,value2}``
    the percentage of the answers to a question with options that chose one of the values.

The text is parsed here into literal pieces and placeholders, never formatted with
``str.format`` or evaluated, and checked against the questionnaire when it loads.  A
sentence is shown only when every placeholder has a value (:func:`render_evidence`);
otherwise the recommendation is shown without it.  Numbers follow the reader's locale
through Babel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, format_percent

from assessment.core.model import Questionnaire
from assessment.core.profile import (
    BUSINESS_TYPE_LABELS,
    FIELD_BY_ID,
    FieldKind,
    OrganizationProfile,
)
from assessment.core.qtypes import Kind
from assessment.core.results import Results

KINDS = ("kpi", "profile", "share")
_QUESTION = re.compile(r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$")
_VALUE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class PlaceholderError(ValueError):
    """Text that cannot be read as an evidence sentence; the message says where."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{kind:subject[:values]}`` of an evidence sentence."""

    kind: str
    subject: str
    """The question id (``kpi``, ``share``) or profile field (``profile``)."""
    values: tuple[str, ...] = ()
    """The option values of a ``share``."""

    def __str__(self) -> str:
        tail = f":{','.join(self.values)}" if self.kind == "share" else ""
        return f"{{{self.kind}:{self.subject}{tail}}}"


Piece = str | Placeholder


def parse_evidence(text: str) -> tuple[Piece, ...]:
    """The literal pieces and placeholders of ``text``; PlaceholderError names the column."""
    pieces: list[Piece] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "}":
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise PlaceholderError(f"unmatched '}}' at column {i + 1} (write '}}}}' for a brace)")
        if ch != "{":
            literal.append(ch)
            i += 1
            continue
        if text.startswith("{{", i):
            literal.append("{")
            i += 2
            continue
        end = text.find("}", i + 1)
        inner = text[i + 1 : end] if end >= 0 else ""
        if end < 0 or "{" in inner:
            raise PlaceholderError(f"unclosed '{{' at column {i + 1} (write '{{{{' for a brace)")
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(_placeholder(inner, i + 1))
        i = end + 1
    if literal:
        pieces.append("".join(literal))
    return tuple(pieces)


def _placeholder(inner: str, column: int) -> Placeholder:
    kind, _, rest = inner.strip().partition(":")
    kind = kind.strip()
    if kind not in KINDS:
        raise PlaceholderError(
            f"unknown placeholder {{{inner}}} at column {column} "
            f"(known: {{kpi:QUESTION}}, {{profile:FIELD}}, {{share:QUESTION:value,...}})"
        )
    if kind == "share":
        subject, sep, values_text = rest.partition(":")
        values = tuple(v.strip() for v in values_text.split(",")) if sep else ()
        if not values or not all(_VALUE.match(v) for v in values):
            raise PlaceholderError(
                f"{{share:...}} at column {column} needs a question and option values: "
                f"{{share:QUESTION:value1,value2}}"
            )
    else:
        subject, values = rest, ()
    subject = subject.strip()
    if not _QUESTION.match(subject):
        what = "a field name" if kind == "profile" else "a question id"
        raise PlaceholderError(f"{{{kind}:...}} at column {column} needs {what}, got {subject!r}")
    return Placeholder(kind, subject, values)


def placeholders_of(text: str) -> frozenset[str]:
    """The placeholders of ``text`` in their written form (for comparing translations)."""
    return frozenset(str(p) for p in parse_evidence(text) if isinstance(p, Placeholder))


def evidence_problems(q: Questionnaire, text: str) -> Iterator[str]:
    """Why ``text`` is not a valid evidence sentence for ``q`` (nothing when it is)."""
    try:
        pieces = parse_evidence(text)
    except PlaceholderError as exc:
        yield str(exc)
        return
    questions = q.questions()
    for p in pieces:
        if not isinstance(p, Placeholder):
            continue
        if p.kind == "profile":
            if p.subject not in FIELD_BY_ID:
                yield f"unknown profile field in {p} (known: {', '.join(FIELD_BY_ID)})"
            continue
        question = questions.get(p.subject)
        if question is None:
            yield f"unknown question in {p}"
        elif p.kind == "kpi" and question.qtype.kind is not Kind.KPI:
            yield f"{p} needs a number question; {p.subject!r} is {question.type}"
        elif p.kind == "share":
            known = {o.value for o in question.options or ()}
            if question.qtype.kind is not Kind.PRACTICE or not known:
                yield f"{p} needs a question with options; {p.subject!r} is {question.type}"
                continue
            for v in p.values:
                if v not in known:
                    yield f"{p}: {p.subject!r} has no option {v!r} (options: {', '.join(known)})"


@dataclass(frozen=True)
class EvidenceFigures:
    """What placeholders resolve against: published results and the organization profile.

    Everything comes from the results as published, so a sentence can never show what the
    differencing protection withholds.
    """

    results: Results
    q: Questionnaire
    """The questionnaire in the reader's language (units)."""
    profile: OrganizationProfile | None
    language: str
    label: Callable[[str], str] = str
    """Translates a marked label (a business type) into the reader's language."""

    def locale(self) -> Locale:
        """The Babel locale of :attr:`language` (English when Babel does not know it)."""
        return locale_of(self.language)

    def text(self, p: Placeholder) -> str | None:
        """The placeholder's value formatted for the reader; None when it has none."""
        if p.kind == "kpi":
            return self._kpi(p.subject)
        if p.kind == "share":
            return self._share(p.subject, p.values)
        return self._profile(p.subject)

    def _kpi(self, qid: str) -> str | None:
        kpi = next((k for el in self.results.elements for k in el.kpis if k.question == qid), None)
        question = self.q.questions().get(qid)
        if kpi is None or kpi.value is None or question is None:
            return None
        if question.unit.strip() == "%":
            return _percent(kpi.value / 100, self.locale(), "#")
        number = str(format_decimal(kpi.value, "#,##0.#", locale=self.locale()))
        return f"{number}\u00a0{question.unit}".strip() if question.unit else number

    def _share(self, qid: str, values: tuple[str, ...]) -> str | None:
        qx = next((x for el in self.results.elements for x in el.questions if x.id == qid), None)
        if qx is None:
            return None
        total = sum(qx.distribution.values())
        if not total:
            return None
        share = sum(qx.distribution.get(v, 0) for v in values) / total
        return _percent(share, self.locale(), "")

    def _profile(self, field_id: str) -> str | None:
        field = FIELD_BY_ID.get(field_id)
        value = None if self.profile is None or field is None else self.profile.value(field_id)
        if field is None or value is None or self.profile is None:
            return None
        if field.kind is FieldKind.CHOICE:
            return self.label(BUSINESS_TYPE_LABELS.get(str(value), str(value)))
        if field.kind is FieldKind.AMOUNT:
            if not self.profile.currency:
                return None
            return format_amount(float(value), self.profile.currency, self.locale())
        return str(format_decimal(float(value), "#,##0", locale=self.locale()))


def locale_of(language: str) -> Locale:
    """The Babel locale of a language tag (English when Babel does not know it)."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_amount(value: float, currency: str, locale: Locale | str) -> str:
    """Money as the locale writes it (sign before or after), in whole units."""
    loc = locale if isinstance(locale, Locale) else locale_of(locale)
    pattern = _no_decimals(loc.currency_formats["standard"].pattern)
    return str(format_currency(value, currency, format=pattern, locale=loc, currency_digits=False))


def _no_decimals(pattern: str) -> str:
    """A number pattern's positive part without its fraction digits."""
    return re.sub(r"\.[0#]+", "", pattern.split(";")[0])


def _percent(share: float, locale: Locale, decimals: str) -> str:
    """A share as the locale writes a percentage (``decimals`` "#": up to one decimal)."""
    pattern = _no_decimals(locale.percent_formats[None].pattern)
    if decimals:
        last = pattern.rfind("0")
        pattern = pattern[: last + 1] + "." + decimals + pattern[last + 1 :]
    return str(format_percent(share, pattern, locale=locale))


def render_evidence(text: str, figures: EvidenceFigures) -> str:
    """The sentence with every placeholder filled in, or "" when one has no value.

    A text that does not parse (a questionnaire loaded without checks) is not shown either.
    """
    if not text:
        return ""
    try:
        pieces = parse_evidence(text)
    except PlaceholderError:
        return ""
    out: list[str] = []
    for p in pieces:
        if isinstance(p, str):
            out.append(p)
            continue
        value = figures.text(p)
        if value is None:
            return ""
        out.append(value)
    return "".join(out)


def evidence_by_recommendation(
    figures: EvidenceFigures, texts: Mapping[str, str]
) -> dict[str, str]:
    """Each recommendation's rendered evidence (only those that resolve), by id."""
    out = {}
    for rid, text in texts.items():
        rendered = render_evidence(text, figures)
        if rendered:
            out[rid] = rendered
    return out
