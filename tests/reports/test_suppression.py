"""Suppressed groups never appear with a value: not in the view-model, HTML, charts or PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import ReportMeta, build_html, build_view
from tests.reports.conftest import Rendered, svg_images

_CELL = re.compile(r'<td class="num" data-role="([a-z_]+)">(.*?)</td>', re.S)
_SVG_TEXT = re.compile(r'<text[^>]*data-role="([a-z_]+)"[^>]*>([^<]*)</text>')


def suppressed_groups(results: Results, q: Questionnaire) -> set[tuple[str, str]]:
    """(element id, group) pairs whose score must not be shown."""
    out = set()
    for el in results.elements:
        out |= {(el.id, role) for role, g in el.roles.items() if g.suppressed}
        if el.leadership_suppressed:
            out.add((el.id, "leadership"))
        if el.frontline_suppressed:
            out.add((el.id, "frontline"))
    return out


def shown_values(html: str) -> Iterator[tuple[str, str]]:
    """(group, text) of every group-score cell in the HTML tables and the SVG charts."""
    for role, cell in _CELL.findall(html):
        yield role, re.sub(r"<[^>]+>", "", cell).strip()
    for svg in svg_images(html):
        for role, text in _SVG_TEXT.findall(svg):
            yield role, text.strip()


def leaks(html: str, results: Results, q: Questionnaire) -> list[str]:
    """Every place where a group that is suppressed everywhere shows a number."""
    hidden = suppressed_groups(results, q)
    always = {
        group for _, group in hidden if all((el.id, group) in hidden for el in results.elements)
    }
    found = []
    for group, text in shown_values(html):
        if group in always and re.search(r"\d", text):
            found.append(f"{group}: {text!r}")
    return found


@pytest.fixture(scope="module")
def strict(standard: Questionnaire) -> tuple[Results, Results]:
    """Results with minimum group size 4 (sales_ops and other suppressed) and the same
    answers unsuppressed, to know what a leak would look like."""
    people = synthetic_respondents(standard, n=40)
    return (score(standard, people, min_group_size=4), score(standard, people, min_group_size=1))


def test_view_model_carries_no_value_for_suppressed_groups(
    standard: Questionnaire, strict: tuple[Results, Results], meta: ReportMeta
) -> None:
    results, _ = strict
    view = build_view(results, standard, meta)
    checked = 0
    for section in view.elements:
        for cell in section.roles:
            if cell.role in ("sales_ops", "other"):
                assert cell.suppressed and cell.value is None
                checked += 1
    assert checked == 2 * len(view.elements)


def test_no_suppressed_value_in_html_or_charts(
    standard: Questionnaire, strict: tuple[Results, Results], meta: ReportMeta
) -> None:
    results, unsuppressed = strict
    html = build_html(results, standard, meta)
    assert not leaks(html, results, standard)
    cells = [(g, t) for g, t in shown_values(html) if g in ("sales_ops", "other")]
    assert len(cells) >= 4 * len(results.elements)  # role table + heatmap, text and shape
    assert all(t == "suppressed" or t == "" for _, t in cells), cells[:5]
    # the numbers a leak would show really are absent from those cells
    for el in unsuppressed.elements:
        value = el.roles["sales_ops"].score
        assert value is not None
        assert f">{value:.0f}<" not in "".join(
            f">{t}<" for g, t in shown_values(html) if g == "sales_ops"
        )


def test_leak_detector_catches_a_leak(
    standard: Questionnaire, strict: tuple[Results, Results], meta: ReportMeta
) -> None:
    """The check above must fail when suppressed data is rendered: prove it does."""
    results, unsuppressed = strict
    leaky = build_html(unsuppressed, standard, meta)  # scores every group
    assert leaks(leaky, results, standard)


def test_standard_report_hides_the_single_other_respondent(standard_report: Rendered) -> None:
    r = standard_report.results
    assert r.respondents_by_role["other"] == 1
    assert all(el.roles["other"].suppressed for el in r.elements)
    assert not leaks(standard_report.html, r, standard_report.questionnaire)
    assert "suppressed" in standard_report.text()


def test_radar_omits_suppressed_series(standard: Questionnaire, meta: ReportMeta) -> None:
    people = [p for p in synthetic_respondents(standard, n=40) if p.role != "executive"]
    people = [p for p in people if p.role != "sales_manager"] + [
        p for p in people if p.role == "sales_manager"
    ][:2]
    results = score(standard, people)
    assert all(el.leadership_suppressed for el in results.elements)
    view = build_view(results, standard, meta)
    assert "Leadership" in view.radar_note
    radar = next(
        svg for svg in svg_images(build_html(results, standard, meta)) if "Radar" in svg[:400]
    )
    assert ">Leadership<" not in radar and ">Frontline<" in radar
    assert view.overall_leadership.value is None
