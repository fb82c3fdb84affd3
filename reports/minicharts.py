"""Small SVG charts of an element section: score strip, role bars, KPI bands, answer bars.

Like :mod:`reports.charts`, every function takes formatted, translated values and returns an
image; suppressed groups arrive without a value and are drawn as "suppressed".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from reports.svg import MIN_FONT, document, lines, mix, num, tag, text, text_on, width_of, wrap
from reports.viewmodel import Palette

WIDTH = 640.0
MUTED = "#5f6670"
DARK = "#1a1a1a"
TRACK = "#eef0f2"


@dataclass(frozen=True, slots=True)
class RoleBar:
    """A row of the role chart: label, respondents and the score (None if hidden)."""

    label: str
    n: str
    score: float | None
    value: str | None
    suppressed: bool
    role: str
    group: bool = False


def option_colors(scores: Sequence[float], palette: Palette) -> list[str]:
    """Colours for answer options from worst (warm) through grey to best (primary)."""
    if not scores:
        return []
    lo, hi = min(scores), max(scores)
    span = (hi - lo) or 1.0
    warm, mid = "#b5523b", "#d5d8dc"
    out = []
    for s in scores:
        t = (s - lo) / span
        out.append(mix(warm, mid, t / 0.5) if t < 0.5 else mix(mid, palette.primary, (t - 0.5) / 0.5))
    return out


def _legend_rows(items: Sequence[tuple[str, str]], top: float, width: float) -> tuple[list[str], float]:
    body: list[str] = []
    x, y = 0.0, top
    for label, color in items:
        w = 13 + width_of(label, MIN_FONT) + 12
        if x and x + w > width:
            x, y = 0.0, y + 15
        body.append(tag("rect", x=x, y=y - 8.5, width=9.0, height=9.0, fill=color))
        body.append(text(x + 13, y, label, fill="#374151"))
        x += w
    return body, y + 5


def distribution(segments: Sequence[tuple[int, str]], label: str, lang: str,
                 legend: Sequence[tuple[str, str]] = ()) -> Markup:
    """A 100 % stacked bar of answer counts with shares where they fit, and an optional legend."""
    height = 20.0
    total = sum(c for c, _ in segments)
    body: list[str] = [tag("rect", x=0.0, y=0.0, width=WIDTH, height=height, fill=TRACK)]
    x = 0.0
    for count, color in segments if total else ():
        if not count:
            continue
        w = WIDTH * count / total
        body.append(tag("rect", x=x, y=0.0, width=w, height=height, fill=color))
        share = f"{round(100 * count / total)}%"
        if w >= width_of(share, MIN_FONT) + 6:
            body.append(text(x + w / 2, 14, share, text_anchor="middle", fill=text_on(color)))
        x += w
    if legend:
        rows, height = _legend_rows(legend, height + 16, WIDTH)
        body += rows
    return document(WIDTH, height, body, label, lang)


def legend(items: Sequence[tuple[str, str]], label: str, lang: str) -> Markup:
    """A colour legend on its own, for answer options shared by several questions."""
    body, height = _legend_rows(items, 11, WIDTH)
    return document(WIDTH, height, body, label, lang)


def kpi_bands(bands: Sequence[tuple[str, int, bool, int]], palette: Palette, label: str,
              count_label: str, lang: str) -> Markup:
    """A KPI's bands side by side (label, answers); the band of the median is filled."""
    n = max(1, len(bands))
    gap = 4.0
    w = (WIDTH - gap * (n - 1)) / n
    wrapped = [wrap(name, w - 12, MIN_FONT, 2) for name, *_ in bands]
    rows = max((len(p) for p in wrapped), default=1)
    height = 14 + rows * 13.2 + 16
    body: list[str] = []
    for i, ((_name, count, active, _rank), parts) in enumerate(zip(bands, wrapped, strict=True)):
        x = i * (w + gap)
        fill = palette.primary if active else "#f3f4f6"
        ink = text_on(fill)
        body.append(tag("rect", x=x, y=0.0, width=w, height=height, fill=fill))
        body.append(lines(x + 6, 15, parts, fill=ink, font_weight="bold" if active else None))
        body.append(text(x + 6, height - 6, count_label % {"n": count},
                         fill=ink if active else MUTED))
    return document(WIDTH, height, body, label, lang)


