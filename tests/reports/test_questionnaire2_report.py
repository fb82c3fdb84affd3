"""The report with Questionnaire 2.0 features: sourced bands, evidence, reverse-keyed items."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as markup
import random

import pytest

from assessment.catalogues import translations_for
from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.profile import OrganizationProfile
from assessment.core.results import Results
from assessment.core.scoring import score
from reports import ReportMeta, build_html, build_view
from reports.viewmodel import OptionalSections
from tests.conftest import DATA

VALUES = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
PROFILE = OrganizationProfile(
    business_type="distributor", sales_headcount=12, avg_deal_size=48500.0, currency="EUR"
)


@pytest.fixture(scope="module")
def sourced() -> Questionnaire:
    return load_questionnaire(DATA / "sourced")


@pytest.fixture(scope="module")
def results(sourced: Questionnaire) -> Results:
    return scored(sourced)


def scored(q: Questionnaire) -> Results:
    """The same twelve respondents, scored with ``q`` (its texts in its language)."""
    rng = random.Random(4)
    people = []
    for i, role in enumerate(["executive", "sales_manager"] * 3 + ["sales_rep"] * 6):
        answers = {
            "pipe.reviewed": Answer(AnswerKind.OPTION, rng.choice(VALUES)),
            "pipe.slip": Answer(AnswerKind.OPTION, rng.choice(VALUES[2:])),
        }
        if role != "sales_rep":
            answers["pipe.win_rate"] = Answer(AnswerKind.NUMBER, 10.0 + i)
            answers["pipe.cycle"] = Answer(AnswerKind.NUMBER, 90.0)
        people.append(Respondent(f"r{i}", role, answers))
    return score(q, people, profile=PROFILE)


def meta(language: str = "en", profile: OrganizationProfile | None = PROFILE) -> ReportMeta:
    return ReportMeta(
        client_name="Trader Ltd",
        assessment_title="Check",
        date=dt.date(2026, 3, 1),
        language=language,
        optional=OptionalSections(profile=profile),
    )


def test_the_appendix_and_kpi_table_say_where_bands_come_from(
    sourced: Questionnaire, results: Results
) -> None:
    view = build_view(results, sourced, meta())
    appendix = {q.id: q for a in view.appendix for q in a.questions}
    assert appendix["pipe.win_rate"].band_source == (
        "Bands set from practice, not a published norm: Set from consulting practice; "
        "no published norm fits every market."
    )
    assert appendix["pipe.cycle"].band_source.startswith("Bands from the reference articles: ")
    assert appendix["pipe.slip"].band_source == ""
    (section,) = view.elements
    assert [k.band_source for k in section.kpis] == [
        "Bands set from practice, not a published norm",
        "Bands from the reference articles",
    ]
    html = markup.unescape(build_html(results, sourced, meta()))
    assert "Set from consulting practice; no published norm fits every market." in html


def test_recommendations_cite_the_clients_figures(sourced: Questionnaire, results: Results) -> None:
    recs = {r.id: r for r in build_view(results, sourced, meta()).recommendations}
    assert recs["pipe.distribution_margin"].evidence == (
        "With 12 people in sales and deals of €48,500 on average, every point of margin counts."
    )
    review = recs["pipe.review_weekly"].evidence
    assert review.startswith("Your win rate is 12.5%, and ") and "% of the answers" in review
    html = markup.unescape(build_html(results, sourced, meta()))
    assert '<p class="rec-evidence">With 12 people in sales' in html
    # without a profile the sentence citing it is left out, the recommendation stays
    bare = {r.id: r for r in build_view(results, sourced, meta(profile=None)).recommendations}
    assert bare["pipe.distribution_margin"].evidence == ""
    assert bare["pipe.review_weekly"].evidence == review


def test_evidence_in_polish() -> None:
    pl_q = load_questionnaire(DATA / "sourced", "pl")
    view = build_view(scored(pl_q), pl_q, meta("pl"), translations_for("pl"))
    recs = {r.id: r for r in view.recommendations}
    assert recs["pipe.distribution_margin"].evidence == (
        "Przy 12 osobach w sprzedaży i średniej transakcji 48\xa0500\xa0€ liczy się każdy "
        "punkt marży."
    )
    assert recs["pipe.review_weekly"].evidence.startswith("Wasz wskaźnik wygranych to 12,5%")


def test_a_reversed_item_draws_from_least_to_most_favourable(
    sourced: Questionnaire, results: Results
) -> None:
    (section,) = build_view(results, sourced, meta()).elements
    views = {v.id: v for v in section.questions}
    normal, reverse = views["pipe.reviewed"], views["pipe.slip"]
    assert normal.legend[0].label == "Strongly disagree"
    assert reverse.legend[0].label == "Strongly agree"  # scores 1: least favourable
    assert normal.legend[0].color == reverse.legend[0].color  # the same warm colour
    # same labels, colours the other way: neither shares the element's one legend
    assert not normal.shared_legend and not reverse.shared_legend
    assert section.scale_legend == ()


def test_the_whole_report_renders(sourced: Questionnaire, results: Results) -> None:
    from reports import render_html

    pdf = render_html(build_html(results, sourced, dataclasses.replace(meta())))
    assert pdf.startswith(b"%PDF")
