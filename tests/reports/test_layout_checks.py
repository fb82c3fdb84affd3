"""Layout checks of the rendered report in every language and edition (issue 15).

Every edition of ``assessment.services.report_jobs.EDITIONS`` is rendered in English,
Polish, Russian, Chinese and Romanian for 25 respondents (with teams, comments in two
languages, CRM evidence and an earlier round), and in English for a one-person
self-assessment, the way ``saleshealth report`` does it: the HTML from
:func:`reports.build_html` (given the edition when it takes one), typeset by a
:class:`reports.BoundedRenderer`.  Each PDF is rendered once per module and then checked
with :mod:`reports.layout_check`:

* no spill page: every page but the cover and the last carries at least
  :data:`~reports.layout_check.MIN_PAGE_CHARS` characters of body text;
* no word of a table head or key-figure label broken over two lines;
* no two words drawn over each other (a head running into the next column, chart labels).

The pure functions of :mod:`reports.layout_check` are tested on their own first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assessment.catalogues import translations_for
from assessment.core.answers import Respondent
from assessment.core.crm import StageTable, compute_kpis
from assessment.core.cuts import team_cuts
from assessment.core.forecast_methods import forecast_methods
from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.core.trends import TrendSource, compute_trend
from assessment.io.opportunities import ColumnMapping, read_opportunities
from assessment.services.report_jobs import EDITIONS
from reports import BoundedRenderer, Branding, ReportMeta, build_html
from reports.layout_check import (
    MIN_PAGE_CHARS,
    Page,
    Word,
    broken_words,
    header_texts,
    header_words,
    overlapping_words,
    parse_bbox,
    pdf_pages,
    spill_pages,
    text_weight,
)
from reports.viewmodel import OptionalSections
from tests.reports.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "pl", "ru", "zh", "ro")
CASES = (*LANGUAGES, "self")
"""The five languages for 25 respondents, and a one-person self-assessment in English."""
AS_OF = dt.date(2024, 7, 1)


# -- the pure functions --------------------------------------------------------------------


def _word(text: str, x0: float, y0: float, size: float = 8.0) -> Word:
    return Word(text, x0, y0, x0 + 0.55 * size * len(text), y0 + 1.3 * size)


def _page(number: int, *words: Word) -> Page:
    return Page(number, 595.0, 842.0, tuple(words))


def test_text_weight_counts_a_wide_character_twice() -> None:
    assert text_weight("ab c") == 3
    assert text_weight("管理层 ab") == 8


def test_spill_pages_skip_the_cover_and_the_last_page_and_the_margins() -> None:
    body = " ".join(["word"] * 60)  # 240 characters
    full = _page(
        2, *(_word(w, 60 + 30 * (i % 10), 100 + 12 * (i // 10)) for i, w in enumerate(body.split()))
    )
    # a running header and footer (in the margins) and two links in the body
    spill = _page(
        3,
        _word("Client", 57, 50),
        _word("Section", 500, 50),
        _word("16", 60, 100),
        _word("Decide", 75, 100),
        _word("Page", 500, 800),
    )
    pages = [_page(1), full, spill, _page(4)]
    found = spill_pages(pages)
    assert [(s.page, s.chars, s.text) for s in found] == [(3, 8, "16 Decide")]
    assert spill_pages(pages, min_chars=5) == []


def test_broken_head_words_are_found_and_words_of_a_line_are_not() -> None:
    # "TAR-" / "GET" in one column, "LEVE" / "L" in the next; "praktyk" / "i" in running text
    page = _page(
        5,
        _word("TAR\u2010", 300, 100, 6.5),
        _word("GET", 300, 109, 6.5),
        _word("LEVE", 340, 100, 6.5),
        _word("L", 340, 109, 6.5),
        _word("Część", 60, 200),
        _word("praktyk", 85, 200),
        _word("istnieje", 117, 200),
        _word("je", 60, 211),
        _word("nierówno", 70, 211),
        _word("i", 110, 211),
        _word("VALUE", 400, 100, 6.5),
        _word("%", 400, 109, 6.5),
    )
    found = broken_words([page], {"target", "level", "praktyki", "value"})
    assert sorted((b.word, b.pieces) for b in found) == [
        ("level", ("LEVE", "L")),
        ("target", ("TAR\u2010", "GET")),
    ]


def test_a_word_broken_over_three_lines_is_found() -> None:
    page = _page(
        5,
        _word("PO-", 300, 100, 6.5),
        _word("ZIO-", 300, 109, 6.5),
        _word("M", 300, 118, 6.5),
    )
    assert [b.pieces for b in broken_words([page], {"poziom"})] == [("PO-", "ZIO-", "M")]


def test_overlapping_words() -> None:
    clash = _page(1, _word("Leadership", 100, 100), _word("Kadra", 130, 100))
    apart = _page(2, _word("Leadership", 100, 100), _word("Kadra", 160, 100))
    # the lines of a tightly led label overlap in their boxes, not on paper
    stacked = _page(3, Word("Sales", 100, 100, 120, 111.2), Word("process", 100, 109.9, 130, 121.1))
    # a label running upwards: its lines stand side by side, 1.3 pt into each other
    turned = _page(
        4,
        Word("Executive", 212.6, 199.1, 223.8, 235.6),
        Word("director", 222.5, 205.1, 233.7, 235.6),
    )
    found = overlapping_words([clash, apart, stacked, turned])
    assert [(o.page, o.first, o.second) for o in found] == [(1, "Leadership", "Kadra")]


def test_header_words_come_from_heads_and_key_figure_labels() -> None:
    html = (
        "<style>th { color: red }</style><table><tr><th class='num'>Vs&nbsp;target</th>"
        "<th>Leadership − frontline</th></tr><tr><td>Body text</td></tr></table>"
        "<div class='kf-label'>Response <b>coverage</b></div><p>Other</p>"
    )
    assert header_texts(html) == ["Vs target", "Leadership − frontline", "Response coverage"]
    assert header_words(html) == {"vs", "target", "leadership", "frontline", "response", "coverage"}


def test_parse_bbox_reads_pages_and_words() -> None:
    doc = (
        '<doc><page width="595.3" height="841.9">'
        '<word xMin="56.7" yMin="46.5" xMax="94.4" yMax="56.7">R&amp;D</word></page>'
        '<page width="595.3" height="841.9"></page></doc>'
    )
    pages = parse_bbox(doc)
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].words == (Word("R&D", 56.7, 46.5, 94.4, 56.7),)
    assert pages[1].words == ()


# -- rendered reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One rendered report: its case, edition, HTML, PDF and pages."""

    case: str
    edition: str
    html: str
    pdf: bytes
    pages: list[Page]

    @property
    def language(self) -> str:
        return "en" if self.case == "self" else self.case


