"""Report colours derived from the branding primary colour."""

from __future__ import annotations

from reports.svg import contrast, mix, text_on
from reports.viewmodel import Palette

_TINT_STEPS = (0.14, 0.32, 0.52, 0.76, 1.0)


def make_palette(primary: str) -> Palette:
    """Tints per maturity level and a text-safe ``ink`` variant of ``primary`` (#rrggbb)."""
    ink = primary
    step = 0.0
    while contrast(ink, "#ffffff") < 4.5 and step < 1.0:
        step += 0.05
        ink = mix(primary, "#000000", step)
    tints = tuple(mix("#ffffff", primary, t) for t in _TINT_STEPS)
    return Palette(
        primary=primary,
        ink=ink,
        tints=tints,
        on_tints=tuple(text_on(t) for t in tints),
        light=mix("#ffffff", primary, 0.07),
    )
