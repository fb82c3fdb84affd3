"""The inputs of the size of the prize, taken from the client's own data only.

Pure: reads the scored :class:`~assessment.core.results.Results` (whose KPI values already
come from CRM evidence, an organization fact or the respondents' median:
:mod:`assessment.core.kpi`), the questionnaire (its bands give the targets), the
organization profile and the stored CRM KPIs (the ``crm-kpis --json`` shape), and returns
:class:`~assessment.core.prize.Inputs`.  A figure that is not there stays None, and
:func:`~assessment.core.prize.size_of_the_prize` then omits the lever naming it: nothing is
ever filled in from a benchmark or a guess.  Where each input comes from
(``docs/report.md``, "Size of the prize"):

========================  ===============================================================
``headcount`` ``H``       profile: people in sales (none when 0)
``revenue_target`` ``T``  profile: annual revenue target, in the profile's currency
                          (none when 0)
``ramp_months`` ``R``     the ramp KPI (:data:`RAMP`, in sales cycles) × the profile's
                          typical sales cycle in months; a cycle shorter than a month counts
                          as a month, as the question asks respondents to count it
``turnover`` ``t₀``       the turnover KPI (:data:`TURNOVER`)
``win_rate`` ``w₀``       the win-rate KPI (:data:`WIN_RATE`)
``selling_time`` ``s₀``   the selling-time KPI (:data:`SELLING_TIME`)
``*_target``              the nearest edge of the KPI's next better band (the roadmap's
                          90-day target, :func:`assessment.core.roadmap.watch_for`); a value
                          already in the best band is its own target (the lever is then
                          omitted as at its target)
``open_pipeline`` ``P``   CRM evidence: the export's open pipeline (every open deal) in the
                          prize's currency
========================  ===============================================================

The KPI values carry the source the scoring used (``crm``, ``fact``, ``answers``) and its
reference; a target carries ``band`` and, as reference, the kind of source of the bands
(``seed``, ``published``, ``practice``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.core.model import BandSource, Questionnaire
from assessment.core.prize import Figure, Inputs, Prize, size_of_the_prize
from assessment.core.profile import OrganizationProfile
from assessment.core.results import KpiValue, Results
from assessment.core.roadmap import _better_band_edge as better_band_edge

TURNOVER = "retention.annual_turnover"
"""Voluntary turnover among quota-carrying sellers over the last 12 months (%)."""
WIN_RATE = "win_loss.win_rate"
"""Won share of the qualified opportunities closed in the last 12 months (%)."""
SELLING_TIME = "enablement.selling_time"
"""Share of a rep's working week spent with prospects and customers (%)."""
RAMP = "onboarding.ramp_cycles"
"""How many typical sales cycles a new seller needs to reach a full target."""
DAYS_PER_MONTH = 365.25 / 12

PEOPLE = "people"
MONTHS = "months"
PERCENT = "%"
BAND = "band"
PROFILE = "profile"
CRM = "crm"
OPEN_PIPELINE = "pipeline"
"""The key of the open pipeline in a currency block of the stored CRM KPIs (the reference
of the ``open_pipeline`` figure)."""


def _kpis(results: Results) -> dict[str, KpiValue]:
    return {k.question: k for el in results.elements for k in el.kpis}


def _positive(value: float | None) -> float | None:
    return float(value) if value is not None and value > 0 else None


def _kpi_figure(kpi: KpiValue | None, unit: str) -> Figure | None:
    if kpi is None or kpi.value is None or kpi.source is None:
        return None
    return Figure(float(kpi.value), unit, kpi.source, kpi.reference)


def _source_kind(q: Questionnaire, qid: str) -> str:
    source = getattr(q.questions().get(qid), "source", "")
    return source.kind.value if isinstance(source, BandSource) else ""


