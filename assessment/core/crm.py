"""CRM pipeline evidence: KPIs computed from a list of opportunities.

Pure functions over plain records (no files, no database).  :func:`compute_kpis` turns
opportunities into a :class:`CrmKpis` result whose ``to_dict()`` is the ``crm-kpis --json``
shape and what the web app stores.  Formulas are documented in ``docs/crm.md``.

Money is never added across currencies: every value-based figure is computed per currency
(:class:`CurrencyKpis`); count-based figures (win rate by count, cycle length, stale deals,
lost reasons) use all deals.  Figures that the questionnaire can link to (``evidence:`` on a
``number`` question) are listed in :data:`METRICS` with the units they are expressed in.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from assessment.core.errors import CodedError, InvalidValue


class Status(StrEnum):
    """Where an opportunity stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class Opportunity:
    """One deal of a CRM export; ``row`` is its row in the source file (for messages)."""

    id: str
    stage: str
    amount: float
    created: date
    status: Status
    owner: str = ""
    currency: str = ""
    close: date | None = None
    lost_reason: str = ""
    stage_changed: date | None = None
    row: int = 0
    forecast_category: str = ""
    """The rep's forecast category as exported (Salesforce, HubSpot: "Commit", "Best Case"…)."""


# -- stages and their probabilities ----------------------------------------------------------

DEFAULT_STAGE_PROBABILITIES: Mapping[str, float] = {
    "discovery": 0.10,
    "qualified": 0.20,
    "demo": 0.40,
    "trial": 0.60,
    "final negotiation": 0.80,
    "won": 1.00,
    "lost": 0.00,
}
"""The default probability of each canonical stage (fractions of 1)."""

STAGE_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "discovery": (
        "discovery", "prospecting", "prospect", "lead", "lead in", "new", "initial contact",
        "contact made", "appointment scheduled", "appointmentscheduled", "intro",
    ),
    "qualified": (
        "qualified", "qualification", "qualify", "qualified to buy", "qualifiedtobuy",
        "needs analysis", "needs defined", "sql",
    ),
    "demo": (
        "demo", "demo scheduled", "demonstration", "presentation", "presentation scheduled",
        "presentationscheduled",
    ),
    "trial": ("trial", "pilot", "proof of concept", "poc", "evaluation"),
    "final negotiation": (
        "final negotiation", "negotiation", "negotiations", "negotiation review",
        "negotiations started", "contract sent", "contractsent",
    ),
    "won": ("won", "closed won", "closedwon", "deal won", "closed win"),
    "lost": ("lost", "closed lost", "closedlost", "deal lost"),
}  # fmt: skip
"""Stage names (normalized) recognised as each canonical stage."""

STAGE_ORDER: tuple[str, ...] = (
    "discovery",
    "qualified",
    "demo",
    "trial",
    "final negotiation",
    "won",
    "lost",
)
"""Canonical stages in the order a deal moves through them (lost last, outside the order)."""

_SYNONYM_INDEX = {name: canon for canon, names in STAGE_SYNONYMS.items() for name in names}


def normalize_stage(name: str) -> str:
    """Stage name for matching: lower case, punctuation and spacing collapsed to one space."""
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def canonical_stage(name: str) -> str | None:
    """The canonical stage a name stands for (``"Closed Won"`` → ``"won"``), if known."""
    return _SYNONYM_INDEX.get(normalize_stage(name))


