"""The report's "Evidence from CRM data" section: stored CRM KPIs → a plain view-model.

:func:`build_evidence` is pure: it takes the stored KPIs (the ``crm-kpis --json`` shape kept
in ``CrmEvidence.kpis``), the questionnaire and the results, and returns frozen data with
every value already formatted for the report language.  ``templates/report/_evidence.html``
renders it as ``evidence``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.dates import format_skeleton

from assessment.core.crm import metric_value
from assessment.core.forecast_methods import MonthAccuracy, message_of, month_bounds
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.messages import Message
from reports.i18n import Formatter, Translator


@dataclass(frozen=True)
class EvidenceFigure:
    """One headline figure: a label and its formatted value."""

    label: str
    value: str


@dataclass(frozen=True)
class EvidenceCurrency:
    """Value-based figures of one currency."""

    currency: str
    figures: tuple[EvidenceFigure, ...]


@dataclass(frozen=True)
class EvidenceComparison:
    """A linked KPI question: the CRM figure next to the respondents' median answer."""

    question: str
    crm: str
    period: str
    """What the CRM figure covers, e.g. "deals closed 2 July 2023 – 1 July 2024" ("" unknown)."""
    respondents: str
    band: str
    answered: int


@dataclass(frozen=True)
class EvidenceReason:
    """A lost reason with its count and share of lost deals."""

    reason: str
    deals: str
    share: str


@dataclass(frozen=True)
class ForecastMethodRow:
    """One forecasting method: its name, figure and the line saying what it assumes."""

    label: str
    value: str
    assumes: str
    absent: str
    """Why the method has no figure ("" when it has one)."""


@dataclass(frozen=True)
class ForecastCurrency:
    """The methods side by side for the deals in one currency."""

    currency: str
    rows: tuple[ForecastMethodRow, ...]


@dataclass(frozen=True)
class AccuracyRow:
    """One method's earlier forecast of a closed month and its accuracy."""

    label: str
    forecast: str
    accuracy: str


@dataclass(frozen=True)
class AccuracyMonth:
    """An earlier forecast of a month that has closed, against what was won."""

    caption: str
    rows: tuple[AccuracyRow, ...]


@dataclass(frozen=True)
class EvidenceForecast:
    """Next month's forecast four ways, and how close earlier forecasts came."""

    title: str
    intro: str
    currencies: tuple[ForecastCurrency, ...]
    notes: tuple[str, ...]
    accuracy: tuple[AccuracyMonth, ...]
    accuracy_note: str
    """What accuracy means, or how to get it when no forecast month has closed yet."""


@dataclass(frozen=True)
class EvidenceView:
    """Everything the evidence section shows, formatted."""

    title: str
    source: str
    figures: tuple[EvidenceFigure, ...]
    currencies: tuple[EvidenceCurrency, ...]
    comparisons: tuple[EvidenceComparison, ...]
    lost_reasons: tuple[EvidenceReason, ...]
    notes: tuple[str, ...]
    forecast: EvidenceForecast | None = None


