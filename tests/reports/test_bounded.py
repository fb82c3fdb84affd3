"""The bounded renderer: results within limits, clear errors beyond them, a reused child."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.core.loader import load_questionnaire
from assessment.core.scoring import score
from assessment.io.answers_csv import read_answers_file
from reports import (
    BoundedRenderer,
    ReportMeta,
    ReportRenderError,
    render_html_bounded,
    render_report_bounded,
)
from tests.conftest import DATA
from tests.reports.conftest import pdf_text

SMALL = "<html><body><h1>Bounded</h1><p>ok</p></body></html>"
# A long table is slow to lay out: thousands of rows take well over the tiny timeout below.
SLOW = (
    "<html><body><table>" + "<tr><td>cell</td><td>cell</td></tr>" * 40000 + "</table></body></html>"
)


def test_mini_report_renders_in_a_child() -> None:
    q = load_questionnaire(DATA / "mini")
    results = score(q, read_answers_file(DATA / "mini" / "answers.csv", q))
    meta = ReportMeta("Mini Co", "Pilot", dt.date(2026, 1, 31))
    pdf = render_report_bounded(results, q, meta, timeout=60)
    assert "Element A" in pdf_text(pdf)


def test_renderer_reuses_its_child_between_renders() -> None:
    with BoundedRenderer(timeout=30) as renderer:
        first = renderer.render_html(SMALL)
        pid = renderer.pid
        second = renderer.render_html(SMALL)
        assert renderer.pid == pid
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert renderer.pid is None


def test_timeout_gives_a_clear_error_and_a_fresh_child() -> None:
    with BoundedRenderer(timeout=0.5) as renderer:
        with pytest.raises(ReportRenderError, match=r"took longer than 0\.5 s") as info:
            renderer.render_html(SLOW)
        assert info.value.reason == "timeout"
        assert renderer.pid is None
        renderer.timeout = 30
        assert renderer.render_html(SMALL).startswith(b"%PDF")


def test_memory_limit_gives_a_clear_error() -> None:
    with pytest.raises(ReportRenderError, match="ran out of memory") as info:
        render_html_bounded(SLOW, timeout=60, memory_mb=300)
    assert info.value.reason == "memory"


def test_a_child_that_grew_is_replaced_between_renders() -> None:
    # A negative allowance makes any settled child "too big": it is replaced before the
    # render after it settled, and rendering goes on in the new child.
    with BoundedRenderer(timeout=30, workers=1, max_growth=-0.5) as renderer:
        for _ in range(4):
            assert renderer.render_html(SMALL).startswith(b"%PDF")
        first = renderer.pid
        assert renderer.replaced_for_growth == 0  # settled after the 3rd, measured now
        assert renderer.render_html(SMALL).startswith(b"%PDF")
        assert renderer.replaced_for_growth == 1
        assert renderer.pid != first


def test_a_child_within_its_allowance_is_kept() -> None:
    with BoundedRenderer(timeout=30, workers=1, max_growth=1.0) as renderer:
        renderer.render_html(SMALL)
        first = renderer.pid
        for _ in range(6):
            renderer.render_html(SMALL)
        assert renderer.replaced_for_growth == 0
        assert renderer.pid == first
