"""A line/slope chart of scores across assessments, as SVG drawn without a browser.

Used by the web trend page and the report's trend section.  Takes plain numbers and
already-translated labels.  A step that is not comparable is drawn dashed and pale, so the
eye does not read it as a change; a missing value leaves a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import MIN_FONT, document, tag, text, wrap

GRID = "#d6d9de"
MUTED = "#5f6670"
LINE_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#9c755f",
    "#e15759",
    "#76b7b2",
    "#8c8c3c",
    "#ff9da7",
    "#5a5a8c",
    "#bab0ac",
    "#2f6f6f",
)


@dataclass(frozen=True, slots=True)
class Line:
    """One series: a value per assessment (None: no value) and per-step comparability.

    ``comparable[i]`` says whether the step from assessment i-1 to i may be read as a
    change; ``comparable[0]`` is ignored.
    """

    label: str
    values: tuple[float | None, ...]
    comparable: tuple[bool, ...]
    emphasis: bool = False


def _spread(
    wanted: list[tuple[float, int]], gap: float, top: float, bottom: float
) -> dict[int, float]:
    """Move end labels apart vertically so they do not overlap (keeps their order)."""
    placed: dict[int, float] = {}
    ordered = sorted(wanted)
    ys: list[float] = []
    for y, _idx in ordered:
        ys.append(max(y, ys[-1] + gap) if ys else max(y, top))
    overflow = ys[-1] - bottom if ys else 0.0
    if overflow > 0:
        ys = [y - overflow for y in ys]
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - gap)
    for (_y, idx), y in zip(ordered, ys, strict=True):
        placed[idx] = y
    return placed


def trend_chart(
    axis_labels: Sequence[str],
    lines: Sequence[Line],
    title: str,
    lang: str = "en",
    primary: str = "#1f4e79",
    width: float = 640.0,
    height: float = 320.0,
) -> Markup:
    """Scores (0-100) per assessment, one line per series, labels at the right end.

    ``axis_labels`` may hold two lines separated by ``\\n`` (title, date).
    """
    left, right_labels, top, bottom_axis = 34.0, 190.0, 12.0, 40.0
    x0, x1 = left, width - right_labels
    y0, y1 = height - bottom_axis, top
    n = len(axis_labels)

    def x(i: int) -> float:
        return (x0 + x1) / 2 if n <= 1 else x0 + (x1 - x0) * i / (n - 1)

    def y(v: float) -> float:
        return y0 + (y1 - y0) * max(0.0, min(100.0, v)) / 100.0

    body: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        ty = y(tick)
        body.append(tag("line", x1=x0 - 4, y1=ty, x2=x1 + 4, y2=ty, stroke=GRID, stroke_width=1.0))
        body.append(text(x0 - 8, ty + 4, str(tick), text_anchor="end", fill=MUTED))
    slot = (x1 - x0) / max(1, n - 1) if n > 1 else x1 - x0
    # Outer labels hang inwards from their tick, inner ones are centred: 0.62 of a slot
    # keeps neighbours apart.  A label's lines are given by "\n" (e.g. title, date).
    label_width = max(56.0, 0.62 * slot)
    for i, label in enumerate(axis_labels):
        body.append(tag("line", x1=x(i), y1=y0, x2=x(i), y2=y1, stroke=GRID, stroke_width=0.5))
        anchor = "start" if n > 1 and i == 0 else "end" if n > 1 and i == n - 1 else "middle"
        parts = [wrap(part, label_width, MIN_FONT, 1)[0] for part in label.split("\n")[:2]]
        for k, part in enumerate(parts):
            body.append(text(x(i), y0 + 16 + 13 * k, part, text_anchor=anchor, fill=MUTED))
    ends: list[tuple[float, int]] = []
    colors: dict[int, str] = {}
    order = sorted(range(len(lines)), key=lambda k: lines[k].emphasis)  # emphasis on top
    color_index = 0
    for k in range(len(lines)):
        if lines[k].emphasis:
            colors[k] = primary
        else:
            colors[k] = LINE_COLORS[color_index % len(LINE_COLORS)]
            color_index += 1
    for k in order:
        line = lines[k]
        stroke = colors[k]
        w = 3.0 if line.emphasis else 1.6
        for i in range(1, len(line.values)):
            a, b = line.values[i - 1], line.values[i]
            if a is None or b is None:
                continue
            ok = line.comparable[i] if i < len(line.comparable) else True
            body.append(
                tag(
                    "line",
                    x1=x(i - 1),
                    y1=y(a),
                    x2=x(i),
                    y2=y(b),
                    stroke=stroke,
                    stroke_width=w,
                    stroke_dasharray=None if ok else "4 4",
                    stroke_opacity=None if ok else 0.55,
                    stroke_linecap="round",
                )
            )
        for i, v in enumerate(line.values):
            if v is not None:
                body.append(
                    tag("circle", cx=x(i), cy=y(v), r=4.0 if line.emphasis else 2.6, fill=stroke)
                )
        last = next(
            (i for i in range(len(line.values) - 1, -1, -1) if line.values[i] is not None), None
        )
        if last is not None:  # label every line at the right, at its last value
            value = line.values[last]
            assert value is not None
            ends.append((y(value), k))
    placed = _spread(ends, 13.0, y1 + 4, y0)
    for k, ly in placed.items():
        line = lines[k]
        label = wrap(line.label, right_labels - 18, MIN_FONT, 1)[0]
        body.append(
            text(
                x1 + 10,
                ly + 4,
                label,
                fill=colors[k],
                font_weight="bold" if line.emphasis else None,
            )
        )
    return document(width, height, body, title, lang)