def build_evidence(
    kpis: Mapping[str, Any] | None,
    questionnaire: Questionnaire,
    results: Results,
    *,
    language: str = "en",
    translations: Translator | None = None,
    filename: str = "",
    accuracy: Sequence[MonthAccuracy] = (),
) -> EvidenceView | None:
    """The evidence section's view-model, or None when the assessment has no CRM evidence.

    ``accuracy`` compares the client's earlier forecasts with what these KPIs show as won
    (:func:`~assessment.services.crm_evidence.forecast_accuracy` finds them).
    """
    if not kpis:
        return None
    f = Formatter.create(language, translations)
    _ = f._
    deals = kpis.get("deals") or {}
    stale = kpis.get("stale") or {}
    cycle = kpis.get("median_cycle_days")
    figures = (
        EvidenceFigure(_("Deals in the export"), f.integer(int(deals.get("total", 0)))),
        EvidenceFigure(
            _("Open / won / lost"),
            " / ".join(f.integer(int(deals.get(k, 0))) for k in ("open", "won", "lost")),
        ),
        EvidenceFigure(
            _("Win rate (by count)")
            + (f" ({win_text})" if (win_text := _win_period(f, kpis)) else ""),
            f.percent(kpis.get("win_rate"), 1),
        ),
        EvidenceFigure(
            _("Median sales cycle"),
            "–" if cycle is None else f.ngettext("%(num)s day", "%(num)s days", round(cycle)),
        ),
        EvidenceFigure(_("Stale open deals"), f.integer(int(stale.get("count", 0)))),
    )
    currencies = tuple(
        _currency(f, c, _quota_period(f, kpis)) for c in kpis.get("currencies") or []
    )
    as_of = kpis.get("as_of")
    when = f.date(dt.date.fromisoformat(as_of)) if isinstance(as_of, str) else "–"
    source = _(
        "Figures computed from the CRM opportunity export %(file)s on %(date)s.",
        file=filename or "–",
        date=when,
    )
    return EvidenceView(
        title=_("Evidence from CRM data"),
        source=source,
        figures=figures,
        currencies=currencies,
        comparisons=_comparisons(f, kpis, questionnaire, results),
        lost_reasons=tuple(
            EvidenceReason(
                str(r.get("reason") or _("none given")),
                f.integer(int(r.get("deals", 0))),
                f.percent(r.get("share")),
            )
            for r in kpis.get("lost_reasons") or []
        ),
        notes=_notes(f, kpis),
        forecast=_forecast(f, kpis.get("forecast_methods"), accuracy),
    )


def _month(f: Formatter, month: str) -> str:
    bounds = month_bounds(month)
    if bounds is None:
        return month
    return str(format_skeleton("yMMMM", bounds[0], locale=f.locale))


def _message(f: Formatter, stored: Any) -> str:
    message = message_of(stored)
    return message.render(f.translations, f.locale) if message is not None else ""


def _method(f: Formatter, method: str) -> str:
    return Message(f"forecast.method.{method}").render(f.translations, f.locale)


def _forecast(f: Formatter, fm: Any, accuracy: Sequence[MonthAccuracy]) -> EvidenceForecast | None:
    if not isinstance(fm, Mapping):
        return None
    _ = f._
    month = _month(f, str(fm.get("month") or ""))
    currencies = tuple(
        ForecastCurrency(
            str(c.get("currency") or _("not given")),
            tuple(
                ForecastMethodRow(
                    label=_method(f, str(m.get("method"))),
                    value=f.number(m.get("value")) if m.get("value") is not None else "–",
                    assumes=_message(f, m.get("assumes")),
                    absent=_message(f, m.get("absent")),
                )
                for m in c.get("methods") or []
            ),
        )
        for c in fm.get("currencies") or []
    )
    months = tuple(
        AccuracyMonth(
            caption=_(
                "%(month)s: won %(actual)s %(currency)s; forecast as of %(date)s (%(source)s).",
                month=_month(f, a.month),
                actual=f.number(a.actual),
                currency=a.currency,
                date=_long_date(f, a.forecast_as_of),
                source=str(a.source),
            ),
            rows=tuple(
                AccuracyRow(_method(f, m.method), f.number(m.forecast), f.percent(m.accuracy))
                for m in a.methods
            ),
        )
        for a in accuracy
    )
    end = _long_date(f, str(fm.get("end") or ""))
    return EvidenceForecast(
        title=_("Next month's forecast, four ways"),
        intro=_(
            "Forecasts for %(month)s, the month after the as-of date, made four ways. Each "
            "method rests on its own assumptions; where they disagree, ask why.",
            month=month,
        ),
        currencies=currencies,
        notes=tuple(_message(f, n) for n in fm.get("notes") or []),
        accuracy=months,
        accuracy_note=_(
            "Accuracy = 1 − |forecast − won| ÷ won, for the month as a whole; a miss of "
            "%(miss)s or more counts as 0. The forecast-accuracy question asks the same of the "
            "last quarter.",
            miss=f.percent(1.0),
        )
        if months
        else _(
            "No earlier forecast of this client has a month that has closed yet. Upload a "
            "newer export after %(date)s to see how close each method came to what was won.",
            date=end,
        ),
    )


def _long_date(f: Formatter, iso: str) -> str:
    try:
        return f.date(dt.date.fromisoformat(iso))
    except ValueError:
        return "–"


