"""Draw a plain SVG text run with one Pango layout instead of one per letter.

WeasyPrint positions and draws SVG text letter by letter (so that per-letter ``x``/``y``/
``rotate`` lists work), creating a Pango layout for every letter.  The report's charts have
about 3 000 letters of labels; measured on the standard report, they cost 0.6 s of a 3.5 s
render.  :func:`install` replaces WeasyPrint's ``text`` drawing function with one that
takes a fast path for the only kind of text the charts use — one position, no per-letter
lists, no ``rotate``, ``textLength`` or ``letter-spacing`` — and hands everything else to
WeasyPrint's own function.  The fast path lays out the run at once (which also keeps the
font's kerning) and keeps WeasyPrint's bookkeeping: cursor position, bounding box (used by
``text-anchor``), fill and stroke.

Like :mod:`reports.paging` this depends on WeasyPrint internals, so it is installed only
for the versions listed there (:func:`reports.paging.supported`).
"""

from __future__ import annotations

import importlib
import threading
from math import inf
from typing import Any

from reports.paging import supported

_lock = threading.Lock()
_original: Any = None
_styles: dict[tuple[Any, ...], Any] = {}
_ALIGN_MIDDLE = ("central", "middle")
_ALIGN_TOP = ("text-before-edge", "before_edge", "top", "hanging", "text-top")
_ALIGN_BOTTOM = ("text-after-edge", "after_edge", "bottom", "text-bottom")


def _single(svg: Any, node: Any, name: str, font_size: float, extent: float) -> float | None:
    value = node.attrib.get(name)
    if value is None:
        return None
    from weasyprint.svg.utils import normalize, size

    values = normalize(value).strip().split(" ")
    if len(values) != 1:
        raise _NotPlain
    return float(size(values[0], font_size, extent))


class _NotPlain(Exception):
    """The text needs WeasyPrint's letter-by-letter drawing."""


def _style(svg: Any, node: Any, font_size: float) -> Any:
    """The text style WeasyPrint builds for an SVG text node, shared between equal nodes.

    The style is only read while laying out and drawing, so nodes with the same font
    properties can share one (the charts use a handful of combinations).
    """
    family = node.get("font-family", "sans-serif")
    key = (
        id(svg.font_config),
        family,
        node.get("font-style", "normal"),
        node.get("font-weight", 400),
        font_size,
        node.get("direction"),
    )
    style = _styles.get(key)
    if style is None:
        style = _styles[key] = _new_style(svg, node, font_size, family)
        if len(_styles) > 256:
            _styles.pop(next(iter(_styles)))
    return style


def _new_style(svg: Any, node: Any, font_size: float, family: str) -> Any:
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in family.split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    return style


def _plain_text(svg: Any, node: Any, font_size: float) -> None:
    if (
        node.tag not in ("text", "tspan")
        or not node.text
        or "rotate" in node.attrib
        or "textLength" in node.attrib
        or svg.length(node.get("letter-spacing"), font_size)
    ):
        _original(svg, node, font_size)
        return
    try:
        x = _single(svg, node, "x", font_size, svg.inner_width)
        y = _single(svg, node, "y", font_size, svg.inner_height)
        dx = _single(svg, node, "dx", font_size, svg.inner_width)
        dy = _single(svg, node, "dy", font_size, svg.inner_height)
    except _NotPlain:
        _original(svg, node, font_size)
        return

    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.text.ffi import FROM_UNITS, pango
    from weasyprint.text.line_break import create_layout, line_size

    style = _style(svg, node, font_size)
    # One layout, measured and then drawn (WeasyPrint's split_first_line would throw the
    # Pango objects away after measuring and the drawing would make them again).
    layout = create_layout(node.text, style, svg.context, inf, 0)
    first_line, _ = layout.get_first_line()
    width, height = line_size(first_line, style)
    baseline = pango.pango_layout_get_baseline(layout.layout) * FROM_UNITS

    # Vertical alignment exactly as WeasyPrint's letter-by-letter function computes it.
    ascent, descent = font_size * 0.8, font_size * 0.2
    display_anchor = node.get("display-anchor")
    alignment = node.get("dominant-baseline", node.get("alignment-baseline"))
    y_align = 0.0
    if display_anchor == "middle":
        y_align = -height / 2
    elif display_anchor == "top":
        pass
    elif display_anchor == "bottom":
        y_align = -height
    elif alignment in _ALIGN_MIDDLE:
        y_align = (ascent + descent) / 2 - descent
    elif alignment in _ALIGN_TOP:
        y_align = ascent
    elif alignment in _ALIGN_BOTTOM:
        y_align = -descent

    if x is not None:
        svg.cursor_d_position[0] = 0
    if y is not None:
        svg.cursor_d_position[1] = 0
    svg.cursor_d_position[0] += dx or 0
    svg.cursor_d_position[1] += dy or 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + y_align
    points = (
        (x_position, y_position - baseline),
        (x_position + width, y_position - baseline + height),
    )
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, points)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> bool:
    """Use the fast path for SVG text from now on; False if this WeasyPrint is not known."""
    global _original
    if not supported():
        return False
    with _lock:
        if _original is None:
            # ``weasyprint.svg.text`` the attribute is the function, not the module.
            weasy_svg = importlib.import_module("weasyprint.svg")
            _original = importlib.import_module("weasyprint.svg.text").text
            for tag, function in list(weasy_svg.TAGS.items()):
                if function is _original:
                    weasy_svg.TAGS[tag] = _plain_text
            # draw_node recognises text elements by comparing with this module global.
            weasy_svg.text = _plain_text  # type: ignore[attr-defined]
    return True