def _people(n: int, seed: int) -> list[Respondent]:
    q = find_questionnaire("sales-org-health")
    if n == 1:
        return synthetic_respondents(q, 1, seed=3, mix={"executive": 1})
    people = synthetic_respondents(q, n, seed=seed)
    # every third respondent wrote in Polish: comments are grouped by language
    return [
        dataclasses.replace(p, language="pl" if i % 3 == 0 else "en") for i, p in enumerate(people)
    ]


@cache
def _crm_kpis() -> dict[str, Any]:
    """The CRM evidence of the Salesforce sample export, as ``crm-kpis --json`` stores it."""
    path = ROOT / "tests" / "data" / "crm" / "salesforce.csv"
    mapping = ColumnMapping()
    export = read_opportunities(str(path), mapping)
    stages = StageTable.build({k: v / 100 for k, v in mapping.stages.items()})
    kpis = compute_kpis(export.opportunities, as_of=AS_OF, stages=stages)
    methods = forecast_methods(export.opportunities, kpis, stages=stages)
    return {
        "file": path.name,
        "columns": dict(export.columns),
        **kpis.to_dict(),
        "forecast_methods": methods.to_dict(),
    }


def _build(case: str, edition: str) -> str:
    """The report HTML as ``saleshealth report`` builds it (teams from the answers), with
    CRM evidence and an earlier round for the team cases; for ``edition`` when the build
    takes one (a ``build_html`` argument or a ``ReportMeta`` field)."""
    language = "en" if case == "self" else case
    q = find_questionnaire("sales-org-health", lang=language)
    people = _people(1 if case == "self" else 25, seed=11)
    results = score(q, people)
    optional = OptionalSections(teams=team_cuts(q, people, results))
    if case != "self":
        earlier = score(q, _people(22, seed=5))
        trend = compute_trend(
            [
                TrendSource(1, "Baseline", dt.date(2025, 11, 3), q, earlier),
                TrendSource(2, "Follow-up", dt.date(2026, 11, 2), q, results),
            ]
        )
        optional = dataclasses.replace(
            optional, crm_kpis=_crm_kpis(), crm_filename="salesforce.csv", trend=trend
        )
    meta = ReportMeta(
        client_name="Northwind Components",
        assessment_title=q.title,
        date=dt.date(2026, 11, 22),
        prepared_by="Jane Consultant",
        language=language,
        branding=Branding(firm_name="Northwind Advisory"),
        optional=optional,
    )
    kwargs: dict[str, Any] = {"translations": translations_for(language)}
    if "edition" in inspect.signature(build_html).parameters:
        kwargs["edition"] = edition
    elif "edition" in {f.name for f in dataclasses.fields(ReportMeta)}:
        meta = dataclasses.replace(meta, edition=edition)  # type: ignore[call-arg]
    return build_html(results, q, meta, **kwargs)


class Reports:
    """The reports of this module, each rendered once, on first use."""

    def __init__(self, renderer: BoundedRenderer) -> None:
        self.renderer = renderer
        self.done: dict[tuple[str, str], Report] = {}

    def get(self, edition: str, case: str) -> Report:
        key = (edition, case)
        if key not in self.done:
            html = _build(case, edition)
            pdf = self.renderer.render_html(html)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / f"layout-{edition}-{case}.pdf").write_bytes(pdf)
            self.done[key] = Report(case, edition, html, pdf, pdf_pages(pdf))
        return self.done[key]