@dataclass(frozen=True)
class StageTable:
    """Stage probabilities: the defaults, overridden or extended by the user's own stages."""

    custom: Mapping[str, float] = field(default_factory=dict)
    """Normalized stage name → probability (0..1), as the user gave them."""

    @classmethod
    def build(cls, probabilities: Mapping[str, float] | None = None) -> StageTable:
        """A table from ``{stage name: probability 0..1}``; ValueError names a bad entry."""
        custom: dict[str, float] = {}
        for name, p in (probabilities or {}).items():
            key = normalize_stage(str(name))
            if not key:
                raise InvalidValue("crm.stage_name")
            if not 0.0 <= float(p) <= 1.0:
                raise InvalidValue("crm.stage_probability", stage=str(name))
            custom[key] = float(p)
        return cls(custom)

    def probability(self, stage: str) -> float | None:
        """The probability of a stage name, or None when the stage is unknown."""
        key = normalize_stage(stage)
        if key in self.custom:
            return self.custom[key]
        canon = _SYNONYM_INDEX.get(key)
        if canon is None:
            return None
        return self.custom.get(canon, DEFAULT_STAGE_PROBABILITIES[canon])

    def is_qualified(self, stage: str) -> bool | None:
        """Whether an open deal's stage is "qualified" or later; None for an unknown stage.

        Known stages go by their order (discovery < qualified < demo < trial < final
        negotiation < won); the user's own stages by their probability compared with the
        probability of "qualified" in this table.
        """
        key = normalize_stage(stage)
        canon = _SYNONYM_INDEX.get(key)
        if canon is not None:
            return canon != "lost" and STAGE_ORDER.index(canon) >= STAGE_ORDER.index("qualified")
        p = self.probability(stage)
        if p is None:
            return None
        qualified = self.probability("qualified")
        return qualified is not None and p >= qualified

    def as_percentages(self) -> dict[str, float]:
        """Every canonical and custom stage with its probability in percent (for display)."""
        table = {k: 100 * v for k, v in DEFAULT_STAGE_PROBABILITIES.items()}
        table.update({k: 100 * v for k, v in self.custom.items()})
        return table


# -- metrics the questionnaire can link to ---------------------------------------------------


_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Metric:
    """A CRM figure a ``number`` question can name as its evidence."""

    id: str
    units: tuple[str, ...]
    """Question units it is expressed in (the first is how it is shown)."""
    description: str
    money: bool = False
    """An amount: a question may also give it in a three-letter currency (``unit: EUR``),
    and is then only offered the figure of an export in that currency."""

    def accepts(self, unit: str) -> bool:
        """Whether a question with this unit can be answered by this metric."""
        return unit in self.units or (self.money and bool(_CURRENCY_CODE.match(unit)))


METRICS: Mapping[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "crm.win_rate",
            ("%",),
            "won deals as a share of deals closed in the 365 days up to the as-of date, by count",
        ),
        Metric(
            "crm.win_rate_value",
            ("%",),
            "won value as a share of value closed in the 365 days up to the as-of date "
            "(one currency only)",
        ),
        Metric(
            "crm.pipeline_coverage",
            ("x target", "x", "times target"),
            "open deals at stage qualified or later closing in the quota period, divided by "
            "that period's quota (one currency only)",
        ),
        Metric("crm.median_cycle_days", ("days",), "median days from created to closed"),
        Metric("crm.stale_share", ("%",), "stale open deals as a share of open deals, by count"),
        Metric(
            "crm.median_won_cycle_days",
            ("days",),
            "median days from created to won, over deals won in the 365 days up to the as-of date",
        ),
        Metric(
            "crm.average_deal_size",
            ("amount",),
            "won amount divided by won deals, over deals won in the 365 days up to the as-of "
            "date (one currency only)",
            money=True,
        ),
    )
}
"""Every metric id an ``evidence:`` field may name."""

DEFINITIONS = 2
"""Version of the metric definitions stored with the KPIs (``definitions`` in ``to_dict``).

Version 1 (no ``definitions`` key) measured win rates over every closed deal and coverage
over the whole open pipeline; those values no longer answer the linked questions.
"""

_CHANGED_IN_2 = ("crm.win_rate", "crm.win_rate_value", "crm.pipeline_coverage")


def current_metrics(kpis: Mapping[str, Any] | None) -> dict[str, float | None]:
    """The linkable metric values of stored KPIs, without those computed by an older definition.

    KPIs stored before :data:`DEFINITIONS` 2 keep their other figures, but their win rates
    and coverage measured something else than the questions ask, so they are dropped here
    (the pages show "not available" until a new export is uploaded).
    """
    metrics = dict((kpis or {}).get("metrics") or {})
    if int((kpis or {}).get("definitions") or 1) < DEFINITIONS:
        for key in _CHANGED_IN_2:
            metrics.pop(key, None)
    return metrics


def metric_value(kpis: Mapping[str, Any] | None, metric: str, unit: str) -> float | None:
    """The stored value of a metric for a question asked in ``unit`` (None: not available).

    As :func:`current_metrics`; besides, an amount asked in a currency (``unit: EUR``) is
    only given from an export in that one currency.
    """
    value = current_metrics(kpis).get(metric)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    known = METRICS.get(metric)
    if known is not None and known.money and _CURRENCY_CODE.match(unit):
        currencies = [c.get("currency") for c in (kpis or {}).get("currencies") or []]
        if currencies != [unit]:
            return None
    return float(value)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter containing ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    ) - timedelta(days=1)
    return start, end


