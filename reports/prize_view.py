"""The size of the prize, worded: a :class:`~assessment.core.prize.Prize` → :class:`PrizeView`.

Pure (no Flask, no ORM).  The PDF renders the view with ``templates/report/_prize.html``;
the deck (:func:`reports.deck_parts.prize_slide`) reads the same view, so a lever, an input,
a source and an amount are worded once, here.  Amounts are estimates: they are written to
about two significant figures in the locale's compact form ("PLN450K", "450 tys. zł"),
never to the last unit.

Public API::

    prize_view(prize: Prize, f: Formatter) -> PrizeView
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel.numbers import format_compact_currency, format_compact_decimal

from assessment.core.placeholders import format_amount
from assessment.core.prize import (
    AT_TARGET,
    SELLING_TIME,
    TURNOVER,
    WIN_RATE,
    Figure,
    Lever,
    Omitted,
    Prize,
)
from reports.i18n import Formatter

COMPACT_FROM = 10_000
"""Amounts from this size on are written in the locale's compact form."""
SIGNIFICANT = 2
"""Significant figures of an estimated amount."""
RAMP_SYMBOL = "R"
"""The ramp-up input: KPI in sales cycles × the profile's typical cycle (``prize_inputs``)."""
AMOUNTS = ("T", "P")
"""The inputs that are amounts of money (the revenue target, the open pipeline)."""


@dataclass(frozen=True, slots=True)
class PrizeInputView:
    """One input of a lever: what it is, its value and where it comes from, in words."""

    symbol: str
    """The formula's symbol (``H``, ``t₀``…)."""
    name: str
    """"sales headcount", "annual seller turnover"…"""
    value: str
    """Formatted with its unit: "24", "PLN60M", "34 %", "6 months"."""
    source: str
    """"organization profile", "answers (median)", "next better band, set from practice"…"""


@dataclass(frozen=True, slots=True)
class LeverView:
    """One estimated lever."""

    id: str
    title: str
    range: str
    """"low–high" in the prize's currency, as the locale writes it."""
    formula: str
    """The formula in words."""
    symbols: str
    """The formula with symbols (as the core states it)."""
    inputs: tuple[PrizeInputView, ...]


@dataclass(frozen=True, slots=True)
class OmittedView:
    """A lever that is not estimated, and why."""

    id: str
    title: str
    reason: str
    """"missing open pipeline, win rate" or "already at its target"."""
    sentence: str
    """"Not estimated — Higher win rate: missing open pipeline, win rate"."""


@dataclass(frozen=True, slots=True)
class PrizeView:
    """The size of the prize as the report and the deck show it (``_prize.html``)."""

    heading: str
    lead: str
    headline: str
    """The total ("Closing the biggest gaps is worth an estimated …") or that it cannot
    be estimated from the figures given."""
    total: str
    """The sum of the levers' ranges ("" when no lever is estimated)."""
    levers: tuple[LeverView, ...]
    omitted: tuple[OmittedView, ...]
    notes: tuple[str, ...]
    """Caveats of the estimated levers (the turnover range is a floor)."""
    currency: str


# -- words shared with the deck ---------------------------------------------------------
def lever_name(f: Formatter, lever: str) -> str:
    """A lever's title."""
    _ = f._
    return {
        TURNOVER: _("Lower seller turnover"),
        WIN_RATE: _("Higher win rate"),
        SELLING_TIME: _("More selling time"),
    }.get(lever, lever)


def input_name(f: Formatter, name: str) -> str:
    """An input (a field of :class:`~assessment.core.prize.Inputs`) in words."""
    _ = f._
    return {
        "headcount": _("sales headcount"),
        "revenue_target": _("annual revenue target"),
        "ramp_months": _("ramp-up time of a new seller"),
        "turnover": _("annual seller turnover"),
        "turnover_target": _("turnover target"),
        "win_rate": _("win rate"),
        "win_rate_target": _("win-rate target"),
        "open_pipeline": _("open pipeline"),
        "selling_time": _("share of time spent selling"),
        "selling_time_target": _("selling-time target"),
    }.get(name, name)


_SYMBOL_INPUT = {
    "H": "headcount",
    "T": "revenue_target",
    "R": "ramp_months",
    "t₀": "turnover",
    "t₁": "turnover_target",
    "P": "open_pipeline",
    "w₀": "win_rate",
    "w₁": "win_rate_target",
    "s₀": "selling_time",
    "s₁": "selling_time_target",
}
"""The core's formula symbols and the inputs they stand for (``assessment.core.prize``)."""


def figure_source(f: Formatter, figure: Figure) -> str:
    """Where a figure comes from, in words (a fact adds the source the consultant typed; a
    band target the kind of source of the questionnaire's bands)."""
    _ = f._
    if figure.source == "band":
        return {
            "seed": _("next better band, from the reference articles"),
            "published": _("next better band, from a published source"),
            "practice": _("next better band, set from practice"),
        }.get(figure.reference, _("next better band"))
    label = {
        "profile": _("organization profile"),
        "fact": _("organization fact"),
        "crm": _("CRM"),
        "answers": _("answers (median)"),
    }.get(figure.source, figure.source)
    if figure.source == "fact" and figure.reference:
        return f"{label} · {figure.reference}"
    return label


