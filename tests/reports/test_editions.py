"""Report editions: the board edition decides in 6–16 pages, the full edition has it all;
both follow the core's key message, priorities and roadmap."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.roadmap import MessageKind, key_message, significant_gaps
from reports import ReportMeta, build_view
from reports.render import html_from_view
from reports.typeset import render_html
from reports.viewmodel import BOARD, FULL, TOP_RECOMMENDATIONS, OptionalSections, ReportView


@pytest.fixture(scope="module")
def views(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> dict[str, ReportView]:
    return {
        ed: build_view(standard_results, standard, dataclasses.replace(meta, edition=ed))
        for ed in (BOARD, FULL)
    }


def test_the_board_edition_has_six_to_sixteen_pages_and_no_element_sections(
    views: dict[str, ReportView],
) -> None:
    html = html_from_view(views[BOARD])
    pages = len(PdfReader(io.BytesIO(render_html(html))).pages)
    assert 6 <= pages <= 16, pages
    assert 'id="appendix"' not in html and "Finding 1 of" not in html
    for section in ("summary", "dashboard", "scorecard", "roadmap", "method"):
        assert f'id="{section}"' in html, section


def test_page_one_answers_what_to_do(views: dict[str, ReportView]) -> None:
    view = views[BOARD]
    assert len(view.priorities) == 3
    assert len({p.element for p in view.priorities}) == 3  # different levers
    for p in view.priorities:
        assert p.why and p.first_action != "–" and p.owner and p.measure and p.change
    assert view.decisions and view.overall_interval
    page_one = html_from_view(view).split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert view.priorities[0].title in page_one and "Decisions for the board" in page_one


def test_the_roadmap_follows_the_key_message(
    standard_results: Results, views: dict[str, ReportView]
) -> None:
    message = key_message(standard_results)
    assert message.kind is MessageKind.PERCEPTION_GAP  # the synthetic leaders see more
    for view in views.values():
        first = view.roadmap[0].items[0]
        assert first.title == "Share the results with the front line"
        assert view.key_message.startswith("Leadership sees the sales organization")
        largest = significant_gaps(standard_results)[0].title
        assert any(i.element == largest for phase in view.roadmap for i in phase.items)


def test_no_two_adjacent_recommendations_tie_without_a_reason(
    standard_results: Results, views: dict[str, ReportView]
) -> None:
    recs = views[FULL].recommendations
    raw = standard_results.recommendations
    for i in range(1, len(recs)):
        if raw[i - 1].priority - raw[i].priority <= 0.05:
            assert recs[i].tie, (recs[i - 1].title, recs[i].title)
        else:
            assert not recs[i].tie


def test_the_full_edition_details_ten_and_appends_the_rest(
    views: dict[str, ReportView],
) -> None:
    view = views[FULL]
    assert len(view.recommendations) > TOP_RECOMMENDATIONS
    assert view.more_recommendations == view.recommendations[TOP_RECOMMENDATIONS:]
    html = html_from_view(view)
    body = html.split('id="recommendations"', 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r'class="rec" id="rec-', body)) == TOP_RECOMMENDATIONS
    appendix = html.split('id="more-recommendations"', 1)[1].split("</section>", 1)[0]
    assert f'id="rec-{TOP_RECOMMENDATIONS + 1}"' in appendix


def test_initiatives_per_phase_follow_the_setting(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    for per_phase in (1, 2, 4):
        view = build_view(
            standard_results,
            standard,
            dataclasses.replace(meta, optional=OptionalSections(per_phase=per_phase)),
        )
        assert all(len(phase.items) <= per_phase for phase in view.roadmap)
        assert sum(len(phase.items) for phase in view.roadmap) >= min(3, per_phase * 3)


def test_the_board_quotes_only_what_the_groups_allow(
    standard_results: Results, views: dict[str, ReportView]
) -> None:
    voices = views[BOARD].voices
    small = {
        role
        for role, n in standard_results.respondents_by_role.items()
        if n < standard_results.min_group_size
    }
    allowed = {
        c.text for el in standard_results.elements for c in el.comments if c.role not in small
    }
    assert 3 <= len(voices) <= 5
    assert all(v.text in allowed for v in voices)


def test_once_a_plan_exists_the_board_shows_owners_and_dates_instead_of_roles(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    import datetime as dt

    from assessment.core.plans import PlanItem
    from assessment.core.roadmap import top_priorities

    first = top_priorities(standard_results)[0]
    item = PlanItem(
        id=1,
        assessment_id=1,
        title=first.actions[0],
        element=first.element,
        recommendation=first.id,
        owner="Anna Kowalska",
        due=dt.date(2027, 1, 15),
    )
    view = build_view(
        standard_results,
        standard,
        dataclasses.replace(meta, edition=BOARD, optional=OptionalSections(plan=(item,))),
    )
    assert view.priorities[0].owner_label == "Owned by"
    assert view.priorities[0].owner.startswith("Anna Kowalska · ")
    assert "2027" in view.priorities[0].owner
    assert view.priorities[1].owner_label == "Owner role"
    html = html_from_view(view)
    assert 'id="plan"' in html and 'id="roadmap"' not in html
    assert "Confirm the action plan" in html


def test_a_self_assessment_is_written_for_one_person(
    standard: Questionnaire, meta: ReportMeta
) -> None:
    from assessment.core.scoring import score
    from assessment.core.synthetic import synthetic_respondents

    alone = score(standard, synthetic_respondents(standard, n=1))
    for edition in (BOARD, FULL):
        view = build_view(alone, standard, dataclasses.replace(meta, edition=edition))
        html = html_from_view(view)
        assert view.solo and not view.voices and "gaps" not in view.numbers
        assert 'id="gaps"' not in html and 'id="voices"' not in html
        assert 'id="invite"' in html and "Decisions to take" in html
        assert "Decisions for the board" not in html


def test_a_question_only_one_person_answered_shows_no_answers_in_any_edition(
    standard: Questionnaire, meta: ReportMeta
) -> None:
    """One sales director and one sales-operations person: the questions put only to them
    would show the director's answers as a group of one."""
    from assessment.core.scoring import score
    from assessment.core.synthetic import synthetic_respondents

    mix = {"executive": 1, "sales_manager": 4, "sales_rep": 12}
    results = score(standard, synthetic_respondents(standard, mix=mix))
    small = [
        qx
        for el in results.elements
        for qx in el.questions
        if qx.type != "number" and 0 < qx.answered < results.min_group_size
    ]
    assert small, "the mix should leave questions only the director answered"
    view = build_view(results, standard, dataclasses.replace(meta, edition=FULL))
    shown = {qv.id: qv for e in view.elements for qv in e.questions}
    appendix = {aq.id: aq for a in view.appendix for aq in a.questions}
    for qx in small:
        assert "not shown: fewer than 3 people answered" in shown[qx.id].extra
        assert not shown[qx.id].legend and not str(shown[qx.id].chart)
        assert shown[qx.id].score == "–"
        assert appendix[qx.id].distribution.startswith("not shown")
    # KPI figures the director gave stay: they are the organization's, not an opinion.
    assert any(k.median != "–" for e in view.elements for k in e.kpis)


def test_the_deck_shows_the_board_editions_key_figures(
    standard: Questionnaire,
    standard_results: Results,
    views: dict[str, ReportView],
    meta: ReportMeta,
) -> None:
    """The deck's key-numbers slide and the board's key-numbers page show the same figures
    (one per element, by assessment.core.key_figures), the deck its weakest ones."""
    from pptx import Presentation

    from reports.deck import build_deck
    from tests.reports.test_deck_prize_plan import _slide, _table

    deck = Presentation(io.BytesIO(build_deck(standard_results, standard, meta)))
    rows = _table(_slide(deck, "KEY NUMBERS"))[1:]
    board = {row.measure: row for row in views[BOARD].dashboard}
    assert rows and len(rows) <= len(board)
    for measure, value, band, _source in rows:
        assert measure in board, measure
        assert (value, band) == (board[measure].value, board[measure].band)