def _target(q: Questionnaire, qid: str, current: Figure | None) -> Figure | None:
    """The nearest edge of the next better band; the value itself when it is in the best
    band; None when the value is unknown or falls in no band."""
    if current is None:
        return None
    question = q.questions().get(qid)
    bands = getattr(question, "bands", None) or ()
    if not any(b.matches(current.value) for b in bands):
        return None
    edge = better_band_edge(q, qid, current.value)
    value = current.value if edge is None else float(edge)
    return Figure(value, current.unit, BAND, _source_kind(q, qid))


def _ramp_months(kpi: KpiValue | None, profile: OrganizationProfile | None) -> Figure | None:
    cycles = _kpi_figure(kpi, MONTHS)
    days = profile.sales_cycle_days if profile is not None else None
    if cycles is None or not days:
        return None
    months_per_cycle = max(1.0, days / DAYS_PER_MONTH)
    return Figure(cycles.value * months_per_cycle, MONTHS, cycles.source, cycles.reference)


def _currency_blocks(crm_kpis: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    blocks = (crm_kpis or {}).get("currencies") or []
    return [b for b in blocks if isinstance(b, Mapping)]


def _open_pipeline(crm_kpis: Mapping[str, Any] | None, currency: str) -> tuple[Figure | None, str]:
    """The open pipeline of the CRM export in ``currency`` ("": the export's only block
    when the profile names no currency), and the currency it is in."""
    blocks = _currency_blocks(crm_kpis)
    if currency:
        block = next((b for b in blocks if (b.get("currency") or "") == currency), None)
    else:
        block = blocks[0] if len(blocks) == 1 else None
    if block is None:
        return None, currency
    value = block.get(OPEN_PIPELINE)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        return None, currency
    found = str(block.get("currency") or "")
    return Figure(float(value), found, CRM, OPEN_PIPELINE), found


def prize_inputs(
    results: Results,
    questionnaire: Questionnaire,
    profile: OrganizationProfile | None,
    crm_kpis: Mapping[str, Any] | None = None,
) -> Inputs:
    """Every input of the prize the client's data gives (table in the module docstring).

    ``crm_kpis`` is the assessment's stored CRM evidence (``CrmEvidence.kpis``), if any.
    Money is never mixed across currencies: the open pipeline is taken in the profile's
    currency only; when the profile names no currency, from an export in one currency, and
    only while the profile has no revenue target (whose currency would then be unknown).
    """
    p = profile or OrganizationProfile()
    kpis = _kpis(results)
    currency = p.currency or ""
    revenue = _positive(p.revenue_target)
    headcount = _positive(p.sales_headcount)
    pipeline, pipeline_currency = _open_pipeline(crm_kpis, currency)
    if not currency and pipeline is not None:
        if revenue is not None and pipeline_currency:
            pipeline = None  # the target's currency is unknown: do not mix it with this one
        else:
            currency = pipeline_currency
    turnover = _kpi_figure(kpis.get(TURNOVER), PERCENT)
    win_rate = _kpi_figure(kpis.get(WIN_RATE), PERCENT)
    selling = _kpi_figure(kpis.get(SELLING_TIME), PERCENT)
    return Inputs(
        headcount=None if headcount is None else Figure(headcount, PEOPLE, PROFILE),
        revenue_target=None if revenue is None else Figure(revenue, currency, PROFILE),
        ramp_months=_ramp_months(kpis.get(RAMP), p),
        turnover=turnover,
        turnover_target=_target(questionnaire, TURNOVER, turnover),
        win_rate=win_rate,
        win_rate_target=_target(questionnaire, WIN_RATE, win_rate),
        open_pipeline=pipeline,
        selling_time=selling,
        selling_time_target=_target(questionnaire, SELLING_TIME, selling),
        currency=currency,
    )


def prize_of_results(
    results: Results,
    questionnaire: Questionnaire,
    profile: OrganizationProfile | None,
    crm_kpis: Mapping[str, Any] | None = None,
) -> Prize:
    """:func:`~assessment.core.prize.size_of_the_prize` of :func:`prize_inputs`."""
    return size_of_the_prize(prize_inputs(results, questionnaire, profile, crm_kpis))
