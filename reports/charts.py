"""Hand-made SVG charts for the report, drawn at print size with no browser.

Each function takes plain numbers and already-translated labels and returns inline SVG
markup.  Scores run 0-100.  A suppressed group never reaches a chart as a number: heatmap
cells carry ``None`` and are drawn as "suppressed"; radar series with a gap are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import (
    MIN_FONT,
    document,
    lines,
    num,
    spread,
    tag,
    text,
    text_on,
    width_of,
    wrap,
    wrap_balanced,
)
from reports.viewmodel import Palette

WIDTH = 640.0
GRID = "#d6d9de"
MUTED = "#5f6670"
DARK = "#1a1a1a"


@dataclass(frozen=True, slots=True)
class Series:
    """A radar series: values per element (all present), and how to draw it."""

    label: str
    values: tuple[float, ...]
    stroke: str
    dash: str | None = None
    fill: str | None = None
    width: float = 1.5
    marker: str | None = None
    """A vertex marker (one of :data:`MARKERS`); by default, series without a fill get the
    next one in order and filled series none."""


@dataclass(frozen=True, slots=True)
class HeatCell:
    """A heatmap cell: formatted value and tint index, or suppressed / no data."""

    value: str | None
    tint: int | None
    suppressed: bool
    role: str
    element: str


@dataclass(frozen=True, slots=True)
class MatrixItem:
    """A recommendation placed on the impact/effort matrix."""

    number: int
    effort: int
    """0 low, 1 medium, 2 high."""
    impact: int
    horizon: int
    """0 for 30 days, 1 for 60, 2 for 90."""


def _x(score: float, x0: float, x1: float) -> float:
    return x0 + (x1 - x0) * max(0.0, min(100.0, score)) / 100.0


def gauge(
    score: float | None,
    score_text: str,
    levels: Sequence[tuple[float, str]],
    palette: Palette,
    label: str,
    lang: str,
) -> Markup:
    """The overall score on a bar of maturity-level bands, each band named underneath.

    Names wrap onto a second line rather than being cut; a name wider than its band is
    centred under it as far as its neighbours allow (:func:`reports.svg.spread`).
    """
    x0, x1, top = 1.0, WIDTH - 1, 26.0
    body: list[str] = []
    names: list[tuple[float, list[str]]] = []
    for i, (lo, name) in enumerate(levels):
        hi = levels[i + 1][0] if i + 1 < len(levels) else 100.0
        tint = palette.tints[_tint_index(i, len(levels))]
        a, b = _x(lo, x0, x1), _x(hi, x0, x1)
        body.append(tag("rect", x=a, y=top, width=b - a, height=14.0, fill=tint))
        names.append(((a + b) / 2, wrap_balanced(name, max(b - a - 8, 40.0), MIN_FONT, 2)))
    widths = [max(width_of(row, MIN_FONT) for row in rows) for _c, rows in names]
    lefts = spread([(c, w) for (c, _r), w in zip(names, widths, strict=True)], x0, x1, 8.0)
    for (_c, rows), left, w in zip(names, lefts, widths, strict=True):
        body.append(lines(left + w / 2, top + 30, rows, text_anchor="middle", fill=MUTED))
    tallest = max((len(rows) for _c, rows in names), default=1)
    if score is not None:
        sx = _x(score, x0, x1)
        body.append(tag("path", d=f"M{num(sx - 6)} {num(top - 8)}h12l-6 9z", fill=palette.ink))
        body.append(tag("rect", x=sx - 1, y=top, width=2.0, height=14.0, fill=palette.ink))
        anchor = "end" if sx > WIDTH - 40 else "start" if sx < 40 else "middle"
        body.append(
            text(
                sx,
                top - 12,
                score_text,
                13.0,
                text_anchor=anchor,
                font_weight="bold",
                fill=palette.ink,
            )
        )
    return document(WIDTH, top + 36 + 13.2 * (tallest - 1), body, label, lang)


def _tint_index(i: int, n: int) -> int:
    return 4 if n <= 1 else round(i * 4 / (n - 1))


def score_bars(
    rows: Sequence[tuple[str, float | None, float, str]],
    thresholds: Sequence[float],
    palette: Palette,
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """Horizontal bars of element scores with a tick at each element's target.

    Element names wrap (never cut); a row grows with its name.  The maturity levels are
    numbered above the bars and the target mark is explained in a legend under the axis,
    where no other label is.
    """
    label_w, x0, x1, top = 205.0, 215.0, 596.0, 34.0
    leading = MIN_FONT * 1.2
    wrapped = [wrap_balanced(title, label_w - 6, MIN_FONT, 3) for title, *_rest in rows]
    heights = [max(27.0, leading * len(parts) + 6) for parts in wrapped]
    axis = top + sum(heights)
    height = axis + 44
    body: list[str] = []
    bounds = [*thresholds, 100.0]
    for i, lo in enumerate(thresholds):
        a, b = _x(lo, x0, x1), _x(bounds[i + 1], x0, x1)
        body.append(text((a + b) / 2, top - 8, str(i + 1), text_anchor="middle", fill=MUTED))
        if i:
            body.append(
                tag("line", x1=a, y1=top - 4, x2=a, y2=axis, stroke=GRID, stroke_dasharray="3 3")
            )
    for tick in range(0, 101, 20):
        tx = _x(tick, x0, x1)
        body.append(text(tx, axis + 16, str(tick), text_anchor="middle", fill=MUTED))
    body.append(tag("line", x1=x0, y1=axis, x2=x1, y2=axis, stroke=GRID))
    y = top
    for parts, row_h, (_title, score, target, score_text) in zip(
        wrapped, heights, rows, strict=True
    ):
        cy = y + row_h / 2
        first = cy + 4 - (len(parts) - 1) * leading / 2
        body.append(lines(label_w, first, parts, text_anchor="end"))
        if score is not None:
            body.append(
                tag(
                    "rect",
                    x=x0,
                    y=cy - 7,
                    width=max(1.0, _x(score, x0, x1) - x0),
                    height=14.0,
                    fill=palette.primary,
                )
            )
            end = _x(score, x0, x1)
            tx = _x(target, x0, x1)
            lx = max(end, tx + 2) + 5 if abs(end - tx) < 14 else end + 5
            body.append(text(lx, cy + 4, score_text, font_weight="bold"))
        tx = _x(target, x0, x1)
        body.append(tag("rect", x=tx - 1.25, y=cy - 11, width=2.5, height=22.0, fill=DARK))
        y += row_h
    body.append(tag("rect", x=x0, y=height - 16, width=2.5, height=14.0, fill=DARK))
    body.append(text(x0 + 8, height - 5, labels["target"], fill=MUTED))
    body.append(text(label_w, top - 8, labels["levels"], fill=MUTED, text_anchor="end"))
    return document(WIDTH, height, body, labels["title"], lang)


TARGET_DASH = "7 3 1.5 3"
"""The target line's dash-dot pattern: unlike any series' dashes, also in greyscale."""
MARKERS = ("square", "circle", "triangle", "diamond")
"""Vertex markers of the radar series drawn without a fill, in order, so that the lines
stay apart in greyscale print whatever their colours."""


def _marker(shape: str, x: float, y: float, stroke: str, size: float = 3.2) -> str:
    """A small vertex marker: filled square or triangle, open circle or diamond."""
    if shape == "square":
        return tag("rect", x=x - size, y=y - size, width=2 * size, height=2 * size, fill=stroke)
    if shape == "triangle":
        h = size * 1.15
        d = f"M{num(x)} {num(y - h)}L{num(x + h)} {num(y + h * 0.8)}H{num(x - h)}z"
        return tag("path", d=d, fill=stroke)
    if shape == "diamond":
        h = size * 1.2
        d = f"M{num(x)} {num(y - h)}l{num(h)} {num(h)}l{num(-h)} {num(h)}l{num(-h)} {num(-h)}z"
        return tag("path", d=d, fill="#ffffff", stroke=stroke, stroke_width=1.2)
    return tag("circle", cx=x, cy=y, r=size, fill="#ffffff", stroke=stroke, stroke_width=1.4)


def radar(
    titles: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[float],
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """A radar (spider) chart of the elements, one closed line per series.

    Element names wrap onto as many lines as they need (never cut), in the room between the
    ring and the chart's edge; the chart grows to hold them.  Series without a fill carry
    vertex markers (:data:`MARKERS`) and the target runs dash-dot, so every line can be told
    apart in greyscale; the legend shows each line with its marker.
    """
    width, r = WIDTH, 168.0
    cx = width / 2
    n = len(titles)
    leading = MIN_FONT * 1.2
    body: list[str] = []

    def angle_of(i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / n

    # Labels first: their heights decide how far down the centre goes.
    placed: list[tuple[float, float, str, list[str], float]] = []  # dx, dy from centre
    above = below = 0.0
    for i, title in enumerate(titles):
        angle = angle_of(i)
        cos, sin = math.cos(angle), math.sin(angle)
        lx, ly = (r + 12) * cos, (r + 12) * sin
        if abs(cos) < 0.2:  # top or bottom: as wide as the neighbouring labels leave
            side = abs(math.cos(angle_of(i + 1))) * (r + 12) if n > 2 else 120.0
            anchor, room = "middle", max(120.0, min(240.0, 2 * side - 12))
        elif cos > 0:
            anchor, room = "start", min(200.0, cx - lx - 4)
        else:
            anchor, room = "end", min(200.0, cx + lx - 4)
        rows = wrap_balanced(title, room, MIN_FONT, 4)
        block = leading * len(rows)
        if sin < -0.2:  # above the centre: the block ends just above the point
            first = ly - 4 - block + MIN_FONT
        elif sin > 0.2:  # below: the block starts just under it
            first = ly + 4 + MIN_FONT
        else:
            first = ly - block / 2 + MIN_FONT - 1
        above = max(above, -(first - MIN_FONT))
        below = max(below, first + block - MIN_FONT)
        placed.append((lx, first, anchor, rows, block))
    cy = max(r + 8, above + 6)
    legend_y = cy + max(r + 8, below) + 24

    def point(i: int, value: float) -> tuple[float, float]:
        d = r * max(0.0, min(100.0, value)) / 100
        return cx + d * math.cos(angle_of(i)), cy + d * math.sin(angle_of(i))

    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{num(x)},{num(y)}" for x, y in (point(i, ring) for i in range(n)))
        body.append(tag("polygon", points=pts, fill="none", stroke=GRID))
    for i, (lx, first, anchor, rows, _block) in enumerate(placed):
        x, y = point(i, 100)
        body.append(tag("line", x1=cx, y1=cy, x2=x, y2=y, stroke=GRID))
        body.append(lines(cx + lx, cy + first, rows, text_anchor=anchor))
    tpts = " ".join(f"{num(x)},{num(y)}" for x, y in (point(i, t) for i, t in enumerate(targets)))
    body.append(
        tag(
            "polygon",
            points=tpts,
            fill="none",
            stroke=DARK,
            stroke_width=1.0,
            stroke_dasharray=TARGET_DASH,
        )
    )
    shapes = iter(MARKERS)
    legend: list[tuple[str, str, str | None, float, str | None]] = []
    for s in series:
        marker = s.marker if s.marker is not None else (None if s.fill else next(shapes, None))
        vertices = [point(i, v) for i, v in enumerate(s.values)]
        body.append(
            tag(
                "polygon",
                points=" ".join(f"{num(x)},{num(y)}" for x, y in vertices),
                fill=s.fill or "none",
                fill_opacity="0.14" if s.fill else None,
                stroke=s.stroke,
                stroke_width=s.width,
                stroke_dasharray=s.dash,
                stroke_linejoin="round",
            )
        )
        if marker:
            body.extend(_marker(marker, x, y, s.stroke) for x, y in vertices)
        legend.append((s.label, s.stroke, s.dash, s.width, marker))
    legend.append((labels["target"], DARK, TARGET_DASH, 1.0, None))
    # Ring values last, on a white ground, so that no line runs through them.
    for ring in (20, 40, 60, 80):
        _, y = point(0, ring)
        w = width_of(str(ring), MIN_FONT)
        body.append(
            tag("rect", x=cx + 3, y=y - 12, width=w + 3, height=11.0, fill="#fff", opacity="0.85")
        )
        body.append(text(cx + 4, y - 2.5, str(ring), fill=MUTED))
    items = [(name, width_of(name, MIN_FONT) + 44) for name, *_rest in legend]
    rows_of: list[list[int]] = [[]]
    used = 0.0
    for k, (_name, w) in enumerate(items):
        if rows_of[-1] and used + w > width:
            rows_of.append([])
            used = 0.0
        rows_of[-1].append(k)
        used += w
    for row_no, row in enumerate(rows_of):
        total = sum(items[k][1] for k in row)
        lx = (width - total) / 2
        y = legend_y + 18 * row_no
        for k in row:
            name, stroke, dash, w, marker = legend[k]
            body.append(
                tag(
                    "line",
                    x1=lx,
                    y1=y - 4,
                    x2=lx + 24,
                    y2=y - 4,
                    stroke=stroke,
                    stroke_width=w + 0.5,
                    stroke_dasharray=dash,
                )
            )
            if marker:
                body.append(_marker(marker, lx + 12, y - 4, stroke))
            body.append(text(lx + 30, y, name))
            lx += items[k][1]
    height = legend_y + 18 * (len(rows_of) - 1) + 8
    return document(width, height, body, labels["title"], lang)


def _cjk(lang: str) -> bool:
    return lang.split("-")[0].lower() in ("zh", "ja", "ko")


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    palette: Palette,
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """Elements × groups; suppressed cells say so and carry no value.

    Column heads run upwards (turned a quarter, as many lines as the column is wide) —
    in Chinese, Japanese and Korean they stay horizontal and wrap between characters; row
    names wrap, never cut, and a row grows with its name.
    """
    label_w = 190.0
    leading = MIN_FONT * 1.2
    cell_w = min(80.0, (WIDTH - label_w - 8) / max(1, len(columns)))
    body: list[str] = []
    if _cjk(lang):
        heads = [wrap(col, cell_w - 6, MIN_FONT, None) for col in columns]
        head = max((len(h) for h in heads), default=1) * leading + 10
    else:
        per_column = max(1, int((cell_w - 4) // leading))
        heads = []
        for col in columns:
            room = 60.0
            parts = wrap(col, room, MIN_FONT, None)
            while len(parts) > per_column and room < 240:
                room += 10
                parts = wrap(col, room, MIN_FONT, None)
            heads.append(wrap_balanced(col, room, MIN_FONT, per_column))
        head = max((max(width_of(p, MIN_FONT) for p in h) for h in heads), default=40.0) + 14
    for j, parts in enumerate(heads):
        x = label_w + cell_w * j + cell_w / 2
        if _cjk(lang):
            first = head - 8 - (len(parts) - 1) * leading
            body.append(lines(x, first, parts, text_anchor="middle"))
        else:
            block = leading * len(parts)
            rows_svg = lines(0, -block / 2 + MIN_FONT * 0.85, parts)
            move = f"translate({num(x)} {num(head - 6)}) rotate(-90)"
            body.append(tag("g", rows_svg, transform=move))
    names = [wrap_balanced(title, label_w - 12, MIN_FONT, 3) for title in rows]
    heights = [max(30.0, leading * len(parts) + 6) for parts in names]
    y = head
    for i, parts in enumerate(names):
        cell_h = heights[i]
        body.append(
            lines(
                label_w - 8,
                y + cell_h / 2 + 4 - (len(parts) - 1) * leading / 2,
                parts,
                text_anchor="end",
            )
        )
        for j, cell in enumerate(cells[i]):
            x = label_w + cell_w * j
            attrs = {"data_role": cell.role, "data_element": cell.element}
            if cell.suppressed:
                fill, ink, content = "#eef0f2", MUTED, labels["suppressed"]
            elif cell.value is None or cell.tint is None:
                fill, ink, content = "#ffffff", MUTED, "–"
            else:
                fill = palette.tints[cell.tint]
                ink, content = palette.on_tints[cell.tint], cell.value
            body.append(
                tag(
                    "rect",
                    x=x + 1,
                    y=y + 1,
                    width=cell_w - 2,
                    height=cell_h - 2,
                    fill=fill,
                    **attrs,
                )
            )
            size = MIN_FONT
            fit = width_of(content, size) > cell_w - 6
            body.append(
                text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 4,
                    content,
                    size,
                    text_anchor="middle",
                    fill=ink,
                    textLength=num(cell_w - 8) if fit else None,
                    lengthAdjust="spacingAndGlyphs" if fit else None,
                    **attrs,
                )
            )
        y += cell_h
    return document(WIDTH, y + 4, body, labels["title"], lang)


def matrix(
    items: Sequence[MatrixItem], palette: Palette, labels: dict[str, str], lang: str
) -> Markup:
    """Recommendations on an impact (up) × effort (right) grid, numbered by priority.

    Every label is horizontal (turned text is hard to read, and Chinese is not written
    sideways): the impact levels stand left of their rows, the impact axis is named above
    them and the effort axis under the grid.
    """
    widest = max(width_of(labels[f"impact{i}"], MIN_FONT) for i in range(3))
    widest = max(widest, width_of(labels["impact_axis"], MIN_FONT) * 1.1)
    left, bottom, top = max(46.0, widest + 16), 40.0, 24.0
    cell_w = (WIDTH - left) / 3
    per_row = max(1, int((cell_w - 12) // 26))
    counts = [[0] * 3 for _ in range(3)]
    for it in items:
        counts[it.impact][it.effort] += 1
    rows_needed = [max(1, math.ceil(max(counts[i]) / per_row)) for i in range(3)]
    heights = [max(86.0, 30 + 26 * rn) for rn in rows_needed]
    height = top + sum(heights) + bottom
    body: list[str] = []
    y_of = {2: top, 1: top + heights[2], 0: top + heights[2] + heights[1]}
    quadrants = {
        (2, 0): labels["quick_wins"],
        (2, 2): labels["major"],
        (0, 0): labels["fill_ins"],
        (0, 2): labels["question"],
    }
    for impact in range(3):
        for effort in range(3):
            x, y = left + cell_w * effort, y_of[impact]
            shade = "#f4f6f8" if (impact, effort) == (2, 0) else "#ffffff"
            body.append(
                tag("rect", x=x, y=y, width=cell_w, height=heights[impact], fill=shade, stroke=GRID)
            )
            name = quadrants.get((impact, effort))
            if name:
                body.append(text(x + 8, y + 16, name, fill=MUTED, font_style="italic"))
    slots = {(i, e): 0 for i in range(3) for e in range(3)}
    colors = (palette.primary, palette.tints[2], "#ffffff")
    for it in items:
        k = slots[(it.impact, it.effort)]
        slots[(it.impact, it.effort)] += 1
        x = left + cell_w * it.effort + 18 + 26 * (k % per_row)
        y = y_of[it.impact] + 36 + 26 * (k // per_row)
        fill = colors[min(2, it.horizon)]
        body.append(
            tag("circle", cx=x, cy=y, r=11.0, fill=fill, stroke=palette.ink, stroke_width=1.0)
        )
        body.append(
            text(
                x,
                y + 4,
                str(it.number),
                text_anchor="middle",
                fill=text_on(fill),
                font_weight="bold",
            )
        )
    for impact in range(3):
        y = y_of[impact] + heights[impact] / 2
        body.append(text(left - 8, y + 4, labels[f"impact{impact}"], text_anchor="end", fill=MUTED))
    for effort in range(3):
        x = left + cell_w * effort + cell_w / 2
        body.append(
            text(
                x, height - bottom + 16, labels[f"effort{effort}"], text_anchor="middle", fill=MUTED
            )
        )
    body.append(
        text(
            left + (WIDTH - left) / 2,
            height - 4,
            labels["effort_axis"],
            text_anchor="middle",
            font_weight="bold",
        )
    )
    body.append(
        text(left - 8, top - 8, labels["impact_axis"], text_anchor="end", font_weight="bold")
    )
    return document(WIDTH, height, body, labels["title"], lang)