WIN_RATE_DAYS = 365
"""Win rates count deals closed in this many days up to (and including) the as-of date."""


# -- results ---------------------------------------------------------------------------------


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class MonthForecast:
    """Open deals expected to close in one month (``month`` is ``YYYY-MM`` or ``""``)."""

    month: str
    deals: int
    unweighted: float
    weighted: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "month": self.month or None,
            "deals": self.deals,
            "unweighted": _r(self.unweighted),
            "weighted": _r(self.weighted),
        }


@dataclass(frozen=True)
class CurrencyKpis:
    """Value-based figures for the deals in one currency (``""``: no currency given).

    ``won_value``, ``lost_value`` and ``average_deal_size`` cover every closed deal in the
    export; ``win_rate_value`` only those closed in the win-rate period (365 days up to the
    as-of date).  ``period_pipeline`` holds the open deals at stage "qualified" or later
    whose close date falls in the quota period; ``period_coverage`` divides it by the quota.
    The ``whole_pipeline_*`` coverages divide every open deal (any stage, any close date).
    """

    currency: str
    won_value: float
    lost_value: float
    win_rate_value: float | None
    win_rate_value_all_time: float | None
    average_deal_size: float | None
    average_won_deal_period: float | None
    """Won amount ÷ won deals among deals won in the win-rate period (365 days)."""
    pipeline: float
    weighted_pipeline: float
    unweighted_pipeline_without_probability: float
    stale_value: float
    period_pipeline: float
    period_without_probability: float
    """Open deals closing in the quota period whose stage has no probability (not counted)."""
    period_coverage: float | None
    whole_pipeline_coverage: float | None
    weighted_pipeline_coverage: float | None
    forecast: tuple[MonthForecast, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "currency": self.currency or None,
            "won_value": _r(self.won_value),
            "lost_value": _r(self.lost_value),
            "win_rate_value": _r(self.win_rate_value, 4),
            "win_rate_value_all_time": _r(self.win_rate_value_all_time, 4),
            "average_deal_size": _r(self.average_deal_size),
            "average_won_deal_period": _r(self.average_won_deal_period),
            "pipeline": _r(self.pipeline),
            "weighted_pipeline": _r(self.weighted_pipeline),
            "pipeline_without_probability": _r(self.unweighted_pipeline_without_probability),
            "stale_value": _r(self.stale_value),
            "period_pipeline": _r(self.period_pipeline),
            "period_without_probability": _r(self.period_without_probability),
            "period_coverage": _r(self.period_coverage, 3),
            "whole_pipeline_coverage": _r(self.whole_pipeline_coverage, 3),
            "weighted_pipeline_coverage": _r(self.weighted_pipeline_coverage, 3),
            "forecast": [m.to_dict() for m in self.forecast],
        }