@pytest.fixture(scope="module")
def reports() -> Iterator[Reports]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: run scripts/setup.sh --dev (installs poppler-utils)")
    with BoundedRenderer(timeout=120) as renderer:
        renderer.start_in_background()
        yield Reports(renderer)


PARAMS = [
    pytest.param(edition, case, id=f"{edition}-{case}") for edition in EDITIONS for case in CASES
]


@pytest.mark.parametrize(("edition", "case"), PARAMS)
def test_no_spill_pages(reports: Reports, edition: str, case: str) -> None:
    report = reports.get(edition, case)
    assert len(report.pages) > 3
    # The contents (page 2, after the cover) of a short edition is short by design.
    contents = translations_for(report.language).gettext("Contents")
    spills = [
        s
        for s in spill_pages(report.pages)
        if not (s.page == 2 and contents in report.pages[1].text(body_only=False))
    ]
    assert not spills, "\n".join(
        f"page {s.page} of {len(report.pages)}: {s.chars} characters (< {MIN_PAGE_CHARS}): "
        f"{s.text[:120]!r}"
        for s in spills
    )


@pytest.mark.parametrize(("edition", "case"), PARAMS)
def test_no_head_word_broken(reports: Reports, edition: str, case: str) -> None:
    report = reports.get(edition, case)
    words = header_words(report.html)
    assert len(words) > 20
    broken = broken_words(report.pages, words)
    assert not broken, "\n".join(str(b) for b in broken)


@pytest.mark.parametrize(("edition", "case"), PARAMS)
def test_no_words_drawn_over_each_other(reports: Reports, edition: str, case: str) -> None:
    report = reports.get(edition, case)
    overlaps = overlapping_words(report.pages)
    assert not overlaps, "\n".join(str(o) for o in overlaps)


@pytest.mark.parametrize("edition", EDITIONS)
def test_self_assessment_is_written_for_one_person(reports: Reports, edition: str) -> None:
    report = reports.get(edition, "self")
    text = " ".join(p.text(body_only=False) for p in report.pages)
    assert "suppressed" not in text
    assert "Perception gaps" not in text
    assert "Scores by role" not in text
    # the closing page on inviting the team, listed in the contents
    assert text.count("Get the full picture: invite your team") >= 2
    assert "1 people" not in text and "1 points" not in text
    assert "could not be compared" not in text  # key points speak of one view, not groups


_HYPHEN_RANGE = re.compile(r"(?<![\d\-–./:])\d+(?:[.,]\d+)?-\d+(?![\d\-–])")
_HYPHEN_DASH = re.compile(r"\S - \S")


@pytest.mark.parametrize(("edition", "case"), PARAMS)
def test_ranges_and_dashes_are_not_hyphens(reports: Reports, edition: str, case: str) -> None:
    """ "2–4 hours", "40–50%": an en dash in a range; no hyphen standing in for a dash
    (an ISO date such as 2024-07-01 is not a range)."""
    text = " ".join(p.text(body_only=False) for p in reports.get(edition, case).pages)
    assert not _HYPHEN_RANGE.findall(text), _HYPHEN_RANGE.findall(text)[:5]
    assert not _HYPHEN_DASH.findall(text), _HYPHEN_DASH.findall(text)[:5]


FULL_ONLY = [e for e in EDITIONS if e == "full"]
"""The editions with element sections and the question appendix."""


@pytest.mark.parametrize("edition", FULL_ONLY)
def test_comments_are_grouped_by_language_with_counts(reports: Reports, edition: str) -> None:
    html = reports.get(edition, "en").html
    assert 'class="comment-count' in html
    assert "Polish:" in html and "English:" in html


@pytest.mark.parametrize("edition", FULL_ONLY)
def test_appendix_shows_no_question_ids(reports: Reports, edition: str) -> None:
    report = reports.get(edition, "en")
    text = " ".join(p.text() for p in report.pages)
    assert "mgmt_rep.one_to_ones" not in text and "pipeline.forecast_accuracy" not in text
    assert "add up to the element's score" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1 point", "2 points", "5 points"]),
        ("pl", ["1 punkt", "2 punkty", "5 punktów"]),
        ("ru", ["1 балл", "2 балла", "5 баллов"]),
        ("ro", ["1 punct", "2 puncte", "20 de puncte"]),
        ("zh", ["1分", "2分", "5分"]),
    ],
)
def test_points_have_plural_forms(language: str, expected: list[str]) -> None:
    from reports.i18n import Formatter

    fmt = Formatter.create(language, translations_for(language))
    counts = [1, 2, 20 if language == "ro" else 5]
    assert [fmt.ngettext("%(num)s point", "%(num)s points", n) for n in counts] == expected
