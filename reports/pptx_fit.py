"""How much a deck's text must shrink to fit its box, estimated without font files.

PowerPoint applies a text box's "shrink text on overflow" only when the text is edited: a
file opens with the font scale it was saved with.  So the deck sizes its text itself: it
wraps each paragraph greedily with estimated glyph widths and scales every run down until
the paragraphs fit the box's height.  The widths are deliberately generous (a little wider
than Arial; Noto Sans, what Linux substitutes for it, is wider still), so the estimate errs
towards smaller text, never towards overflow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

EMU_PER_POINT = 12700
LINE_HEIGHT = 1.2
"""Line height as a multiple of the font size (single spacing)."""
MIN_SCALE = 0.55
"""Text is never shrunk below this share of its designed size."""

_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_TOKEN = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[^\\s\u2e80-\u9fff]+\\s*|\\s+"
)


@dataclass(frozen=True)
class Piece:
    """A run of text as the estimator sees it."""

    text: str
    size: float
    bold: bool = False


def char_em(ch: str) -> float:
    """Estimated advance width of one character, in ems."""
    if _WIDE.match(ch):
        return 1.0
    if ch == " ":
        return 0.28
    if ch.isupper():
        return 0.68
    if ch.isdigit():
        return 0.56
    if ch in "il.,:;'!|()[]":
        return 0.3
    if ch in "mwMWшщжфыюШЩЖФЫЮ":
        return 0.85
    return 0.55


def text_width(text: str, size: float, bold: bool) -> float:
    """Estimated width of ``text`` in points."""
    return sum(char_em(ch) for ch in text) * size * (1.08 if bold else 1.0)


def paragraph_height(pieces: Sequence[Piece], width: float, scale: float) -> float:
    """Height in points of one paragraph wrapped greedily into ``width`` points."""
    tallest = max((p.size for p in pieces), default=10.0) * scale
    lines, used = 1, 0.0
    for piece in pieces:
        for token in _TOKEN.findall(piece.text):
            w = text_width(token, piece.size * scale, piece.bold)
            if used + w > width and used > 0 and not token.isspace():
                lines += 1
                used = text_width(token.rstrip(), piece.size * scale, piece.bold)
                while used > width:  # a word longer than the line breaks anywhere
                    lines += 1
                    used -= width
            else:
                used += w
    return lines * tallest * LINE_HEIGHT


def fit_scale(
    paragraphs: Sequence[Sequence[Piece]],
    width_emu: int,
    height_emu: int,
    space_after: float,
) -> float:
    """The largest scale (1 or less, in steps of 5 %) at which the paragraphs fit."""
    width = width_emu / EMU_PER_POINT
    height = height_emu / EMU_PER_POINT
    scale = 1.0
    while scale > MIN_SCALE:
        total = sum(paragraph_height(p, width, scale) + space_after for p in paragraphs)
        if total <= height:
            return scale
        scale -= 0.05
    return MIN_SCALE