def _dates(f: Formatter, period: Any) -> tuple[str, str] | None:
    if not isinstance(period, Mapping):
        return None
    try:
        start = dt.date.fromisoformat(str(period.get("start")))
        end = dt.date.fromisoformat(str(period.get("end")))
    except ValueError:
        return None
    return f.date(start), f.date(end)


def _win_period(f: Formatter, kpis: Mapping[str, Any]) -> str:
    dates = _dates(f, kpis.get("win_rate_period"))
    if dates is None:
        return ""
    return f._("deals closed %(start)s – %(end)s", start=dates[0], end=dates[1])


def _quota_period(f: Formatter, kpis: Mapping[str, Any]) -> str:
    dates = _dates(f, kpis.get("quota_period")) if kpis.get("quota") else None
    if dates is None:
        return ""
    return f._("qualified deals closing %(start)s – %(end)s", start=dates[0], end=dates[1])


def _currency(f: Formatter, c: Mapping[str, Any], quota_period: str) -> EvidenceCurrency:
    _ = f._
    items = [
        EvidenceFigure(_("Win rate (by value)"), f.percent(c.get("win_rate_value"), 1)),
        EvidenceFigure(_("Average won deal"), f.number(c.get("average_deal_size"))),
        EvidenceFigure(_("Open pipeline"), f.number(c.get("pipeline"))),
        EvidenceFigure(_("Weighted pipeline"), f.number(c.get("weighted_pipeline"))),
    ]
    coverage = c.get("period_coverage")
    if coverage is not None and quota_period:
        items += [
            EvidenceFigure(
                _("Qualified pipeline (%(period)s)", period=quota_period),
                f.number(c.get("period_pipeline")),
            ),
            EvidenceFigure(_("Coverage of quota"), _("%(value)s×", value=f.number(coverage, 1))),
        ]
    whole = c.get("whole_pipeline_coverage", c.get("coverage"))
    if whole is not None:
        items.append(
            EvidenceFigure(
                _("Whole open pipeline ÷ quota"), _("%(value)s×", value=f.number(whole, 1))
            )
        )
    return EvidenceCurrency(str(c.get("currency") or _("not given")), tuple(items))


def _comparisons(
    f: Formatter, kpis: Mapping[str, Any], q: Questionnaire, results: Results
) -> tuple[EvidenceComparison, ...]:
    periods = {
        "crm.win_rate": _win_period(f, kpis),
        "crm.win_rate_value": _win_period(f, kpis),
        "crm.pipeline_coverage": _quota_period(f, kpis),
    }
    explained = {qx.id: qx for el in results.elements for qx in el.questions}
    rows = []
    for question in q.questions().values():
        if question.evidence is None:
            continue
        value = metric_value(kpis, question.evidence, question.unit)
        qx = explained.get(question.id)
        median = qx.median if qx else None
        band = question.band_for(median) if median is not None else None
        rows.append(
            EvidenceComparison(
                question=question.text,
                crm=f.measure(value, question.unit)
                if isinstance(value, int | float)
                else f._("not available"),
                period=periods.get(question.evidence, "") if isinstance(value, int | float) else "",
                respondents=f.measure(median, question.unit),
                band=band.label if band else "",
                answered=qx.answered if qx else 0,
            )
        )
    return tuple(rows)


def _notes(f: Formatter, kpis: Mapping[str, Any]) -> tuple[str, ...]:
    notes = []
    stale = kpis.get("stale") or {}
    if stale.get("threshold_days") is not None:
        notes.append(
            f._(
                "A deal counts as stale when its stage has not changed for more than "
                "%(days)s days, twice the median sales cycle.",
                days=f.number(stale["threshold_days"]),
            )
        )
    if stale.get("counted_from_created"):
        notes.append(
            f._(
                "For %(n)s open deals the export has no stage-change date; their idle time "
                "is counted from the date they were created.",
                n=f.integer(int(stale["counted_from_created"])),
            )
        )
    unknown = kpis.get("unknown_stages") or []
    if unknown:
        notes.append(
            f._(
                "Open deals in stages without a probability are left out of the weighted "
                "pipeline: %(stages)s.",
                stages=", ".join(str(u.get("stage")) for u in unknown),
            )
        )
    if len(kpis.get("currencies") or []) > 1:
        notes.append(f._("Amounts in different currencies are shown separately, never added."))
    return tuple(notes)
