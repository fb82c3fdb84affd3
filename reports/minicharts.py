"""Small SVG charts of an element section: the score strip and the answer bars.

Like :mod:`reports.charts`, every function takes formatted, translated values and returns an
image; suppressed groups arrive without a value and are drawn as "suppressed".
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from reports.svg import MIN_FONT, document, mix, num, spread, tag, text, text_on, width_of
from reports.viewmodel import Palette

WIDTH = 640.0
MUTED = "#5f6670"
DARK = "#1a1a1a"
TRACK = "#eef0f2"


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
        out.append(
            mix(warm, mid, t / 0.5) if t < 0.5 else mix(mid, palette.primary, (t - 0.5) / 0.5)
        )
    return out


def _legend_rows(
    items: Sequence[tuple[str, str]], top: float, width: float
) -> tuple[list[str], float]:
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


def distribution(
    segments: Sequence[tuple[int, str]],
    label: str,
    lang: str,
    legend: Sequence[tuple[str, str]] = (),
    shares: Sequence[str] | None = None,
) -> Markup:
    """A 100 % stacked bar of answer counts with shares where they fit, and an optional legend.

    ``shares`` are the segments' shares as the report writes percentages in its language
    (``Formatter.percent``); without them a plain "12%" is written.
    """
    height = 20.0
    total = sum(c for c, _ in segments)
    body: list[str] = (
        [] if total else [tag("rect", x=0.0, y=0.0, width=WIDTH, height=height, fill=TRACK)]
    )
    x = 0.0
    for k, (count, color) in enumerate(segments if total else ()):
        if not count:
            continue
        w = WIDTH * count / total
        body.append(tag("rect", x=x, y=0.0, width=w, height=height, fill=color))
        share = shares[k] if shares is not None else f"{round(100 * count / total)}%"
        if w >= width_of(share, MIN_FONT) + 6:
            body.append(text(x + w / 2, 14, share, text_anchor="middle", fill=text_on(color)))
        x += w
    if legend:
        rows, height = _legend_rows(legend, height + 16, WIDTH)
        body += rows
    return document(WIDTH, height, body, label, lang)


def strip(
    score: float | None,
    score_text: str,
    target: float,
    marks: Sequence[tuple[str, float]],
    palette: Palette,
    labels: dict[str, str],
    lang: str,
) -> Markup:
    """An element's score, target and group scores on one 0-100 scale."""
    x0, x1, axis = 8.0, WIDTH - 8, 30.0

    def at(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100

    body = [tag("rect", x=x0, y=axis - 3, width=x1 - x0, height=6.0, fill=TRACK)]
    if score is not None:
        body.append(
            tag("rect", x=x0, y=axis - 3, width=at(score) - x0, height=6.0, fill=palette.tints[2])
        )
    for tick in (0, 50, 100):
        body.append(text(at(tick), axis + 40, str(tick), text_anchor="middle", fill=MUTED))
    tx = at(target)
    sx = at(score) if score is not None else None
    body.append(tag("rect", x=tx - 1.25, y=axis - 12, width=2.5, height=24.0, fill=DARK))
    near = sx is not None and abs(sx - tx) < 60
    t_anchor = "end" if (near and sx is not None and sx > tx) or tx > x1 - 80 else "start"
    body.append(
        text(
            tx + (5 if t_anchor == "start" else -5),
            axis - 14,
            labels["target"],
            fill=MUTED,
            text_anchor=t_anchor,
        )
    )
    placed = sorted(marks, key=lambda m: m[1])
    widths = [width_of(name, MIN_FONT) for name, _value in placed]
    lefts = spread(
        [(at(value), w) for (_name, value), w in zip(placed, widths, strict=True)], 0.0, WIDTH
    )
    for (name, value), left, w in zip(placed, lefts, widths, strict=True):
        mx = at(value)
        body.append(tag("path", d=f"M{num(mx)} {num(axis + 5)}l-5 8h10z", fill=MUTED))
        body.append(text(left + w / 2, axis + 25, name, fill=MUTED, text_anchor="middle"))
    if sx is not None:
        body.append(
            tag(
                "circle",
                cx=sx,
                cy=float(axis),
                r=7.0,
                fill=palette.primary,
                stroke="#ffffff",
                stroke_width=2.0,
            )
        )
        if near:
            anchor, lx = ("start", sx + 9) if sx > tx else ("end", sx - 9)
        else:
            anchor = "end" if sx > x1 - 60 else "start" if sx < x0 + 40 else "middle"
            lx = sx
        body.append(
            text(
                lx,
                axis - 12,
                score_text,
                13.0,
                text_anchor=anchor,
                font_weight="bold",
                fill=palette.ink,
            )
        )
    return document(WIDTH, axis + 46, body, labels["title"], lang)
