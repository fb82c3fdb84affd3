"""Data for the feature partials on other blueprints' pages, as template functions.

The assessment, client and results pages include this feature's partials; the functions
registered here give those partials their data, so no other blueprint's views change.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from assessment.core import trends as t
from assessment.core.results import Results
from assessment.db.models import Assessment
from assessment.extensions import current_session
from assessment.services import benchmark as bench
from assessment.services import followups
from assessment.services import trends as svc
from assessment.services.assessments import compute_results
from assessment.web.i18n import select_locale
from assessment.web.trends import bp


def reason_text(code: str | None, shared: float | None = None) -> str:
    """A not-comparable reason code in words."""
    if code == t.QUESTIONS_CHANGED and shared is not None:
        return _(
            "question set changed substantially (only %(share)s%% of the question weight matched)",
            share=round(100 * shared),
        )
    texts = {
        t.REMOVED: _("removed in the later version (mapping file)"),
        t.UNMAPPED: _("no counterpart in the later version and no mapping for it"),
        t.NEW: _("new: no counterpart in the earlier version"),
        t.MERGED: _("merged: several earlier items map onto one"),
        t.QUESTIONS_CHANGED: _("question set changed substantially"),
        t.NO_SCORE: _("no score in one of the two assessments"),
        t.ELEMENTS_CHANGED: _("the elements differ between the two versions"),
        t.WEIGHTS_CHANGED: _("the element weights differ"),
    }
    return texts.get(code or "", code or "")


def signed(value: float | None) -> str:
    """A change with an explicit sign, rounded to whole points."""
    if value is None:
        return "–"
    rounded = round(value)
    if rounded == 0:
        return "±0"
    return f"+{rounded}" if rounded > 0 else f"−{abs(rounded)}"


@bp.app_context_processor
def _feature_data() -> dict[str, object]:
    def followup_chain(assessment: Assessment) -> followups.Chain:
        return followups.chain_of(current_session(), assessment)

    def trend_for(assessment: Assessment, results: Results | None = None) -> t.Trend | None:
        if assessment.previous_id is None:
            return None
        lang = select_locale()
        current = results or compute_results(current_session(), assessment, lang)
        return svc.chain_trend(current_session(), assessment, current, lang)

    def benchmark_for(
        assessment: Assessment,
        industry: str | None = None,
        size_band: str | None = None,
        results: Results | None = None,
    ) -> bench.BenchmarkView:
        chosen_industry = request.args.get("industry", "") if industry is None else industry
        chosen_size = request.args.get("size_band", "") if size_band is None else size_band
        current = results or compute_results(current_session(), assessment, select_locale())
        return bench.benchmark_of(
            current_session(), assessment, current, chosen_industry[:100], chosen_size[:20]
        )

    return {
        "followup_chain": followup_chain,
        "trend_for": trend_for,
        "benchmark_for": benchmark_for,
        "trend_reason": reason_text,
        "trend_signed": signed,
    }
