"""Reports are typeset in parts on two processes, not silently whole.

The renderer falls back to typesetting a report whole (correct, but about twice as slow)
when a check on the merged parts fails.  These tests fail when that happens to the standard
report in any interface language, or to a report whose contents run over more than one
page (the front used to be assumed two pages long).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from assessment.catalogues import translations_for
from assessment.core.loader import build_questionnaire, find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import BoundedRenderer, ReportMeta, build_html

MINI = Path(__file__).resolve().parents[1] / "data" / "mini" / "questionnaire.yaml"
LONG_TITLE = (
    "Element {i}: how consistently the pipeline reviews, forecasts and coaching conversations "
    "of region {i} follow the agreed playbook, and how well sales operations support them "
    "with data, tooling and training"
)


@pytest.fixture(scope="module")
def team() -> Iterator[BoundedRenderer]:
    """One renderer with two children, reused by every test here (like a web worker's)."""
    with BoundedRenderer(workers=2, timeout=600) as renderer:
        yield renderer


def _render(team: BoundedRenderer, html: str, caplog: pytest.LogCaptureFixture) -> bytes:
    with caplog.at_level(logging.WARNING, logger="reports.bounded"):
        pdf = team.render_html(html)
    assert team.last_path == "parts", team.last_fallback
    assert "typeset whole" not in caplog.text
    return pdf


def _pages_text(pdf: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in out.split("\f")]


@pytest.mark.parametrize("lang", ["en", "pl", "ru", "zh", "ro"])
def test_the_standard_report_is_typeset_in_parts(
    lang: str, team: BoundedRenderer, caplog: pytest.LogCaptureFixture
) -> None:
    q = find_questionnaire("sales-org-health", lang=lang)
    results = score(q, synthetic_respondents(q, n=40))
    meta = ReportMeta(
        client_name="Acme Industrial GmbH",
        assessment_title="Sales Organization Health Check 2026",
        date=dt.date(2026, 11, 22),
        language=lang,
    )
    html = build_html(results, q, meta, translations=translations_for(lang))
    pdf = _render(team, html, caplog)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 40


def _long_contents_questionnaire(elements: int) -> Any:
    document = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    document["elements"] = [
        {
            "id": f"e{i:02d}",
            "title": LONG_TITLE.format(i=i),
            "weight": 1,
            "target": 70,
            "levels": {1: "low", 2: "mid", 3: "high"},
            "questions": [
                {"id": f"e{i:02d}.q1", "type": "likert", "scale": "agree5", "text": f"Q {i}"}
            ],
        }
        for i in range(1, elements + 1)
    ]
    return build_questionnaire(document, "long contents")


def test_a_contents_longer_than_a_page_is_typeset_in_parts(
    team: BoundedRenderer, caplog: pytest.LogCaptureFixture
) -> None:
    q = _long_contents_questionnaire(14)
    results = score(q, synthetic_respondents(q, n=10, seed=2))
    meta = ReportMeta(
        client_name="Acme", assessment_title="Long contents", date=dt.date(2026, 1, 5)
    )
    pdf = _render(team, build_html(results, q, meta), caplog)
    pages = _pages_text(pdf)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    # Cover, then the contents over two pages: the last element's entry is on page 3.
    assert "Contents" in pages[1] and f"Page 2 of {total}" in pages[1]
    assert "Element 14:" in pages[2] and f"Page 3 of {total}" in pages[2]
    # The summary starts on page 4, and the contents says so.
    assert pages[3].startswith("Acme What we recommend") and f"Page 4 of {total}" in pages[3]
    assert "What we recommend 4" in pages[1]
