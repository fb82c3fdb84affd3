"""Golden tests for the CRM KPIs, every figure computed by hand (see the comments)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.core.crm import (
    METRICS,
    CrmInputError,
    Opportunity,
    StageTable,
    Status,
    canonical_stage,
    compute_kpis,
    current_metrics,
    quarter_of,
)
from assessment.core.loader import QuestionnaireError, load_questionnaire_text
from assessment.core.model import Questionnaire

AS_OF = date(2024, 7, 1)


def deal(
    id: str,
    status: Status,
    amount: float,
    created: str,
    close: str | None,
    stage: str = "",
    changed: str | None = None,
    reason: str = "",
    currency: str = "EUR",
) -> Opportunity:
    return Opportunity(
        id=id,
        stage=stage or status.value,
        amount=amount,
        created=date.fromisoformat(created),
        status=status,
        owner="Anna",
        currency=currency,
        close=date.fromisoformat(close) if close else None,
        lost_reason=reason,
        stage_changed=date.fromisoformat(changed) if changed else None,
    )


W, L, O = Status.WON, Status.LOST, Status.OPEN  # noqa: E741
# The golden example (also in tests/data/crm/*): cycle lengths in days are in the comments.
GOLDEN = [
    deal("W1", W, 10000, "2024-01-01", "2024-01-31"),  # 30
    deal("W2", W, 20000, "2024-02-01", "2024-03-12"),  # 29 + 11 = 40 (leap year)
    deal("L1", L, 5000, "2024-01-10", "2024-02-29", reason="Price"),  # 21 + 29 = 50
    deal("L2", L, 15000, "2024-03-01", "2024-04-30", reason="Price"),  # 30 + 30 = 60
    deal("L3", L, 10000, "2024-03-15", "2024-03-25", reason="No decision"),  # 10
    # open: trial 60 %, idle 11 days
    deal("O1", O, 1000, "2024-06-01", "2024-07-15", "Trial", changed="2024-06-20"),
    # open: discovery 10 %, no stage-change date: idle since created, 29+31+30+31+30 = 151
    deal("O2", O, 4000, "2024-02-01", "2024-08-31", "Discovery"),
    # open: final negotiation 80 %, idle since 1 April: 30+31+30 = 91
    deal("O3", O, 5000, "2024-03-01", "2024-07-20", "Final Negotiation", changed="2024-04-01"),
    # open: a stage with no probability, idle 16 days
    deal("O4", O, 2000, "2024-06-10", "2024-08-15", "Proposal", changed="2024-06-15"),
]


def test_a_1000_deal_in_trial_at_60_percent_contributes_600() -> None:
    k = compute_kpis([deal("T", O, 1000, "2024-06-01", "2024-09-30", "trial")], as_of=AS_OF)
    assert k.currencies[0].weighted_pipeline == pytest.approx(600)
    assert k.currencies[0].pipeline == 1000


def test_golden_counts_and_rates() -> None:
    k = compute_kpis(GOLDEN, as_of=AS_OF, quota=4000)
    assert (k.deals, k.open_deals, k.won_deals, k.lost_deals) == (9, 4, 2, 3)
    assert k.win_rate == pytest.approx(2 / 5)
    # cycles 10, 30, 40, 50, 60 → median 40
    assert k.median_cycle_days == 40
    eur = k.currencies[0]
    assert eur.currency == "EUR"
    assert eur.won_value == 30000 and eur.lost_value == 30000
    assert eur.win_rate_value == pytest.approx(0.5)
    assert eur.average_deal_size == pytest.approx(15000)


def test_golden_pipeline_coverage_and_forecast() -> None:
    k = compute_kpis(GOLDEN, as_of=AS_OF, quota=4000)
    eur = k.currencies[0]
    assert eur.pipeline == 12000  # 1000 + 4000 + 5000 + 2000
    # 0.6·1000 + 0.1·4000 + 0.8·5000 = 600 + 400 + 4000; "Proposal" has no probability
    assert eur.weighted_pipeline == pytest.approx(5000)
    assert eur.unweighted_pipeline_without_probability == 2000
    # The quota is the target of the quarter containing 1 July 2024: 1 July - 30 September.
    # Qualified or later and closing in it: O1 (trial, 15 July) 1000 + O3 (final
    # negotiation, 20 July) 5000 = 6000.  O2 (discovery) is not qualified; O4 ("Proposal",
    # no probability) cannot be placed in the stage order and is reported instead.
    assert k.quota_period == (date(2024, 7, 1), date(2024, 9, 30))
    assert eur.period_pipeline == 6000
    assert eur.period_without_probability == 2000
    assert eur.period_coverage == pytest.approx(1.5)  # 6000 / 4000
    assert eur.whole_pipeline_coverage == pytest.approx(3.0)  # 12000 / 4000
    assert eur.weighted_pipeline_coverage == pytest.approx(1.25)  # 5000 / 4000
    months = [(m.month, m.deals, m.unweighted, round(m.weighted, 6)) for m in eur.forecast]
    # July: O1 + O3 = 6000, weighted 600 + 4000; August: O2 + O4 = 6000, weighted 400 + 0
    assert months == [("2024-07", 2, 6000, 4600), ("2024-08", 2, 6000, 400)]
    assert [(u.stage, u.deals) for u in k.unknown_stages] == [("Proposal", 1)]
    assert any("Proposal" in n for n in k.notes)


def test_golden_stale_deals_and_lost_reasons() -> None:
    k = compute_kpis(GOLDEN, as_of=AS_OF)
    assert k.stale_threshold_days == 80  # 2 × median cycle of 40 days
    assert [(s.id, s.idle_days, s.since) for s in k.stale] == [
        ("O2", 151, "created"),
        ("O3", 91, "stage_change"),
    ]
    assert k.stale_basis_created == 1
    assert any("created date" in n for n in k.notes)
    assert k.currencies[0].stale_value == 9000
    assert k.stale_share == pytest.approx(0.5)
    assert [(r.reason, r.deals) for r in k.lost_reasons] == [("Price", 2), ("No decision", 1)]
    assert k.lost_reasons[0].share == pytest.approx(2 / 3)


def test_metrics_are_in_question_units() -> None:
    m = compute_kpis(GOLDEN, as_of=AS_OF, quota=4000).metrics()
    assert m == {
        "crm.win_rate": 40.0,
        "crm.win_rate_value": 50.0,
        "crm.pipeline_coverage": 1.5,  # qualified, closing in Q3 2024: 6000 / 4000
        "crm.median_cycle_days": 40.0,
        "crm.stale_share": 50.0,
        "crm.median_won_cycle_days": 35.0,  # won cycles 30 and 40
        "crm.average_deal_size": 15000.0,  # (10000 + 20000) / 2, both won in the 365 days
    }
    assert set(m) == set(METRICS)
    assert compute_kpis(GOLDEN, as_of=AS_OF).metrics()["crm.pipeline_coverage"] is None


def test_to_dict_is_json_shape() -> None:
    d = compute_kpis(GOLDEN, as_of=AS_OF, quota=4000).to_dict()
    assert d["deals"] == {"total": 9, "open": 4, "won": 2, "lost": 3}
    assert d["win_rate"] == 0.4
    assert d["stale"]["count"] == 2 and d["stale"]["counted_from_created"] == 1
    assert d["currencies"][0]["weighted_pipeline"] == 5000
    assert d["metrics"]["crm.win_rate"] == 40.0
    assert d["as_of"] == "2024-07-01"
    assert d["definitions"] == 2
    # 365 days up to 1 July 2024 (a leap year): 3 July 2023 - 1 July 2024
    assert d["win_rate_period"] == {
        "start": "2023-07-03",
        "end": "2024-07-01",
        "won": 2,
        "lost": 3,
        "closed_without_date": 0,
    }
    assert d["win_rate_all_time"] == 0.4
    assert d["quota_period"] == {"start": "2024-07-01", "end": "2024-09-30"}
    assert d["currencies"][0]["period_coverage"] == 1.5
    assert d["currencies"][0]["whole_pipeline_coverage"] == 3.0


def test_custom_stage_probabilities_override_and_extend() -> None:
    table = StageTable.build({"Proposal": 0.5, "trial": 0.7})
    k = compute_kpis(GOLDEN, as_of=AS_OF, stages=table)
    # 0.7·1000 + 0.1·4000 + 0.8·5000 + 0.5·2000
    assert k.currencies[0].weighted_pipeline == pytest.approx(6100)
    assert k.unknown_stages == ()


@pytest.mark.parametrize(
    ("name", "canon"),
    [
        ("Final Negotiation", "final negotiation"),
        ("final_negotiation", "final negotiation"),
        ("  NEGOTIATION / review ", "final negotiation"),
        ("Closed Won", "won"),
        ("closedlost", "lost"),
        ("Proof of Concept", "trial"),
        ("Qualification", "qualified"),
        ("Prospecting", "discovery"),
        ("Demo Scheduled", "demo"),
        ("Proposal", None),
    ],
)
def test_stage_names_match_case_and_space_insensitively(name: str, canon: str | None) -> None:
    assert canonical_stage(name) == canon


def test_bad_stage_probability_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        StageTable.build({"trial": 1.5})


def test_mixed_currencies_are_never_added() -> None:
    deals = [
        deal("A", O, 1000, "2024-06-01", "2024-07-10", "trial", currency="EUR"),
        deal("B", O, 3000, "2024-06-01", "2024-07-10", "trial", currency="USD"),
        deal("C", W, 500, "2024-05-01", "2024-05-11", currency="USD"),
    ]
    k = compute_kpis(deals, as_of=AS_OF)
    assert [(c.currency, c.pipeline) for c in k.currencies] == [("EUR", 1000), ("USD", 3000)]
    assert any("several currencies" in n for n in k.notes)
    assert k.metrics()["crm.win_rate_value"] is None  # a share of a mixed total means nothing
    with pytest.raises(CrmInputError, match=r"EUR, USD.*which currency the quota is in"):
        compute_kpis(deals, as_of=AS_OF, quota=2000)
    k = compute_kpis(deals, as_of=AS_OF, quota=2000, quota_currency="usd")
    # trial deals closing 10 July, in the quarter of 1 July: USD 3000 / 2000
    assert k.currency_block("USD").period_coverage == pytest.approx(1.5)  # type: ignore[union-attr]
    assert k.currency_block("EUR").period_coverage is None  # type: ignore[union-attr]
    assert k.metrics()["crm.pipeline_coverage"] == 1.5
    with pytest.raises(CrmInputError, match="no deals in the quota currency GBP"):
        compute_kpis(deals, as_of=AS_OF, quota=2000, quota_currency="GBP")


def test_edges_no_closed_deals_and_no_deals() -> None:
    k = compute_kpis([deal("A", O, 1000, "2024-06-01", None, "demo")], as_of=AS_OF)
    assert k.win_rate is None and k.median_cycle_days is None and k.stale == ()
    assert any("cannot be judged" in n for n in k.notes)
    assert k.currencies[0].forecast[0].month == ""  # no close date
    empty = compute_kpis([], as_of=AS_OF)
    assert empty.deals == 0 and empty.currencies == () and empty.metrics()["crm.win_rate"] is None
    with pytest.raises(CrmInputError):
        compute_kpis([], as_of=AS_OF, quota=0)


@pytest.mark.parametrize(
    ("quota", "message"),
    [
        (float("nan"), r"finite amount above 0 \(got nan\)"),
        (float("inf"), r"finite amount above 0 \(got inf\)"),
        (float("-inf"), r"finite amount above 0 \(got -inf\)"),
        (-100.0, r"amount above 0 \(got -100\)"),
        (0.0, r"amount above 0 \(got 0\)"),
    ],
)
def test_non_finite_or_negative_quota_is_refused(quota: float, message: str) -> None:
    with pytest.raises(CrmInputError, match=message):
        compute_kpis(GOLDEN, as_of=AS_OF, quota=quota)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 4, 1), date(2024, 6, 30)),
        (date(2024, 8, 15), date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 12, 31), date(2024, 10, 1), date(2024, 12, 31)),
    ],
)
def test_quarter_of(day: date, start: date, end: date) -> None:
    assert quarter_of(day) == (start, end)


def test_coverage_counts_only_qualified_deals_closing_in_the_quota_period() -> None:
    deals = [
        deal("A", O, 1000, "2024-03-01", "2024-04-01", "Qualification"),  # first day: counted
        deal("B", O, 2000, "2024-03-01", "2024-06-30", "Demo"),  # last day: counted
        deal("C", O, 4000, "2024-03-01", "2024-05-10", "Prospecting"),  # before qualified
        deal("D", O, 8000, "2024-03-01", "2024-07-01", "Trial"),  # next quarter
        deal("E", O, 16000, "2024-03-01", "2024-03-31", "Trial"),  # overdue (last quarter)
        deal("F", O, 32000, "2024-03-01", None, "Trial"),  # no close date
        deal("G", O, 64000, "2024-03-01", "2024-05-01", "Proposal"),  # 50 % ≥ qualified 20 %
        deal("H", O, 128000, "2024-03-01", "2024-05-01", "Intro call"),  # 10 % < 20 %
        deal("I", W, 256000, "2024-01-01", "2024-04-15"),  # already won: not pipeline
    ]
    table = StageTable.build({"Proposal": 0.5, "Intro call": 0.1})
    k = compute_kpis(deals, as_of=date(2024, 4, 2), stages=table, quota=10000)
    eur = k.currencies[0]
    assert k.quota_period == (date(2024, 4, 1), date(2024, 6, 30))
    assert eur.period_pipeline == 1000 + 2000 + 64000
    assert eur.period_coverage == pytest.approx(6.7)  # 67000 / 10000
    assert eur.whole_pipeline_coverage == pytest.approx(25.5)  # 255000 / 10000
    assert k.metrics()["crm.pipeline_coverage"] == 6.7
    assert any("1 open deal(s) have a close date before the quota period" in n for n in k.notes)
    # an explicit period (a half-year target) takes deal D in as well
    k = compute_kpis(
        deals,
        as_of=date(2024, 4, 2),
        stages=table,
        quota=10000,
        quota_period=(date(2024, 4, 1), date(2024, 9, 30)),
    )
    assert k.currencies[0].period_pipeline == 1000 + 2000 + 64000 + 8000
    with pytest.raises(CrmInputError, match="ends"):
        compute_kpis(deals, as_of=AS_OF, quota=1, quota_period=(date(2024, 9, 1), AS_OF))


@pytest.mark.parametrize(
    ("stage", "qualified"),
    [
        ("Prospecting", False),
        ("Qualified to buy", True),
        ("Demo", True),
        ("Proof of Concept", True),
        ("Negotiation/Review", True),
        ("Closed Lost", False),
        ("Proposal/Price Quote", None),
    ],
)
def test_stage_order_decides_qualified_or_later(stage: str, qualified: bool | None) -> None:
    assert StageTable().is_qualified(stage) is qualified
    # a known stage keeps its place in the order whatever probability the user gives it
    assert StageTable.build({"discovery": 0.9}).is_qualified("Prospecting") is False


def test_win_rate_counts_deals_closed_in_the_last_365_days() -> None:
    deals = [
        deal("W1", W, 1000, "2023-01-01", "2024-06-30"),
        deal("L1", L, 1000, "2023-01-01", "2023-07-03"),  # first day of the window
        deal("L2", L, 3000, "2023-01-01", "2023-07-02"),  # one day too early
        deal("W2", W, 5000, "2023-01-01", "2022-12-31"),  # long ago
        deal("L3", L, 7000, "2024-06-01", "2024-07-02"),  # after the as-of date
    ]
    k = compute_kpis(deals, as_of=AS_OF)
    assert k.win_period == (date(2023, 7, 3), date(2024, 7, 1))
    assert (k.won_in_period, k.lost_in_period) == (1, 1)
    assert k.win_rate == pytest.approx(0.5)  # W1 / (W1 + L1)
    assert k.win_rate_all_time == pytest.approx(2 / 5)
    eur = k.currencies[0]
    assert eur.win_rate_value == pytest.approx(0.5)  # 1000 / 2000
    assert eur.win_rate_value_all_time == pytest.approx(6000 / 17000)
    assert k.metrics()["crm.win_rate"] == 50.0
    assert k.metrics()["crm.win_rate_value"] == 50.0
    undated = compute_kpis([deal("X", W, 1, "2024-01-01", None)], as_of=AS_OF)
    assert undated.win_rate is None and undated.win_rate_all_time == 1.0
    assert undated.closed_without_date == 1
    assert any("no close date" in n for n in undated.notes)


def test_metrics_stored_under_the_old_definitions_are_not_offered() -> None:
    old = {"metrics": {"crm.win_rate": 40.0, "crm.pipeline_coverage": 3.0, "crm.stale_share": 5}}
    assert current_metrics(old) == {"crm.stale_share": 5}
    new = compute_kpis(GOLDEN, as_of=AS_OF, quota=4000).to_dict()
    assert current_metrics(new)["crm.pipeline_coverage"] == 1.5
    assert current_metrics(None) == {}


_stages = st.sampled_from(["discovery", "qualified", "demo", "trial", "final negotiation", "x"])


@st.composite
def _deals(draw: st.DrawFn) -> list[Opportunity]:
    n = draw(st.integers(0, 25))
    out = []
    for i in range(n):
        status = draw(st.sampled_from(list(Status)))
        created = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 150)))
        close = created + timedelta(days=draw(st.integers(0, 120)))
        out.append(
            Opportunity(
                id=str(i),
                stage=draw(_stages) if status is Status.OPEN else status.value,
                amount=draw(st.floats(0, 1e7, allow_nan=False)),
                created=created,
                status=status,
                currency=draw(st.sampled_from(["EUR", "USD"])),
                close=close,
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(_deals())
def test_properties(deals: list[Opportunity]) -> None:
    k = compute_kpis(deals, as_of=date(2024, 12, 31))
    if k.win_rate is not None:
        assert 0 <= k.win_rate <= 1
    for c in k.currencies:
        assert c.weighted_pipeline <= c.pipeline + 1e-6
        assert c.win_rate_value is None or 0 <= c.win_rate_value <= 1
        assert sum(m.unweighted for m in c.forecast) == pytest.approx(c.pipeline)
        assert sum(m.weighted for m in c.forecast) == pytest.approx(c.weighted_pipeline)
    assert len(k.stale) <= k.open_deals
    assert k.won_deals + k.lost_deals + k.open_deals == len(deals)


# -- evidence links in the questionnaire ----------------------------------------------------

MINI_YAML = (Path(__file__).parents[1] / "data" / "mini" / "questionnaire.yaml").read_text()


def _mini_with(old: str, new: str) -> str:
    assert old in MINI_YAML
    return MINI_YAML.replace(old, new, 1)


def test_evidence_on_a_number_question_is_valid_and_keeps_old_hashes() -> None:
    plain = load_questionnaire_text(MINI_YAML, "mini.yaml")
    text = _mini_with('        unit: "%"\n', '        unit: "%"\n        evidence: crm.win_rate\n')
    linked = load_questionnaire_text(text, "mini.yaml")
    assert linked.questions()["a.q3"].evidence == "crm.win_rate"
    assert plain.questions()["a.q3"].evidence is None
    # the new field changes the hash only where it is used
    assert "evidence" not in plain.model_dump()["elements"][0]["questions"][2]
    assert linked.content_hash != plain.content_hash


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '        unit: "%"\n',
            '        unit: "%"\n        evidence: crm.nonsense\n',
            "elements[0].questions[2].evidence: unknown CRM metric 'crm.nonsense'",
        ),
        (
            '        unit: "%"\n',
            '        unit: "%"\n        evidence: crm.pipeline_coverage\n',
            "elements[0].questions[2].evidence: crm.pipeline_coverage is measured in 'x target'",
        ),
        (
            '        unit: "%"\n',
            '        unit: "%"\n        evidence: crm.average_deal_size\n',
            "crm.average_deal_size is measured in 'amount' or a currency code such as 'EUR'",
        ),
        (
            "{id: a.q2, type: yes_no,",
            "{id: a.q2, evidence: crm.win_rate, type: yes_no,",
            "elements[0].questions[1].evidence: CRM evidence needs a number question; "
            "'a.q2' is yes_no",
        ),
    ],
)
def test_bad_evidence_is_reported_with_path(old: str, new: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as err:
        load_questionnaire_text(_mini_with(old, new), "mini.yaml")
    assert any(message in str(p) for p in err.value.problems), err.value.problems
    assert all(str(p).startswith("mini.yaml: ") for p in err.value.problems)


@pytest.mark.parametrize(
    ("unit", "metric"),
    [
        ("days", "crm.median_won_cycle_days"),
        ("amount", "crm.average_deal_size"),
        ("EUR", "crm.average_deal_size"),
    ],
)
def test_median_won_cycle_and_deal_size_can_be_linked(unit: str, metric: str) -> None:
    text = _mini_with(
        '        unit: "%"\n', f'        unit: "{unit}"\n        evidence: {metric}\n'
    )
    q = load_questionnaire_text(text, "mini.yaml")
    assert q.questions()["a.q3"].evidence == metric


def test_standard_questionnaire_links_matching_kpis(standard: Questionnaire) -> None:
    linked = {q.id: q.evidence for q in standard.questions().values() if q.evidence}
    assert linked == {
        "win_loss.win_rate": "crm.win_rate",
        "pipeline.coverage_ratio": "crm.pipeline_coverage",
    }


def test_amounts_asked_in_a_currency_come_only_from_an_export_in_it() -> None:
    from assessment.core.crm import metric_value

    eur = compute_kpis(GOLDEN, as_of=AS_OF).to_dict()
    assert metric_value(eur, "crm.average_deal_size", "amount") == 15000
    assert metric_value(eur, "crm.average_deal_size", "EUR") == 15000
    assert metric_value(eur, "crm.average_deal_size", "PLN") is None
    assert metric_value(eur, "crm.median_won_cycle_days", "days") == 35
    mixed = [*GOLDEN, deal("P", W, 100, "2024-05-01", "2024-06-01", currency="PLN")]
    both = compute_kpis(mixed, as_of=AS_OF).to_dict()
    assert metric_value(both, "crm.average_deal_size", "amount") is None  # one currency only
    assert metric_value({}, "crm.win_rate", "%") is None
