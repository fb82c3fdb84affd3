"""Tiny SVG writing helpers: escaping, colours and text measurement for hand-made charts.

Charts are drawn in CSS pixels at their printed size (1 px = 0.75 pt), so a font size of
``MIN_FONT`` px is 8.25 pt on paper.  Every text and attribute value is escaped here.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

MIN_FONT = 11.0
"""Smallest font size used in charts, in px (8.25 pt)."""
LATIN_STACK = "'Noto Sans', 'Noto Sans CJK SC', sans-serif"
CJK_STACK = "'Noto Sans CJK SC', 'Noto Sans', sans-serif"


def num(x: float) -> str:
    """A compact coordinate."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def tag(name: str, body: str = "", **attrs: object) -> str:
    """An SVG element; ``attrs`` with ``_`` become ``-`` and None values are left out."""
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = num(value)
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"')
    head = " ".join(parts)
    return f"<{head}>{body}</{name}>" if body else f"<{head}/>"


def text(x: float, y: float, content: str, size: float = MIN_FONT, **attrs: object) -> str:
    """A text element; ``content`` is escaped."""
    return tag("text", str(escape(content)), x=x, y=y, font_size=size, **attrs)


def svg_source(
    width: float, height: float, body: Iterable[str], label: str, lang: str = "en"
) -> str:
    """A complete SVG document of ``width`` × ``height`` px with an accessible label."""
    stack = CJK_STACK if lang.split("-")[0] in ("zh", "ja", "ko") else LATIN_STACK
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(stack)}" fill="#1a1a1a">'
    )
    return head + "".join(body) + "</svg>"


def document(
    width: float, height: float, body: Iterable[str], label: str, lang: str = "en"
) -> Markup:
    """An SVG chart as an ``<img>`` with a ``data:`` URI.

    WeasyPrint parses an SVG image with a fast XML parser and keeps its elements out of the
    HTML style cascade, which makes a chart-heavy report markedly faster than inline SVG;
    identical images (shared legends) are decoded once.
    """
    source = svg_source(width, height, body, label, lang)
    uri = "data:image/svg+xml;base64," + base64.b64encode(source.encode("utf-8")).decode("ascii")
    return Markup(
        f'<img class="chart" src="{uri}" width="{num(width)}" height="{num(height)}" '
        f'alt="{escape(label)}">'
    )


def char_width(ch: str) -> float:
    """Approximate advance of a character in em for Noto Sans (CJK full width = 1)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "il.,:;'|!ıj ":
        return 0.3
    if "\u0400" <= ch <= "\u04ff":  # Cyrillic runs wider than Latin in Noto Sans
        return 0.74 if ch.isupper() else 0.62
    if ch.isupper() or ch in "mwMW@%":
        return 0.68
    return 0.56


def width_of(content: str, size: float) -> float:
    """Approximate rendered width of ``content`` at ``size`` px."""
    return sum(char_width(ch) for ch in content) * size


def wrap(content: str, max_width: float, size: float, max_lines: int | None = 2) -> list[str]:
    """Break ``content`` into lines no wider than ``max_width`` (between words; CJK between
    characters).  Past ``max_lines`` the last line is ellipsized; with ``max_lines=None``
    nothing is ever cut, and a word wider than ``max_width`` keeps a line of its own."""
    words = _words(content)
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = current + word if current else word.lstrip()
        if current and width_of(candidate, size) > max_width:
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current = candidate
    if current:
        lines.append(current.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width_of(last + "…", size) > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def wrap_balanced(content: str, max_width: float, size: float, max_lines: int = 4) -> list[str]:
    """Wrap ``content`` without cutting anything, in as few lines as ``max_width`` allows,
    and those lines as even as possible (a label of two lines is not one long line and one
    word).  More than ``max_lines`` lines only when the words need them."""
    lines = wrap(content, max_width, size, None)
    if len(lines) < 2:
        return lines
    # The narrowest width that still gives the same number of lines.
    lo, hi = max(width_of(w.strip(), size) for w in _words(content)), max_width
    for _ in range(12):
        mid = (lo + hi) / 2
        if len(wrap(content, mid, size, None)) <= len(lines):
            hi = mid
        else:
            lo = mid
    return wrap(content, hi, size, None)


def spread(
    spans: Sequence[tuple[float, float]], lo: float, hi: float, gap: float = 6.0
) -> list[float]:
    """Left edges for labels of (desired centre, width) so that none overlaps the next (at
    least ``gap`` apart, in the given order) and all stay inside ``lo``…``hi`` where they fit.

    Each label moves as little as the ones around it allow: a left-to-right sweep pushes
    labels right, a right-to-left sweep pulls them back inside ``hi``.
    """
    lefts = [centre - width / 2 for centre, width in spans]
    widths = [width for _centre, width in spans]
    for i in range(len(lefts)):
        floor = lo if i == 0 else lefts[i - 1] + widths[i - 1] + gap
        lefts[i] = max(lefts[i], floor)
    for i in reversed(range(len(lefts))):
        ceiling = hi - widths[i] if i == len(lefts) - 1 else lefts[i + 1] - gap - widths[i]
        lefts[i] = min(lefts[i], ceiling)
    if lefts and lefts[0] < lo:  # too little room for all: keep the order from ``lo``
        lefts[0] = lo
        for i in range(1, len(lefts)):
            lefts[i] = max(lefts[i], lefts[i - 1] + widths[i - 1] + gap)
    return lefts


def _words(content: str) -> list[str]:
    """Words with their leading space; CJK characters are words of their own."""
    out: list[str] = []
    buf = ""
    for ch in content:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if buf:
                out.append(buf)
                buf = ""
            out.append(ch)
        elif ch == " " and buf.strip():
            out.append(buf)
            buf = " "
        else:
            buf += ch
    if buf:
        out.append(buf)
    return out


def lines(
    x: float,
    y: float,
    rows: list[str],
    size: float = MIN_FONT,
    leading: float = 1.2,
    **attrs: object,
) -> str:
    """Several text lines starting at baseline ``y``."""
    return "".join(
        text(x, y + i * size * leading, row, size, **attrs) for i, row in enumerate(rows)
    )


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` to a tuple."""
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    """A tuple to ``#rrggbb``."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def mix(a: str, b: str, t: float) -> str:
    """Blend colour ``a`` towards ``b`` by ``t`` in [0, 1]."""
    ra, rb = hex_to_rgb(a), hex_to_rgb(b)
    return rgb_to_hex(tuple(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))  # type: ignore[arg-type]


def luminance(color: str) -> float:
    """Relative luminance (WCAG)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(color: str) -> str:
    """Dark or white text, whichever reads better on ``color``."""
    return "#ffffff" if contrast(color, "#ffffff") >= contrast(color, "#1a1a1a") else "#1a1a1a"
