"""Trends across a client's assessments, within one version and across versions."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core import trends as t
from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.scoring import ElementOverride, score
from assessment.core.trends import TrendSource, VersionMap, compute_trend
from assessment.io.version_mapping import load_version_mapping
from tests.conftest import DATA

V1 = load_questionnaire(DATA / "trends" / "v1.yaml")
V2 = load_questionnaire(DATA / "trends" / "v2.yaml")
MAPPING = load_version_mapping(DATA / "trends" / "v1-to-v2.yaml")
SVG = "{http://www.w3.org/2000/svg}"
# Likert 1..5 normalises to 0, 25, 50, 75, 100.
VALUE = {0: "strongly_disagree", 25: "disagree", 50: "neutral", 75: "agree", 100: "strongly_agree"}


def source(
    key: int,
    q: Questionnaire,
    answers: dict[str, int],
    day: int,
    overrides: dict[str, ElementOverride] | None = None,
) -> TrendSource:
    """One respondent answering ``answers`` (question id → 0/25/50/75/100)."""
    person = Respondent(
        id="R1",
        role="sales_rep",
        answers={qid: Answer(AnswerKind.OPTION, VALUE[v]) for qid, v in answers.items()},
    )
    results = score(q, [person], min_group_size=1, overrides=overrides)
    return TrendSource(key, f"Assessment {key}", dt.date(2024, 1, day), q, results)


def all_v1(value: int) -> dict[str, int]:
    return {qid: value for qid in V1.questions()}


def row(trend: t.Trend, key: str) -> t.TrendRow:
    return next(r for r in trend.elements if r.key == key)


def test_same_version_scores_and_changes_by_hand() -> None:
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V1, {**all_v1(75), "a.q1": 100}, 2)
    trend = compute_trend([first, second])
    assert [p.key for p in trend.points] == [1, 2]
    assert trend.transitions == (t.Transition(1, 2, True, False),)
    a = row(trend, "a")
    # A: (100 + 75 + 75) / 3 = 83.33 against 50 before.
    assert a.cells[0].score == pytest.approx(50.0)
    assert a.cells[0].comparable is None and a.cells[0].change is None
    assert a.cells[1].score == pytest.approx(250 / 3)
    assert a.cells[1].change == 33  # 83.3 → 83 shown, minus 50
    assert a.comparable
    # Overall: equal element weights, so the mean of 83.33, 75, 75, 75 against 50.
    assert trend.overall.cells[1].change == 27  # (83.3 + 225) / 4 = 77.1 → 77, minus 50
    assert trend.not_comparable == ()
    assert [r.key for r in trend.elements] == ["a", "b", "c", "e"]


def test_weight_override_makes_overall_not_comparable_but_elements_are() -> None:
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V1, all_v1(75), 2, overrides={"a": ElementOverride(weight=3)})
    trend = compute_trend([first, second])
    assert trend.overall.cells[1].comparable is False
    assert trend.overall.cells[1].reason == t.WEIGHTS_CHANGED
    assert trend.overall.cells[1].change is None
    assert row(trend, "a").cells[1].change == pytest.approx(25.0)


def v2_answers(value: int) -> dict[str, int]:
    return {qid: value for qid in V2.questions()}


def test_across_versions_with_mapping() -> None:
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V2, v2_answers(75), 2)
    index = {(V1.content_hash, V2.content_hash): MAPPING}
    trend = compute_trend([first, second], index)
    assert trend.transitions[0] == t.Transition(1, 2, False, True)
    assert trend.has_version_change

    # a keeps 3 of its 4 questions (new side 75 % ≥ MIN_SHARED): comparable.
    a = row(trend, "a")
    assert a.cells[1].comparable is True and a.cells[1].change == pytest.approx(25.0)
    # b was renamed bb by the mapping: one row, comparable, keyed by the new id.
    bb = row(trend, "bb")
    assert [c.element_id for c in bb.cells] == ["b", "bb"]
    assert bb.cells[1].change == pytest.approx(25.0)
    assert bb.title == "Element B (renamed)"
    # e kept only e.q1 of e.q1/e.q2 and gained two: flagged, no change computed.
    e = row(trend, "e")
    assert e.cells[1].comparable is False
    assert e.cells[1].reason == t.QUESTIONS_CHANGED
    assert e.cells[1].change is None
    # d is new, c removed: both rows are kept with their missing side marked.
    d = row(trend, "d")
    assert not d.cells[0].present and d.cells[1].reason == t.NEW
    c = row(trend, "c")
    assert c.cells[0].score == pytest.approx(50.0) and not c.cells[1].present
    assert not c.comparable
    # Latest version's elements first, in its order; removed ones after.
    assert [r.key for r in trend.elements] == ["a", "bb", "d", "e", "c"]
    assert trend.overall.cells[1].comparable is False
    assert trend.overall.cells[1].reason == t.ELEMENTS_CHANGED

    listed = {(n.kind, n.item_id, n.reason) for n in trend.not_comparable}
    assert listed == {
        ("element", "c", t.REMOVED),
        ("element", "d", t.NEW),
        ("element", "e", t.QUESTIONS_CHANGED),
        ("question", "c.q1", t.REMOVED),
        ("question", "e.q2", t.UNMAPPED),
        ("question", "e.q3", t.NEW),
        ("question", "e.q4", t.NEW),
        ("question", "a.q4", t.NEW),
        ("question", "d.q1", t.NEW),
    }
    shared = next(n for n in trend.not_comparable if n.reason == t.QUESTIONS_CHANGED)
    assert shared.shared == pytest.approx(1 / 3)  # new side: 1 of 3 questions matched


def test_across_versions_without_mapping_lists_every_unmatched_id() -> None:
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V2, v2_answers(75), 2)
    trend = compute_trend([first, second])
    assert trend.transitions[0].mapping_used is False
    reasons = {(n.kind, n.item_id): n.reason for n in trend.not_comparable}
    # Without the mapping b and bb do not match: b is unmapped, bb is new.
    assert reasons[("element", "b")] == t.UNMAPPED
    assert reasons[("element", "bb")] == t.NEW
    assert reasons[("element", "c")] == t.UNMAPPED
    for qid in ("b.q1", "b.q2", "c.q1", "e.q2"):
        assert reasons[("question", qid)] == t.UNMAPPED
    assert {r.key for r in trend.elements} == {"a", "bb", "d", "e", "b", "c"}
    # Every element of both versions appears in some row: nothing dropped.
    seen = {c.element_id for r in trend.elements for c in r.cells if c.present}
    assert seen == {"a", "b", "c", "e", "bb", "d"}


def test_merge_is_not_comparable() -> None:
    merge = VersionMap("trendq", "1.0", "trendq", "2.0", elements={"b": "bb", "c": "bb"})
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V2, v2_answers(75), 2)
    trend = compute_trend([first, second], {(V1.content_hash, V2.content_hash): merge})
    reasons = {(n.kind, n.item_id): n.reason for n in trend.not_comparable}
    assert reasons[("element", "b")] == t.MERGED
    assert reasons[("element", "c")] == t.MERGED
    assert reasons[("element", "bb")] == t.MERGED
    merged_into = next(n for n in trend.not_comparable if n.item_id == "bb")
    assert merged_into.counterpart == "b, c"
    assert row(trend, "bb").cells[1].reason == t.MERGED


def test_three_assessments_follow_rename_and_keep_order() -> None:
    sources = [
        source(1, V1, all_v1(25), 1),
        source(2, V1, all_v1(50), 2),
        source(3, V2, v2_answers(100), 3),
    ]
    trend = compute_trend(sources, {(V1.content_hash, V2.content_hash): MAPPING})
    bb = row(trend, "bb")
    assert [c.score for c in bb.cells] == pytest.approx([25.0, 50.0, 100.0])
    assert [c.change for c in bb.cells] == [None, pytest.approx(25.0), pytest.approx(50.0)]
    assert bb.latest_change == pytest.approx(50.0)
    assert [c.change for c in trend.overall.cells[:2]] == [None, pytest.approx(25.0)]


def test_unanswered_element_has_no_change() -> None:
    first = source(1, V1, {"a.q1": 50}, 1)
    second = source(2, V1, all_v1(75), 2)
    trend = compute_trend([first, second])
    b = row(trend, "b")
    assert b.cells[0].score is None
    assert b.cells[1].comparable is True and b.cells[1].change is None
    assert b.cells[1].reason == t.NO_SCORE


def test_single_and_empty() -> None:
    assert compute_trend([]).elements == ()
    one = compute_trend([source(1, V1, all_v1(50), 1)])
    assert len(one.points) == 1 and one.transitions == ()
    assert all(r.cells[0].change is None for r in one.elements)


def test_version_map_round_trip() -> None:
    assert VersionMap.from_dict(MAPPING.to_dict()) == MAPPING


# --- the report's trend section (reports/trends.py + templates/report/_trends.html) -------


def _section_html(trend: t.Trend, lang: str = "en") -> str:
    from reports.i18n import Formatter
    from reports.render import environment
    from reports.trends import build_trend_section

    section = build_trend_section(trend, lang, section_number=7)
    assert section is not None
    fmt = Formatter.create(lang)
    return (
        environment()
        .get_template("_trends.html")
        .render(trends=section, _=fmt._, gettext=fmt._, ngettext=fmt.ngettext)
    )


def test_report_section_renders_through_the_report_environment() -> None:
    first = source(1, V1, all_v1(50), 1)
    second = source(2, V2, v2_answers(75), 2)
    trend = compute_trend([first, second], {(V1.content_hash, V2.content_hash): MAPPING})
    html = _section_html(trend)
    assert '<section class="section" id="trends">' in html
    assert "Section 7" in html and "Progress since earlier assessments" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Assessment 1" in html and "January 2, 2024" in html
    # a: 50 → 75, renamed bb followed, e flagged, removed c and new d marked.
    assert "75 (+25)" in html
    assert html.count("not comparable") >= 2
    assert "not in this version" in html
    assert "Question set changed substantially (33% of the question weight matched)" in html
    assert "e.q2" in html and "No counterpart in the later version" in html
    assert "matched by stable ids and a mapping file" in html
    assert "cannot be compared with the previous assessment: the elements differ" in html


def test_report_section_escapes_titles_and_needs_two_points() -> None:
    from reports.trends import build_trend_section

    hostile = TrendSource(
        1,
        '<img src="http://169.254.169.254/">',
        dt.date(2024, 1, 1),
        V1,
        source(1, V1, all_v1(50), 1).results,
    )
    assert build_trend_section(compute_trend([hostile])) is None
    html = _section_html(compute_trend([hostile, source(2, V1, all_v1(75), 2)]))
    assert '<img src="http://169.254' not in html
    assert "&lt;img src=&#34;http://169.254.169.254/&#34;&gt;" in html
    assert "The overall score moved by +25 points" in html


class _Marked:
    """A translations object that marks every message (proves labels go through it)."""

    def gettext(self, message: str, /) -> str:
        return "[pl] " + message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return "[pl] " + (singular if n == 1 else plural)


def test_report_section_labels_use_the_translations_object() -> None:
    from reports.trends import build_trend_section

    trend = compute_trend([source(1, V1, all_v1(50), 1), source(2, V1, all_v1(75), 2)])
    section = build_trend_section(trend, "pl", _Marked())
    assert section is not None
    assert section.heading == "[pl] Progress since earlier assessments"
    assert section.kicker == "[pl] Trend"
    assert section.rows[0].title == "[pl] Overall"
    assert section.lead.startswith("[pl] The overall score moved by +25")
    assert section.columns[1].date == "2 stycznia 2024"


def test_change_matches_the_rounded_scores_shown() -> None:
    from assessment.core.trends import _change

    assert _change(37.6, 62.4) == -24  # shown as 62 → 38
    assert _change(72.4, 30.6) == 41  # shown as 31 → 72


# --- the trend chart (reports/trend_chart.py) ---

ELEMENT_NAMES = (
    "Sales strategy and go-to-market",
    "Sales management and rep coaching",
    "Pipeline management and forecasting",
    "CRM usage and data quality",
    "Hiring, onboarding and enablement",
    "Compensation and incentives",
    "Territory and account planning",
    "Sales process and methodology",
    "Marketing and sales alignment",
    "Customer success and retention",
    "Pricing, discounting and the deal desk for non-standard contracts",
    "Culture <and> accountability",
)


def _svg(markup: str) -> ET.Element:
    """The SVG document inside the chart's ``<img>`` data URI."""
    match = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup)
    assert match is not None
    return ET.fromstring(base64.b64decode(match.group(1)).decode("utf-8"))


