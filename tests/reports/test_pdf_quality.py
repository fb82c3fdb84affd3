"""Quality gates of the rendered PDF: structure, fonts, text, page images."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from markupsafe import escape
from pypdf import PdfReader

from reports.svg import MIN_FONT
from tests.reports.conftest import ARTIFACTS, Rendered, svg_images


@pytest.fixture(autouse=True, scope="module")
def pdf_tools() -> None:
    """The quality gates need poppler-utils and qpdf (scripts/setup.sh --dev installs them)."""
    missing = [
        tool for tool in ("pdffonts", "pdftotext", "pdftoppm", "qpdf") if shutil.which(tool) is None
    ]
    assert not missing, (
        f"missing {missing}: run scripts/setup.sh --dev (installs poppler-utils, qpdf)"
    )


def test_qpdf_check_passes(standard_report: Rendered) -> None:
    result = subprocess.run(
        ["qpdf", "--check", str(standard_report.path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_every_font_is_embedded(standard_report: Rendered) -> None:
    out = subprocess.run(
        ["pdffonts", str(standard_report.path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    for row in rows:
        # columns: name type... encoding emb sub uni object ID; emb is 5th from the end
        assert row[-5] == "yes", f"font not embedded: {row}"
    assert any("Noto-Sans" in row[0] for row in rows)
    assert not any("Serif" in row[0] or "DejaVu" in row[0] for row in rows), out


def test_text_has_titles_scores_and_sections(standard_report: Rendered) -> None:
    text = standard_report.text()
    r = standard_report.results
    for el in r.elements:
        assert el.title in text
    assert f"{r.overall.score:.0f}/100" in text.replace(" ", "")
    for heading in (
        "What we recommend",
        "Methodology",
        "Scorecard",
        "Perception gaps",
        "Prioritized recommendations",
        "30/60/90-day roadmap",
        "Answers to every question",
        "Contents",
    ):
        assert heading in text
    assert "Acme Industrial GmbH" in text and "Jane Consultant" in text
    pages = len(PdfReader(io.BytesIO(standard_report.pdf)).pages)
    assert f"Page 3 of {pages}" in text
    assert f"Page {pages} of {pages}" in text


def test_text_extracts_with_pypdf(standard_report: Rendered) -> None:
    reader = PdfReader(io.BytesIO(standard_report.pdf))
    text = " ".join((page.extract_text() or "") for page in reader.pages[:6])
    assert "What we recommend" in text
    assert reader.metadata is not None and reader.metadata.title


def test_contents_lists_page_numbers(standard_report: Rendered) -> None:
    text = standard_report.text()
    contents = text.split("Contents", 1)[1][:3000]
    first = standard_report.results.elements[0].title
    match = re.search(re.escape(first) + r" (\d+)", contents)
    assert match, contents[:800]
    assert 5 < int(match.group(1)) < 30


def test_every_question_is_in_the_appendix(standard_report: Rendered) -> None:
    appendix = standard_report.html[standard_report.html.index('id="appendix"') :]
    for el in standard_report.questionnaire.elements:
        for question in el.questions:
            assert str(escape(question.text)) in appendix
            assert question.id not in appendix  # internal ids are not shown (issue 15)


def test_chart_fonts_are_at_least_8pt(standard_report: Rendered) -> None:
    sizes = [
        float(s)
        for svg in svg_images(standard_report.html)
        for s in re.findall(r'font-size="([0-9.]+)"', svg)
    ]
    assert sizes and min(sizes) >= MIN_FONT
    assert MIN_FONT * 0.75 >= 8.0  # px at print size → pt


def test_charts_use_the_brand_colour(standard_report: Rendered) -> None:
    images = svg_images(standard_report.html)
    assert len(images) > 50
    assert sum("#1f4e79" in svg for svg in images) > 50


def test_page_images_are_written(standard_report: Rendered) -> None:
    out = ARTIFACTS / "pages"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(standard_report.path), str(out / "p")], check=True
    )
    pngs = sorted(out.glob("p-*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(standard_report.pdf)).pages)
    assert all(p.stat().st_size > 2000 for p in pngs)


def overflowing_boxes(html: str) -> list[str]:
    """Boxes whose border box sticks out of the page's content area (left or right)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from reports.fetcher import ASSET_ROOT, ReportURLFetcher
    from reports.render import font_configuration

    document = HTML(
        string=html, base_url=ASSET_ROOT.as_uri() + "/", url_fetcher=ReportURLFetcher()
    ).render(font_config=font_configuration())
    found = []
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        left = page_box.margin_left
        right = page_box.margin_width() - page_box.margin_right
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants():
                if getattr(box, "width", None) is None or not hasattr(box, "border_box_x"):
                    continue
                x0 = box.border_box_x()
                x1 = x0 + box.border_width()
                if x1 > right + 1 or x0 < left - 1:
                    found.append(
                        f"page {number}: <{box.element_tag}> {x0:.0f}–{x1:.0f} "
                        f"outside {left:.0f}–{right:.0f}"
                    )
    return found


def test_nothing_overflows_the_page(standard_report: Rendered) -> None:
    assert overflowing_boxes(standard_report.html) == []
    wide = "<html><body><p>ok</p><table style='width: 120%'><tr><td>x</td></tr></table>"
    assert overflowing_boxes(wide)  # the check does catch an overflow
