"""The size of the prize for the PDF (reports/prize_view.py, templates/report/_prize.html):
the worded view, the partial rendered with the report's Jinja environment, and column heads
that fit their longest translation without hyphenating."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.catalogues import translations_for
from assessment.core.prize import Figure, Inputs, size_of_the_prize
from reports.i18n import Formatter
from reports.pptx_fit import text_width
from reports.prize_view import PrizeView, figure_value, money, money_range, prize_view
from reports.render import environment

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "pl", "ru", "zh", "ro")
PRIZE = size_of_the_prize(
    Inputs(
        headcount=Figure(20, "people", "profile"),
        revenue_target=Figure(12_000_000, "EUR", "profile"),
        ramp_months=Figure(6, "months", "answers"),
        turnover=Figure(30, "%", "fact", "HR <b>dashboard</b>"),
        turnover_target=Figure(20, "%", "band", "practice"),
        selling_time=Figure(40, "%", "answers"),
        selling_time_target=Figure(40, "%", "band", "seed"),
        win_rate=Figure(20, "%", "crm", "crm.win_rate"),
        win_rate_target=Figure(25, "%", "band", "practice"),
        currency="EUR",
    )
)
"""Turnover estimated; selling time at its target; the win rate without an open pipeline."""


def _fmt(lang: str) -> Formatter:
    return Formatter.create(lang, translations_for(lang))


def _render(view: PrizeView, fmt: Formatter) -> str:
    return environment().get_template("_prize.html").render(prize=view, _=fmt._)


def test_the_view_words_each_lever_its_inputs_and_what_is_omitted() -> None:
    view = prize_view(PRIZE, _fmt("en"))
    assert view.heading == "Size of the prize"
    assert view.headline == "Closing the biggest gaps is worth an estimated €300K–€600K"
    (lever,) = view.levers
    assert (lever.title, lever.range) == ("Lower seller turnover", "€300K–€600K")
    assert lever.formula.startswith("Sellers who no longer leave each year")
    assert lever.symbols == "H · (t₀ − t₁)/100 · T/(12·H) · [R/2 … R]"
    inputs = {i.symbol: i for i in lever.inputs}
    assert (inputs["H"].name, inputs["H"].value, inputs["H"].source) == (
        "sales headcount",
        "20",
        "organization profile",
    )
    assert inputs["T"].value == "€12M"
    assert inputs["R"].value == "6 months"
    assert inputs["R"].source == (
        "answers (median), in sales cycles × the typical sales cycle (organization profile)"
    )
    assert inputs["t₀"].source == "organization fact · HR <b>dashboard</b>"
    assert inputs["t₁"].source == "next better band, set from practice"
    assert [o.sentence for o in view.omitted] == [
        "Not estimated — Higher win rate: missing open pipeline",
        "Not estimated — More selling time: already at its target",
    ]
    assert view.notes and "floor" in view.notes[0]
    # Amounts follow the locale; small amounts are written in full.
    assert money_range(_fmt("pl"), 300_000, 600_000, "EUR") == "300\xa0tys.\xa0€–600\xa0tys.\xa0€"
    assert money_range(_fmt("en"), 2_537, 5_074, "EUR") == "€2,500–€5,100"
    # Estimates to two significant figures; the client's own figures as they are.
    assert money(_fmt("en"), 801_500, "PLN") == "PLN800K"
    assert money(_fmt("zh"), 1_644_000, "PLN") == "PLN160万"
    assert figure_value(_fmt("en"), Figure(12_345_678, "EUR", "profile")) == "€12.3M"
    assert figure_value(_fmt("ru"), Figure(4.5, "months", "answers")) == "4,5 месяца"
    assert figure_value(_fmt("pl"), Figure(5, "months", "answers")) == "5 miesięcy"


def test_the_partial_renders_a_section_with_the_table_and_the_omitted_levers() -> None:
    html = _render(prize_view(PRIZE, _fmt("en")), _fmt("en"))
    assert html.lstrip().startswith('<section class="section" id="prize">')
    assert "<h1>Size of the prize</h1>" in html
    assert '<p class="lead">Ranges, not point estimates' in html
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert heads == ["Lever", "Estimate", "Formula", "Inputs"]
    assert "<strong>€300K–€600K</strong>" in html
    assert '<strong class="prize-value">€12M</strong>' in html
    # The consultant's text is escaped, never markup.
    assert "HR &lt;b&gt;dashboard&lt;/b&gt;" in html and "<b>dashboard" not in html
    omitted = html[html.index('<ul class="prize-omitted muted">') :]
    assert "Not estimated — Higher win rate: missing open pipeline" in omitted
    assert "Total" not in html  # one lever: no total row
    # Nothing estimated: the heading, the reason, no table.
    empty = prize_view(size_of_the_prize(Inputs(currency="EUR")), _fmt("en"))
    nothing = _render(empty, _fmt("en"))
    assert "<table" not in nothing and "cannot be estimated from the figures given" in nothing
    assert nothing.count("<li>") == 3


@pytest.mark.parametrize("lang", LANGS[1:])
def test_the_partial_is_translated(lang: str) -> None:
    fmt = _fmt(lang)
    html = _render(prize_view(PRIZE, fmt), fmt)
    for english in ("Size of the prize", "Lever", "Estimate", "Not estimated", "Ranges, not"):
        assert english not in html, (lang, english)


def _css_width(selector: str, css: str) -> float:
    match = re.search(re.escape(selector) + r"\s*\{\s*width:\s*([\d.]+)%", css)
    assert match, selector
    return float(match.group(1)) / 100


def test_column_heads_fit_their_longest_translation_without_hyphens() -> None:
    css = (ROOT / "templates" / "report" / "report.css").read_text(encoding="utf-8")
    prize_css = css[css.index("/* size of the prize */") :]
    assert re.search(r"table\.data\.prize th \{[^}]*hyphens: manual", prize_css)
    # A4 minus 20 mm margins each side: 170 mm of text width, in points.
    page = 170 / 25.4 * 72
    widths = {
        "Lever": _css_width("th.prize-lever", prize_css),
        "Estimate": _css_width("th.prize-range", prize_css),
        "Formula": _css_width("th.prize-formula", prize_css),
    }
    widths["Inputs"] = 1 - sum(widths.values())
    for lang in LANGS:
        fmt = _fmt(lang)
        for head, share in widths.items():
            room = share * page - 10  # 5 pt of padding each side
            # Capitals at 7.5 pt with 0.04 em letter spacing, a fifth wider for Noto Sans
            # than the estimate's Arial-like widths: the longest word must fit on a line.
            for word in fmt._(head).upper().split():
                need = 1.2 * (text_width(word, 7.5, True) + 0.04 * 7.5 * len(word))
                assert need <= room, (lang, head, word, need, room)