@dataclass(frozen=True)
class StaleDeal:
    """An open deal with no stage change for longer than the threshold."""

    id: str
    owner: str
    stage: str
    amount: float
    currency: str
    idle_days: int
    since: str
    """``stage_change`` or ``created`` (no stage-change date in the export)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "id": self.id,
            "owner": self.owner,
            "stage": self.stage,
            "amount": _r(self.amount),
            "currency": self.currency or None,
            "idle_days": self.idle_days,
            "since": self.since,
        }


@dataclass(frozen=True)
class UnknownStage:
    """An open-deal stage with no probability: left out of the weighted pipeline."""

    stage: str
    deals: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"stage": self.stage, "deals": self.deals}


@dataclass(frozen=True)
class LostReason:
    """A reason given for lost deals; ``reason`` is ``""`` when none was given."""

    reason: str
    deals: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"reason": self.reason or None, "deals": self.deals, "share": _r(self.share, 4)}


@dataclass(frozen=True)
class CrmKpis:
    """Every figure computed from one opportunity export."""

    as_of: date
    deals: int
    open_deals: int
    won_deals: int
    lost_deals: int
    win_rate: float | None
    """Won ÷ closed deals (count) among deals closed in the win-rate period."""
    win_period: tuple[date, date]
    """First and last day of the win-rate period (365 days up to the as-of date)."""
    won_in_period: int
    lost_in_period: int
    closed_without_date: int
    """Won or lost deals without a close date: they cannot be placed in the period."""
    win_rate_all_time: float | None
    """Won ÷ closed deals (count) over every closed deal in the export."""
    median_cycle_days: float | None
    median_won_cycle_days: float | None
    """Median days from created to close of the deals won in the win-rate period."""
    stale_threshold_days: float | None
    stale_basis_created: int
    """Open deals whose idle time is counted from the created date (no stage-change date)."""
    stale: tuple[StaleDeal, ...]
    unknown_stages: tuple[UnknownStage, ...]
    lost_reasons: tuple[LostReason, ...]
    currencies: tuple[CurrencyKpis, ...]
    quota: float | None
    quota_currency: str | None
    quota_period: tuple[date, date]
    """First and last day of the period the quota is the target of (default: the quarter)."""
    notes: tuple[str, ...]

    @property
    def stale_share(self) -> float | None:
        """Stale open deals over open deals (count)."""
        return len(self.stale) / self.open_deals if self.open_deals else None

    def currency_block(self, currency: str | None) -> CurrencyKpis | None:
        """The block of one currency (or the only block when ``currency`` is None)."""
        if currency is None:
            return self.currencies[0] if len(self.currencies) == 1 else None
        return next((c for c in self.currencies if c.currency == currency), None)

    def metrics(self) -> dict[str, float | None]:
        """Values of :data:`METRICS`, each in its first unit (percentages as 0-100)."""
        single = self.currency_block(None)
        quota_block = self.currency_block(self.quota_currency) if self.quota else None
        return {
            "crm.win_rate": _r(None if self.win_rate is None else 100 * self.win_rate, 1),
            "crm.win_rate_value": _r(
                None
                if single is None or single.win_rate_value is None
                else 100 * single.win_rate_value,
                1,
            ),
            "crm.pipeline_coverage": _r(quota_block.period_coverage if quota_block else None, 2),
            "crm.median_cycle_days": _r(self.median_cycle_days, 1),
            "crm.stale_share": _r(None if self.stale_share is None else 100 * self.stale_share, 1),
            "crm.median_won_cycle_days": _r(self.median_won_cycle_days, 1),
            "crm.average_deal_size": _r(single.average_won_deal_period if single else None),
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``crm-kpis --json`` shape (also stored as the evidence of an assessment)."""
        return {
            "definitions": DEFINITIONS,
            "as_of": self.as_of.isoformat(),
            "deals": {
                "total": self.deals,
                "open": self.open_deals,
                "won": self.won_deals,
                "lost": self.lost_deals,
            },
            "win_rate": _r(self.win_rate, 4),
            "win_rate_period": {
                "start": self.win_period[0].isoformat(),
                "end": self.win_period[1].isoformat(),
                "won": self.won_in_period,
                "lost": self.lost_in_period,
                "closed_without_date": self.closed_without_date,
            },
            "win_rate_all_time": _r(self.win_rate_all_time, 4),
            "median_cycle_days": _r(self.median_cycle_days, 1),
            "median_won_cycle_days": _r(self.median_won_cycle_days, 1),
            "stale": {
                "threshold_days": _r(self.stale_threshold_days, 1),
                "count": len(self.stale),
                "share": _r(self.stale_share, 4),
                "counted_from_created": self.stale_basis_created,
                "deals": [s.to_dict() for s in self.stale],
            },
            "unknown_stages": [u.to_dict() for u in self.unknown_stages],
            "lost_reasons": [lr.to_dict() for lr in self.lost_reasons],
            "currencies": [c.to_dict() for c in self.currencies],
            "quota": self.quota,
            "quota_currency": self.quota_currency,
            "quota_period": {
                "start": self.quota_period[0].isoformat(),
                "end": self.quota_period[1].isoformat(),
            },
            "metrics": self.metrics(),
            "notes": list(self.notes),
        }


# -- computation -----------------------------------------------------------------------------


class CrmInputError(CodedError, ValueError):
    """Inputs that cannot give meaningful figures (e.g. a quota in an unknown currency)."""


def validate_quota(quota: float | None) -> float | None:
    """The quota if it is a positive, finite amount; :class:`CrmInputError` otherwise."""
    if quota is None:
        return None
    if isinstance(quota, bool) or not isinstance(quota, int | float):
        raise CrmInputError("crm.quota_type", value=repr(quota))
    if not math.isfinite(quota):
        raise CrmInputError("crm.quota_finite", value=str(quota))
    if quota <= 0:
        raise CrmInputError("crm.quota_above_zero", value=f"{quota:g}")
    return float(quota)


