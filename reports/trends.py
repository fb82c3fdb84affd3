"""The report's trend section: trend data → frozen view-model, translated and formatted.

Pure (no Flask, no ORM).  Input is a :class:`assessment.core.trends.Trend` (the client's
assessments in date order, the one being reported last); output is :class:`TrendSection`,
which ``templates/report/_trends.html`` renders.  Labels go through the same translations
object as the rest of the report (:class:`reports.i18n.Formatter`).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from assessment.core import trends as t
from assessment.core.trend_reasons import reason_text
from reports.i18n import Formatter, Translator
from reports.trend_chart import Line, trend_chart


@dataclass(frozen=True, slots=True)
class TrendColumn:
    """An assessment as a table column."""

    title: str
    date: str
    version: str
    current: bool


@dataclass(frozen=True, slots=True)
class TrendCellView:
    """A formatted score and its change; ``note`` says why no change is shown, if so."""

    score: str
    change: str | None
    rising: bool | None
    note: str | None
    present: bool


@dataclass(frozen=True, slots=True)
class TrendRowView:
    """One element (or the overall score) across the assessments."""

    title: str
    cells: tuple[TrendCellView, ...]
    overall: bool = False


@dataclass(frozen=True, slots=True)
class NotComparableView:
    """An element or question listed as not comparable."""

    between: str
    kind: str
    item: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class TrendSection:
    """Everything ``_trends.html`` shows."""

    kicker: str
    heading: str
    lead: str
    chart: Markup
    columns: tuple[TrendColumn, ...]
    rows: tuple[TrendRowView, ...]
    not_comparable: tuple[NotComparableView, ...]
    notes: tuple[str, ...]


def reason_label(fmt: Formatter, code: str | None, shared: float | None = None) -> str:
    """A reason code in words, in the report language (the texts the web pages show too)."""
    return reason_text(fmt._, code, shared, fmt.percent)


def _cell(fmt: Formatter, c: t.TrendCell) -> TrendCellView:
    if not c.present:
        return TrendCellView("", None, None, fmt._("not in this version"), False)
    note = None
    if c.comparable is False:
        note = fmt._("not comparable")
    return TrendCellView(
        fmt.number(c.score),
        None if c.change is None else fmt.signed(c.change),
        None if c.change is None else c.change >= 0,
        note,
        True,
    )


def build_trend_section(
    trend: t.Trend,
    language: str = "en",
    translations: Translator | None = None,
    *,
    section_number: int | None = None,
) -> TrendSection | None:
    """The trend section, or None when there are fewer than two assessments to compare."""
    if len(trend.points) < 2:
        return None
    fmt = Formatter.create(language, translations)
    _ = fmt._
    columns = tuple(
        TrendColumn(
            p.title,
            fmt.date(p.when),
            f"{p.questionnaire_id} {p.questionnaire_version}",
            i == len(trend.points) - 1,
        )
        for i, p in enumerate(trend.points)
    )
    overall_label = _("Overall")
    rows = [TrendRowView(overall_label, tuple(_cell(fmt, c) for c in trend.overall.cells), True)]
    rows += [TrendRowView(r.title, tuple(_cell(fmt, c) for c in r.cells)) for r in trend.elements]
    titles = {p.key: p.title for p in trend.points}
    kinds = {"element": _("Element"), "question": _("Question")}
    listed = tuple(
        NotComparableView(
            f"{titles[n.from_key]} → {titles[n.to_key]}",
            kinds.get(n.kind, n.kind),
            n.item_id,
            n.title,
            reason_label(fmt, n.reason, n.shared),
        )
        for n in trend.not_comparable
    )
    notes = []
    for tr in trend.transitions:
        if tr.same_version:
            continue
        pair = f"{titles[tr.from_key]} → {titles[tr.to_key]}"
        if tr.mapping_used:
            notes.append(
                _(
                    "%(pair)s: different questionnaire versions, matched by stable ids "
                    "and a mapping file.",
                    pair=pair,
                )
            )
        else:
            notes.append(
                _(
                    "%(pair)s: different questionnaire versions, matched by stable ids only.",
                    pair=pair,
                )
            )
    change = trend.overall.latest_change
    if change is not None:
        lead = _(
            "The overall score moved by %(change)s points since the previous assessment.",
            change=fmt.signed(change),
        )
    else:
        lead = _(
            "The overall score cannot be compared with the previous assessment: %(reason)s.",
            reason=reason_label(fmt, trend.overall.cells[-1].reason).lower(),
        )
    lines = [
        Line(
            overall_label,
            tuple(c.score for c in trend.overall.cells),
            tuple(c.comparable is not False for c in trend.overall.cells),
            emphasis=True,
        ),
        *(
            Line(
                r.title,
                tuple(c.score for c in r.cells),
                tuple(c.comparable is not False for c in r.cells),
            )
            for r in trend.elements
        ),
    ]
    chart = trend_chart(
        [f"{c.title}\n{c.date}" for c in columns],
        lines,
        _("Scores across assessments"),
        fmt.language,
    )
    kicker = _("Section %(n)s", n=section_number) if section_number else _("Trend")
    return TrendSection(
        kicker=kicker,
        heading=_("Progress since earlier assessments"),
        lead=lead,
        chart=chart,
        columns=columns,
        rows=tuple(rows),
        not_comparable=listed,
        notes=tuple(notes),
    )
