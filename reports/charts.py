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

from reports.svg import MIN_FONT, document, lines, num, tag, text, text_on, width_of, wrap
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
    """The overall score on a bar of maturity-level bands."""
    x0, x1, top = 1.0, WIDTH - 1, 26.0
    body: list[str] = []
    for i, (lo, name) in enumerate(levels):
        hi = levels[i + 1][0] if i + 1 < len(levels) else 100.0
        tint = palette.tints[_tint_index(i, len(levels))]
        a, b = _x(lo, x0, x1), _x(hi, x0, x1)
        body.append(tag("rect", x=a, y=top, width=b - a, height=14.0, fill=tint))
        short = wrap(name, b - a - 6, MIN_FONT, 1)[0]
        body.append(text((a + b) / 2, top + 32, short, text_anchor="middle", fill=MUTED))
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
    return document(WIDTH, 66, body, label, lang)


def _tint_index(i: int, n: int) -> int:
    return 4 if n <= 1 else round(i * 4 / (n - 1))


def score_bars(
    rows: Sequence[tuple[str, float | None, float, str]],
    thresholds: Sequence[float],
    palette: Palette,
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """Horizontal bars of element scores with a tick at each element's target."""
    label_w, x0, x1, row_h, top = 205.0, 215.0, 596.0, 27.0, 34.0
    height = top + row_h * len(rows) + 24
    body: list[str] = []
    bounds = [*thresholds, 100.0]
    for i, lo in enumerate(thresholds):
        a, b = _x(lo, x0, x1), _x(bounds[i + 1], x0, x1)
        body.append(text((a + b) / 2, top - 8, str(i + 1), text_anchor="middle", fill=MUTED))
        if i:
            body.append(
                tag(
                    "line",
                    x1=a,
                    y1=top - 4,
                    x2=a,
                    y2=height - 22,
                    stroke=GRID,
                    stroke_dasharray="3 3",
                )
            )
    for tick in range(0, 101, 20):
        tx = _x(tick, x0, x1)
        body.append(text(tx, height - 6, str(tick), text_anchor="middle", fill=MUTED))
    body.append(tag("line", x1=x0, y1=height - 22, x2=x1, y2=height - 22, stroke=GRID))
    for i, (title, score, target, score_text) in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        parts = wrap(title, label_w - 6, MIN_FONT, 2)
        first = cy + 4 - (len(parts) - 1) * 6.6
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
    lx = x1 - width_of(labels["target"], MIN_FONT) - 14
    body.append(tag("rect", x=lx, y=5.0, width=2.5, height=14.0, fill=DARK))
    body.append(text(lx + 8, 16, labels["target"], fill=MUTED))
    body.append(text(label_w, top - 8, labels["levels"], fill=MUTED, text_anchor="end"))
    return document(WIDTH, height, body, labels["title"], lang)


def radar(
    titles: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[float],
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """A radar (spider) chart of the elements, one closed line per series."""
    width, height, r = WIDTH, 520.0, 178.0
    cx, cy = width / 2, 240.0
    n = len(titles)
    body: list[str] = []

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        d = r * max(0.0, min(100.0, value)) / 100
        return cx + d * math.cos(angle), cy + d * math.sin(angle)

    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{num(x)},{num(y)}" for x, y in (point(i, ring) for i in range(n)))
        body.append(tag("polygon", points=pts, fill="none", stroke=GRID))
    for i, title in enumerate(titles):
        x, y = point(i, 100)
        body.append(tag("line", x1=cx, y1=cy, x2=x, y2=y, stroke=GRID))
        angle = -math.pi / 2 + 2 * math.pi * i / n
        lx, ly = cx + (r + 14) * math.cos(angle), cy + (r + 14) * math.sin(angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        parts = wrap(title, 114, MIN_FONT, 2)
        sin = math.sin(angle)
        base = ly + 4 - (len(parts) - 1) * 6.6 + sin * 8
        body.append(lines(lx, base, parts, text_anchor=anchor))
    for ring in (20, 40, 60, 80):
        _, y = point(0, ring)
        body.append(text(cx + 4, y - 2, str(ring), fill=MUTED))
    tpts = " ".join(f"{num(x)},{num(y)}" for x, y in (point(i, t) for i, t in enumerate(targets)))
    body.append(
        tag(
            "polygon",
            points=tpts,
            fill="none",
            stroke=DARK,
            stroke_width=1.0,
            stroke_dasharray="2 3",
        )
    )
    for s in series:
        pts = " ".join(
            f"{num(x)},{num(y)}" for x, y in (point(i, v) for i, v in enumerate(s.values))
        )
        body.append(
            tag(
                "polygon",
                points=pts,
                fill=s.fill or "none",
                fill_opacity="0.14" if s.fill else None,
                stroke=s.stroke,
                stroke_width=s.width,
                stroke_dasharray=s.dash,
                stroke_linejoin="round",
            )
        )
    legend = [
        *((s.label, s.stroke, s.dash, s.width) for s in series),
        (labels["target"], DARK, "2 3", 1.0),
    ]
    lx = 0.0
    total = sum(width_of(name, MIN_FONT) + 44 for name, *_ in legend)
    lx = (width - total) / 2
    for name, stroke, dash, w in legend:
        body.append(
            tag(
                "line",
                x1=lx,
                y1=height - 12,
                x2=lx + 24,
                y2=height - 12,
                stroke=stroke,
                stroke_width=w + 0.5,
                stroke_dasharray=dash,
            )
        )
        body.append(text(lx + 30, height - 8, name))
        lx += width_of(name, MIN_FONT) + 44
    return document(width, height, body, labels["title"], lang)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    palette: Palette,
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """Elements × groups; suppressed cells say so and carry no value."""
    label_w = 190.0
    cell_w = min(80.0, (WIDTH - label_w - 46) / max(1, len(columns)))
    cell_h, head = 30.0, 96.0
    height = head + cell_h * len(rows) + 4
    body: list[str] = []
    for j, col in enumerate(columns):
        x = label_w + cell_w * j + cell_w / 2 + 4
        parts = wrap(col, 118, MIN_FONT, 2)
        rows_svg = lines(0, 0, parts)
        move = f"translate({num(x)} {num(head - 8)}) rotate(-40)"
        body.append(tag("g", rows_svg, transform=move))
    for i, title in enumerate(rows):
        y = head + cell_h * i
        parts = wrap(title, label_w - 12, MIN_FONT, 2)
        body.append(
            lines(
                label_w - 8, y + cell_h / 2 + 4 - (len(parts) - 1) * 6.6, parts, text_anchor="end"
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
    return document(WIDTH, height, body, labels["title"], lang)


def matrix(
    items: Sequence[MatrixItem], palette: Palette, labels: dict[str, str], lang: str
) -> Markup:
    """Recommendations on an impact (up) × effort (right) grid, numbered by priority."""
    left, bottom, top = 46.0, 40.0, 8.0
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
        body.append(
            tag(
                "g",
                text(0, 0, labels[f"impact{impact}"], text_anchor="middle", fill=MUTED),
                transform=f"translate({num(left - 10)} {num(y)}) rotate(-90)",
            )
        )
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
        tag(
            "g",
            text(0, 0, labels["impact_axis"], text_anchor="middle", font_weight="bold"),
            transform=f"translate(12 {num(top + sum(heights) / 2)}) rotate(-90)",
        )
    )
    return document(WIDTH, height, body, labels["title"], lang)