def _label_boxes(svg: ET.Element) -> list[tuple[str, float, float, str]]:
    """(name, top, bottom, colour) of every end label, from its text lines."""
    boxes = []
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "end-label":
            continue
        rows = list(group.iter(f"{SVG}text"))
        assert rows
        size = float(rows[0].get("font-size", "0"))
        first, last = float(rows[0].get("y", "0")), float(rows[-1].get("y", "0"))
        name = " ".join((r.text or "") for r in rows)
        leader = group.find(f"{SVG}polyline")
        assert leader is not None
        boxes.append((name, first - 0.8 * size, last + 0.25 * size, leader.get("stroke", "")))
    return boxes


def test_crowded_chart_labels_do_not_overlap_and_keep_full_names() -> None:
    from reports.svg import MIN_FONT, contrast
    from reports.trend_chart import Line, trend_chart

    # Twelve elements that all end within a few points of each other, plus the overall.
    lines = [Line("Overall", (50.0, 55.0, 61.0), (True, True, True), emphasis=True)]
    for i, name in enumerate(ELEMENT_NAMES):
        lines.append(Line(name, (20.0 + 6 * i, 40.0 + 2 * i, 58.0 + 0.5 * i), (True,) * 3))
    svg = _svg(trend_chart(["First\n2024-01-01", "Second", "Third"], lines, "Scores"))
    boxes = _label_boxes(svg)
    assert len(boxes) == 13
    ordered = sorted(boxes, key=lambda b: b[1])
    for above, below in itertools.pairwise(ordered):
        assert above[2] <= below[1], f"{above[0]!r} overlaps {below[0]!r}"
    height = float(svg.get("height", "0"))
    assert all(b[1] >= 0 and b[2] <= height for b in boxes)
    # Full names (wrapped, never cut short), escaped by the XML writer.
    names = {b[0] for b in boxes}
    assert "Sales management and rep coaching" in names
    assert "Culture <and> accountability" in names
    assert not any("…" in n for n in names)
    long = next(b for b in boxes if b[0].startswith("Pricing"))
    assert long[0] == ELEMENT_NAMES[10]
    # Every text at least the report minimum (8.25 pt), every line colour 3:1 on white.
    sizes = [float(t.get("font-size", "0")) for t in svg.iter(f"{SVG}text")]
    assert min(sizes) >= MIN_FONT
    strokes = {b[3] for b in boxes}
    assert len(strokes) == 13  # each line its own colour
    assert all(contrast(s, "#ffffff") >= 3.0 for s in strokes)
    overall = next(b for b in boxes if b[0] == "Overall")
    assert contrast(overall[3], "#ffffff") >= 12  # near-black, thicker than the rest


