"""Report 2.0 and follow-through in the deck (issues 15 and 18): the size of the prize from the
client's own profile and KPI answers as a native table; once a plan exists, owners and due
dates instead of the roadmap's roles; in a follow-up, what was committed, done and moved."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.presentation import Presentation as PresentationType

from assessment.catalogues import translations_for
from assessment.cli import main
from assessment.cli.deck_cmd import prize_for
from assessment.core import plans as p
from assessment.core.loader import find_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.profile import OrganizationProfile
from assessment.core.results import Results
from assessment.core.roadmap import top_priorities
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.core.trends import TrendSource, compute_trend
from reports.deck import build_deck
from reports.viewmodel import OptionalSections
from tests.reports.conftest import answers_csv
from tests.reports.test_deck import _meta, _texts

PROFILE = OrganizationProfile(
    sales_headcount=24, revenue_target=60_000_000.0, sales_cycle_days=45, currency="PLN"
)
DUE = dt.date(2027, 4, 9)


@pytest.fixture(scope="module")
def scored() -> tuple[Results, Questionnaire]:
    q = find_questionnaire("sales-org-health")
    return score(q, synthetic_respondents(q, 30, seed=7)), q


def _build(
    results: Results, q: Questionnaire, lang: str = "en", **optional: object
) -> PresentationType:
    meta = replace(_meta(lang), optional=OptionalSections(profile=PROFILE, **optional))  # type: ignore[arg-type]
    data = build_deck(
        results,
        q,
        meta,
        translations=translations_for(lang),
        prize=prize_for(results, q, PROFILE),
    )
    return Presentation(io.BytesIO(data))


def _slide(deck: PresentationType, kicker: str) -> object:
    found = [s for s in deck.slides if kicker in _texts(s)]
    assert found, kicker
    return found[0]


def _table(slide: object) -> list[list[str]]:
    tables = [shape.table for shape in slide.shapes if shape.has_table]  # type: ignore[attr-defined]
    assert len(tables) == 1
    return [[cell.text for cell in row.cells] for row in tables[0].rows]


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
            recommendation=top_priorities(results)[0].id,
            owner="Marta Nowak",
            due=DUE,
            status=p.Status.IN_PROGRESS,
            baseline=42.0,
            target=55.0,
        ),
        p.PlanItem(2, 7, "Coaching rhythm", 0, el[1].id, owner_role="sales_manager", due=DUE),
        p.PlanItem(
            3,
            7,
            "Win/loss interviews",
            2,
            kpi_el.id,
            owner="Jan Kowalski",
            due=DUE + dt.timedelta(days=60),
            kpi=kpi.question,
            unit="%",
            baseline=kpi.value,
            target=(kpi.value or 0) + 5,
        ),
    )


def test_profile_and_kpi_answers_give_a_prize_slide_with_a_native_table(
    scored: tuple[Results, Questionnaire],
) -> None:
    results, q = scored
    deck = _build(results, q)
    assert 10 <= len(deck.slides) <= 14
    slide = _slide(deck, "SIZE OF THE PRIZE")
    rows = _table(slide)
    assert rows[0] == ["Lever", "Estimate", "Formula", "Inputs"]
    levers = {row[0]: row for row in rows[1:]}
    assert set(levers) == {"Lower seller turnover", "More selling time"}
    turnover = levers["Lower seller turnover"]
    assert turnover[1].startswith("PLN") and "–PLN" in turnover[1]
    assert turnover[2] == "H · (t₀ − t₁)/100 · T/(12·H) · [R/2 … R]"
    assert "H = 24 (organization profile)" in turnover[3]
    assert "T = PLN60M (organization profile)" in turnover[3]
    assert "t₁ = 20% (next better band, set from practice)" in turnover[3]  # English: 20%
    assert "t₀ = 33.9% (answers (median))" in turnover[3]
    text = _texts(slide)
    assert "Closing the biggest gaps is worth an estimated PLN" in text
    # No CRM export with an answers file: the win rate is not estimated, and says why.
    assert "Not estimated — Higher win rate: missing open pipeline" in text
    notes = slide.notes_slide.notes_text_frame.text  # type: ignore[attr-defined]
    assert "Lower seller turnover: Sellers who no longer leave each year" in notes


def test_no_estimable_lever_leaves_the_slide_out_and_names_what_is_missing(
    scored: tuple[Results, Questionnaire],
) -> None:
    results, q = scored
    prize = prize_for(results, q, None)
    assert prize is not None and not prize.levers
    deck = Presentation(io.BytesIO(build_deck(results, q, _meta(), prize=prize)))
    assert not any("SIZE OF THE PRIZE" in _texts(s) for s in deck.slides)
    method = deck.slides[-1]
    assert "The size of the prize is not estimated in this deck" in _texts(method)
    notes = method.notes_slide.notes_text_frame.text
    assert "Not estimated — Lower seller turnover: missing sales headcount" in notes


def test_a_plan_shows_owners_and_due_dates_instead_of_roles(
    scored: tuple[Results, Questionnaire],
) -> None:
    results, q = scored
    deck = _build(results, q, plan=_items(results))
    assert 10 <= len(deck.slides) <= 14
    kickers = [_texts(s) for s in deck.slides]
    assert not any("30/60/90-DAY ROADMAP" in k for k in kickers)
    plan = _slide(deck, "ACTION PLAN")
    text = _texts(plan)
    assert "The action plan: 3 items with their owners and due dates" in text
    assert "Marta Nowak · April 9, 2027" in text
    assert "Sales manager / team lead (proposed role) · April 9, 2027" in text
    assert "Jan Kowalski · June 8, 2027" in text
    assert "Days 1–30" in text and "Days 61–90" in text
    # A priority in the plan names its owner and date instead of the proposed role.
    priorities = _texts(_slide(deck, "TOP PRIORITIES"))
    assert "Owned by: Marta Nowak · April 9, 2027" in priorities
    assert "Owner role: " in priorities  # the others are not in the plan yet
    # The first 30 days: a table of who does what by when, no "owner role" column.
    first = _slide(deck, "The first 30 days: who does what by when")
    rows = _table(first)
    assert rows[0] == ["What is to be done", "Owned by", "Due date", "Status", "KPI to watch"]
    assert rows[1][:4] == ["Weekly pipeline review", "Marta Nowak", "April 9, 2027", "In progress"]
    assert rows[2][1] == "Sales manager / team lead (proposed role)"
    assert len(rows) == 3  # only the first phase
    # Next steps: owners to name, and the plan's first 30 days.
    steps = _texts(_slide(deck, "NEXT STEPS"))
    assert "Name an owner for each plan item that has none yet: Coaching rhythm." in steps
    # Polish: the same slides, worded in Polish.
    pl = _build(results, q, "pl", plan=_items(results))
    plan_pl = _texts(_slide(pl, "PLAN DZIAŁAŃ"))
    assert "Marta Nowak · 9 kwietnia 2027" in plan_pl and "proponowana rola" in plan_pl


def test_a_follow_up_shows_what_was_committed_done_and_moved(
    scored: tuple[Results, Questionnaire],
) -> None:
    results, q = scored
    items = _items(results)
    before = replace(
        results,
        elements=tuple(
            replace(e, ci=((e.score or 0) - 3, (e.score or 0) + 3)) if i == 0 else e
            for i, e in enumerate(results.elements)
        ),
    )
    after = replace(
        results,
        elements=tuple(
            replace(e, score=(e.score or 0) + 12, ci=((e.score or 0) + 8, (e.score or 0) + 16))
            if i == 0
            else e
            for i, e in enumerate(results.elements)
        ),
    )
    trend = compute_trend(
        [
            TrendSource(7, "Spring check", dt.date(2027, 3, 1), q, before),
            TrendSource(9, "Autumn check", dt.date(2027, 9, 1), q, after),
        ]
    )
    done = replace(items[1], id=10, assessment_id=9, carried_from=2, status=p.Status.DONE)
    loop = p.follow_through(items, [*items, done], trend, before, after)
    assert loop is not None
    deck = _build(after, q, plan=(done,), follow_through=loop)
    assert len(deck.slides) == 13  # every optional slide: follow-through, prize, plan
    moved = deck.slides[2]  # right after the key message
    text = _texts(moved)
    assert "WHAT WE COMMITTED, WHAT WAS DONE, WHAT MOVED" in text
    assert "1 of 3 committed items are done" in text
    rows = _table(moved)
    assert rows[0] == ["What is to be done", "Status", "Element", "KPI to watch"]
    review = next(r for r in rows if r[0].startswith("Weekly pipeline review"))
    assert "Marta Nowak · April 9, 2027" in review[0]
    assert "(+12)" in review[2] and "significant" in review[2]
    coaching = next(r for r in rows if r[0].startswith("Coaching rhythm"))
    assert coaching[1].startswith("Done") and "continues in the new plan" in coaching[1]
    notes = moved.notes_slide.notes_text_frame.text
    assert notes.startswith("After Spring check the organization committed to 3 items")


def test_the_cli_deck_has_the_prize_from_the_profile_options(tmp_path: Path) -> None:
    q = find_questionnaire("sales-org-health")
    answers = tmp_path / "answers.csv"
    answers.write_text(answers_csv(synthetic_respondents(q, 12, seed=5)), encoding="utf-8")
    out = tmp_path / "deck.pptx"
    profile = [
        "sales_headcount=24",
        "revenue_target=60000000",
        "sales_cycle_days=45",
        "currency=EUR",
    ]
    args = ["report", "--answers", str(answers), "--lang", "ro", "-o", str(out)]
    result = CliRunner().invoke(main, [*args, *(x for e in profile for x in ("--profile", e))])
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    slide = _slide(deck, "MIZA")  # "Size of the prize" in Romanian
    assert "mil.\xa0EUR" in _texts(slide) and _table(slide)[0][0] == "Pârghie"


@pytest.mark.parametrize("lang", ("pl", "ru", "zh", "ro"))
def test_every_prize_and_plan_text_is_translated(lang: str) -> None:
    """Each msgid of the prize view and its template has a translation."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    po_path = root / "assessment" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    missing = []
    sources = (
        ("python", root / "reports" / "prize_view.py", {}),
        (
            "jinja2",
            root / "templates" / "report" / "_prize.html",
            {"extensions": "jinja2.ext.i18n"},
        ),
    )
    for method, path, options in sources:
        for _line, msgid, _c, _x in extract_from_file(
            method, str(path), keywords=DEFAULT_KEYWORDS, options=options
        ):
            key = msgid if isinstance(msgid, str) else msgid[0]
            entry = po.get(key)
            forms = () if entry is None else entry.string
            forms = forms if isinstance(forms, tuple) else (forms,)
            if entry is None or not all(forms) or entry.fuzzy:
                missing.append(key)
    assert not missing, missing
