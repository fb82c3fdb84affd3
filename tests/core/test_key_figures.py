"""One key figure per element, by one rule, for the board edition and the deck
(assessment.core.key_figures)."""

from __future__ import annotations

from dataclasses import replace

from assessment.core.key_figures import MIDDLE, STRONG, WEAK, key_figures
from assessment.core.model import Questionnaire
from assessment.core.results import KpiValue
from tests.core.test_roadmap import element, q, results  # noqa: F401  (q: the fixture)

# Each element of the roadmap test questionnaire has one KPI ``<e>.k`` with bands
# none (worst) < light < regular < intensive (best); a second KPI is borrowed from the next
# element to give one element two candidates.


def _kpi(qid: str, value: float, band: str, source: str = "answers") -> KpiValue:
    return KpiValue(qid, value, source, band, None)


def test_one_figure_per_element_measured_first_then_weakest(q: Questionnaire) -> None:  # noqa: F811
    els = [
        # a: two estimates; the one in the weaker band wins
        replace(element("a", 50.0), kpis=(_kpi("a.k", 3.0, "regular"), _kpi("b.k", 0.5, "none"))),
        # b: an estimate in the worst band loses to a measured figure in a better one
        replace(
            element("b", 50.0),
            kpis=(_kpi("b.k", 0.5, "none"), _kpi("c.k", 5.0, "intensive", source="fact")),
        ),
        # c: no value, no figure
        replace(element("c", 50.0), kpis=(KpiValue("c.k", None, None, None, None),)),
        replace(element("d", 50.0), kpis=(_kpi("d.k", 1.5, "light"),)),
    ]
    figures = key_figures(results(els, []), q)
    assert [(f.element, f.kpi.question) for f in figures] == [
        ("a", "b.k"),
        ("b", "c.k"),
        ("d", "d.k"),
    ]
    assert [f.status for f in figures] == [WEAK, STRONG, MIDDLE]
    assert figures[0].band.id == "none" and figures[0].place == 0
