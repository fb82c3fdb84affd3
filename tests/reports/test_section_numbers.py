"""Section numbers come from the view-model; the templates only print them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from assessment.core.loader import load_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import ReportMeta, build_view
from reports.assets import ASSET_ROOT
from reports.render import html_from_view
from reports.viewmodel import NUMBERED_SECTIONS, ReportView, section_numbers

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
_KICKER = re.compile(
    r'<section class="section[^"]*" id="([^"]+)">\s*<div class="kicker">([^<]*)</div>'
)


def _view() -> ReportView:
    q = load_questionnaire(MINI)
    results = score(q, synthetic_respondents(q, n=12, seed=3))
    meta = ReportMeta(client_name="Acme", assessment_title="Check", date=dt.date(2026, 1, 5))
    return build_view(results, q, meta)


def _kickers(html: str) -> dict[str, str]:
    return dict(_KICKER.findall(html))


def test_the_view_model_numbers_the_sections_in_print_order() -> None:
    view = _view()
    # Sections without content (no size of the prize without its inputs, no quotes without
    # comments) are left out and the numbers stay contiguous.
    present = [name for name in NUMBERED_SECTIONS if name in view.numbers]
    assert dict(view.numbers) == {name: i for i, name in enumerate(present, 1)}
    assert view.numbers["summary"] == 1
    assert {"summary", "dashboard", "method", "scorecard", "gaps", "roadmap"} <= set(present)
    kickers = _kickers(html_from_view(view))
    for name, number in view.numbers.items():
        if name != "findings":  # each element section says "Finding i of n" instead
            assert kickers[name] == f"Section {number}", name


def test_the_templates_print_whatever_numbers_the_view_model_holds() -> None:
    view = _view()
    order = (
        "method",
        "summary",
        "radar",
        "scorecard",
        "findings",
        "roadmap",
        "gaps",
        "recommendations",
        "dashboard",
        "voices",
        "prize",
    )
    renumbered = dataclasses.replace(view, numbers=section_numbers(order))
    kickers = _kickers(html_from_view(renumbered))
    assert kickers["method"] == "Section 1" and kickers["summary"] == "Section 2"
    assert kickers["roadmap"] == "Section 6" and kickers["gaps"] == "Section 7"
    assert kickers["recommendations"] == "Section 8"


def test_no_template_hard_codes_a_section_number() -> None:
    hard_coded = re.compile(r"Section %\(n\)s\"\s*,\s*n\s*=\s*\d")
    for template in sorted(ASSET_ROOT.glob("*.html")):
        assert not hard_coded.search(template.read_text(encoding="utf-8")), template.name