def role_bars(rows: Sequence[RoleBar], palette: Palette, labels: dict[str, str],
              lang: str) -> Markup:
    """Scores per role and for leadership and frontline; suppressed groups show no bar."""
    label_w, n_x, x0, x1, row_h, top = 250.0, 296.0, 312.0, 600.0, 21.0, 16.0
    height = top + row_h * len(rows) + 6
    body = [
        text(0, 11, labels["group"], fill=MUTED, font_weight="bold"),
        text(n_x, 11, labels["n"], fill=MUTED, font_weight="bold", text_anchor="end"),
        text(x0, 11, labels["score"], fill=MUTED, font_weight="bold"),
    ]
    for i, row in enumerate(rows):
        y = top + row_h * i
        cy = y + row_h / 2
        attrs = {"data_role": row.role}
        if row.group and (i == 0 or not rows[i - 1].group):
            body.append(tag("line", x1=0.0, y1=y + 1, x2=WIDTH, y2=y + 1, stroke="#9ca3af",
                            stroke_width=0.75))
        weight = "bold" if row.group else None
        name = wrap(row.label, label_w - 4, MIN_FONT, 1)[0]
        body.append(text(0, cy + 4, name, font_weight=weight))
        body.append(text(n_x, cy + 4, row.n, text_anchor="end", fill=MUTED))
        body.append(tag("rect", x=x0, y=cy - 6, width=x1 - x0, height=12.0, fill=TRACK))
        if row.suppressed:
            body.append(text(x0 + 6, cy + 4, labels["suppressed"], fill=MUTED,
                             font_style="italic", **attrs))
        elif row.score is None or row.value is None:
            body.append(text(x0 + 6, cy + 4, "–", fill=MUTED, **attrs))
        else:
            end = x0 + (x1 - x0) * max(0.0, min(100.0, row.score)) / 100
            fill = palette.primary if row.group else palette.tints[2]
            body.append(tag("rect", x=x0, y=cy - 6, width=max(1.0, end - x0), height=12.0,
                            fill=fill, **attrs))
            body.append(text(end + 5, cy + 4, row.value, font_weight="bold", **attrs))
    return document(WIDTH, height, body, labels["title"], lang)


def strip(score: float | None, score_text: str, target: float, marks: Sequence[tuple[str, float]],
          palette: Palette, labels: dict[str, str], lang: str) -> Markup:
    """An element's score, target and group scores on one 0-100 scale."""
    x0, x1, axis = 8.0, WIDTH - 8, 30.0

    def at(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100

    body = [tag("rect", x=x0, y=axis - 3, width=x1 - x0, height=6.0, fill=TRACK)]
    if score is not None:
        body.append(tag("rect", x=x0, y=axis - 3, width=at(score) - x0, height=6.0,
                        fill=palette.tints[2]))
    for tick in range(0, 101, 20):
        body.append(text(at(tick), axis + 40, str(tick), text_anchor="middle", fill=MUTED))
    tx = at(target)
    sx = at(score) if score is not None else None
    body.append(tag("rect", x=tx - 1.25, y=axis - 12, width=2.5, height=24.0, fill=DARK))
    near = sx is not None and abs(sx - tx) < 60
    t_anchor = "end" if (near and sx is not None and sx > tx) or tx > x1 - 80 else "start"
    body.append(text(tx + (5 if t_anchor == "start" else -5), axis - 14, labels["target"],
                     fill=MUTED, text_anchor=t_anchor))
    placed = sorted(marks, key=lambda m: m[1])
    for k, (name, value) in enumerate(placed):
        mx = at(value)
        body.append(tag("path", d=f"M{num(mx)} {num(axis + 5)}l-5 8h10z", fill=MUTED))
        close_prev = k > 0 and mx - at(placed[k - 1][1]) < 110
        close_next = k + 1 < len(placed) and at(placed[k + 1][1]) - mx < 110
        if close_next or mx > x1 - 60:
            anchor, lx = "end", mx + 4
        elif close_prev or mx < x0 + 60:
            anchor, lx = "start", mx - 4
        else:
            anchor, lx = "middle", mx
        body.append(text(lx, axis + 25, name, fill=MUTED, text_anchor=anchor))
    if sx is not None:
        body.append(tag("circle", cx=sx, cy=float(axis), r=7.0, fill=palette.primary,
                        stroke="#ffffff", stroke_width=2.0))
        if near:
            anchor, lx = ("start", sx + 9) if sx > tx else ("end", sx - 9)
        else:
            anchor = "end" if sx > x1 - 60 else "start" if sx < x0 + 40 else "middle"
            lx = sx
        body.append(text(lx, axis - 12, score_text, 13.0, text_anchor=anchor, font_weight="bold",
                         fill=palette.ink))
    return document(WIDTH, axis + 46, body, labels["title"], lang)