def significant(value: float, figures: int = SIGNIFICANT) -> float:
    """``value`` rounded to ``figures`` significant figures (1,644,000 → 1,600,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))


def money(f: Formatter, value: float, currency: str, *, estimate: bool = True) -> str:
    """An estimated amount as the locale writes it, to two significant figures ("PLN2.2M",
    "2,2 mln zł"): an estimate printed to the last zloty claims a precision it does not
    have.  ``estimate=False`` (an input: the client's own figure) keeps one decimal of the
    compact form instead ("PLN12.3M")."""
    if estimate:
        value = significant(value)
    if abs(value) < COMPACT_FROM:
        if not currency:
            return f.number(value)
        return format_amount(value, currency, f.locale)
    if not currency:
        return str(format_compact_decimal(value, locale=f.locale, fraction_digits=1))
    return str(format_compact_currency(value, currency, locale=f.locale, fraction_digits=1))


def money_range(f: Formatter, low: float, high: float, currency: str) -> str:
    """A low–high range of amounts."""
    return f._("%(lo)s–%(hi)s", lo=money(f, low, currency), hi=money(f, high, currency))


def figure_value(f: Formatter, figure: Figure, amount: bool = False) -> str:
    """A figure with its unit: an amount (``amount``, or a currency code as its unit) as
    money, a share in %, months, people as a whole number."""
    unit = figure.unit
    if amount or (len(unit) == 3 and unit.isalpha() and unit.isupper()):
        return money(f, figure.value, unit, estimate=False)
    if unit == "months":
        if float(figure.value).is_integer():
            return f.ngettext("%(num)s month", "%(num)s months", int(figure.value))
        return f._("%(value)s months", value=f.number(figure.value, 1))
    if unit == "people":
        return f.number(figure.value)
    return f.measure(figure.value, unit)


def omitted_reason(f: Formatter, om: Omitted) -> str:
    """Why a lever is not estimated: the missing inputs, or that it is at its target."""
    _ = f._
    if om.reason == AT_TARGET:
        return _("already at its target")
    return _("missing %(inputs)s", inputs=", ".join(input_name(f, m) for m in om.missing))


def omitted_sentence(f: Formatter, om: Omitted) -> str:
    """ "Not estimated — <lever>: <reason>"."""
    return f._(
        "Not estimated — %(lever)s: %(reason)s",
        lever=lever_name(f, om.id),
        reason=omitted_reason(f, om),
    )


def formula_words(f: Formatter, lever: str) -> str:
    """A lever's formula in words (``docs/report.md``, "Size of the prize")."""
    _ = f._
    return {
        TURNOVER: _(
            "Sellers who no longer leave each year (headcount × the fall in turnover) × a "
            "seller's monthly revenue (revenue target ÷ 12 ÷ headcount) × half to all of the "
            "ramp-up time"
        ),
        WIN_RATE: _("Open pipeline × the rise in win rate; half to all of the gain is reached"),
        SELLING_TIME: _(
            "Revenue target × the relative rise in selling time; half to all of the gain "
            "turns into revenue"
        ),
    }.get(lever, "")


def _input(f: Formatter, symbol: str, figure: Figure) -> PrizeInputView:
    source = figure_source(f, figure)
    if symbol == RAMP_SYMBOL:
        source = f._(
            "%(source)s, in sales cycles × the typical sales cycle (organization profile)",
            source=source,
        )
    return PrizeInputView(
        symbol=symbol,
        name=input_name(f, _SYMBOL_INPUT.get(symbol, symbol)),
        value=figure_value(f, figure, amount=symbol in AMOUNTS),
        source=source,
    )


def lever_view(f: Formatter, lever: Lever) -> LeverView:
    """One estimated lever, worded."""
    return LeverView(
        id=lever.id,
        title=lever_name(f, lever.id),
        range=money_range(f, lever.low, lever.high, lever.currency),
        formula=formula_words(f, lever.id),
        symbols=lever.formula,
        inputs=tuple(_input(f, s, fig) for s, fig in lever.inputs),
    )


def headline(f: Formatter, prize: Prize) -> str:
    """The total the levers are worth, or that none can be estimated."""
    if prize.levers:
        total = money_range(f, prize.low, prize.high, prize.currency)
        return f._("Closing the biggest gaps is worth an estimated %(range)s", range=total)
    return f._("The size of the prize cannot be estimated from the figures given")


def prize_view(prize: Prize, f: Formatter) -> PrizeView:
    """The worded size of the prize (every lever, estimated or not)."""
    _ = f._
    notes = []
    if any(lv.id == TURNOVER for lv in prize.levers):
        notes.append(
            _(
                "Recruiting fees and managers' time are not known and are left out, so the "
                "turnover range is a floor."
            )
        )
    return PrizeView(
        heading=_("Size of the prize"),
        lead=_(
            "Ranges, not point estimates, computed only from the organization's own figures "
            "— its profile, its key figures and the questionnaire's bands — each with its "
            "formula and sources. Nothing is filled in from a benchmark."
        ),
        headline=headline(f, prize),
        total=money_range(f, prize.low, prize.high, prize.currency) if prize.levers else "",
        levers=tuple(lever_view(f, lv) for lv in prize.levers),
        omitted=tuple(
            OmittedView(om.id, lever_name(f, om.id), omitted_reason(f, om), omitted_sentence(f, om))
            for om in prize.omitted
        ),
        notes=tuple(notes),
        currency=prize.currency,
    )