def compute_kpis(
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    stages: StageTable | None = None,
    quota: float | None = None,
    quota_currency: str | None = None,
    quota_period: tuple[date, date] | None = None,
    top_reasons: int = 5,
) -> CrmKpis:
    """Compute every KPI of an opportunity list (see ``docs/crm.md`` for the formulas).

    ``quota`` is the target of ``quota_period`` (default: the calendar quarter containing
    ``as_of``) in ``quota_currency``; it may be left without a currency when all deals share
    one.  Coverage divides the open deals at stage "qualified" or later whose close date
    falls in that period by the quota.  Win rates count deals closed in the 365 days up to
    ``as_of``.  Raises :class:`CrmInputError` for a quota that is not a positive finite
    amount, a quota that cannot be matched to exactly one currency, or an empty period.
    """
    deals = list(opportunities)
    table = stages or StageTable()
    quota = validate_quota(quota)
    period = quota_period or quarter_of(as_of)
    if period[0] > period[1]:
        raise CrmInputError(
            "crm.quota_period", end=period[1].isoformat(), start=period[0].isoformat()
        )
    currencies = sorted({d.currency for d in deals})
    if quota is not None:
        quota_currency = _quota_currency(quota_currency, currencies)
    open_deals = [d for d in deals if d.status is Status.OPEN]
    won = [d for d in deals if d.status is Status.WON]
    lost = [d for d in deals if d.status is Status.LOST]
    closed = won + lost
    win_period = (as_of - timedelta(days=WIN_RATE_DAYS - 1), as_of)
    in_window = {d for d in closed if _in(d.close, win_period)}
    won_p = sum(1 for d in won if d in in_window)
    lost_p = sum(1 for d in lost if d in in_window)
    undated = sum(1 for d in closed if d.close is None)
    cycles = [(d.close - d.created).days for d in closed if d.close is not None]
    median_cycle = float(statistics.median(cycles)) if cycles else None
    won_cycles = [(d.close - d.created).days for d in won if d in in_window and d.close]
    median_won_cycle = float(statistics.median(won_cycles)) if won_cycles else None
    notes: list[str] = []
    if undated:
        notes.append(
            f"{undated} closed deal(s) have no close date: they are left out of the "
            "win rate of the last 365 days"
        )
    threshold = 2 * median_cycle if median_cycle is not None else None
    stale, from_created = _stale(open_deals, as_of, threshold)
    if threshold is None and open_deals:
        notes.append("no closed deals with a close date: stale deals cannot be judged")
    if from_created:
        notes.append(
            f"{from_created} open deal(s) have no stage-change date; "
            "their idle time is counted from the created date"
        )
    unknown = Counter(d.stage for d in open_deals if table.probability(d.stage) is None)
    if unknown:
        notes.append(
            "stages without a probability are left out of the weighted pipeline "
            "and of the quota-period coverage: " + ", ".join(sorted(unknown))
        )
    overdue = sum(1 for d in open_deals if d.close is not None and d.close < period[0])
    if quota is not None and overdue:
        notes.append(
            f"{overdue} open deal(s) have a close date before the quota period "
            f"({period[0].isoformat()}); they are not counted in its coverage"
        )
    blocks = tuple(
        _currency_block(
            cur,
            [d for d in deals if d.currency == cur],
            table,
            quota if cur == quota_currency else None,
            {s.id for s in stale},
            period,
            in_window,
        )
        for cur in currencies
    )
    if len(currencies) > 1:
        notes.append(
            "deals are in several currencies ("
            + ", ".join(c or "none" for c in currencies)
            + "); amounts are shown per currency and never added together"
        )
    reasons = Counter(d.lost_reason.strip() for d in lost)
    lost_reasons = tuple(
        LostReason(reason, n, n / len(lost))
        for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:top_reasons]
    )
    return CrmKpis(
        as_of=as_of,
        deals=len(deals),
        open_deals=len(open_deals),
        won_deals=len(won),
        lost_deals=len(lost),
        win_rate=won_p / (won_p + lost_p) if won_p + lost_p else None,
        win_period=win_period,
        won_in_period=won_p,
        lost_in_period=lost_p,
        closed_without_date=undated,
        win_rate_all_time=len(won) / len(closed) if closed else None,
        median_cycle_days=median_cycle,
        median_won_cycle_days=median_won_cycle,
        stale_threshold_days=threshold,
        stale_basis_created=from_created,
        stale=stale,
        unknown_stages=tuple(
            UnknownStage(s, n) for s, n in sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        lost_reasons=lost_reasons,
        currencies=blocks,
        quota=quota,
        quota_currency=quota_currency if quota is not None else None,
        quota_period=period,
        notes=tuple(notes),
    )


def _in(day: date | None, period: tuple[date, date]) -> bool:
    return day is not None and period[0] <= day <= period[1]


def _quota_currency(given: str | None, currencies: Sequence[str]) -> str:
    if given:
        code = given.strip().upper()
        if code not in currencies:
            found = ", ".join(c or "none" for c in currencies) or "none"
            raise CrmInputError("crm.quota_currency", currency=code, found=found)
        return code
    if len(currencies) > 1:
        raise CrmInputError("crm.several_currencies", currencies=[c or "none" for c in currencies])
    return currencies[0] if currencies else ""


def _stale(
    open_deals: Sequence[Opportunity], as_of: date, threshold: float | None
) -> tuple[tuple[StaleDeal, ...], int]:
    from_created = sum(1 for d in open_deals if d.stage_changed is None)
    if threshold is None:
        return (), from_created
    found: list[StaleDeal] = []
    for d in open_deals:
        since = d.stage_changed or d.created
        idle = (as_of - since).days
        if idle > threshold:
            basis = "created" if d.stage_changed is None else "stage_change"
            found.append(StaleDeal(d.id, d.owner, d.stage, d.amount, d.currency, idle, basis))
    found.sort(key=lambda s: (-s.idle_days, s.id))
    return tuple(found), from_created


def _currency_block(
    currency: str,
    deals: Sequence[Opportunity],
    table: StageTable,
    quota: float | None,
    stale_ids: set[str],
    period: tuple[date, date],
    in_window: set[Opportunity],
) -> CurrencyKpis:
    won = [d for d in deals if d.status is Status.WON]
    won_value = sum(d.amount for d in won)
    lost_value = sum(d.amount for d in deals if d.status is Status.LOST)
    closed_value = won_value + lost_value
    won_in_window = [d for d in won if d in in_window]
    won_p = sum(d.amount for d in won_in_window)
    closed_p = sum(d.amount for d in deals if d.status is not Status.OPEN and d in in_window)
    open_deals = [d for d in deals if d.status is Status.OPEN]
    pipeline = sum(d.amount for d in open_deals)
    weighted = 0.0
    without = 0.0
    in_period = 0.0
    in_period_unknown = 0.0
    months: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for d in open_deals:
        p = table.probability(d.stage)
        if p is None:
            without += d.amount
        else:
            weighted += d.amount * p
        if _in(d.close, period):
            qualified = table.is_qualified(d.stage)
            if qualified is None:
                in_period_unknown += d.amount
            elif qualified:
                in_period += d.amount
        month = d.close.strftime("%Y-%m") if d.close else ""
        acc = months[month]
        acc[0] += 1
        acc[1] += d.amount
        acc[2] += d.amount * (p or 0.0)
    forecast = tuple(
        MonthForecast(m, int(v[0]), v[1], v[2])
        for m, v in sorted(months.items(), key=lambda kv: (kv[0] == "", kv[0]))
    )
    return CurrencyKpis(
        currency=currency,
        won_value=won_value,
        lost_value=lost_value,
        win_rate_value=won_p / closed_p if closed_p > 0 else None,
        win_rate_value_all_time=won_value / closed_value if closed_value > 0 else None,
        average_deal_size=won_value / len(won) if won else None,
        average_won_deal_period=won_p / len(won_in_window) if won_in_window else None,
        pipeline=pipeline,
        weighted_pipeline=weighted,
        unweighted_pipeline_without_probability=without,
        stale_value=sum(d.amount for d in open_deals if d.id in stale_ids),
        period_pipeline=in_period,
        period_without_probability=in_period_unknown,
        period_coverage=in_period / quota if quota else None,
        whole_pipeline_coverage=pipeline / quota if quota else None,
        weighted_pipeline_coverage=weighted / quota if quota else None,
        forecast=forecast,
    )
