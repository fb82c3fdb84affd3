"""The core's decisions in words: key message, roadmap initiatives, owners, measures to watch.

:mod:`assessment.core.roadmap` decides once what the key message is, which recommendations
are the top priorities and where each initiative goes; this module only words those
records for one report language, so the deck (and any other report) says what the core
decided.  The key-message sentences are the PDF's (same msgids, already translated).
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.core import decisions
from assessment.core.decisions import Decision
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.roadmap import (
    DEFAULT_OWNER,
    FAR_BELOW_TARGET,
    SHARE_RESULTS,
    Initiative,
    KeyMessage,
    MessageKind,
    Watch,
)
from reports.i18n import Formatter


def key_message_text(message: KeyMessage, results: Results, f: Formatter) -> str:
    """The key message as one paragraph in the report language."""
    _ = f._
    titles = {el.id: el.title for el in results.elements}
    named = [titles.get(e, e) for e in message.elements]
    if message.kind is MessageKind.PERCEPTION_GAP:
        return _(
            "Leadership sees the sales organization more favourably than the people who sell: "
            "on average %(gap)s points higher, and most of all in %(element)s. Share these "
            "results with the front line before launching initiatives, and let their view of "
            "the gaps set the first 30 days.",
            gap=f.number(message.gap),
            element=named[0],
        )
    if message.kind is MessageKind.FOCUS:
        return _(
            "%(n)s of %(total)s elements are %(points)s or more points below target. Put the "
            "next 90 days into %(first)s and %(second)s rather than spreading effort: the "
            "prioritized recommendations start there.",
            n=f.integer(message.far_below),
            total=f.integer(len(results.elements)),
            points=f.number(FAR_BELOW_TARGET),
            first=named[0],
            second=named[1],
        )
    if message.kind is MessageKind.CLOSE:
        return _(
            "The organization is close to its targets. Protect the routines that got it here "
            "and close the remaining distance in %(element)s.",
            element=named[0],
        )
    return _(
        "Every element meets its target. Raise the targets where the team is ready, and keep "
        "measuring so that strengths stay strengths."
    )


def level_word(value: str, f: Formatter) -> str:
    """``low``/``medium``/``high`` (effort, impact) in words."""
    _ = f._
    return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}.get(value, value)


def owner_text(role: str, q: Questionnaire, f: Formatter) -> str:
    """The owner role of an initiative: a questionnaire role's label, else the role id."""
    labels = {r.id: r.label for r in q.roles}
    if role in labels:
        return labels[role]
    if role == DEFAULT_OWNER:
        return f._("Executive sponsor")
    return role


def initiative_title(item: Initiative, results: Results, f: Formatter) -> str:
    """What the initiative is called: the recommendation's title, or sharing the results."""
    if item.recommendation is not None:
        return item.recommendation.title
    if item.kind == SHARE_RESULTS:
        return f._("Share the results with the front line")
    return item.kind


def initiative_action(item: Initiative, f: Formatter) -> str:
    """The first thing to do."""
    if item.kind == SHARE_RESULTS:
        return f._(
            "Present these results to the sales team and ask where they see the gaps, before "
            "any initiative starts."
        )
    return item.first_action


@dataclass(frozen=True)
class WatchText:
    """A measure to watch in words: what it is, and its change over 90 days."""

    measure: str
    change: str


def watch_text(
    watch: Watch, kind: str, results: Results, q: Questionnaire, f: Formatter
) -> WatchText:
    """The measure an initiative moves and its 90-day target, in words."""
    _ = f._
    titles = {el.id: el.title for el in results.elements}
    element = titles.get(watch.element, watch.element)
    if kind == SHARE_RESULTS:
        return WatchText(
            _("Leadership − frontline gap in %(element)s", element=element),
            _("%(now)s points now; closing it is the aim", now=f.signed(watch.baseline)),
        )
    if watch.question is not None:
        question = q.questions().get(watch.question)
        measure = question.text if question is not None else watch.question
        unit = watch.unit
    else:
        measure = _("Practice score in %(element)s", element=element)
        unit = ""
    if watch.baseline is None or watch.target is None:
        return WatchText(measure, _("no value yet: measure it first"))
    digits = 0 if unit == "" else 1
    now = f.measure(round(watch.baseline, digits), unit)
    target = f.measure(round(watch.target, digits), unit)
    return WatchText(measure, _("%(now)s now → %(target)s in 90 days", now=now, target=target))


def decision_text(
    decision: Decision, results: Results, titles: dict[str, str], f: Formatter, value: str = ""
) -> str:
    """A decision the board is asked to take (:mod:`assessment.core.decisions`), in words;
    ``value`` is the size of the prize as a formatted range (for ``track_value``)."""
    _ = f._
    element = titles.get(decision.element, decision.element)
    if decision.kind == decisions.SHARE_RESULTS:
        return _(
            "Mandate that these results are presented to the sales team within 30 days, "
            "starting with %(element)s, where leadership and the front line disagree most.",
            element=element,
        )
    if decision.kind == decisions.APPROVE_PRIORITIES:
        return f.ngettext(
            "Approve the priority above and name one accountable owner for it.",
            "Approve the %(num)s priorities above and name one accountable owner for each.",
            decision.count,
        )
    if decision.kind == decisions.NAME_OWNERS:
        return _(
            "Name an owner for each plan item that has none yet: %(items)s.",
            items="; ".join(decision.items),
        )
    if decision.kind == decisions.TRACK_VALUE:
        return _("Track the value at stake (%(range)s) in the monthly review.", range=value)
    if decision.kind == decisions.CONFIRM_PLAN:
        return _("Confirm the action plan's owners and due dates, and review it every month.")
    if decision.kind == decisions.FUND:
        rec = next((r for r in results.recommendations if r.id == decision.recommendation), None)
        return _(
            "Commit the budget and people that “%(title)s” needs: it is a high-effort change.",
            title=rec.title if rec is not None else decision.recommendation,
        )
    if decision.kind == decisions.ADOPT_TARGETS:
        return _(
            "Adopt the 90-day targets of the measures to watch and ask for them at every "
            "monthly business review."
        )
    if decision.kind == decisions.RAISE_TARGETS:
        return _("Raise the targets of the elements where the team is ready for more.")
    return _(
        "Schedule the next assessment in about 90 days, with the same people, to measure "
        "what moved."
    )


def tie_text(reason: str | None, previous: int, f: Formatter) -> str:
    """Why a recommendation follows the one before at the same priority ("" if it doesn't)."""
    _ = f._
    if reason is None:
        return ""
    if reason == "after":
        return _("Same priority as no. %(n)s, which it builds on.", n=f.integer(previous))
    if reason == "impact":
        return _("Same priority as no. %(n)s, which has a higher impact.", n=f.integer(previous))
    if reason == "effort":
        return _("Same priority as no. %(n)s, which takes less effort.", n=f.integer(previous))
    return _("Equal priority with no. %(n)s.", n=f.integer(previous))
