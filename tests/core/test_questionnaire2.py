"""Questionnaire 2.0 in the core: sourced bands, evidence sentences, profile conditions.

``tests/data/sourced`` is a small version-2 questionnaire with every new feature; the
reverse-keyed scale has its own module (``test_reversed_scale.py``).
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.conditions import ConditionSyntaxError, parse_condition, triggers
from assessment.core.i18n import check_catalogue, extract_texts
from assessment.core.loader import (
    QuestionnaireError,
    build_questionnaire,
    load_questionnaire,
    load_questionnaire_text,
)
from assessment.core.model import BandSource, SourceKind
from assessment.core.placeholders import (
    EvidenceFigures,
    PlaceholderError,
    parse_evidence,
    placeholders_of,
    render_evidence,
)
from assessment.core.profile import OrganizationProfile, ProfileError, parse_profile
from assessment.core.recommend import MetricTable
from assessment.core.scoring import KpiFact, score
from tests.conftest import DATA

SOURCED = DATA / "sourced"
DOC: dict[str, Any] = yaml.safe_load((SOURCED / "questionnaire.yaml").read_text())


def problems_of(change: Any, name: str = "q.yaml") -> list[str]:
    doc = copy.deepcopy(DOC)
    change(doc)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(yaml.safe_dump(doc, allow_unicode=True), name)
    return [str(p) for p in info.value.problems]


def loads(change: Any) -> None:
    doc = copy.deepcopy(DOC)
    change(doc)
    load_questionnaire_text(yaml.safe_dump(doc, allow_unicode=True), "q.yaml")


def opt(value: str) -> Answer:
    return Answer(AnswerKind.OPTION, value)


def num(x: float) -> Answer:
    return Answer(AnswerKind.NUMBER, x)


# --- sourced bands ------------------------------------------------------------------------


def test_sources_are_in_the_model_and_translated() -> None:
    q = load_questionnaire(SOURCED)
    win = q.questions()["pipe.win_rate"]
    assert win.band_source == BandSource(
        kind=SourceKind.PRACTICE,
        note="Set from consulting practice; no published norm fits every market.",
    )
    assert q.questions()["pipe.cycle"].band_source.kind is SourceKind.SEED  # type: ignore[union-attr]
    pl = load_questionnaire(SOURCED, "pl")
    assert pl.questions()["pipe.win_rate"].band_source.kind is SourceKind.PRACTICE  # type: ignore[union-attr]
    assert pl.questions()["pipe.win_rate"].band_source.note.startswith("Ustalone")  # type: ignore[union-attr]
    assert extract_texts(q)["elements"]["pipe"]["questions"]["pipe.cycle"]["source"] == (
        "The reference article's example cycle is four months."
    )


def test_version_2_needs_a_source_for_every_band_set() -> None:
    def drop(doc: dict[str, Any]) -> None:
        del doc["elements"][0]["questions"][2]["source"]

    assert problems_of(drop) == [
        "q.yaml: elements[0].questions[2].source: a number question with bands needs their "
        "source from version 2 on: source: {kind: seed | published | practice, note: "
        "<one sentence>}"
    ]

    def old_text(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][2]["source"] = "practice"

    assert [p.split(": ", 2)[1] for p in problems_of(old_text)] == [
        "elements[0].questions[2].source"
    ]

    def version_1(doc: dict[str, Any]) -> None:
        doc["version"] = "1.9"
        drop(doc)
        doc["elements"][0]["questions"][3]["source"] = "free text, as before version 2"

    loads(version_1)


def test_a_stored_version_2_without_sources_keeps_loading() -> None:
    doc = copy.deepcopy(DOC)
    del doc["elements"][0]["questions"][2]["source"]
    with pytest.raises(QuestionnaireError):
        build_questionnaire(doc, "stored")
    q = build_questionnaire(doc, "stored", stored=True)
    assert q.questions()["pipe.win_rate"].band_source is None


def test_source_problems_name_file_and_path_without_union_tags() -> None:
    def bad_kind(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][2]["source"] = {"kind": "norm", "note": "x"}

    (problem,) = problems_of(bad_kind)
    assert problem.startswith("q.yaml: elements[0].questions[2].source.kind: Input should be ")
    assert "'seed', 'published' or 'practice'" in problem

    def no_note(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][3]["source"] = {"kind": "seed"}

    assert problems_of(no_note) == ["q.yaml: elements[0].questions[3].source.note: Field required"]

    def on_likert(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][0]["source"] = {"kind": "seed", "note": "x"}

    assert problems_of(on_likert) == [
        "q.yaml: elements[0].questions[0].source: only number questions name a source of "
        "bands; this is likert"
    ]


def test_sources_leave_the_hash_of_older_questionnaires_alone() -> None:
    q = load_questionnaire(DATA / "mini")
    assert q.questions()["a.q3"].source == "" and q.questions()["a.q3"].band_source is None
    dumped = q.model_dump(mode="json")
    assert dumped["elements"][0]["questions"][2]["source"] == ""
    assert "kind" not in dumped and "grows_into" not in dumped
    assert "evidence" not in dumped["elements"][0]["recommendations"][0]


# --- evidence sentences -------------------------------------------------------------------


def test_evidence_is_parsed_without_format_or_eval() -> None:
    pieces = parse_evidence("{{literal}} {kpi:a.b} and {share:a.c: x , y}; {profile:currency_x}")
    assert pieces[0] == "{literal} "
    assert [str(p) for p in pieces if not isinstance(p, str)] == [
        "{kpi:a.b}",
        "{share:a.c:x,y}",
        "{profile:currency_x}",
    ]
    for text in ("{0}", "{kpi.__class__}", "{kpi:a.b!r}", "{__import__:os}", "a { b"):
        with pytest.raises(PlaceholderError):
            parse_evidence(text)
    assert placeholders_of("{share:a.c:x, y} {kpi:a.b}") == {"{share:a.c:x,y}", "{kpi:a.b}"}


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ("{median:pipe.win_rate}", "unknown placeholder {median:pipe.win_rate} at column 1"),
        ("{kpi:pipe.nope}", "unknown question in {kpi:pipe.nope}"),
        ("{kpi:pipe.slip}", "{kpi:pipe.slip} needs a number question; 'pipe.slip' is likert"),
        ("{profile:revenue}", "unknown profile field in {profile:revenue}"),
        ("{share:pipe.slip:agree,yes}", "'pipe.slip' has no option 'yes'"),
        ("{share:pipe.win_rate:low}", "needs a question with options; 'pipe.win_rate' is number"),
        ("{share:pipe.slip}", "needs a question and option values"),
    ],
)
def test_evidence_problems_name_file_and_path(evidence: str, message: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["elements"][0]["recommendations"][1]["evidence"] = evidence

    (problem,) = problems_of(change)
    assert problem.startswith("q.yaml: elements[0].recommendations[1].evidence: ")
    assert message in problem


def test_a_translation_must_keep_the_placeholders(tmp_path: Path) -> None:
    folder = tmp_path / "sourced"
    shutil.copytree(SOURCED, folder)
    pl_file = folder / "i18n" / "pl.yaml"
    pl = yaml.safe_load(pl_file.read_text(encoding="utf-8"))
    recs = pl["elements"]["pipe"]["recommendations"]
    recs["pipe.review_weekly"]["evidence"] = "Wskaźnik wygranych: {kpi:pipe.cycle}."
    recs["pipe.distribution_margin"]["evidence"] = "Zespół {profile:sales_headcount"
    pl_file.write_text(yaml.safe_dump(pl, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(folder, "pl")
    found = [str(p) for p in info.value.problems]
    where = str(Path("i18n") / "pl.yaml")
    assert any(
        where in p
        and "elements.pipe.recommendations.pipe.review_weekly.evidence: placeholders differ" in p
        and "missing {kpi:pipe.win_rate}, {share:pipe.slip:agree,strongly_agree}" in p
        and "not in the source {kpi:pipe.cycle}" in p
        for p in found
    ), found
    assert any("pipe.distribution_margin.evidence: unclosed '{' at column 8" in p for p in found), (
        found
    )
    q = load_questionnaire(folder)
    report = check_catalogue(q, pl)
    assert len(report["placeholders"]) == 2


def _respondents() -> list[Respondent]:
    return [
        Respondent(
            "r1",
            "executive",
            {"pipe.reviewed": opt("agree"), "pipe.slip": opt("agree"), "pipe.win_rate": num(12)},
        ),
        Respondent(
            "r2",
            "sales_manager",
            {
                "pipe.reviewed": opt("neutral"),
                "pipe.slip": opt("disagree"),
                "pipe.win_rate": num(18.5),
            },
        ),
        Respondent("r3", "sales_rep", {"pipe.slip": opt("strongly_agree")}),
        Respondent("r4", "sales_rep", {"pipe.slip": opt("neutral")}),
    ]


def test_evidence_renders_in_the_readers_locale() -> None:
    q = load_questionnaire(SOURCED)
    profile = OrganizationProfile(
        business_type="distributor", sales_headcount=12, avg_deal_size=48500.0, currency="PLN"
    )
    results = score(q, _respondents(), profile=profile)
    figures = EvidenceFigures(results, q, profile, "en")
    rec = q.element("pipe").recommendations[0]
    # median of 12 and 18.5 = 15.25; 2 of 4 answers agree that deals slip
    assert render_evidence(rec.evidence, figures) == (
        "Your win rate is 15.2%, and 50% of the answers say deals slip unnoticed."
    )
    margin = q.element("pipe").recommendations[1]
    assert render_evidence(margin.evidence, figures) == (
        "With 12 people in sales and deals of PLN48,500 on average, every point of margin counts."
    )
    pl = load_questionnaire(SOURCED, "pl")
    pl_figures = EvidenceFigures(results, pl, profile, "pl")
    assert render_evidence(pl.element("pipe").recommendations[1].evidence, pl_figures) == (
        "Przy 12 osobach w sprzedaży i średniej transakcji 48\xa0500\xa0zł liczy się każdy "
        "punkt marży."
    )
    assert "15,2%" in render_evidence(pl.element("pipe").recommendations[0].evidence, pl_figures)


def test_evidence_is_left_out_when_a_placeholder_has_no_value() -> None:
    q = load_questionnaire(SOURCED)
    margin = q.element("pipe").recommendations[1].evidence
    results = score(q, _respondents())
    no_currency = OrganizationProfile(sales_headcount=12, avg_deal_size=48500.0)
    assert render_evidence(margin, EvidenceFigures(results, q, None, "en")) == ""
    assert render_evidence(margin, EvidenceFigures(results, q, no_currency, "en")) == ""
    nobody = score(q, [Respondent("r1", "sales_rep", {})])
    review = q.element("pipe").recommendations[0].evidence
    assert render_evidence(review, EvidenceFigures(nobody, q, None, "en")) == ""
    # a fact is the KPI's value, as in scoring
    facts = score(q, _respondents(), kpi_facts={"pipe.win_rate": KpiFact(31.0, "Finance")})
    assert "is 31%," in render_evidence(review, EvidenceFigures(facts, q, None, "en"))


# --- the organization profile in conditions ---------------------------------------------


def test_profile_conditions_trigger_on_the_profile() -> None:
    q = load_questionnaire(SOURCED)
    people = _respondents()

    def fired(profile: OrganizationProfile | None) -> set[str]:
        return {r.id for r in score(q, people, profile=profile).recommendations}

    assert fired(None) == {"pipe.review_weekly"}  # unknown profile: neither test holds
    assert "pipe.small_team" in fired(OrganizationProfile(sales_headcount=3))
    big_trader = OrganizationProfile(business_type="distributor", sales_headcount=12)
    assert fired(big_trader) == {"pipe.review_weekly", "pipe.distribution_margin"}
    software = OrganizationProfile(business_type="software", sales_headcount=12)
    assert "pipe.distribution_margin" not in fired(software)
    # the profile changes no score
    assert score(q, people).overall == score(q, people, profile=big_trader).overall


def test_an_unfilled_profile_field_is_unknown_in_kleene_logic() -> None:
    table = MetricTable({}, {}, {}, OrganizationProfile(sales_headcount=4))
    assert triggers(parse_condition("profile(sales_headcount) < 5"), table, "x")
    unknown = parse_condition("profile(business_type) == distributor")
    assert unknown.evaluate(table, "x") is None
    assert parse_condition(f"not ({unknown_text()})").evaluate(table, "x") is None
    either = parse_condition(
        "profile(business_type) == distributor or profile(sales_headcount) < 5"
    )
    assert either.evaluate(table, "x") is True
    both = parse_condition("profile(business_type) == distributor and profile(sales_headcount) > 5")
    assert both.evaluate(table, "x") is False


def unknown_text() -> str:
    return "profile(business_type) in [manufacturer, distributor]"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("profile(revenue) > 3", "unknown profile field 'revenue'"),
        ("profile(business_type) == retailer", "profile(business_type) has no value 'retailer'"),
        ("profile(business_type) in [software, shop]", "has no value 'shop'"),
        ("profile(business_type) > 3", "is one of manufacturer, distributor"),
        ("profile(sales_headcount) == many", "profile(sales_headcount) is a number"),
    ],
)
def test_profile_conditions_are_checked_at_load(when: str, message: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["elements"][0]["recommendations"][2]["when"] = when

    (problem,) = problems_of(change)
    assert problem.startswith("q.yaml: elements[0].recommendations[2].when: ")
    assert message in problem


def test_profile_takes_one_field() -> None:
    with pytest.raises(ConditionSyntaxError, match="profile takes exactly one field name"):
        parse_condition("profile(sales_headcount, sales_managers) > 1")


def test_profile_values_are_checked() -> None:
    p = parse_profile(
        {
            "business_type": "manufacturer",
            "sales_headcount": "25",
            "sales_managers": 3,
            "revenue_target": "12 000 000",
            "avg_deal_size": "1500,50",
            "sales_cycle_days": "",
            "currency": "eur",
        }
    )
    assert p == OrganizationProfile("manufacturer", 25, 3, 12e6, 1500.5, None, "EUR")
    assert OrganizationProfile.from_dict(p.to_dict()) == p
    assert OrganizationProfile().empty and not p.empty
    for raw, code, field in (
        ({"business_type": "shop"}, "profile.not_a_choice", "business_type"),
        ({"sales_headcount": "2.5"}, "profile.whole_number", "sales_headcount"),
        ({"sales_headcount": "-1"}, "profile.out_of_range", "sales_headcount"),
        ({"sales_cycle_days": "0"}, "profile.out_of_range", "sales_cycle_days"),
        ({"avg_deal_size": "lots"}, "profile.not_a_number", "avg_deal_size"),
        ({"revenue_target": "nan"}, "profile.not_a_number", "revenue_target"),
        ({"currency": "euro"}, "profile.currency", "currency"),
        ({"size": "1"}, "profile.unknown_field", "size"),
    ):
        with pytest.raises(ProfileError) as info:
            parse_profile(raw)
        assert (info.value.code, info.value.field) == (code, field)
