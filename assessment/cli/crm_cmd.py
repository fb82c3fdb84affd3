"""``saleshealth crm-kpis``: pipeline KPIs from a CRM opportunity export."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from assessment.cli.common import fail
from assessment.core.crm import CrmInputError, CrmKpis, StageTable, compute_kpis
from assessment.core.forecast_methods import ForecastMethods, ForecastOptions, forecast_methods
from assessment.io.opportunities import (
    ColumnMapping,
    OpportunitiesFileError,
    read_mapping,
    read_opportunities,
)
from assessment.messages import Message

# The option a forecast error is about, so the message can name it.
_FORECAST_FLAGS = {
    "forecast.growth": "--growth",
    "forecast.new_reps": "--new-reps",
    "forecast.new_rep_deals": "--new-rep-deals",
    "forecast.new_rep_deals_needed": "--new-rep-deals",
    "forecast.new_rep_deal_size": "--new-rep-deal-size",
    "forecast.deal_size_unknown": "--new-rep-deal-size",
    "forecast.new_reps_needed": "--new-reps",
    "forecast.currency_code": "--new-rep-currency",
    "forecast.new_rep_currency": "--new-rep-currency",
    "forecast.new_rep_currency_needed": "--new-rep-currency",
}


@click.command("crm-kpis")
@click.option(
    "--opportunities",
    required=True,
    type=click.Path(dir_okay=False),
    help="Opportunity export (CSV or XLSX).",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False),
    default=None,
    help="MAP.yaml: columns, stage probabilities, date format.",
)
@click.option(
    "--quota",
    type=float,
    default=None,
    help="Target (quota) of the quota period: by default the calendar quarter containing "
    "the as-of date. Coverage = open deals at stage qualified or later closing in that "
    "period / quota.",
)
@click.option(
    "--quota-currency", default=None, help="Currency of the quota (needed for mixed currencies)."
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date the figures are as of: stale deals are measured to it, the win rate covers "
    "the 365 days up to it, the quota period is its quarter (default: today).",
)
@click.option(
    "--period-start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day of the quota period (with --period-end; default: the as-of quarter).",
)
@click.option(
    "--period-end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the quota period.",
)
@click.option(
    "--growth",
    metavar="PCT",
    default=None,
    help="Run-rate forecast: expected growth in percent (e.g. 5; -100 to 1000; default 0).",
)
@click.option(
    "--new-reps",
    metavar="N",
    default=None,
    help="Run-rate forecast: reps who start this month (a whole number; default 0).",
)
@click.option(
    "--new-rep-deals",
    metavar="N",
    default=None,
    help="Run-rate forecast: deals each new rep closes in the first month (with --new-reps).",
)
@click.option(
    "--new-rep-deal-size",
    metavar="X",
    default=None,
    help="Run-rate forecast: amount of a new rep's deal "
    "(default: the average deal won in the 365 days up to the as-of date).",
)
@click.option(
    "--new-rep-currency",
    metavar="CUR",
    default=None,
    help="Currency of the new reps' deals (needed when the export has several).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the KPIs as JSON.")
def crm_kpis_command(
    opportunities: str,
    mapping: str | None,
    quota: float | None,
    quota_currency: str | None,
    as_of: object,
    period_start: datetime | None,
    period_end: datetime | None,
    growth: str | None,
    new_reps: str | None,
    new_rep_deals: str | None,
    new_rep_deal_size: str | None,
    new_rep_currency: str | None,
    as_json: bool,
) -> None:
    """Win rate, deal size, cycle, weighted pipeline, coverage, stale deals, forecasts.

    Next month (the month after the as-of date) is forecast four ways, side by side:
    stage-weighted pipeline, deal age against the median won cycle, historical run rate
    (--growth, --new-reps, --new-rep-deals, --new-rep-deal-size) and the reps' commit
    (when the export has a forecast-category column).
    """
    try:
        options = ForecastOptions.build(
            growth, new_reps, new_rep_deals, new_rep_deal_size, new_rep_currency
        )
    except CrmInputError as exc:
        fail(_forecast_error(exc))
    try:
        column_mapping = read_mapping(mapping) if mapping else ColumnMapping()
        export = read_opportunities(opportunities, column_mapping)
    except OpportunitiesFileError as exc:
        fail([*str(exc).splitlines(), "nothing was computed"])
    day = as_of.date() if hasattr(as_of, "date") else date.today()
    if (period_start is None) != (period_end is None):
        fail("error: give both --period-start and --period-end (or neither for the quarter)")
    period = (
        (period_start.date(), period_end.date())
        if period_start is not None and period_end is not None
        else None
    )
    try:
        stages = StageTable.build({k: v / 100 for k, v in column_mapping.stages.items()})
        kpis = compute_kpis(
            export.opportunities,
            as_of=day,
            stages=stages,
            quota=quota,
            quota_currency=quota_currency,
            quota_period=period,
        )
    except (CrmInputError, ValueError) as exc:
        fail(f"error: {exc}")
    try:
        methods = forecast_methods(export.opportunities, kpis, stages=stages, options=options)
    except CrmInputError as exc:
        fail(_forecast_error(exc))
    if as_json:
        out = {
            "file": opportunities,
            "columns": dict(export.columns),
            **kpis.to_dict(),
            "forecast_methods": methods.to_dict(),
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(render_table(kpis))
    click.echo(render_forecasts(methods))


def _forecast_error(exc: CrmInputError) -> str:
    flag = _FORECAST_FLAGS.get(exc.code)
    return f"error: {flag}: {exc}" if flag else f"error: {exc}"


def render_forecasts(fm: ForecastMethods) -> str:
    """The forecasting methods side by side, each with what it assumes."""
    start, end = fm.month
    lines = ["", f"Forecast for {start:%B %Y} ({start.isoformat()} to {end.isoformat()}):"]
    for c in fm.currencies:
        lines.append(f"  Amounts in {c.currency or '(no currency)'}:")
        for m in c.methods:
            label = str(Message(f"forecast.method.{m.method}"))
            value = _money(m.value) if m.value is not None else "-"
            lines.append(f"    {label:<34}{value:>14}")
            lines.append(f"      assumes: {m.assumes}")
            if m.absent is not None:
                lines.append(f"      no figure: {m.absent}")
    lines += [f"Note: {n}" for n in fm.notes]
    return "\n".join(lines)


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def render_table(k: CrmKpis) -> str:
    """A readable plain-text summary of the KPIs."""
    start, end = k.win_period
    q_start, q_end = k.quota_period
    lines = [
        f"Deals: {k.deals} ({k.open_deals} open, {k.won_deals} won, {k.lost_deals} lost)"
        f" - as of {k.as_of.isoformat()}",
        f"Win rate (count):        {_pct(k.win_rate)}"
        f" - deals closed {start.isoformat()} to {end.isoformat()}"
        f" ({k.won_in_period} won, {k.lost_in_period} lost)",
        f"Win rate, all time:      {_pct(k.win_rate_all_time)} - every closed deal in the export",
        "Median sales cycle:      "
        + ("-" if k.median_cycle_days is None else f"{k.median_cycle_days:g} days"),
        f"Stale open deals:        {len(k.stale)}"
        + (
            f" (no stage change for more than {k.stale_threshold_days:g} days)"
            if k.stale_threshold_days is not None
            else ""
        ),
    ]
    if k.quota is not None:
        lines.append(
            f"Quota:                   {_money(k.quota)} {k.quota_currency or ''}".rstrip()
            + f" for {q_start.isoformat()} to {q_end.isoformat()}"
        )
    for c in k.currencies:
        cur = c.currency or "(no currency)"
        lines += [
            "",
            f"Amounts in {cur}:",
            f"  Win rate (value):      {_pct(c.win_rate_value)} (closed in the period above;"
            f" all time {_pct(c.win_rate_value_all_time)})",
            f"  Average won deal:      {_money(c.average_deal_size)}",
            f"  Open pipeline:         {_money(c.pipeline)}",
            f"  Weighted pipeline:     {_money(c.weighted_pipeline)}",
        ]
        if c.unweighted_pipeline_without_probability:
            lines.append(
                f"  Not weighted (stage without probability): "
                f"{_money(c.unweighted_pipeline_without_probability)}"
            )
        if c.period_coverage is not None:
            lines += [
                f"  Qualified, closing {q_start.isoformat()} to {q_end.isoformat()}:"
                f" {_money(c.period_pipeline)}",
                f"  Coverage of quota:     {c.period_coverage:.2f}x"
                " (qualified or later, closing in the quota period)",
                f"  Whole open pipeline / quota: {c.whole_pipeline_coverage or 0:.2f}x"
                f" (weighted {c.weighted_pipeline_coverage or 0:.2f}x)",
            ]
        if c.forecast:
            lines.append(f"  {'Close month':<14}{'Deals':>6}{'Unweighted':>14}{'Weighted':>14}")
            for m in c.forecast:
                lines.append(
                    f"  {m.month or '(no date)':<14}{m.deals:>6}"
                    f"{_money(m.unweighted):>14}{_money(m.weighted):>14}"
                )
    if k.lost_reasons:
        lines += ["", "Top lost reasons:"]
        lines += [
            f"  {r.deals:>5}  {_pct(r.share):>8}  {r.reason or '(none given)'}"
            for r in k.lost_reasons
        ]
    if k.stale:
        lines += ["", "Stale deals (longest idle first):"]
        for s in k.stale[:20]:
            basis = " (since created)" if s.since == "created" else ""
            lines.append(
                f"  {s.id:<16} {s.owner[:16]:<16} {s.stage[:22]:<22} {s.idle_days:>5} days{basis}"
            )
        if len(k.stale) > 20:
            lines.append(f"  ... and {len(k.stale) - 20} more (see --json)")
    if k.notes:
        lines += ["", *[f"Note: {n}" for n in k.notes]]
    return "\n".join(lines)
