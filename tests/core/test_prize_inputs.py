"""The inputs of the size of the prize (assessment.core.prize_inputs): each taken from the
client's own data with its source, targets from the next better band, nothing invented."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.core.kpi import KpiFact
from assessment.core.loader import find_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.prize import AT_TARGET, MISSING, SELLING_TIME, TURNOVER, WIN_RATE
from assessment.core.prize_inputs import RAMP, prize_inputs, prize_of_results
from assessment.core.profile import OrganizationProfile
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents

TURNOVER_KPI, WIN_RATE_KPI, SELLING_TIME_KPI = (
    "retention.annual_turnover",
    "win_loss.win_rate",
    "enablement.selling_time",
)
PROFILE = OrganizationProfile(
    sales_headcount=20, revenue_target=12_000_000.0, sales_cycle_days=61, currency="EUR"
)
CRM_KPIS: dict[str, Any] = {
    "definitions": 2,
    "currencies": [{"currency": "EUR", "pipeline": 4_000_000.0}],
}


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return find_questionnaire("sales-org-health")


def _results(
    q: Questionnaire,
    facts: dict[str, KpiFact] | None = None,
    crm: dict[str, KpiFact] | None = None,
) -> Results:
    people = synthetic_respondents(q, 20, seed=11)
    return score(q, people, kpi_facts=facts, crm_values=crm, intervals=False)


def _kpi(results: Results, qid: str) -> float:
    value = next(k.value for el in results.elements for k in el.kpis if k.question == qid)
    assert value is not None
    return value


def test_the_question_ids_carry_number_kpis_with_bands(q: Questionnaire) -> None:
    questions = q.questions()
    for qid in (TURNOVER_KPI, WIN_RATE_KPI, SELLING_TIME_KPI, RAMP):
        assert questions[qid].type == "number" and questions[qid].bands, qid
    assert questions[WIN_RATE_KPI].evidence == "crm.win_rate"


def test_each_input_comes_from_the_clients_own_data_with_its_source(q: Questionnaire) -> None:
    results = _results(
        q,
        facts={
            TURNOVER_KPI: KpiFact(30.0, "HR dashboard 2026"),
            RAMP: KpiFact(3.0, "onboarding records"),
        },
        crm={WIN_RATE_KPI: KpiFact(18.0, "crm.win_rate", "export.csv")},
    )
    inputs = prize_inputs(results, q, PROFILE, CRM_KPIS)
    assert inputs.currency == "EUR"
    # The organization profile.
    assert inputs.headcount is not None and inputs.revenue_target is not None
    assert (inputs.headcount.value, inputs.headcount.source) == (20, "profile")
    assert (inputs.revenue_target.value, inputs.revenue_target.unit) == (12_000_000, "EUR")
    # An organization fact, with the source the consultant typed.
    assert inputs.turnover is not None
    assert (inputs.turnover.value, inputs.turnover.source) == (30, "fact")
    assert inputs.turnover.reference == "HR dashboard 2026"
    # Its target: the nearest edge of the next better band (20-35 % → 10-20 %), with the
    # kind of source of the bands.
    assert inputs.turnover_target is not None
    assert (inputs.turnover_target.value, inputs.turnover_target.source) == (20, "band")
    assert inputs.turnover_target.reference == "practice"
    # CRM evidence: the win rate (15-25 % → 25-40 %) and the open pipeline.
    assert inputs.win_rate is not None and inputs.win_rate_target is not None
    assert (inputs.win_rate.value, inputs.win_rate.source) == (18, "crm")
    assert inputs.win_rate.reference == "crm.win_rate"
    assert inputs.win_rate_target.value == 25
    assert inputs.open_pipeline is not None
    assert (inputs.open_pipeline.value, inputs.open_pipeline.source) == (4_000_000, "crm")
    assert inputs.open_pipeline.unit == "EUR"
    # The respondents' median where there is no fact or CRM value.
    median = _kpi(results, SELLING_TIME_KPI)
    assert inputs.selling_time is not None and inputs.selling_time.source == "answers"
    assert inputs.selling_time.value == median
    # Ramp: 3 cycles × a 61-day cycle (2.004 months) ≈ 6 months, from the fact.
    assert inputs.ramp_months is not None and inputs.ramp_months.source == "fact"
    assert inputs.ramp_months.value == pytest.approx(3 * 61 / (365.25 / 12))
    assert inputs.ramp_months.unit == "months"

    prize = prize_of_results(results, q, PROFILE, CRM_KPIS)
    levers = {lv.id: lv for lv in prize.levers}
    # Turnover: 20 · 10/100 = 2 leavers; 50,000 a month; × R/2 … R.
    ramp = inputs.ramp_months.value
    assert (levers[TURNOVER].low, levers[TURNOVER].high) == pytest.approx(
        (2 * 50_000 * ramp / 2, 2 * 50_000 * ramp)
    )
    # Win rate: 4,000,000 · 7/100 = 280,000 at most.
    assert (levers[WIN_RATE].low, levers[WIN_RATE].high) == pytest.approx((140_000, 280_000))
    assert prize.currency == "EUR"


def test_a_missing_profile_field_omits_the_lever_naming_it(q: Questionnaire) -> None:
    results = _results(q, facts={TURNOVER_KPI: KpiFact(30.0), RAMP: KpiFact(3.0)})
    no_target = OrganizationProfile(sales_headcount=20, sales_cycle_days=61, currency="EUR")
    prize = prize_of_results(results, q, no_target)
    omitted = {om.id: om for om in prize.omitted}
    assert omitted[TURNOVER].reason == MISSING
    assert omitted[TURNOVER].missing == ("revenue_target",)
    assert omitted[SELLING_TIME].missing == ("revenue_target",)
    # No CRM evidence: the open pipeline is missing, never estimated from anything else.
    assert omitted[WIN_RATE].missing == ("open_pipeline",)
    # Without the typical sales cycle the ramp in months is unknown.
    no_cycle = OrganizationProfile(sales_headcount=20, revenue_target=1e6, currency="EUR")
    assert prize_inputs(results, q, no_cycle).ramp_months is None
    by_id = {om.id: om for om in prize_of_results(results, q, no_cycle).omitted}
    assert by_id[TURNOVER].missing == ("ramp_months",)
    # No profile at all: every profile input is named.
    nothing = {om.id: om for om in prize_of_results(results, q, None).omitted}
    assert nothing[TURNOVER].missing == ("headcount", "revenue_target", "ramp_months")
    # A headcount or revenue target of 0 is as good as not given.
    zero = prize_inputs(results, q, OrganizationProfile(sales_headcount=0, revenue_target=0.0))
    assert zero.headcount is None and zero.revenue_target is None


def test_a_kpi_in_its_best_band_is_at_target(q: Questionnaire) -> None:
    results = _results(
        q,
        facts={
            TURNOVER_KPI: KpiFact(5.0),  # under 10 %: the best band
            SELLING_TIME_KPI: KpiFact(60.0),  # 55 % or more: the best band
            RAMP: KpiFact(2.0),
        },
    )
    inputs = prize_inputs(results, q, PROFILE, CRM_KPIS)
    assert inputs.turnover_target is not None and inputs.turnover_target.value == 5
    prize = prize_of_results(results, q, PROFILE, CRM_KPIS)
    omitted = {om.id: om for om in prize.omitted}
    assert omitted[TURNOVER].reason == AT_TARGET and omitted[TURNOVER].missing == ()
    assert omitted[SELLING_TIME].reason == AT_TARGET


def test_money_is_never_mixed_across_currencies(q: Questionnaire) -> None:
    results = _results(q, crm={WIN_RATE_KPI: KpiFact(18.0, "crm.win_rate")})
    pln = {"currencies": [{"currency": "PLN", "pipeline": 9_000_000.0}]}
    # The export is in another currency than the profile: no open pipeline.
    assert prize_inputs(results, q, PROFILE, pln).open_pipeline is None
    # A profile without a currency but with a revenue target: the target's currency is
    # unknown, so a pipeline in PLN is not put beside it.
    unknown = OrganizationProfile(sales_headcount=20, revenue_target=1e6)
    assert prize_inputs(results, q, unknown, pln).open_pipeline is None
    # Without a revenue target the export's only currency is the prize's.
    headcount_only = OrganizationProfile(sales_headcount=20)
    inputs = prize_inputs(results, q, headcount_only, pln)
    assert inputs.currency == "PLN" and inputs.open_pipeline is not None
    # Several currencies and none named: none is picked.
    several = {"currencies": [*pln["currencies"], {"currency": "EUR", "pipeline": 1.0}]}
    assert prize_inputs(results, q, headcount_only, several).open_pipeline is None


def test_a_cycle_shorter_than_a_month_counts_as_a_month(q: Questionnaire) -> None:
    results = _results(q, facts={RAMP: KpiFact(4.0)})
    short = OrganizationProfile(sales_cycle_days=10)
    ramp = prize_inputs(results, q, short).ramp_months
    assert ramp is not None and ramp.value == 4.0