def test_chart_source_escapes_names() -> None:
    from reports.trend_chart import Line, trend_chart

    markup = str(
        trend_chart(["A", "B"], [Line('<script>x</script> & "q"', (10.0, 20.0), (True, True))], "T")
    )
    source = base64.b64decode(re.findall(r"base64,([^\"]+)", markup)[0]).decode("utf-8")
    assert "<script>" not in source and "&lt;script&gt;" in source


@given(
    st.lists(
        st.tuples(st.floats(0, 300), st.sampled_from([16.0, 29.0, 42.0])), min_size=1, max_size=14
    )
)
def test_placed_labels_never_overlap(wanted: list[tuple[float, float]]) -> None:
    from reports.trend_chart import LABEL_GAP, place_labels

    tops = place_labels(wanted, 4.0, 316.0)
    blocks = sorted(zip(tops, (h for _c, h in wanted), strict=True))
    for (top_a, h_a), (top_b, _h) in itertools.pairwise(blocks):
        assert top_a + h_a + LABEL_GAP <= top_b + 1e-6
    assert min(tops) >= 4.0 - 1e-6
    # Blocks keep the order of their wishes.
    by_wish = [tops[i] for i in sorted(range(len(wanted)), key=lambda i: (wanted[i][0], i))]
    assert by_wish == sorted(by_wish)
