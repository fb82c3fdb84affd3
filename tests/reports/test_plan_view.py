"""The report's plan view and follow-through (reports/plan.py): plain data in, worded view
out, in the report's language; the full edition prints both sections when they exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from assessment.catalogues import translations_for
from assessment.core import plans as p
from assessment.core.model import Questionnaire
from assessment.core.results import KpiValue, Results
from assessment.core.trends import TrendSource, compute_trend
from reports import ReportMeta, build_html, build_view
from reports.viewmodel import OptionalSections

DUE = dt.date(2027, 4, 9)


def _items(results: Results) -> tuple[p.PlanItem, ...]:
    el = results.elements
    kpi = next(k for e in el for k in e.kpis if k.value is not None)
    kpi_el = next(e for e in el if kpi in e.kpis)
    return (
        p.PlanItem(
            1,
            7,
            "Weekly pipeline review",
            0,
            el[0].id,
            owner="Marta Nowak",
            due=DUE,
            status=p.Status.IN_PROGRESS,
            baseline=42.0,
            target=55.0,
        ),
        p.PlanItem(
            2,
            7,
            "Coaching rhythm",
            1,
            el[1].id,
            owner_role="sales_manager",
            due=DUE + dt.timedelta(days=30),
        ),
        p.PlanItem(
            3,
            7,
            "Win/loss interviews",
            2,
            kpi_el.id,
            owner="Jan",
            kpi=kpi.question,
            unit="%",
            baseline=kpi.value,
            target=(kpi.value or 0) + 5,
            status=p.Status.DROPPED,
            drop_reason="merged into the pipeline review",
        ),
    )


def test_the_plan_view_shows_owners_and_dates_instead_of_roles(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    items = _items(standard_results)
    with_plan = replace(meta, optional=OptionalSections(plan=items))
    view = build_view(standard_results, standard, with_plan)
    assert view.plan is not None and view.loop is None
    assert [ph.title for ph in view.plan.phases] == ["Days 1–30", "Days 31–60", "Days 61–90"]
    first = view.plan.phases[0].rows[0]
    assert (first.owner, first.owner_is_role, first.due, first.status) == (
        "Marta Nowak",
        False,
        "April 9, 2027",
        "In progress",
    )
    assert first.measure.startswith("Practice score of ") and first.target == "55"
    second = view.plan.phases[1].rows[0]
    assert second.owner_is_role and second.owner == "Sales manager / team lead"
    assert view.plan.rows[-1].drop_reason == "merged into the pipeline review"
    assert view.plan.summary == "3 items, 2 with a named owner; 0 done, 1 in progress."
    html = build_html(standard_results, standard, with_plan)
    assert 'id="plan"' in html and "Marta Nowak" in html and 'href="#plan"' in html
    # Polish: the same view, worded in the report language
    pl = build_view(
        standard_results, standard, replace(with_plan, language="pl"), translations_for("pl")
    )
    assert pl.plan is not None and pl.plan.phases[0].title == "Dni 1–30"
    assert pl.plan.phases[0].rows[0].due == "9 kwietnia 2027"
    # without a plan there is no section
    assert build_view(standard_results, standard, meta).plan is None


def test_the_follow_through_words_what_moved(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    items = _items(standard_results)
    before = standard_results
    bumped = tuple(
        replace(e, score=(e.score or 0) + 12, ci=((e.score or 0) + 8, (e.score or 0) + 16))
        if i == 0
        else e
        for i, e in enumerate(before.elements)
    )
    after = replace(before, elements=bumped)
    first = tuple(
        replace(e, ci=((e.score or 0) - 3, (e.score or 0) + 3)) if i == 0 else e
        for i, e in enumerate(before.elements)
    )
    before = replace(before, elements=first)
    trend = compute_trend(
        [
            TrendSource(7, "Spring check", dt.date(2027, 3, 1), standard, before),
            TrendSource(9, "Autumn check", dt.date(2027, 9, 1), standard, after),
        ]
    )
    carried = p.PlanItem(
        10, 9, "Coaching rhythm", 1, items[1].element, carried_from=2, status=p.Status.DONE
    )
    loop = p.follow_through(items, [*items, carried], trend, before, after)
    assert loop is not None
    view = build_view(
        after, standard, replace(meta, optional=OptionalSections(follow_through=loop))
    )
    assert view.loop is not None and view.plan is None
    assert view.loop.lead.startswith("After Spring check the organization committed to 3 items")
    rows = {r.title: r for r in view.loop.rows}
    review = rows["Weekly pipeline review"]
    assert review.significant and review.element_change.endswith("(+12)")
    coaching = rows["Coaching rhythm"]
    assert coaching.status == "Done" and coaching.carried
    interviews = rows["Win/loss interviews"]
    assert interviews.status == "Dropped" and interviews.kpi_change
    assert interviews.kpi_note.startswith("target ")
    html = build_html(
        after, standard, replace(meta, optional=OptionalSections(follow_through=loop))
    )
    assert 'id="what-moved"' in html
    assert "90 %% intervals" not in html and "the 90 % intervals of the two rounds" in html


def test_kpi_values_carry_their_sources() -> None:
    from reports.i18n import Formatter
    from reports.plan import _with_source

    fmt = Formatter.create("en")
    assert _with_source(fmt, 12.0, "%", "crm") == "12% (CRM data)"
    assert _with_source(fmt, None, "%", "crm") == "–"
    assert KpiValue("x", 1.0, "fact", None, None).source == "fact"
