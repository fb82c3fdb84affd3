"""A line/slope chart of scores across assessments, as SVG drawn without a browser.

Used by the web trend page and the report's trend section.  Takes plain numbers and
already-translated labels.  A step that is not comparable is drawn dashed and pale, so the
eye does not read it as a change; a missing value leaves a gap.

Every line is named at the right, in full (wrapped to up to three lines), and a thin leader
joins each name to its line's last point.  Names are stacked so they never overlap; when
many lines end close together the chart grows taller rather than squeezing them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import MIN_FONT, contrast, document, mix, tag, text, wrap

GRID = "#d6d9de"
MUTED = "#5f6670"
DARK = "#1a1a1a"
WHITE = "#ffffff"
LINE_COLORS = (
    "#1f77b4",
    "#d55e00",
    "#2ca02c",
    "#9467bd",
    "#c2185b",
    "#8c564b",
    "#00838f",
    "#827717",
    "#5a5a8c",
    "#d62728",
    "#33691e",
    "#6a3d9a",
)
"""Element line colours, each at least 3:1 against white (WCAG for graphics)."""
LEADING = 13.0
"""Distance between the baselines of a wrapped label's lines, px."""
LABEL_GAP = 3.0
"""Free space between two stacked labels, px."""
LABEL_LINES = 3
"""A name longer than this many lines is shortened with an ellipsis."""


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


def place_labels(wanted: Sequence[tuple[float, float]], top: float, bottom: float) -> list[float]:
    """Top edges for label blocks so that none overlap, each as near its wish as it can be.

    ``wanted`` holds (centre the label would like, block height) pairs.  Blocks keep their
    order by wish, are ``LABEL_GAP`` apart, and stay within ``top``..``bottom`` when they fit
    (otherwise they start at ``top`` and run past ``bottom``).  Clusters of blocks that push
    each other are centred on their wishes, so a crowd spreads both up and down.
    """
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i][0], i))
    # Each cluster: [indices, top edge]; merged while it overlaps the one above.
    clusters: list[tuple[list[int], float]] = []

    def extent(members: list[int]) -> float:
        return sum(wanted[i][1] for i in members) + LABEL_GAP * (len(members) - 1)

    def best_top(members: list[int]) -> float:
        # Offsets of each block's centre from the cluster top; centre them on the wishes.
        offsets, run = [], 0.0
        for i in members:
            offsets.append(run + wanted[i][1] / 2)
            run += wanted[i][1] + LABEL_GAP
        start = sum(wanted[i][0] - off for i, off in zip(members, offsets, strict=True))
        start /= len(members)
        return max(top, min(start, bottom - extent(members)))

    for i in order:
        members = [i]
        start = best_top(members)
        while clusters:
            above, above_top = clusters[-1]
            if above_top + extent(above) + LABEL_GAP <= start:
                break
            clusters.pop()
            members = above + members
            start = best_top(members)
        clusters.append((members, start))
    tops = [0.0] * len(wanted)
    for members, start in clusters:
        y = start
        for i in members:
            tops[i] = y
            y += wanted[i][1] + LABEL_GAP
    return tops


def readable(color: str, minimum: float = 4.5) -> str:
    """``color`` darkened just enough to read as text on white."""
    shade = color
    step = 0
    while contrast(shade, WHITE) < minimum and step < 10:
        step += 1
        shade = mix(color, DARK, step / 10)
    return shade


def trend_chart(
    axis_labels: Sequence[str],
    lines: Sequence[Line],
    title: str,
    lang: str = "en",
    width: float = 640.0,
    height: float = 320.0,
) -> Markup:
    """Scores (0-100) per assessment, one line per series, named at the right end.

    ``axis_labels`` may hold two lines separated by ``\\n`` (title, date).  The emphasised
    line (overall) is always thick and near-black with a bold name, so it stands apart from
    every element colour (never in the brand colour, which may be close to one of them).
    """
    left, right_labels, top, bottom_axis = 34.0, 220.0, 12.0, 40.0
    x0, x1 = left, width - right_labels
    fan_start, fan_end = x1 + 12.0, x1 + 34.0
    label_x = fan_end + 5.0
    label_width = width - label_x - 4.0
    strong = DARK
    colors: dict[int, str] = {}
    color_index = 0
    for k, line in enumerate(lines):
        if line.emphasis:
            colors[k] = strong
        else:
            colors[k] = LINE_COLORS[color_index % len(LINE_COLORS)]
            color_index += 1
    names = {
        k: wrap(line.label, label_width, MIN_FONT, LABEL_LINES) for k, line in enumerate(lines)
    }

    def block(k: int) -> float:
        return LABEL_GAP + LEADING * len(names[k])

    def last_index(line: Line) -> int | None:
        return next(
            (i for i in range(len(line.values) - 1, -1, -1) if line.values[i] is not None), None
        )

    ending = [k for k, line in enumerate(lines) if last_index(line) is not None]
    needed = sum(block(k) for k in ending) + LABEL_GAP * max(0, len(ending) - 1) + 8.0
    height = max(height, needed)
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
    axis_width = max(56.0, 0.62 * slot)
    for i, label in enumerate(axis_labels):
        body.append(tag("line", x1=x(i), y1=y0, x2=x(i), y2=y1, stroke=GRID, stroke_width=0.5))
        anchor = "start" if n > 1 and i == 0 else "end" if n > 1 and i == n - 1 else "middle"
        parts = [wrap(part, axis_width, MIN_FONT, 1)[0] for part in label.split("\n")[:2]]
        for k, part in enumerate(parts):
            body.append(text(x(i), y0 + 16 + 13 * k, part, text_anchor=anchor, fill=MUTED))

    ends: dict[int, tuple[float, float]] = {}
    order = sorted(range(len(lines)), key=lambda k: lines[k].emphasis)  # emphasis on top
    for k in order:
        line = lines[k]
        stroke = colors[k]
        w = 3.2 if line.emphasis else 2.0
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
                    stroke_opacity=None if ok else 0.6,
                    stroke_linecap="round",
                )
            )
        for i, v in enumerate(line.values):
            if v is not None:
                body.append(
                    tag("circle", cx=x(i), cy=y(v), r=4.0 if line.emphasis else 2.8, fill=stroke)
                )
        last = last_index(line)
        if last is not None:
            value = line.values[last]
            assert value is not None
            ends[k] = (x(last), y(value))

    keys = sorted(ends)
    tops = place_labels([(ends[k][1], block(k)) for k in keys], 4.0, height - 4.0)
    for k, block_top in zip(keys, tops, strict=True):
        line = lines[k]
        ex, ey = ends[k]
        rows = names[k]
        middle = block_top + block(k) / 2
        # The leader: along the line's level past the last column, then across to the name.
        points = f"{ex + 5:.1f},{ey:.1f} {fan_start:.1f},{ey:.1f} {fan_end:.1f},{middle:.1f}"
        points += f" {fan_end + 3:.1f},{middle:.1f}"
        first = middle - LEADING * (len(rows) - 1) / 2 + MIN_FONT * 0.36
        parts = [
            tag(
                "polyline",
                points=points,
                fill="none",
                stroke=colors[k],
                stroke_width=1.2 if line.emphasis else 0.8,
            )
        ]
        for r, row in enumerate(rows):
            parts.append(
                text(
                    label_x,
                    first + LEADING * r,
                    row,
                    fill=readable(colors[k]),
                    font_weight="bold" if line.emphasis else None,
                )
            )
        body.append(tag("g", "".join(parts), class_="end-label"))
    return document(width, height, body, title, lang)
