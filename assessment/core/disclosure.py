"""What a client's guest may read of an assessment's results (docs/privacy.md, guest access).

A guest is usually the respondents' own sales leader.  Scores of groups below the minimum
group size are already suppressed for everyone; free-text comments carry no author, but in
an assessment with fewer respondents than the minimum group size a leader can often tell who
wrote what.  Such an assessment's comments are therefore withheld from guests (on their
pages and in the PDF reports they request); consultants still read them.
"""

from __future__ import annotations

from dataclasses import replace

from assessment.core.results import Results


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
