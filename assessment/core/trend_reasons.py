"""Why a trend item is not comparable, in words: one set of texts for the web and the report.

Pure: the caller passes its translation function (Flask-Babel's ``gettext`` on the web, the
report's :class:`reports.i18n.Formatter`) and how it writes a percentage, so both edges show
the same sentences from the same catalogue entries.
"""

from __future__ import annotations

from collections.abc import Callable

from assessment.core import trends as t

Gettext = Callable[..., str]
"""A translation function: ``gettext(message, **values)`` fills ``%(name)s`` placeholders."""


def _whole_percent(share: float) -> str:
    return f"{round(100 * share)}%"


def reason_text(
    gettext: Gettext,
    code: str | None,
    shared: float | None = None,
    percent: Callable[[float], str] = _whole_percent,
) -> str:
    """A not-comparable reason code (:mod:`assessment.core.trends`) as a translated sentence.

    ``shared`` is the matched share of the question weight (only for
    :data:`~assessment.core.trends.QUESTIONS_CHANGED`); ``percent`` formats it.  An unknown
    code is returned as it is, so a new code shows up instead of vanishing.
    """
    _ = gettext
    if code == t.QUESTIONS_CHANGED and shared is not None:
        return _(
            "Question set changed substantially (%(share)s of the question weight matched)",
            share=percent(shared),
        )
    texts = {
        t.REMOVED: _("Removed in the later version"),
        t.UNMAPPED: _("No counterpart in the later version"),
        t.NEW: _("New: no counterpart in the earlier version"),
        t.MERGED: _("Merged from several earlier items"),
        t.QUESTIONS_CHANGED: _("Question set changed substantially"),
        t.NO_SCORE: _("No score in one of the two assessments"),
        t.ELEMENTS_CHANGED: _("The elements differ between the versions"),
        t.WEIGHTS_CHANGED: _("The element weights differ"),
    }
    return texts.get(code or "", code or "")
