"""The four ways of forecasting next month's sales, side by side, and how accurate they were.

Pure functions over the opportunities of one export (no files, no database).  The forecast
month is the calendar month after the as-of date (``docs/crm.md`` says why).  Every method is
computed per currency, never adding amounts across currencies, and carries one line saying
what it assumes (a :class:`~assessment.messages.Message`, rendered in the reader's language):

- **stage-weighted**: open deals due to close in the month, each at its stage's probability;
- **cycle-age**: the same deals, each at ``min(1, age ÷ median won cycle)``; deals older
  than twice the median won cycle are stale and count 0;
- **run rate**: won in the 90 days up to the as-of date ÷ 3, × (1 + growth), plus new reps ×
  their deals in the first month × the average won deal;
- **commit**: open deals due in the month that the reps put in the forecast category
  *commit* (only when the export has a forecast category).

:func:`compare_forecasts` measures the forecasts of earlier uploads against what was won once
their month has closed: accuracy = max(0, 1 − |forecast − actual| ÷ actual).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assessment.core.crm import CrmInputError, CrmKpis, Opportunity, StageTable, Status
from assessment.messages import Message

METHODS: tuple[str, ...] = ("stage_weighted", "cycle_age", "run_rate", "commit")
"""The methods in the order they are shown."""

RUN_RATE_DAYS = 90
"""The run rate is the won amount of this many days up to the as-of date, ÷ 3 a month."""

STALE_FACTOR = 2
"""A deal older than this many median won cycles is stale: the cycle-age method counts 0."""

WON_MONTHS = 24
"""Closed months of won amounts kept with a forecast, so a later upload can be checked."""

COMMIT_WORDS = frozenset({"commit", "committed", "commit forecast"})
"""Forecast categories (normalized) counted as the reps' commitment (Salesforce, HubSpot:
"Commit"; Dynamics: "Committed").  "Best case", "Pipeline", "Omitted" and "Closed" are not."""

GROWTH_RANGE = (-100.0, 1000.0)
"""Expected growth in percent: from losing everything to eleven times as much."""
MAX_NEW_REPS = 10_000
MAX_NEW_REP_DEALS = 10_000.0


def normalize_category(text: str) -> str:
    """A forecast category for matching: lower case, punctuation and spaces collapsed."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# -- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastOptions:
    """What the run-rate method is told about the month ahead."""

    growth: float = 0.0
    """Expected growth as a fraction (0.05: 5 %)."""
    new_reps: int = 0
    new_rep_deals: float = 0.0
    """Deals each new rep closes in the first month."""
    new_rep_deal_size: float | None = None
    """Amount of a new rep's deal; None: the average won deal of the last 365 days."""
    new_rep_currency: str | None = None
    """The currency of the new reps' deals (needed when the export has several)."""

    @classmethod
    def build(
        cls,
        growth: str | float | None = None,
        new_reps: str | float | None = None,
        new_rep_deals: str | float | None = None,
        new_rep_deal_size: str | float | None = None,
        new_rep_currency: str | None = None,
    ) -> ForecastOptions:
        """Options from typed values (``"5"``, ``"5 %"``, ``"2,5"``); None or ``""``: not given.

        Raises :class:`CrmInputError` with a code naming the option: growth must lie between
        −100 and 1,000 %, new reps must be a whole number, deals per rep and the deal size
        must be amounts (0 deals is allowed, a deal size of 0 is not); deals per rep, deal
        size and currency need new reps, and new reps need their deals.
        """
        pct = _number(growth, "forecast.growth")
        low, high = GROWTH_RANGE
        if pct is not None and not low <= pct <= high:
            raise CrmInputError("forecast.growth", value=_shown(growth))
        reps = _number(new_reps, "forecast.new_reps")
        if reps is not None and (reps < 0 or reps != int(reps) or reps > MAX_NEW_REPS):
            raise CrmInputError("forecast.new_reps", value=_shown(new_reps))
        deals = _number(new_rep_deals, "forecast.new_rep_deals")
        if deals is not None and not 0 <= deals <= MAX_NEW_REP_DEALS:
            raise CrmInputError("forecast.new_rep_deals", value=_shown(new_rep_deals))
        size = _number(new_rep_deal_size, "forecast.new_rep_deal_size")
        if size is not None and size <= 0:
            raise CrmInputError("forecast.new_rep_deal_size", value=_shown(new_rep_deal_size))
        currency = (new_rep_currency or "").strip().upper() or None
        if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
            raise CrmInputError("forecast.currency_code", currency=currency)
        if reps and deals is None:
            raise CrmInputError("forecast.new_rep_deals_needed")
        if not reps and (deals is not None or size is not None or currency is not None):
            raise CrmInputError("forecast.new_reps_needed")
        return cls(
            growth=(pct or 0.0) / 100,
            new_reps=int(reps or 0),
            new_rep_deals=deals or 0.0,
            new_rep_deal_size=size,
            new_rep_currency=currency,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (growth in percent, as typed)."""
        return {
            "growth_percent": _r(100 * self.growth, 4),
            "new_reps": self.new_reps,
            "new_rep_deals": self.new_rep_deals,
            "new_rep_deal_size": self.new_rep_deal_size,
            "new_rep_currency": self.new_rep_currency,
        }


def _shown(value: object) -> str:
    return str(value).strip()


def _number(value: str | float | None, code: str) -> float | None:
    """A typed number (``5``, ``5 %``, ``2,5``, ``−3``); :class:`CrmInputError` ``code`` if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CrmInputError(code, value=repr(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f%]", "", value).replace(",", ".").replace("\u2212", "-")
        try:
            number = float(text)
        except ValueError:
            raise CrmInputError(code, value=_shown(value)) from None
    if not math.isfinite(number):
        raise CrmInputError(code, value=_shown(value))
    return number


# -- the month and the results ---------------------------------------------------------------


def forecast_month(as_of: date) -> tuple[date, date]:
    """First and last day of the calendar month after ``as_of`` (the forecast month)."""
    first = (as_of.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def month_bounds(month: str) -> tuple[date, date] | None:
    """First and last day of a ``YYYY-MM`` month, or None when it is not one."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        return None
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _amount(value: float) -> float:
    """An amount as a message parameter: whole units (messages show every decimal kept)."""
    return float(round(value))


def message_dict(message: Message) -> dict[str, Any]:
    """A message as plain data: its code, parameters and English text."""
    return {"code": message.code, "params": dict(message.params), "text": str(message)}


def message_of(data: Any) -> Message | None:
    """The message stored by :func:`message_dict` (None when there is none)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("code"), str):
        return None
    stored, params = data["code"], data.get("params")
    return Message(stored, **(dict(params) if isinstance(params, Mapping) else {}))


@dataclass(frozen=True)
class MethodForecast:
    """One method's forecast for the month in one currency (``value`` None: not possible)."""

    method: str
    value: float | None
    deals: int | None
    """Deals the figure is made of (open deals counted; won deals for the run rate)."""
    assumes: Message
    absent: Message | None = None
    """Why the method gives no figure (e.g. no forecast-category column)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "method": self.method,
            "value": _r(self.value),
            "deals": self.deals,
            "assumes": message_dict(self.assumes),
            "absent": message_dict(self.absent) if self.absent else None,
        }


@dataclass(frozen=True)
class CurrencyForecast:
    """The methods' forecasts in one currency, and what was won by month (for accuracy)."""

    currency: str
    methods: tuple[MethodForecast, ...]
    won_last_90_days: float
    average_won_deal: float | None
    """Won amount ÷ won deals over the deals won in the 365 days up to the as-of date."""
    won_by_month: Mapping[str, float] = field(default_factory=dict)
    """``YYYY-MM`` → won amount, for the closed months the export covers (up to 24)."""

    def method(self, method: str) -> MethodForecast | None:
        """The forecast of one method."""
        return next((m for m in self.methods if m.method == method), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "currency": self.currency or None,
            "average_won_deal": _r(self.average_won_deal),
            "won_last_90_days": _r(self.won_last_90_days),
            "won_by_month": {k: _r(v) for k, v in self.won_by_month.items()},
            "methods": [m.to_dict() for m in self.methods],
        }


@dataclass(frozen=True)
class ForecastMethods:
    """Every method's forecast of the month after the as-of date, per currency."""

    as_of: date
    month: tuple[date, date]
    options: ForecastOptions
    median_won_cycle_days: float | None
    run_rate_period: tuple[date, date]
    currencies: tuple[CurrencyForecast, ...]
    notes: tuple[Message, ...] = ()

    @property
    def stale_after_days(self) -> float | None:
        """Age beyond which the cycle-age method counts a deal as stale."""
        m = self.median_won_cycle_days
        return None if m is None else STALE_FACTOR * m

    def currency(self, code: str) -> CurrencyForecast | None:
        """The block of one currency."""
        return next((c for c in self.currencies if c.currency == code), None)

    def to_dict(self) -> dict[str, Any]:
        """The ``forecast_methods`` part of ``crm-kpis --json``."""
        return {
            "month": self.month[0].strftime("%Y-%m"),
            "start": self.month[0].isoformat(),
            "end": self.month[1].isoformat(),
            "as_of": self.as_of.isoformat(),
            "median_won_cycle_days": _r(self.median_won_cycle_days, 1),
            "stale_after_days": _r(self.stale_after_days, 1),
            "run_rate_period": {
                "start": self.run_rate_period[0].isoformat(),
                "end": self.run_rate_period[1].isoformat(),
            },
            "options": self.options.to_dict(),
            "currencies": [c.to_dict() for c in self.currencies],
            "notes": [message_dict(n) for n in self.notes],
        }


# -- the methods -----------------------------------------------------------------------------


def stage_weighted(deals: Iterable[Opportunity], stages: StageTable) -> MethodForecast:
    """Σ amount × stage probability over the deals given (stages without one: left out)."""
    value, counted = 0.0, 0
    for d in deals:
        p = stages.probability(d.stage)
        if p is not None:
            value += d.amount * p
            counted += 1
    return MethodForecast(
        "stage_weighted", value, counted, Message("forecast.assumes.stage_weighted")
    )


def cycle_age_probability(age_days: int, median_won_cycle: float) -> float:
    """``min(1, age ÷ median won cycle)``; 0 for a stale deal (older than twice the cycle).

    Two months into a deal that usually takes four: 0.5.
    """
    if median_won_cycle <= 0:
        return 0.0 if age_days > 0 else 1.0
    if age_days > STALE_FACTOR * median_won_cycle:
        return 0.0
    return min(1.0, max(0, age_days) / median_won_cycle)


def cycle_age(
    deals: Iterable[Opportunity], as_of: date, median_won_cycle: float | None
) -> MethodForecast:
    """Σ amount × cycle-age probability, ages counted from created to the as-of date."""
    if median_won_cycle is None:
        return MethodForecast(
            "cycle_age",
            None,
            None,
            Message("forecast.assumes.cycle_age_unknown"),
            Message("forecast.absent.no_won_cycle"),
        )
    value, counted, stale = 0.0, 0, 0
    for d in deals:
        age = (as_of - d.created).days
        if age > STALE_FACTOR * median_won_cycle:
            stale += 1
            continue
        value += d.amount * cycle_age_probability(age, median_won_cycle)
        counted += 1
    return MethodForecast(
        "cycle_age",
        value,
        counted,
        Message(
            "forecast.assumes.cycle_age",
            days=float(round(median_won_cycle)),
            stale=float(round(STALE_FACTOR * median_won_cycle)),
            num=stale,
        ),
    )


def run_rate(
    won_last_90_days: float,
    *,
    growth: float = 0.0,
    new_reps: int = 0,
    new_rep_deals: float = 0.0,
    deal_size: float | None = None,
    won_deals: int | None = None,
) -> MethodForecast:
    """(won in 90 days ÷ 3) × (1 + growth) + new reps × deals each × deal size.

    The article's example: 1,000,000 a month, 5 % growth, 5 new reps × 5 deals × 5,000 →
    1,000,000 + 50,000 + 125,000 = 1,175,000.
    """
    monthly = won_last_90_days / 3
    grown = monthly * (1 + growth)
    params: dict[str, Any] = {
        "won": _amount(won_last_90_days),
        "rate": _amount(monthly),
        "growth": float(round(100 * growth, 2)),
    }
    if new_reps and deal_size is not None:
        added = new_reps * new_rep_deals * deal_size
        assumes = Message(
            "forecast.assumes.run_rate_new_reps",
            reps=new_reps,
            deals=float(new_rep_deals),
            size=_amount(deal_size),
            **params,
        )
        return MethodForecast("run_rate", grown + added, won_deals, assumes)
    return MethodForecast(
        "run_rate", grown, won_deals, Message("forecast.assumes.run_rate", **params)
    )


def commit(deals: Iterable[Opportunity]) -> MethodForecast:
    """Σ amount of the deals whose forecast category is *commit*."""
    chosen = [d for d in deals if normalize_category(d.forecast_category) in COMMIT_WORDS]
    return MethodForecast(
        "commit", sum(d.amount for d in chosen), len(chosen), Message("forecast.assumes.commit")
    )


# -- all of them -----------------------------------------------------------------------------


def forecast_methods(
    opportunities: Iterable[Opportunity],
    kpis: CrmKpis,
    *,
    stages: StageTable | None = None,
    options: ForecastOptions | None = None,
) -> ForecastMethods:
    """Every method's forecast of the month after ``kpis.as_of``, per currency.

    ``kpis`` are the figures of the same opportunities (median won cycle, average won deal,
    win-rate period).  Raises :class:`CrmInputError` when the new reps' currency is not one
    of the export's (or is needed and not given), or when new reps are expected and no deal
    size is known.
    """
    deals = list(opportunities)
    table = stages or StageTable()
    opts = options or ForecastOptions()
    as_of = kpis.as_of
    month = forecast_month(as_of)
    run_period = (as_of - timedelta(days=RUN_RATE_DAYS - 1), as_of)
    currencies = sorted({d.currency for d in deals})
    rep_currency = _new_rep_currency(opts, currencies)
    open_deals = [d for d in deals if d.status is Status.OPEN]
    due = [d for d in open_deals if d.close is not None and month[0] <= d.close <= month[1]]
    dated = any(d.close is not None for d in open_deals)
    has_category = any(d.forecast_category for d in deals)
    won_months = _won_months(deals, as_of)
    blocks = []
    for cur in currencies:
        in_cur = [d for d in due if d.currency == cur]
        won_90 = [
            d
            for d in deals
            if d.currency == cur and d.status is Status.WON and _within(d.close, run_period)
        ]
        block = kpis.currency_block(cur)
        average = block.average_won_deal_period if block else None
        size = opts.new_rep_deal_size if opts.new_rep_deal_size is not None else average
        reps = opts.new_reps if cur == rep_currency else 0
        if reps and size is None:
            raise CrmInputError("forecast.deal_size_unknown", currency=cur or "none")
        methods = [
            stage_weighted(in_cur, table),
            cycle_age(in_cur, as_of, kpis.median_won_cycle_days),
            run_rate(
                sum(d.amount for d in won_90),
                growth=opts.growth,
                new_reps=reps,
                new_rep_deals=opts.new_rep_deals,
                deal_size=size,
                won_deals=len(won_90),
            ),
            commit(in_cur),
        ]
        if not dated:
            why = Message("forecast.absent.no_close_dates")
            for i in (0, 1, 3):
                m = methods[i]
                methods[i] = MethodForecast(m.method, None, None, m.assumes, m.absent or why)
        if not has_category:
            methods[3] = MethodForecast(
                "commit", None, None, methods[3].assumes, Message("forecast.absent.no_category")
            )
        blocks.append(
            CurrencyForecast(
                cur,
                tuple(methods),
                sum(d.amount for d in won_90),
                average,
                {m: v.get(cur, 0.0) for m, v in won_months.items()},
            )
        )
    return ForecastMethods(
        as_of=as_of,
        month=month,
        options=opts,
        median_won_cycle_days=kpis.median_won_cycle_days,
        run_rate_period=run_period,
        currencies=tuple(blocks),
        notes=_notes(open_deals, due, month, table),
    )


def _within(day: date | None, period: tuple[date, date]) -> bool:
    return day is not None and period[0] <= day <= period[1]


def _new_rep_currency(opts: ForecastOptions, currencies: Sequence[str]) -> str | None:
    if not opts.new_reps:
        return None
    if opts.new_rep_currency:
        if opts.new_rep_currency not in currencies:
            found = [c or "none" for c in currencies] or ["none"]
            raise CrmInputError(
                "forecast.new_rep_currency", currency=opts.new_rep_currency, found=found
            )
        return opts.new_rep_currency
    if len(currencies) > 1:
        found = [c or "none" for c in currencies]
        raise CrmInputError("forecast.new_rep_currency_needed", currencies=found)
    return currencies[0] if currencies else ""


def _won_months(deals: Sequence[Opportunity], as_of: date) -> dict[str, dict[str, float]]:
    """Closed months the export covers (from its earliest date, at most 24) → currency → won."""
    dates = [d.created for d in deals] + [d.close for d in deals if d.close is not None]
    if not dates:
        return {}
    earliest = min(dates).replace(day=1)
    months: list[str] = []
    last = as_of.replace(day=1) - timedelta(days=1)  # the last day of the previous month
    if forecast_month(as_of)[0] - timedelta(days=1) == as_of:
        last = as_of  # as of the last day of a month: that month has closed too
    cursor = last.replace(day=1)
    while cursor >= earliest and len(months) < WON_MONTHS:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    out: dict[str, dict[str, float]] = {m: {} for m in sorted(months)}
    for d in deals:
        if d.status is Status.WON and d.close is not None:
            key = d.close.strftime("%Y-%m")
            if key in out:
                out[key][d.currency] = out[key].get(d.currency, 0.0) + d.amount
    return out


def _notes(
    open_deals: Sequence[Opportunity],
    due: Sequence[Opportunity],
    month: tuple[date, date],
    table: StageTable,
) -> tuple[Message, ...]:
    notes = []
    undated = sum(1 for d in open_deals if d.close is None)
    if undated and undated < len(open_deals):
        notes.append(Message("forecast.note.undated", num=undated))
    overdue = sum(1 for d in open_deals if d.close is not None and d.close < month[0])
    if overdue:
        notes.append(Message("forecast.note.before_month", num=overdue))
    unknown = sum(1 for d in due if table.probability(d.stage) is None)
    if unknown:
        notes.append(Message("forecast.note.no_probability", num=unknown))
    return tuple(notes)


# -- accuracy --------------------------------------------------------------------------------


def accuracy(forecast: float, actual: float) -> float | None:
    """``max(0, 1 − |forecast − actual| ÷ actual)``; None when nothing was won (actual 0).

    A miss of 100 % or more counts as 0, as the forecast-accuracy question says.
    """
    if actual <= 0:
        return None
    return max(0.0, 1 - abs(forecast - actual) / actual)


@dataclass(frozen=True)
class MethodAccuracy:
    """How close one method's forecast came to the won amount."""

    method: str
    forecast: float
    accuracy: float | None


@dataclass(frozen=True)
class MonthAccuracy:
    """The forecasts an earlier upload made for a month, against what was then won."""

    month: str
    currency: str
    actual: float
    methods: tuple[MethodAccuracy, ...]
    source: Any
    """What the caller said the forecast came from (e.g. the upload's file and date)."""
    forecast_as_of: str


def compare_forecasts(
    earlier: Iterable[tuple[Any, Mapping[str, Any]]], current: Mapping[str, Any] | None
) -> tuple[MonthAccuracy, ...]:
    """Each closed forecast month of earlier uploads against the current upload's won amounts.

    ``earlier`` pairs a caller's reference (shown as ``source``) with the ``forecast_methods``
    an upload stored; ``current`` is the ``forecast_methods`` of the upload in use, whose
    ``won_by_month`` holds the months that have closed by its as-of date.  When several
    uploads forecast the same month, the one made last (latest as-of date; the later in
    ``earlier`` on a tie) is compared: it knew the most.  Months are listed newest first.
    """
    won: dict[tuple[str, str], float] = {}
    for block in (current or {}).get("currencies") or []:
        cur = str(block.get("currency") or "")
        for month, value in (block.get("won_by_month") or {}).items():
            if isinstance(value, int | float):
                won[(str(month), cur)] = float(value)
    chosen: dict[tuple[str, str], tuple[str, Any, Mapping[str, Any]]] = {}
    for source, fm in earlier:
        month = str(fm.get("month") or "")
        as_of = str(fm.get("as_of") or "")
        for block in fm.get("currencies") or []:
            key = (month, str(block.get("currency") or ""))
            if key not in won:
                continue
            if key not in chosen or as_of >= chosen[key][0]:
                chosen[key] = (as_of, source, block)
    out = []
    for (month, cur), (as_of, source, block) in chosen.items():
        actual = won[(month, cur)]
        methods = tuple(
            MethodAccuracy(str(m["method"]), float(m["value"]), accuracy(float(m["value"]), actual))
            for m in block.get("methods") or []
            if isinstance(m, Mapping) and isinstance(m.get("value"), int | float)
        )
        if methods:
            out.append(MonthAccuracy(month, cur, actual, methods, source, as_of))
    out.sort(key=lambda a: a.currency)
    out.sort(key=lambda a: a.month, reverse=True)
    return tuple(out)
