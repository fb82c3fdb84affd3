"""Text layouts kept from layout to drawing give the same PDF as shaping the text again.

:mod:`reports.pango_layouts` keeps each text box's Pango layout for drawing instead of
WeasyPrint's make-it-again.  These tests typeset the same documents with the hook and with
WeasyPrint's own ``deactivate``/``reactivate`` and compare the PDFs byte for byte
(WeasyPrint's output is deterministic for the same input): the board edition in Russian,
the full edition in Chinese (CJK shaping, font fallback, SVG labels), and a document with
the paths the hook hands back to WeasyPrint or shares differently — justified lines,
``text-overflow: ellipsis``, letter spacing, decoration lines, a language override, bold,
italic and small sizes, other languages and directions, and SVG text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from assessment.catalogues import translations_for
from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import Branding, ReportMeta, build_html, pango_layouts, render_html
from reports.typeset import stylesheet
from tests.reports.conftest import pdf_text


@pytest.fixture(autouse=True)
def _hook_installed_afterwards() -> Iterator[None]:
    yield
    assert pango_layouts.install()


def _compare(monkeypatch: pytest.MonkeyPatch, html: str) -> bytes:
    kept = render_html(html)
    assert pango_layouts.installed()
    kept_again = render_html(html)
    with monkeypatch.context() as patch:
        pango_layouts.uninstall()
        patch.setattr(pango_layouts, "install", lambda: False)  # render_html calls it
        shaped_again = render_html(html)
        assert not pango_layouts.installed()
    assert kept == shaped_again, "keeping the text layouts changed the PDF"
    assert kept_again == shaped_again
    return kept


def _report(lang: str, edition: str, n: int) -> str:
    q = find_questionnaire("sales-org-health", lang=lang)
    results = score(q, synthetic_respondents(q, n=n, seed=5))
    meta = ReportMeta(
        client_name="Acme",
        assessment_title="Q4",
        date=dt.date(2026, 12, 6),
        language=lang,
        branding=Branding(firm_name="Northwind", primary_color="#7a1f3d"),
        edition=edition,
    )
    return build_html(results, q, meta, translations=translations_for(lang))


def test_the_russian_board_edition_is_the_same_with_kept_layouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = _compare(monkeypatch, _report("ru", "board", 12))
    assert "Acme" in pdf_text(pdf)


def test_the_chinese_full_edition_is_the_same_with_kept_layouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = _compare(monkeypatch, _report("zh", "full", 8))
    assert "Acme" in pdf_text(pdf)


def test_lines_the_hook_hands_back_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        '<text x="10" y="20" font-size="11">Leadership 62 · frontline 48</text>'
        '<text x="10" y="35" font-size="9" letter-spacing="1">spaced label</text></svg>'
    )
    words = "Pipeline reviews every week keep the forecast honest and the deals moving. " * 6
    html = (
        f"<html lang='en'><head><style>{stylesheet()}</style><style>"
        ".j { text-align: justify; width: 60mm; } .e { width: 30mm; white-space: nowrap;"
        " overflow: hidden; text-overflow: ellipsis; } .s { letter-spacing: 0.2em; }"
        "</style></head><body>"
        f"<p class='j'>{words}</p><div class='e'>{words}</div><p class='s'>{words}</p>"
        "<p><u>underlined</u> <b>bold</b> <i>italic</i> <small>small</small> "
        "<span style='font-variant-caps: small-caps'>Small Caps</span> "
        "<span style='font-language-override: \"TRK\"'>fi fl</span> "
        "<span lang='ru'>Руководство</span> <span lang='zh'>销售管理</span> "
        "<span dir='rtl'>abc</span></p>"
        f"{svg}</body></html>"
    )
    _compare(monkeypatch, html)
