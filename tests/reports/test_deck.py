"""The PowerPoint deck (issue 15, "PowerPoint deck"): 10–14 slides with native, editable
charts carrying the right values, speaker notes on every slide, the workspace's branding,
fonts for all five languages, and ``saleshealth report -o deck.pptx``."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType

from assessment.catalogues import translations_for
from assessment.cli import main
from assessment.core.loader import find_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.prize import Figure, Inputs, size_of_the_prize
from assessment.core.results import Results
from assessment.core.roadmap import SHARE_RESULTS, MessageKind, build_roadmap
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports.branding import Branding, validate_logo
from reports.deck import build_deck
from reports.formats import UnknownFormat, format_of
from reports.pptx_kit import EA_FONT, LATIN_FONT
from reports.viewmodel import ReportMeta
from tests.conftest import DATA
from tests.reports.conftest import answers_csv
from tests.reports.test_branding import MALICIOUS_SVG

LANGS = ("en", "pl", "ru", "zh", "ro")
BRAND = "#8a1c4a"
CJK = re.compile(r"[\u4e00-\u9fff]")
PRIZE = size_of_the_prize(
    Inputs(
        headcount=Figure(24, "", "profile"),
        revenue_target=Figure(60_000_000, "PLN", "profile"),
        ramp_months=Figure(6, "months", "answers"),
        turnover=Figure(34, "%", "answers"),
        turnover_target=Figure(20, "%", "band"),
        currency="PLN",
    )
)


def _meta(lang: str = "en", **branding: object) -> ReportMeta:
    return ReportMeta(
        client_name="Acme Industrial GmbH",
        assessment_title="Sales Organization Health Check 2026",
        date=dt.date(2026, 11, 22),
        prepared_by="Jane Consultant",
        language=lang,
        branding=Branding(
            firm_name="Northwind Advisory",
            primary_color=BRAND,
            footer_text="Confidential — Northwind Advisory",
            **branding,  # type: ignore[arg-type]
        ),
    )


_SCORED: dict[str, tuple[Results, Questionnaire]] = {}


def _scored(lang: str) -> tuple[Results, Questionnaire]:
    """The demo assessment (30 synthetic respondents, seed 7) in ``lang``, scored once."""
    if lang not in _SCORED:
        q = find_questionnaire("sales-org-health", lang=lang)
        _SCORED[lang] = (score(q, synthetic_respondents(q, 30, seed=7)), q)
    return _SCORED[lang]


def _deck(lang: str = "en", prize: bool = True, **branding: object) -> PresentationType:
    results, q = _scored(lang)
    data = build_deck(
        results,
        q,
        _meta(lang, **branding),
        translations=translations_for(lang),
        prize=PRIZE if prize else None,
    )
    return Presentation(io.BytesIO(data))


@pytest.fixture(scope="module")
def english() -> PresentationType:
    return _deck("en")


def _texts(slide: object) -> str:
    """Every text of a slide: text boxes and table cells."""
    out = []
    for shape in slide.shapes:  # type: ignore[attr-defined]
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        elif shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(out)


def _charts(deck: PresentationType) -> list[object]:
    return [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]


def test_the_deck_opens_and_has_ten_to_fourteen_slides(english: PresentationType) -> None:
    assert 10 <= len(english.slides) <= 14
    assert english.slide_width / english.slide_height == pytest.approx(16 / 9, rel=0.01)
    without_prize = _deck("en", prize=False)
    assert 10 <= len(without_prize.slides) == len(english.slides) - 1


def test_the_slides_tell_the_story_in_order(english: PresentationType) -> None:
    kickers = [_texts(slide) for slide in english.slides]
    order = [
        "Acme Industrial GmbH",
        "KEY MESSAGE",
        "TOP PRIORITIES",
        "SCORECARD",
        "RADAR OF THE ELEMENT SCORES",
        "LEADERSHIP AND FRONTLINE",
        "KEY NUMBERS",
        "SIZE OF THE PRIZE",
        "30/60/90-DAY ROADMAP",
        "DAYS 1–30",
        "NEXT STEPS",
        "METHOD AND LIMITATIONS",
    ]
    assert len(kickers) == len(order)
    for text, expected in zip(kickers, order, strict=True):
        assert expected in text


def test_charts_are_native_chart_parts_with_the_scores(english: PresentationType) -> None:
    results, _q = _scored("en")
    charts = _charts(english)
    kinds = [chart.chart_type for chart in charts]  # type: ignore[attr-defined]
    assert kinds == [XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.RADAR, XL_CHART_TYPE.BAR_CLUSTERED]
    scorecard, radar, gaps = charts
    plot = scorecard.plots[0]  # type: ignore[attr-defined]
    assert list(plot.categories) == [el.title for el in results.elements]
    score_series, target_series = plot.series
    assert score_series.values == pytest.approx([el.score for el in results.elements])
    assert target_series.values == pytest.approx([el.target for el in results.elements])
    radar_series = {s.name: s.values for s in radar.plots[0].series}  # type: ignore[attr-defined]
    assert set(radar_series) == {"Overall", "Leadership", "Frontline", "Target"}
    assert radar_series["Leadership"] == pytest.approx([el.leadership for el in results.elements])
    assert radar_series["Frontline"] == pytest.approx([el.frontline for el in results.elements])
    compared = sorted(
        (el for el in results.elements if el.gap is not None),
        key=lambda el: (-(el.gap or 0), el.id),
    )
    gap_plot = gaps.plots[0]  # type: ignore[attr-defined]
    assert list(gap_plot.categories) == [el.title for el in compared]
    lead, front = gap_plot.series
    assert lead.values == pytest.approx([el.leadership for el in compared])
    assert front.values == pytest.approx([el.frontline for el in compared])
    # Editable: each chart carries its data in an embedded workbook.
    for chart in charts:
        assert chart.part.chart_workbook.xlsx_part is not None  # type: ignore[attr-defined]


def test_every_slide_has_speaker_notes(english: PresentationType) -> None:
    for number, slide in enumerate(english.slides, 1):
        assert slide.has_notes_slide, number
        notes = slide.notes_slide.notes_text_frame.text
        assert len(notes) > 40, (number, notes)
    message = english.slides[1].notes_slide.notes_text_frame.text
    assert message.startswith("Why this message:")


def test_the_brand_colour_is_applied(english: PresentationType) -> None:
    colour = BRAND.lstrip("#").upper()
    fills = [
        str(shape.fill.fore_color.rgb)
        for slide in english.slides
        for shape in slide.shapes
        if shape.shape_type == 1 and shape.fill.type == 1  # autoshape, solid fill
    ]
    assert fills.count(colour) >= 10  # the title band, every accent rule, cards, columns
    scorecard = _charts(english)[0]
    bar = scorecard.plots[0].series[0]  # type: ignore[attr-defined]
    assert str(bar.format.fill.fore_color.rgb) == colour
    footer = _texts(english.slides[3])
    assert "Confidential — Northwind Advisory" in footer


def test_content_follows_the_core_decisions(english: PresentationType) -> None:
    results, q = _scored("en")
    roadmap = build_roadmap(results, q)
    assert roadmap.message.kind is MessageKind.PERCEPTION_GAP  # the demo's message
    key = _texts(english.slides[1])
    assert "Leadership sees the sales organization more favourably" in key
    roadmap_text = _texts(english.slides[8])
    assert roadmap.phases[0][0].kind == SHARE_RESULTS
    assert "Share the results with the front line" in roadmap_text
    for item in roadmap.initiatives():
        if item.recommendation is not None:
            assert item.recommendation.title in roadmap_text
    prize = _texts(english.slides[7])
    assert "Lower seller turnover" in prize and "PLN" in prize
    assert "Not estimated — Higher win rate: missing open pipeline, win rate" in prize
    method = _texts(_deck("en", prize=False).slides[-1])
    assert "The size of the prize is not estimated in this deck" in method


def _runs(deck: PresentationType) -> list[object]:
    return [
        r
        for slide in deck.slides
        for el in slide.shapes._spTree.iter(qn("a:r"))  # type: ignore[attr-defined]
        for r in [el]
    ]


def test_chinese_runs_carry_the_east_asian_font() -> None:
    deck = _deck("zh")
    runs = _runs(deck)
    chinese = [r for r in runs if CJK.search(r.findtext(qn("a:t")) or "")]  # type: ignore[attr-defined]
    assert len(chinese) > 50
    for run in chinese:
        rpr = run.find(qn("a:rPr"))  # type: ignore[attr-defined]
        assert rpr.get("lang") == "zh-CN"
        assert rpr.find(qn("a:ea")).get("typeface") == EA_FONT
        assert rpr.find(qn("a:latin")).get("typeface") == LATIN_FONT
    # Chart labels (element titles) too.
    chart = _charts(deck)[0]
    default = chart._chartSpace.find(".//" + qn("a:defRPr"))  # type: ignore[attr-defined]
    assert default.find(qn("a:ea")).get("typeface") == EA_FONT
    theme = deck.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob.decode()
    assert 'script="Hans" typeface="Microsoft YaHei"' in theme


@pytest.mark.parametrize("lang", LANGS)
def test_the_deck_builds_in_every_language(lang: str) -> None:
    deck = _deck(lang)
    assert 10 <= len(deck.slides) <= 14
    text = " ".join(_texts(slide) for slide in deck.slides)
    notes = " ".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    if lang != "en":  # translated: no English slide label or note is left
        for english in ("KEY MESSAGE", "TOP PRIORITIES", "Decisions for the board", "Why:"):
            assert english not in text, english
        assert "How the roadmap is built" not in notes
    assert len(_charts(deck)) == 3
    for run in _runs(deck):
        rpr = run.find(qn("a:rPr"))  # type: ignore[attr-defined]
        assert rpr.find(qn("a:latin")).get("typeface") == LATIN_FONT


def test_a_png_logo_is_embedded_and_an_svg_logo_is_left_out_with_a_note(tmp_path: Path) -> None:
    png = io.BytesIO()
    Image.new("RGB", (400, 100), "#8a1c4a").save(png, format="PNG")
    deck = _deck("en", logo=validate_logo(png.getvalue(), "logo.png"))
    pictures = [s for s in deck.slides[0].shapes if s.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].width / pictures[0].height == pytest.approx(4, 0.01)
    assert all(any(s.shape_type == 13 for s in slide.shapes) for slide in deck.slides)
    svg = _deck("en", logo=validate_logo(MALICIOUS_SVG, "logo.svg"))
    assert not any(s.shape_type == 13 for slide in svg.slides for s in slide.shapes)
    assert "SVG image" in svg.slides[0].notes_slide.notes_text_frame.text


def test_a_self_assessment_deck_is_written_for_one_person() -> None:
    q = find_questionnaire("sales-org-health")
    one = [replace(p, role="executive") for p in synthetic_respondents(q, 1, seed=3)]
    results = score(q, one)
    deck = Presentation(io.BytesIO(build_deck(results, q, _meta())))
    assert 10 <= len(deck.slides) <= 14
    texts = [_texts(slide) for slide in deck.slides]
    assert any("Leadership and frontline cannot be compared" in t for t in texts)
    assert "One respondent: these results are one person's view." in texts[-1]
    assert "Based on the answers of 1 person" in texts[-1]
    assert "Frontline:" not in texts[-1]  # a role nobody answered for is not named
    # Written for one person: nothing about the only respondent is "not shown" or suppressed.
    assert not any("Not shown" in t or "suppressed" in t for t in texts)


def test_the_format_comes_from_the_extension_unless_forced() -> None:
    assert format_of("out/deck.PPTX") == "pptx" and format_of("report.pdf") == "pdf"
    assert format_of("deck.bin", "PPTX") == "pptx"
    with pytest.raises(UnknownFormat) as unknown:
        format_of("deck.ppt")
    assert unknown.value.code == "report.unknown_extension"
    assert unknown.value.message.render(translations_for("pl"), "pl").startswith(
        "nie można ustalić formatu raportu"
    )
    with pytest.raises(UnknownFormat) as bad:
        format_of("deck.pdf", "key")
    assert bad.value.code == "report.format"


def test_cli_writes_the_deck(tmp_path: Path) -> None:
    q = find_questionnaire("sales-org-health")
    answers = tmp_path / "answers.csv"
    answers.write_text(answers_csv(synthetic_respondents(q, 12, seed=5)), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "deck.pptx"
    args = ["report", "--answers", str(answers), "--client", "Acme", "--color", BRAND]
    result = runner.invoke(main, [*args, "--lang", "ru", "-o", str(out)])
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    assert 10 <= len(deck.slides) <= 14 and "Acme" in _texts(deck.slides[0])
    assert "КЛЮЧЕВОЙ ВЫВОД" in _texts(deck.slides[1])
    forced = tmp_path / "deck.bin"
    assert runner.invoke(main, [*args, "--format", "pptx", "-o", str(forced)]).exit_code == 0
    assert len(Presentation(str(forced)).slides) >= 10
    for bad, message in (
        (["-o", str(tmp_path / "deck.ppt")], "cannot tell the report format from 'deck.ppt'"),
        (["--format", "key", "-o", str(tmp_path / "x.pptx")], "no report format 'key'"),
        (["--html", str(tmp_path / "x.html"), "-o", str(tmp_path / "y.pptx")], "--html writes"),
    ):
        result = runner.invoke(main, [*args, *bad])
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "deck.ppt").exists() and not (tmp_path / "y.pptx").exists()
    mini = runner.invoke(
        main,
        [
            "report",
            "--answers",
            str(DATA / "mini" / "answers.csv"),
            "--questionnaire",
            str(DATA / "mini"),
            "-o",
            str(tmp_path / "mini.pptx"),
        ],
    )
    assert mini.exit_code == 0, mini.output
    assert len(Presentation(str(tmp_path / "mini.pptx")).slides) >= 10


@pytest.mark.parametrize("lang", ("pl", "ru", "zh", "ro"))
def test_every_deck_text_is_translated(lang: str) -> None:
    """Each msgid of the deck's modules has a translation (not only in messages.pot)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "assessment" / "translations" / lang / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as fh:
        po = read_po(fh, locale=lang)
    missing = []
    for module in ("deck.py", "deck_parts.py", "decisions.py"):
        for _line, msgid, _c, _x in extract_from_file(
            "python", str(root / "reports" / module), keywords=DEFAULT_KEYWORDS
        ):
            key = msgid if isinstance(msgid, str) else msgid[0]
            entry = po.get(key)
            forms = () if entry is None else entry.string
            forms = forms if isinstance(forms, tuple) else (forms,)
            if entry is None or not all(forms) or entry.fuzzy:
                missing.append(key)
    assert not missing, missing
