"""The results page: the ten highest-priority recommendations with "Show all", what a priority
means, and a portfolio benchmark that takes one line while there is nothing to compare."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from assessment.services import benchmark
from tests.web.test_followups_trends import closed_assessment
from tests.web.test_i18n import visible_text

ITEM = re.compile(r"<li>\s*<h3>")


def _recommendations(html: str) -> tuple[str, str]:
    """The recommendations card split at "Show all": (shown at once, behind the summary)."""
    card = html.split('id="recommendations"', 1)[1].split("</section>", 1)[0]
    shown, _, more = card.partition('<details class="more-recs">')
    return shown, more


def test_ten_recommendations_then_show_all_without_javascript(
    owner: FlaskClient, app: Flask
) -> None:
    aid = closed_assessment(app, "Lowly Ltd", 0.0, close=False)  # everything at the bottom
    html = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    shown, more = _recommendations(html)
    assert len(ITEM.findall(shown)) == 10
    hidden = len(ITEM.findall(more))
    assert hidden > 0, "the bottom answers trigger more than ten recommendations"
    summary = re.search(r"<summary>(.*?)</summary>", more)
    assert summary and summary.group(1) == f"Show all {10 + hidden} recommendations ({hidden} more)"
    assert '<ol class="recs" start="11">' in more  # numbering continues behind "Show all"
    # Highest priority first, and every priority says what it is made of.
    priorities = [float(p) for p in re.findall(r">priority (\d+\.\d)</strong>", shown)]
    assert len(priorities) == 10 and priorities[0] >= priorities[-1]
    assert "Priority = element weight × points below the element's target" in shown
    formula = re.findall(r'class="priority" title="weight ([\d.]+) × ([\d.]+) points below', shown)
    assert len(formula) == 10
    assert "against the target of" in visible_text(shown)


def test_priorities_add_up_as_explained(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Middling Ltd", 0.25, close=False)
    html = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    found = re.findall(
        r'title="weight ([\d.]+) × ([\d.]+) points below target × impact ([\d.]+) ÷ effort '
        r'([\d.]+)">priority ([\d.]+)</strong>',
        html,
    )
    assert found
    for weight, gap, impact, effort, priority in found:
        product = float(weight) * float(gap) * float(impact) / float(effort)
        assert abs(product - float(priority)) <= 0.15, (weight, gap, impact, effort, priority)


def test_empty_benchmark_is_one_line_saying_what_is_needed(owner: FlaskClient, app: Flask) -> None:
    benchmark.clear_cache()
    target = closed_assessment(app, "Target Corp", 0.5, close=False)
    closed_assessment(app, "Only Peer", 0.25)
    html = owner.get(f"/assessments/{target}/results").get_data(as_text=True)
    card = html.split('id="benchmark">', 1)[1].split("</section>", 1)[0]
    text = " ".join(visible_text(card).split())
    assert text == (
        "Portfolio benchmark: appears once 5 other closed assessments on this questionnaire "
        "can be compared (1 so far)."
    )
    assert "<form" not in card and "<table" not in card
    assert 'class="card card-line"' in html
    # A filter typed into the address is still answered with the full card, to widen it.
    filtered = owner.get(f"/assessments/{target}/results?industry=Software").get_data(True)
    card = filtered.split('id="benchmark"', 1)[1].split("</section>", 1)[0]
    assert "<form" in card and "All industries" in card


def test_results_recommendations_translated(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Lowly Ltd", 0.0, close=False)
    html = owner.get(f"/assessments/{aid}/results", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    shown, more = _recommendations(html)
    assert "Priorytet = waga obszaru" in shown and "przy celu" in shown
    assert "Pokaż wszystkie" in more
