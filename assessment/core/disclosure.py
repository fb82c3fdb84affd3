"""What the people an assessment's results are shown to may read (docs/privacy.md).

**Questions a small group answered** (:func:`withhold_small_questions`, applied to every
results page, report and deck): a practice question that fewer people answered than the
minimum group size — say the 16 questions put only to the executive and sales operations, in
a client with one sales director — would show that person's answer in its distribution, as a
group score of one.  Its answers are withheld like a small group's scores; the question still
counts in its element's score, and KPI questions (figures, not opinions) keep their values.
An assessment with fewer respondents than the minimum group size (a self-assessment) is shown
whole to its readers: there is no group to hide anyone in.

**Guests.**
A guest is usually the respondents' own sales leader.  Scores of groups below the minimum
group size are already suppressed for everyone; free-text comments carry no author, but in
an assessment with fewer respondents than the minimum group size a leader can often tell who
wrote what.  Such an assessment's comments are therefore withheld from guests (on their
pages and in the PDF reports they request); consultants still read them.
"""

from __future__ import annotations

from dataclasses import replace

from assessment.core.results import QuestionExplanation, Results


def _withheld(qx: QuestionExplanation) -> QuestionExplanation:
    return replace(
        qx,
        distribution={},
        mean=None,
        contribution=None,
        agreement=None,
        median=None,
        median_band=None,
        withheld=True,
    )


def withhold_small_questions(results: Results) -> Results:
    """The same results with the answers of practice questions answered by fewer people than
    the minimum group size withheld (module docstring).  Recommendations, scores and KPI
    values are unchanged: they were computed before and do not reveal one answer."""
    mgs = results.min_group_size
    if results.respondents < mgs or mgs <= 1:
        return results

    def small(qx: QuestionExplanation) -> bool:
        return qx.type != "number" and 0 < qx.answered < mgs and not qx.withheld

    if not any(small(qx) for el in results.elements for qx in el.questions):
        return results
    return replace(
        results,
        elements=tuple(
            replace(
                el,
                questions=tuple(_withheld(qx) if small(qx) else qx for qx in el.questions),
            )
            for el in results.elements
        ),
    )


def comments_disclosed(results: Results) -> bool:
    """Whether a guest may read the comments: enough respondents to hide each author."""
    return results.respondents >= results.min_group_size


def withhold_comments(results: Results) -> Results:
    """The same results without any element's comments."""
    return replace(results, elements=tuple(replace(el, comments=()) for el in results.elements))


def for_guest(results: Results) -> tuple[Results, bool]:
    """The results a guest may read, and whether comments were withheld from them."""
    if comments_disclosed(results) or not any(el.comments for el in results.elements):
        return results, False
    return withhold_comments(results), True
